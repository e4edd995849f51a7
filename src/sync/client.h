#pragma once
// The client's half of sync, free of HTTP and IndexedDB: the outbox in order, the
// pull cursor, and when to try again (exponential backoff with jitter).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/rng.h"
#include "sync/protocol.h"

namespace edudesk::sync {

struct PushOutcome {
  std::vector<std::string> acknowledged;  // accepted or duplicate: durable on the server
  std::vector<PushResult> rejected;       // refused for good: taken out of the outbox, shown to the agent
};

class SyncClient {
 public:
  SyncClient(std::string client_id, uint64_t jitter_seed) : client_id_(std::move(client_id)), rng_(jitter_seed) {}

  // The outbox: Ops durable locally, not yet acknowledged by the server, in order.
  void enqueue(const Op& op) { outbox_.push_back(op); }
  int64_t pending() const { return static_cast<int64_t>(outbox_.size()); }
  const std::deque<Op>& outbox() const { return outbox_; }

  // The next batch: the oldest Ops, at most `max_ops` and about `max_bytes`.
  PushRequest next_push(int64_t max_ops = 200, int64_t max_bytes = 256 * 1024);
  // Reads the server's answer to `req`; only Ops it names leave the outbox.
  PushOutcome on_push_answer(const PushRequest& req, const PushResponse& resp);

  int64_t cursor() const { return cursor_; }
  void set_cursor(int64_t c) { cursor_ = c; }

  // Backoff: after a failure the next try waits 1 s, 2 s, 4 s … up to 5 min, each
  // scaled by a random factor in [0.5, 1.0] so many desks do not retry in step.
  void on_failure(int64_t now);
  void on_success() { failures_ = 0; next_try_ = 0; }
  bool may_try(int64_t now) const { return now >= next_try_; }
  int64_t next_try() const { return next_try_; }
  int failures() const { return failures_; }

 private:
  std::string client_id_;
  Rng rng_;
  std::deque<Op> outbox_;
  int64_t cursor_ = 0;
  int64_t batches_ = 0;
  int failures_ = 0;
  int64_t next_try_ = 0;
};

}  // namespace edudesk::sync
