#pragma once
// The op log in IndexedDB, reached directly from C++ (not IDBFS, whose
// whole-filesystem syncfs has lost entire databases). One object store "ops",
// auto-incremented keys in arrival order, a unique index on the op id.
#include <functional>
#include <string>
#include <vector>

#include "app/op_store.h"

namespace edudesk::platform {

class IndexedDbStore : public OpStore {
 public:
  // Writes one batch in one 'strict'-durability transaction; Desk::on_stored follows
  // from the transaction's oncomplete (durable) or onerror/onabort (quota, blocked…).
  void append(int64_t batch, const std::vector<Op>& ops) override;
};

enum class OpenOutcome { loaded, open_elsewhere, failed };

// Takes the single-tab lock, opens the database and reads the whole op log; calls
// `done` later (from the browser's event loop) with the Ops or the reason it could not.
void open_store(std::function<void(OpenOutcome, std::vector<Op>, const std::string& error)> done);

// Wires batch outcomes to `cb` (Desk::on_stored).
void on_store_result(std::function<void(int64_t batch, bool ok, const std::string& error)> cb);

}  // namespace edudesk::platform
