#include "sync/client.h"

#include <algorithm>
#include <unordered_map>

namespace edudesk::sync {

PushRequest SyncClient::next_push(int64_t max_ops, int64_t max_bytes) {
  PushRequest req{client_id_, client_id_ + "-b" + std::to_string(++batches_), {}};
  int64_t bytes = 0;
  for (const Op& op : outbox_) {
    if (static_cast<int64_t>(req.ops.size()) >= max_ops) break;
    int64_t size = static_cast<int64_t>(op.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size()) + 200;
    if (!req.ops.empty() && bytes + size > max_bytes) break;
    bytes += size;
    req.ops.push_back(op);
  }
  return req;
}

PushOutcome SyncClient::on_push_answer(const PushRequest& req, const PushResponse& resp) {
  PushOutcome out;
  std::unordered_map<std::string, const PushResult*> by_id;
  for (const PushResult& r : resp.results) by_id[r.id] = &r;
  std::unordered_map<std::string, bool> done;
  for (const Op& op : req.ops) {
    auto it = by_id.find(op.id);
    if (it == by_id.end()) continue;  // not answered: stays for the next push
    if (it->second->verdict == Verdict::rejected) out.rejected.push_back(*it->second);
    else out.acknowledged.push_back(op.id);
    done[op.id] = true;
  }
  outbox_.erase(std::remove_if(outbox_.begin(), outbox_.end(), [&](const Op& op) { return done.count(op.id) != 0; }),
                outbox_.end());
  return out;
}

void SyncClient::on_failure(int64_t now) {
  ++failures_;
  int64_t base = 1000LL << std::min(failures_ - 1, 9);  // 1 s … 512 s
  base = std::min<int64_t>(base, 300000);
  int64_t wait = base / 2 + rng_.below(base / 2 + 1);
  next_try_ = now + wait;
}

}  // namespace edudesk::sync
