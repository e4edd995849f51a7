#pragma once
// The server's half of sync, free of HTTP and SQL: dedup by op id, permission and
// business checks through the same `apply` the clients run, sequence numbers, and
// pages of the log by cursor. `edudesk serve` wraps it in HTTP and SQLite; tests
// wrap it in memory.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/hlc.h"
#include "core/refunds.h"
#include "core/state.h"
#include "sync/payments.h"
#include "sync/protocol.h"

namespace edudesk::sync {

// The durable log behind the service. `commit` must be atomic and durable before it
// returns true: an acknowledged Op is never lost, even by kill -9.
class ServerLog {
 public:
  virtual ~ServerLog() = default;
  virtual bool read_all(std::vector<PulledOp>& out, std::string& err) = 0;
  virtual bool commit(const std::vector<PulledOp>& ops, std::string& err) = 0;
  virtual bool page(int64_t after, int64_t limit, std::vector<PulledOp>& out, std::string& err) = 0;
};

class MemoryLog : public ServerLog {
 public:
  bool read_all(std::vector<PulledOp>& out, std::string&) override { out = ops_; return true; }
  bool commit(const std::vector<PulledOp>& ops, std::string& err) override;
  bool page(int64_t after, int64_t limit, std::vector<PulledOp>& out, std::string&) override;
  bool fail_next_commit = false;  // a full disk, for tests

 private:
  std::vector<PulledOp> ops_;
};

struct PushStats {
  int64_t accepted = 0, duplicate = 0, rejected = 0;
};

class SyncService {
 public:
  explicit SyncService(ServerLog& log) : log_(log) {}
  // Rebuilds the State from the log.
  bool open(std::string& err);
  // Fills an empty log with `ops` (the demo desk) as if the system had pushed them.
  bool seed_if_empty(const std::vector<Op>& ops, std::string& err);

  // Applies a batch for `agent_id`. `bad` are Ops that failed to parse (rejected
  // alone). Returns false only when the log could not commit: then nothing of the
  // batch is kept and the client retries later.
  bool push(const std::string& agent_id, const PushRequest& req, const std::vector<PushResult>& bad, Millis now,
            PushResponse& out, std::string& err);
  bool pull(int64_t after, int64_t limit, Millis now, PullResponse& out, std::string& err);

  // The payment duty (issue 4), in two steps so the provider is called without the
  // service's lock: what is due now, then the provider's outcome recorded as a system
  // Op (refund.paid or refund.payment_blocked, ids derived from the refund id, so a
  // second record of the same outcome is a duplicate). A paid outcome is recorded
  // whatever happened to the refund meanwhile: the money moved.
  std::vector<PaymentDue> payments_due() const { return edudesk::payments_due(state_); }
  // Refreshes `d` just before paying: false if it is no longer approved-and-unpaid;
  // sets blocked_by if another refund of its order got paid meanwhile.
  bool still_due(PaymentDue& d) const;
  // `recorded` is false when there was nothing left to record (already paid/blocked).
  bool record_payment(const PaymentDue& due, const PaymentOutcome& outcome, Millis now, bool& recorded,
                      std::string& err);
  // due → provider → record, for tests and tools that hold no lock. Returns the number
  // of refunds still waiting (provider unavailable), or -1 when the log failed.
  // With `held` (the caller's lock on this service), the lock is released while the
  // provider works and taken again to record its answer.
  int64_t settle_payments(PaymentProvider& provider, Millis now, std::string& err,
                          std::unique_lock<std::mutex>* held = nullptr);

  // An Op the server makes itself for someone without an agent account (a learner's
  // survey answer, a link opened): deduplicated by id, judged by `apply`, committed.
  // `r` says accepted / duplicate / rejected (with the core's code); false only when the
  // log failed (nothing kept).
  bool append(const Op& op, PushResult& r, std::string& err);

  const State& state() const { return state_; }
  int64_t last_seq() const { return last_seq_; }
  const PushStats& stats() const { return stats_; }

 private:
  bool admit(const std::string& agent_id, const Op& op, Millis now, PushResult& r) const;
  void index_numbers();

  ServerLog& log_;
  State state_;
  HlcClock clock_;
  int64_t last_seq_ = 0;
  std::unordered_map<std::string, int64_t> seq_of_;      // op id → seq
  std::unordered_map<int64_t, std::string> number_owner_;  // ticket number → ticket id
  PushStats stats_;
};

}  // namespace edudesk::sync
