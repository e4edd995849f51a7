#pragma once
// The Desk holds the State and runs the one data path of the app:
//   Command → decide → Ops → apply (marked pending) → OpStore → on_stored → acknowledged
//                                                   └→ outbox → push → server
//   server → pull → receive → apply → OpStore (with the cursor)
// Ops are applied at once so the next Command sees them (a reply right after a
// create), but nothing is acknowledged to the person until the store says it is
// durable; a failed write keeps its Ops pending in memory, reported, retryable.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/op_store.h"
#include "app/text_codepoints.h"
#include "core/commands.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "sync/client.h"

namespace edudesk {

struct Submitted {
  bool ok = false;
  Error error;                                        // when !ok
  nlohmann::json result = nlohmann::json::object();  // e.g. ticket_id, number
  int64_t batch = 0;                                  // durable acknowledgement arrives for this batch
};

// What the local store held at start.
struct Restored {
  std::vector<Op> ops;                    // the op log in arrival order
  std::vector<std::string> outbox;        // ids not yet acknowledged by the server
  std::vector<RejectedRecord> rejected;   // refused by the server for good
  int64_t cursor = 0;
  // After restore_snapshot: the outbox and refused Ops the snapshot already covers, in arrival
  // order (the stored log's pages bring only the Ops newer than the snapshot).
  std::vector<Op> outbox_ops, rejected_ops;
};

class Desk {
 public:
  Desk(OpStore& store, std::string id_prefix, uint64_t jitter_seed = 1);

  // Replays what the store held. Ops the core refuses are counted (load_rejected)
  // and kept out of the State, never dropped from storage.
  void load(const Restored& r);
  // The same a page at a time, for a log too large to hold twice (the browser streams it from
  // IndexedDB): load_begin takes the outbox, the refused and the cursor (and r.ops, if any),
  // load_op each stored Op in arrival order, load_end finishes.
  void load_begin(const Restored& r);
  void load_op(const Op& op);
  void load_end();
  // A stored entry that is not a readable Op: counted (load_rejected), left in storage.
  void load_unreadable();

  // ---- snapshots: the State after a prefix of the stored log, for a fast start ----
  // The State, the clock and how many stored Ops they cover. Empty while a change is still
  // being written or has failed to be: only durable Ops may be in a snapshot.
  std::string make_snapshot() const;
  // Before load_begin: takes the State from a snapshot. False, the desk's State empty and `err`
  // saying why, when it is damaged or from another build of the core: replay the whole log.
  bool restore_snapshot(const char* data, size_t size, std::string& err);
  // The same in steps, while the bytes arrive (a browser streams them from IndexedDB): `data`
  // will hold `size` bytes and must stay until the last step; each step reads what the first
  // `available` allow, about `max_tickets` tickets (core/snapshot.h, SnapshotLoader). Once
  // showable() the State may be drawn: the newest tickets first, the rest arriving. Failed: the
  // State is empty again and `err` says why (replay the whole log).
  enum class RestoreStep { more, wait, done, failed };  // more: call again; wait: for more bytes
  void restore_snapshot_begin(const char* data, size_t size);
  RestoreStep restore_snapshot_step(size_t available, size_t max_tickets, std::string& err);
  // The bytes could not be read to the end: as a failed step (the State empty again).
  void restore_snapshot_cancel(const std::string& why);
  bool restoring() const { return restore_ != nullptr; }
  bool showable() const;            // no restore under way, or its State can be drawn
  double restore_progress() const;  // the share of the snapshot's bytes read (1 when none is under way)
  // From a restore or load_begin to load_end: the State is not whole, so submit refuses
  // ("loading"); the views may show it.
  bool loading() const { return loading_; }
  // After restore_snapshot, before load_begin: whether the snapshot holds this outbox or refused
  // Op itself (those it does not hold, the platform looks up by id for Restored::outbox_ops).
  bool snapshot_holds(const std::string& op_id) const { return snapshot_ids_.count(op_id) != 0; }
  // How many Ops the store holds as far as this desk knows: loaded, written here, or written
  // by another tab and heard of. A snapshot is written only when the store's count agrees.
  int64_t stored_ops() const { return stored_ops_; }
  // How many stored Ops the last snapshot written or restored covers (0: none).
  int64_t snapshot_covers() const { return snapshot_covers_; }
  void set_snapshot_covers(int64_t n) { snapshot_covers_ = n; }

  void sign_in(std::string agent_id) { actor_ = std::move(agent_id); }
  const std::string& actor() const { return actor_; }
  // Names this device in every Op it makes ("Chrome · Android"), for the ticket history.
  void set_device(std::string device) { device_ = std::move(device); }

  Submitted submit(const nlohmann::json& cmd, Millis now);
  // Called by the platform when a batch is durable (ok) or its write failed.
  void on_stored(int64_t batch, bool ok, const std::string& message);
  // Writes every failed batch again (the "retry" button).
  void retry_failed();

  // ---- sync ----
  sync::SyncClient& sync() { return sync_; }
  // Ops from the server: applied (duplicates skipped), stored with the new cursor.
  void receive(const sync::PullResponse& page);
  // The server's answer to a push: acknowledged Ops leave the outbox; refused ones
  // are taken back out of the State and listed for the agent with the reason.
  void on_push_answer(const sync::PushRequest& req, const sync::PushResponse& resp);
  // Several tabs: another tab made `ops` durable (local: its own changes, waiting for
  // the server; else: pulled, with the cursor). Applied here without writing again.
  void receive_peer(const std::vector<Op>& ops, bool local, int64_t cursor);
  // Another tab's sync settled these with the server.
  void settle_peer(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& rejected);

  struct RejectedOp {
    Op op;
    std::string code, reason;
  };
  const std::vector<RejectedOp>& rejected() const { return rejected_; }

  const State& state() const { return state_; }
  // The characters of every Op in the State (and of a restored snapshot's): the UI fetches
  // glyphs for those its font lacks.
  TextCodepoints& text_codepoints() { return text_; }
  bool is_pending(const std::string& op_id) const { return pending_ops_.count(op_id) != 0; }
  int64_t pending_count() const { return static_cast<int64_t>(pending_ops_.size()); }
  int64_t failed_batches() const { return static_cast<int64_t>(failed_.size()); }
  const std::string& storage_error() const { return storage_error_; }
  int64_t load_rejected() const { return load_rejected_; }

  // Told about every finished batch (ok or not); the page API resolves promises here.
  std::function<void(int64_t batch, bool ok, const std::string& message)> on_batch_done;
  // Told when a batch is durable, with its content (other tabs are told from here).
  std::function<void(const StoreBatch& batch)> on_durable;

 private:
  Submitted commit(std::vector<Op> ops, nlohmann::json result, bool local, int64_t cursor);
  bool apply_one(const Op& op);
  void take_back(const std::vector<RejectedRecord>& refused, const std::vector<Op>& candidates);
  void rewind_clock();
  RestoreStep restore_failed(std::string why, std::string& err);

  OpStore& store_;
  PrefixIds ids_;
  HlcClock clock_;
  sync::SyncClient sync_;
  std::string actor_;
  std::string device_;
  State state_;
  TextCodepoints text_;
  int64_t next_batch_ = 1;
  std::map<int64_t, StoreBatch> in_flight_, failed_;
  std::unordered_set<std::string> pending_ops_;
  std::vector<RejectedOp> rejected_;
  // Ops the server has settled. A tab may hear "settled" before it hears the Op
  // itself (the syncing tab can push before its own write completes), so a late
  // copy of a settled Op must not enter the mirrored outbox again.
  std::unordered_set<std::string> settled_;
  std::map<std::string, RejectedRecord> refused_early_;  // refused before this tab saw the Op
  std::string storage_error_;
  int64_t load_rejected_ = 0;
  int64_t stored_ops_ = 0, snapshot_covers_ = 0;
  mutable size_t snapshot_bytes_ = 0;  // the last snapshot made or restored: the next one reserves its size
  std::unordered_map<std::string, RejectedRecord> load_refused_;  // while loading
  // A restored snapshot's outbox and refused Ops, until load_begin takes them.
  std::vector<Op> snapshot_outbox_;
  std::vector<RejectedOp> snapshot_rejected_;
  std::unordered_set<std::string> snapshot_ids_;
  std::unordered_set<std::string> load_outbox_;
  bool loading_ = false;
  struct Restoring {
    const char* data = nullptr;
    size_t size = 0, state_at = 0, ops_at = 0, ops_size = 0;  // where the State and the waiting Ops are
    bool state_started = false, state_done = false;
    int64_t stored_ops = 0, clock_ms = 0, clock_counter = 0;  // from the desk's header
    size_t ops_pos = 0, ops_outbox = 0, ops_total = 0, ops_done = 0;  // the waiting Ops read so far
    std::vector<Op> waiting;
    std::vector<RejectedOp> refused;
    SnapshotLoader loader;
  };
  std::unique_ptr<Restoring> restore_;
};

}  // namespace edudesk
