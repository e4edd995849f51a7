#pragma once
// Where the op log is made durable. The platform implements it (IndexedDB in the
// browser, memory in tests, SQLite on the server later) and reports each batch's
// outcome back through Desk::on_stored, possibly later (IndexedDB is async).
#include <cstdint>
#include <vector>

#include "core/op.h"

namespace edudesk {

class OpStore {
 public:
  virtual ~OpStore() = default;
  // Starts writing one batch atomically. Must eventually lead to Desk::on_stored(batch, …).
  virtual void append(int64_t batch, const std::vector<Op>& ops) = 0;
};

}  // namespace edudesk
