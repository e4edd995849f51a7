#pragma once
// The op log in IndexedDB, reached directly from C++ (not IDBFS, whose
// whole-filesystem syncfs has lost entire databases). Database "edudesk" v2:
//   ops       auto-increment keys in arrival order, unique index on the op id
//   outbox    {id}: Ops not yet acknowledged by the server (written with the Op)
//   rejected  {id, code, reason}: Ops the server refused for good
//   meta      {k, v}: the pull cursor (written with the pulled Ops), the token
#include <functional>
#include <string>

#include "app/desk.h"
#include "app/op_store.h"

namespace edudesk::platform {

class IndexedDbStore : public OpStore {
 public:
  // One 'strict'-durability transaction per batch; Desk::on_stored follows from its
  // oncomplete (durable) or onerror/onabort (quota, blocked…).
  void append(const StoreBatch& batch) override;
  void settle(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& rejected) override;
};

enum class OpenOutcome { loaded, failed };

struct OpenResult {
  OpenOutcome outcome = OpenOutcome::failed;
  Restored restored;
  std::string token;
  std::string error;
};

// Opens the database and reads everything; calls `done` later (from the browser's
// event loop).
void open_store(std::function<void(OpenResult)> done);
// Wires batch outcomes to `cb` (Desk::on_stored).
void on_store_result(std::function<void(int64_t batch, bool ok, const std::string& error)> cb);
void save_meta(const std::string& key, const std::string& value);

}  // namespace edudesk::platform
