#pragma once
// Where the op log is made durable. The platform implements it (IndexedDB in the
// browser, memory in tests) and reports each batch's outcome back through
// Desk::on_stored, possibly later (IndexedDB is async).
#include <cstdint>
#include <string>
#include <vector>

#include "core/op.h"

namespace edudesk {

struct StoreBatch {
  int64_t id = 0;
  std::vector<Op> ops;
  bool local = true;    // made here: also goes into the outbox, in the same transaction
  int64_t cursor = -1;  // pulled: the pull cursor to save with them (-1 = unchanged)
};

struct RejectedRecord {
  std::string id, code, reason;
};

class OpStore {
 public:
  virtual ~OpStore() = default;
  // Starts writing one batch atomically. Must eventually lead to Desk::on_stored(batch.id, …).
  virtual void append(const StoreBatch& batch) = 0;
  // The server has these: out of the outbox (acknowledged) or set aside (rejected).
  // Idempotent; if it is lost, the next push gets "duplicate" and does it again.
  virtual void settle(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& rejected) = 0;
};

}  // namespace edudesk
