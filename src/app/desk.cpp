#include "app/desk.h"

#include "core/demo.h"

namespace edudesk {

Desk::Desk(OpStore& store, std::string id_prefix) : store_(store), ids_(std::move(id_prefix)) {}

void Desk::load(const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    Error err;
    clock_.observe(op.hlc);
    if (apply(state_, op, err) == ApplyOutcome::rejected) ++load_rejected_;
  }
}

Submitted Desk::seed_demo(Millis now) {
  DemoOptions opt;
  opt.end = now;
  return commit(demo_ops(opt), nlohmann::json::object());
}

Submitted Desk::submit(const nlohmann::json& cmd, Millis now) {
  Context ctx{now, actor_, &ids_, &clock_};
  Decision d;
  Submitted s;
  if (!decide(state_, cmd, ctx, d, s.error)) return s;
  return commit(std::move(d.ops), std::move(d.result));
}

Submitted Desk::commit(std::vector<Op> ops, nlohmann::json result) {
  Submitted s;
  for (const Op& op : ops) {
    if (apply(state_, op, s.error) == ApplyOutcome::rejected) {
      // decide() accepted what apply() refuses: a defect in the core, reported as such.
      s.error.message = "internal: " + s.error.message;
      return s;
    }
    pending_ops_.insert(op.id);
  }
  s.ok = true;
  s.result = std::move(result);
  s.batch = next_batch_++;
  auto& stored = in_flight_[s.batch] = std::move(ops);
  store_.append(s.batch, stored);
  return s;
}

void Desk::on_stored(int64_t batch, bool ok, const std::string& message) {
  auto it = in_flight_.find(batch);
  if (it == in_flight_.end()) return;  // a late or repeated report
  if (ok) {
    for (const Op& op : it->second) pending_ops_.erase(op.id);
    in_flight_.erase(it);
    if (failed_.empty() && in_flight_.empty()) storage_error_.clear();
  } else {
    storage_error_ = message.empty() ? "the browser refused to store the change" : message;
    failed_[batch] = std::move(it->second);
    in_flight_.erase(it);
  }
  if (on_batch_done) on_batch_done(batch, ok, message);
}

void Desk::retry_failed() {
  auto failed = std::move(failed_);
  failed_.clear();
  for (auto& [batch, ops] : failed) {
    auto& stored = in_flight_[batch] = std::move(ops);
    store_.append(batch, stored);
  }
}

}  // namespace edudesk
