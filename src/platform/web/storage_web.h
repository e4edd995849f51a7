#pragma once
// The op log in IndexedDB, reached directly from C++ (not IDBFS, whose
// whole-filesystem syncfs has lost entire databases). Database "edudesk" v3:
//   ops       auto-increment keys in arrival order, unique index on the op id
//   outbox    {id}: Ops not yet acknowledged by the server (written with the Op)
//   rejected  {id, code, reason}: Ops the server refused for good
//   meta      {k, v}: the pull cursor (written with the pulled Ops), the token
//   snapshot  (v3) {k: "state", bytes} and {k: "info", key, count, size, at}: the State after
//             the Ops up to `key` (Desk::make_snapshot), for a fast start
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
  Restored restored;     // outbox, refused and cursor; the Ops went straight into the desk
  int64_t op_count = 0;  // how many Ops the log held
  std::string token;
  std::string error;
};

// Opens the database and streams the op log into `desk` (load_begin, load_op, load_end) a
// page at a time, from the browser's event loop so frames are drawn in between: `progress`
// (Ops applied, Ops in all) after each page but the last, `done` once everything is applied.
// A stored snapshot is restored first, in steps while its bytes arrive: `showing` after each
// step once the desk's State can be drawn (Desk::showable; the desk is loading() until done).
void open_store(Desk& desk, std::function<void(int64_t applied, int64_t total)> progress,
                std::function<void()> showing, std::function<void(OpenResult)> done);
// Writes a snapshot of the desk's State next to the log when the store agrees with the desk
// (same count of Ops, nothing in flight); the next start restores it and replays only the
// newer Ops. Asynchronous; Module.edudeskSnapshotLast tells what happened.
void write_snapshot(const Desk& desk);
// Wires batch outcomes to `cb` (Desk::on_stored).
void on_store_result(std::function<void(int64_t batch, bool ok, const std::string& error)> cb);
void save_meta(const std::string& key, const std::string& value);

}  // namespace edudesk::platform
