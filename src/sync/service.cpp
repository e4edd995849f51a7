#include "sync/service.h"

#include <algorithm>

#include "core/workflow.h"

namespace edudesk::sync {

bool MemoryLog::commit(const std::vector<PulledOp>& ops, std::string& err) {
  if (fail_next_commit) {
    fail_next_commit = false;
    err = "disk full";
    return false;
  }
  ops_.insert(ops_.end(), ops.begin(), ops.end());
  return true;
}

bool MemoryLog::page(int64_t after, int64_t limit, std::vector<PulledOp>& out, std::string&) {
  out.clear();
  auto it = std::upper_bound(ops_.begin(), ops_.end(), after, [](int64_t s, const PulledOp& p) { return s < p.seq; });
  for (; it != ops_.end() && static_cast<int64_t>(out.size()) < limit; ++it) out.push_back(*it);
  return true;
}

bool SyncService::open(std::string& err) {
  std::vector<PulledOp> all;
  if (!log_.read_all(all, err)) return false;
  State fresh;  // (assigning State{} makes g++ 12 warn falsely about an uninitialised string)
  std::swap(state_, fresh);
  seq_of_.clear();
  last_seq_ = 0;
  for (const PulledOp& p : all) {
    Error e;
    clock_.observe(p.op.hlc);
    apply(state_, p.op, e);  // the log holds only Ops that applied when they came
    seq_of_[p.op.id] = p.seq;
    last_seq_ = std::max(last_seq_, p.seq);
  }
  index_numbers();
  return true;
}

void SyncService::index_numbers() {
  number_owner_.clear();
  for (const Ticket& t : state_.tickets) number_owner_.emplace(t.number, t.id);
}

bool SyncService::seed_if_empty(const std::vector<Op>& ops, std::string& err) {
  if (last_seq_ > 0) return true;
  std::vector<PulledOp> batch;
  for (const Op& op : ops) {
    Error e;
    if (apply(state_, op, e) != ApplyOutcome::applied) continue;
    clock_.observe(op.hlc);
    batch.push_back({++last_seq_, op});
    seq_of_[op.id] = last_seq_;
  }
  if (!log_.commit(batch, err)) return open(err) && false;
  index_numbers();
  return true;
}

bool SyncService::admit(const std::string& agent_id, const Op& op, Millis now, PushResult& r) const {
  const Agent* agent = state_.agent(agent_id);
  auto reject = [&](const char* code, std::string reason) {
    r.verdict = Verdict::rejected;
    r.code = code;
    r.reason = std::move(reason);
    return false;
  };
  // The SLA rule's escalations are made by "system" on whichever desk saw the breach first.
  const bool sla_rule = is_sla_system_op(op);
  if (op.by != agent_id && !sla_rule)
    return reject("forbidden", "an agent may only push the changes they made themselves");
  if (op.type == op_type::numbered) return reject("forbidden", "only the server numbers tickets");
  if ((op.type == op_type::agent_created || op.type == op_type::course_created) &&
      !(agent && agent->role == Role::supervisor))
    return reject("forbidden", "only a supervisor may add agents and courses");
  if (op.hlc.ms > now + limits::max_clock_skew_ms || (!sla_rule && op.hlc.ms < now - 20 * limits::max_clock_skew_ms))
    return reject("bad_clock", "the op's time is impossibly far from the server's");
  if (op.hlc.counter > limits::max_hlc_counter) return reject("bad_clock", "the op's clock counter is impossibly large");
  return true;
}

bool SyncService::push(const std::string& agent_id, const PushRequest& req, const std::vector<PushResult>& bad,
                       Millis now, PushResponse& out, std::string& err) {
  out = PushResponse{req.batch_id, bad, now};
  std::vector<PulledOp> batch;
  int64_t seq = last_seq_;
  for (const Op& op : req.ops) {
    PushResult r;
    r.id = op.id;
    auto dup = seq_of_.find(op.id);
    if (dup != seq_of_.end()) {
      // A retried push (lost answer, killed server, two tabs): harmless.
      r.verdict = Verdict::duplicate;
      r.seq = dup->second;
    } else if (admit(agent_id, op, now, r)) {
      Error e;
      ApplyOutcome o = apply(state_, op, e);
      if (o == ApplyOutcome::rejected) {
        r.verdict = Verdict::rejected;
        r.code = e.code;
        r.reason = e.message;
      } else {
        clock_.observe(op.hlc);
        r.verdict = Verdict::accepted;
        r.seq = ++seq;
        seq_of_[op.id] = seq;
        batch.push_back({seq, op});
        if (op.type == op_type::ticket_created) {
          // Offline desks number their tickets locally; the server keeps numbers unique.
          const Ticket* t = state_.ticket(op.data["ticket_id"].get<std::string>());
          auto owner = number_owner_.find(t->number);
          if (owner != number_owner_.end() && owner->second != t->id) {
            Op n{"srv-" + std::to_string(seq + 1), op_type::numbered, now, "system",
                 {{"ticket_id", t->id}, {"number", state_.max_ticket_number + 1}}, clock_.tick(now)};
            Error ne;
            apply(state_, n, ne);
            seq_of_[n.id] = ++seq;
            batch.push_back({seq, n});
          }
          number_owner_[t->number] = t->id;
        }
      }
    }
    out.results.push_back(std::move(r));
  }
  if (!batch.empty() && !log_.commit(batch, err)) {
    // Nothing of this batch is acknowledged; rebuild the State from what is durable.
    std::string reopen_err;
    open(reopen_err);
    return false;
  }
  last_seq_ = seq;
  for (const PushResult& r : out.results) {
    if (r.verdict == Verdict::accepted) ++stats_.accepted;
    else if (r.verdict == Verdict::duplicate) ++stats_.duplicate;
    else ++stats_.rejected;
  }
  return true;
}

bool SyncService::pull(int64_t after, int64_t limit, Millis now, PullResponse& out, std::string& err) {
  limit = std::clamp<int64_t>(limit, 1, limits::max_pull_page);
  out = PullResponse{};
  out.server_time = now;
  if (!log_.page(after, limit, out.ops, err)) return false;
  out.cursor = out.ops.empty() ? std::max<int64_t>(after, 0) : out.ops.back().seq;
  if (out.cursor > last_seq_) out.cursor = last_seq_;
  out.more = out.cursor < last_seq_;
  return true;
}

bool SyncService::record_payment(const PaymentDue& due, const PaymentOutcome& outcome, Millis now, bool& recorded,
                                 std::string& err) {
  recorded = false;
  const Refund* r = state_.refund(due.refund_id);
  if (!r || r->status == RefundStatus::paid) return true;  // recorded before (or never existed)
  Op op;
  op.at = now;
  op.by = "system";
  if (outcome.kind == PaymentOutcome::paid) {
    op.id = "srv-paid-" + due.refund_id;
    op.type = op_type::refund_paid;
    op.data = {{"refund_id", due.refund_id}, {"payment_ref", outcome.ref}, {"approval_op", due.approval_op}};
  } else {
    if (r->status != RefundStatus::approved) return true;  // withdrawn meanwhile: nothing to block
    op.id = "srv-block-" + due.refund_id;
    op.type = op_type::refund_payment_blocked;
    op.data = {{"refund_id", due.refund_id}, {"text", outcome.reason}};
  }
  PushResult result;
  if (!append(op, result, err)) return false;
  if (result.verdict == Verdict::rejected) return err = result.reason, false;
  recorded = result.verdict == Verdict::accepted;
  return true;
}

bool SyncService::append(const Op& op_in, PushResult& r, std::string& err) {
  r = PushResult{};
  r.id = op_in.id;
  auto dup = seq_of_.find(op_in.id);
  if (dup != seq_of_.end()) {
    r.verdict = Verdict::duplicate;
    r.seq = dup->second;
    return true;
  }
  Op op = op_in;
  op.hlc = clock_.tick(op.at);
  Error e;
  if (apply(state_, op, e) != ApplyOutcome::applied) {
    r.verdict = Verdict::rejected;
    r.code = e.code;
    r.reason = e.message;
    r.field = e.field;  // a learner's answer: the question it is about
    return true;
  }
  PulledOp p{last_seq_ + 1, op};
  if (!log_.commit({p}, err)) {
    std::string reopen_err;
    open(reopen_err);
    return false;
  }
  last_seq_ = p.seq;
  seq_of_[op.id] = p.seq;
  if (op.type == op_type::ticket_created) {  // a learner's request: its number is taken
    const Ticket* t = state_.ticket(op.data.value("ticket_id", ""));
    if (t) number_owner_[t->number] = t->id;
  }
  r.verdict = Verdict::accepted;
  r.seq = p.seq;
  return true;
}

bool SyncService::still_due(PaymentDue& d) const {
  const Refund* r = state_.refund(d.refund_id);
  if (!r || r->status != RefundStatus::approved) return false;
  d.approval_op = r->approval_op;
  d.amount_fen = r->refund_fen;
  const Order* o = state_.order(d.order_id);
  d.blocked_by = o && !o->refunded_by.empty() && o->refunded_by != d.refund_id ? o->refunded_by : "";
  return true;
}

int64_t SyncService::settle_payments(PaymentProvider& provider, Millis now, std::string& err,
                                     std::unique_lock<std::mutex>* held) {
  int64_t waiting = 0;
  for (PaymentDue d : payments_due()) {
    if (!still_due(d)) continue;
    PaymentOutcome o;
    if (!d.blocked_by.empty()) {
      o.kind = PaymentOutcome::declined;
      o.reason = "order " + d.order_id + " was already refunded by " + d.blocked_by + "; one refund per order";
    } else {
      PaymentRequest req{d.refund_id, d.order_id, d.customer_id, d.amount_fen};
      if (held) held->unlock();
      o = provider.refund(req);
      if (held) held->lock();
    }
    if (o.kind == PaymentOutcome::unavailable) {
      ++waiting;
      continue;
    }
    bool recorded = false;
    if (!record_payment(d, o, now, recorded, err)) return -1;
  }
  return waiting;
}

}  // namespace edudesk::sync
