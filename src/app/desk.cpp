#include "app/desk.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "core/snapshot.h"

namespace edudesk {

Desk::Desk(OpStore& store, std::string id_prefix, uint64_t jitter_seed)
    : store_(store), ids_(id_prefix), sync_(id_prefix, jitter_seed) {}

// An Op that came from elsewhere (the store, the server, another tab): the clock
// moves past it; one the core refuses is counted (shown), never silently dropped.
bool Desk::apply_one(const Op& op) {
  Error err;
  clock_.observe(op.hlc);
  if (apply(state_, op, err) != ApplyOutcome::rejected) {
    text_.note(op.data);
    return true;
  }
  ++load_rejected_;
  return false;
}

void Desk::load(const Restored& r) {
  load_begin(r);
  load_end();
}

void Desk::load_begin(const Restored& r) {
  loading_ = true;
  load_refused_.clear();
  for (const RejectedRecord& rec : r.rejected) load_refused_[rec.id] = rec;
  load_outbox_ = std::unordered_set<std::string>(r.outbox.begin(), r.outbox.end());
  sync_.set_cursor(r.cursor);
  // What a restored snapshot covers: its outbox Ops wait for the server again (unless settled
  // since), an Op refused after the snapshot was written leaves its State now, and those refused
  // before are listed again. The snapshot holds them; r.outbox_ops and r.rejected_ops bring any
  // other covered one the store still lists (looked up by id).
  for (Op& op : snapshot_outbox_) {
    if (load_outbox_.erase(op.id)) {
      sync_.enqueue(op);
      continue;
    }
    auto it = load_refused_.find(op.id);
    if (it == load_refused_.end()) continue;  // acknowledged since
    unapply(state_, op.id);
    rejected_.push_back({std::move(op), it->second.code, it->second.reason});
    load_refused_.erase(it);
  }
  for (RejectedOp& ro : snapshot_rejected_) {
    auto it = load_refused_.find(ro.op.id);
    if (it == load_refused_.end()) continue;
    rejected_.push_back(std::move(ro));  // refused before the snapshot: not in its State
    load_refused_.erase(it);
  }
  snapshot_outbox_.clear();
  snapshot_rejected_.clear();
  snapshot_ids_.clear();
  for (const Op& op : r.outbox_ops)
    if (load_outbox_.erase(op.id)) sync_.enqueue(op);
  for (const Op& op : r.rejected_ops) {
    auto it = load_refused_.find(op.id);
    if (it == load_refused_.end()) continue;
    unapply(state_, op.id);
    rejected_.push_back({op, it->second.code, it->second.reason});
    load_refused_.erase(it);
  }
  for (const Op& op : r.ops) load_op(op);
}

void Desk::load_unreadable() {
  ++stored_ops_;
  ++load_rejected_;
}

namespace {
// The desk's header in front of the State's image (core/snapshot.h).
// 04: after the header, the characters of the State's text (a count, then the code points),
// then the Ops waiting for the server and those it refused (a length; their counts; each as
// its length and its JSON), so a start needs no lookup of them by id, and reads them a few
// hundred at a time (31,000 read at once held the page 0.27 s); then the State.
constexpr char kDeskSnapshotMagic[8] = {'E', 'D', 'D', 'E', 'S', 'K', '0', '4'};
struct DeskSnapshotHeader {
  char magic[8];
  int64_t stored_ops, clock_ms, clock_counter;
};
}  // namespace

std::string Desk::make_snapshot() const {
  if (!pending_ops_.empty() || !in_flight_.empty() || !failed_.empty()) return {};
  DeskSnapshotHeader h{};
  std::memcpy(h.magic, kDeskSnapshotMagic, sizeof h.magic);
  h.stored_ops = stored_ops_;
  h.clock_ms = clock_.last().ms;
  h.clock_counter = clock_.last().counter;
  std::string out;
  out.reserve(snapshot_bytes_ + snapshot_bytes_ / 8 + (1 << 20));  // about the last one's size, grown once
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  const std::vector<uint32_t> cps = text_.all();
  const uint32_t n = static_cast<uint32_t>(cps.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(reinterpret_cast<const char*>(cps.data()), cps.size() * sizeof(uint32_t));
  std::string ops;
  auto put_u32 = [&](size_t v) {
    const uint32_t x = static_cast<uint32_t>(v);
    ops.append(reinterpret_cast<const char*>(&x), sizeof x);
  };
  auto put_json = [&](const nlohmann::json& j) {
    const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    put_u32(text.size());
    ops += text;
  };
  put_u32(sync_.outbox().size());
  put_u32(rejected_.size());
  for (const Op& op : sync_.outbox()) put_json(op_to_json(op));
  for (const RejectedOp& r : rejected_) put_json({{"op", op_to_json(r.op)}, {"code", r.code}, {"reason", r.reason}});
  const uint64_t ops_size = ops.size();
  out.append(reinterpret_cast<const char*>(&ops_size), sizeof ops_size);
  out += ops;
  snapshot_write(state_, out);
  snapshot_bytes_ = out.size();
  return out;
}

bool Desk::restore_snapshot(const char* data, size_t size, std::string& err) {
  restore_snapshot_begin(data, size);
  return restore_snapshot_step(size, SIZE_MAX, err) == RestoreStep::done;
}

void Desk::restore_snapshot_begin(const char* data, size_t size) {
  restore_ = std::make_unique<Restoring>();
  restore_->data = data;
  restore_->size = size;
  loading_ = true;
}

Desk::RestoreStep Desk::restore_snapshot_step(size_t available, size_t max_tickets, std::string& err) {
  if (!restore_) {
    err = "no snapshot is being restored";
    return RestoreStep::failed;
  }
  Restoring& r = *restore_;
  auto fail = [&](std::string why) { return restore_failed(std::move(why), err); };
  const char* data = r.data;
  const size_t size = r.size;
  available = std::min(available, size);
  if (!r.state_started) {
    // The desk's own part first: the header, the characters, the waiting Ops (all of them there).
    DeskSnapshotHeader h{};
    size_t at = sizeof h;
    auto need = [&](size_t bytes) { return size - at < bytes ? 2 : available - at < bytes ? 1 : 0; };  // 2: cut, 1: wait
    if (size < sizeof h) return fail("snapshot too short");
    if (available < sizeof h) return RestoreStep::wait;
    std::memcpy(&h, data, sizeof h);
    if (std::memcmp(h.magic, kDeskSnapshotMagic, sizeof h.magic) != 0 || h.stored_ops < 0)
      return fail("not a desk snapshot");
    // Two length-prefixed sections follow the header: the characters, then the waiting Ops.
    uint32_t n = 0;
    if (int w = need(sizeof n)) return w == 2 ? fail("snapshot too short") : RestoreStep::wait;
    std::memcpy(&n, data + at, sizeof n);
    at += sizeof n;
    if (n > TextCodepoints::kLimit) return fail("snapshot's characters damaged");
    if (int w = need(size_t{n} * sizeof(uint32_t))) return w == 2 ? fail("snapshot's characters damaged") : RestoreStep::wait;
    std::vector<uint32_t> cps(n);
    if (n) std::memcpy(cps.data(), data + at, size_t{n} * sizeof(uint32_t));
    at += size_t{n} * sizeof(uint32_t);
    uint64_t ops_size = 0;
    if (int w = need(sizeof ops_size)) return w == 2 ? fail("snapshot too short") : RestoreStep::wait;
    std::memcpy(&ops_size, data + at, sizeof ops_size);
    at += sizeof ops_size;
    if (ops_size > size - at) return fail("snapshot's waiting Ops damaged");
    if (available - at < ops_size) return RestoreStep::wait;
    // (read once the State is in: 31,000 waiting Ops take a quarter of a second, before the first frame)
    r.ops_at = at;
    r.ops_size = static_cast<size_t>(ops_size);
    at += ops_size;
    // From here the State is the snapshot's, as it arrives (shown once showable()).
    text_ = TextCodepoints();
    for (uint32_t cp : cps) text_.note_codepoint(cp);
    r.stored_ops = h.stored_ops;
    r.clock_ms = h.clock_ms;
    r.clock_counter = h.clock_counter;
    r.state_at = at;
    r.loader.start(state_, data + at, size - at);
    r.state_started = true;
  }
  if (!r.state_done) {
    switch (r.loader.step(available - r.state_at, max_tickets)) {
      case SnapshotLoader::Step::more: return RestoreStep::more;
      case SnapshotLoader::Step::wait: return RestoreStep::wait;
      case SnapshotLoader::Step::failed: return fail(r.loader.error());
      case SnapshotLoader::Step::done: break;
    }
    r.state_done = true;
    if (max_tickets != SIZE_MAX) return RestoreStep::more;  // the waiting Ops in a step of their own
  }
  // The waiting Ops, now that the State is whole: a few hundred a step (all at once without a budget).
  const char* ops = data + r.ops_at;
  auto u32_at = [&](size_t pos, uint32_t& v) {
    if (r.ops_size < sizeof v || pos > r.ops_size - sizeof v) return false;
    std::memcpy(&v, ops + pos, sizeof v);
    return true;
  };
  if (r.ops_pos == 0) {
    uint32_t n_out = 0, n_rej = 0;
    if (!u32_at(0, n_out) || !u32_at(4, n_rej) || size_t{n_out} + n_rej > (r.ops_size - 8) / 4)
      return fail("snapshot's waiting Ops damaged");
    r.ops_outbox = n_out;
    r.ops_total = size_t{n_out} + n_rej;
    r.ops_pos = 8;
  }
  const size_t budget = max_tickets == SIZE_MAX ? SIZE_MAX : std::max<size_t>(64, max_tickets * 2);
  for (size_t k = 0; k < budget && r.ops_done < r.ops_total; ++k, ++r.ops_done) {
    uint32_t len = 0;
    if (!u32_at(r.ops_pos, len) || len > r.ops_size - r.ops_pos - sizeof len) return fail("snapshot's waiting Ops damaged");
    const char* text = ops + r.ops_pos + sizeof len;
    r.ops_pos += sizeof len + len;
    const nlohmann::json j = nlohmann::json::parse(text, text + len, nullptr, /*allow_exceptions=*/false);
    Error e;
    if (r.ops_done < r.ops_outbox) {
      Op op;
      if (!op_from_json(j, op, e)) return fail("snapshot's waiting Ops damaged");
      r.waiting.push_back(std::move(op));
    } else {
      RejectedOp ro;
      if (!(j.is_object() && j.contains("op") && op_from_json(j["op"], ro.op, e) && j.contains("code") &&
            j["code"].is_string() && j.contains("reason") && j["reason"].is_string()))
        return fail("snapshot's waiting Ops damaged");
      ro.code = j["code"].get<std::string>();
      ro.reason = j["reason"].get<std::string>();
      r.refused.push_back(std::move(ro));
    }
  }
  if (r.ops_done < r.ops_total) return RestoreStep::more;
  if (r.ops_pos != r.ops_size) return fail("snapshot's waiting Ops damaged");
  snapshot_outbox_ = std::move(r.waiting);
  snapshot_rejected_ = std::move(r.refused);
  snapshot_ids_.clear();
  for (const Op& op : snapshot_outbox_) snapshot_ids_.insert(op.id);
  for (const RejectedOp& ro : snapshot_rejected_) snapshot_ids_.insert(ro.op.id);
  clock_.observe(Hlc{r.clock_ms, r.clock_counter});
  stored_ops_ = snapshot_covers_ = r.stored_ops;
  snapshot_bytes_ = size;
  restore_.reset();
  return RestoreStep::done;
}

Desk::RestoreStep Desk::restore_failed(std::string why, std::string& err) {
  err = std::move(why);
  if (restore_ && restore_->state_started) {  // what arrived is dropped: the log is replayed instead
    state_ = State();
    text_ = TextCodepoints();
    snapshot_outbox_.clear();
    snapshot_rejected_.clear();
  }
  restore_.reset();
  return RestoreStep::failed;
}

void Desk::restore_snapshot_cancel(const std::string& why) {
  std::string err;
  if (restore_) restore_failed(why, err);
}

bool Desk::showable() const { return !restore_ || restore_->loader.showable(); }

double Desk::restore_progress() const {
  if (!restore_) return 1.0;
  if (!restore_->state_started || restore_->size == 0) return 0.0;
  return static_cast<double>(restore_->state_at + restore_->loader.bytes_read()) / static_cast<double>(restore_->size);
}

void Desk::load_op(const Op& op) {
  ++stored_ops_;
  auto it = load_refused_.find(op.id);
  if (it != load_refused_.end()) {  // refused by the server: kept for the agent, not in the State
    rejected_.push_back({op, it->second.code, it->second.reason});
    return;
  }
  apply_one(op);
  if (!load_outbox_.empty() && load_outbox_.count(op.id)) sync_.enqueue(op);
}

void Desk::load_end() {
  loading_ = false;
  load_refused_.clear();
  load_outbox_.clear();
}

Submitted Desk::submit(const nlohmann::json& cmd, Millis now) {
  Context ctx{now, actor_, &ids_, &clock_, device_};
  Decision d;
  Submitted s;
  if (loading_) {  // the State is not whole yet: nothing is decided on part of it
    s.error = {"loading", "", "the stored desk is still being read; try again in a moment"};
    return s;
  }
  if (!decide(state_, cmd, ctx, d, s.error)) return s;
  return commit(std::move(d.ops), std::move(d.result), /*local=*/true, -1);
}

Submitted Desk::commit(std::vector<Op> ops, nlohmann::json result, bool local, int64_t cursor) {
  Submitted s;
  for (const Op& op : ops) {
    if (apply(state_, op, s.error) == ApplyOutcome::rejected) {
      // decide() accepted what apply() refuses: a defect in the core, reported as such.
      s.error.message = "internal: " + s.error.message;
      return s;
    }
    text_.note(op.data);
    pending_ops_.insert(op.id);
    if (local) sync_.enqueue(op);
  }
  s.ok = true;
  s.result = std::move(result);
  s.batch = next_batch_++;
  StoreBatch& b = in_flight_[s.batch] = StoreBatch{s.batch, std::move(ops), local, cursor};
  store_.append(b);
  return s;
}

void Desk::receive(const sync::PullResponse& page) {
  std::vector<Op> fresh;
  for (const sync::PulledOp& p : page.ops) {
    if (state_.applied_ops.count(p.op.id)) continue;  // our own, or pulled before
    if (apply_one(p.op)) fresh.push_back(p.op);
  }
  sync_.set_cursor(page.cursor);
  // The cursor is saved in the same transaction as the Ops it covers.
  int64_t batch = next_batch_++;
  StoreBatch& b = in_flight_[batch] = StoreBatch{batch, std::move(fresh), false, page.cursor};
  for (const Op& op : b.ops) pending_ops_.insert(op.id);
  store_.append(b);
}

void Desk::take_back(const std::vector<RejectedRecord>& refused, const std::vector<Op>& candidates) {
  bool bad_clock = false;
  for (const RejectedRecord& r : refused) {
    if (r.code == "bad_clock") bad_clock = true;
    bool found = false;
    for (const Op& op : candidates)
      if (op.id == r.id) {
        rejected_.push_back({op, r.code, r.reason});
        found = true;
      }
    if (!found) refused_early_[r.id] = r;
    unapply(state_, r.id);
  }
  if (bad_clock) rewind_clock();
}

// A stamp the server refused as impossibly far off (a device clock a year ahead)
// must not hold the clock there, or every later change would be refused too, even
// after the device's clock is put right. The clock restarts from what still exists:
// the tickets' stamps and the changes still waiting for the server.
void Desk::rewind_clock() {
  HlcClock c;
  for (const Ticket& t : state_.tickets) {
    c.observe(t.created_hlc);
    for (const TimelineEntry& e : t.timeline) c.observe(e.hlc);
  }
  for (const Op& op : sync_.outbox()) c.observe(op.hlc);
  clock_ = c;
}

void Desk::on_push_answer(const sync::PushRequest& req, const sync::PushResponse& resp) {
  sync::PushOutcome out = sync_.on_push_answer(req, resp);
  std::vector<RejectedRecord> refused;
  for (const sync::PushResult& r : out.rejected) refused.push_back({r.id, r.code, r.reason});
  settled_.insert(out.acknowledged.begin(), out.acknowledged.end());
  take_back(refused, req.ops);
  if (!out.acknowledged.empty() || !refused.empty()) store_.settle(out.acknowledged, refused);
}

void Desk::receive_peer(const std::vector<Op>& ops, bool local, int64_t cursor) {
  stored_ops_ += static_cast<int64_t>(ops.size());  // the other tab wrote every one of them
  for (const Op& op : ops) {
    if (state_.applied_ops.count(op.id)) continue;
    auto early = refused_early_.find(op.id);
    if (early != refused_early_.end()) {  // the server's "no" came first: list it, never apply it
      rejected_.push_back({op, early->second.code, early->second.reason});
      refused_early_.erase(early);
      continue;
    }
    if (apply_one(op) && local && !settled_.count(op.id)) sync_.enqueue(op);  // every tab mirrors the outbox
  }
  if (cursor > sync_.cursor()) sync_.set_cursor(cursor);
}

void Desk::settle_peer(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& rejected) {
  settled_.insert(acknowledged.begin(), acknowledged.end());
  for (const RejectedRecord& r : rejected) settled_.insert(r.id);
  sync::PushRequest req;  // the mirrored outbox entries these answer
  sync::PushResponse resp;
  for (const Op& op : sync_.outbox()) req.ops.push_back(op);
  for (const std::string& id : acknowledged) resp.results.push_back({id, sync::Verdict::accepted, 0, "", "", ""});
  for (const RejectedRecord& r : rejected) resp.results.push_back({r.id, sync::Verdict::rejected, 0, r.code, r.reason, ""});
  sync_.on_push_answer(req, resp);
  take_back(rejected, req.ops);
}

void Desk::on_stored(int64_t batch, bool ok, const std::string& message) {
  auto it = in_flight_.find(batch);
  if (it == in_flight_.end()) return;  // a late or repeated report
  if (ok) {
    std::vector<std::string> late;  // acknowledged by the server before this write landed
    for (const Op& op : it->second.ops) {
      pending_ops_.erase(op.id);
      if (it->second.local && settled_.count(op.id)) late.push_back(op.id);
    }
    if (!late.empty()) store_.settle(late, {});  // or its outbox entry would outlive the ack
    stored_ops_ += static_cast<int64_t>(it->second.ops.size());
    if (on_durable) on_durable(it->second);
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
  for (auto& [batch, b] : failed) {
    StoreBatch& stored = in_flight_[batch] = std::move(b);
    store_.append(stored);
  }
}

}  // namespace edudesk
