#include "core/refunds.h"

#include <algorithm>

#include "core/fields.h"

namespace edudesk {

using nlohmann::json;

// ---- names ------------------------------------------------------------------------------------

const char* to_id(RefundStatus s) {
  switch (s) {
    case RefundStatus::quoted: return "quoted";
    case RefundStatus::awaiting_approval: return "awaiting_approval";
    case RefundStatus::approved: return "approved";
    case RefundStatus::paid: return "paid";
    case RefundStatus::rejected: return "rejected";
    case RefundStatus::withdrawn: return "withdrawn";
  }
  return "quoted";
}
const char* to_id(RefundStep s) {
  switch (s) {
    case RefundStep::approval_requested: return "approval_requested";
    case RefundStep::approved: return "approved";
    case RefundStep::rejected: return "rejected";
    case RefundStep::withdrawn: return "withdrawn";
    case RefundStep::paid: return "paid";
    case RefundStep::payment_blocked: return "payment_blocked";
    case RefundStep::reviewed: return "reviewed";
  }
  return "approved";
}
const char* to_id(GoodwillKind k) { return k == GoodwillKind::coupon ? "coupon" : "extension"; }

std::optional<RefundStatus> parse_refund_status(std::string_view s) { return parse_id(kRefundStatuses, s); }
std::optional<GoodwillKind> parse_goodwill_kind(std::string_view s) { return parse_id(kGoodwillKinds, s); }

const Order* State::order(const std::string& id) const {
  auto it = order_index.find(id);
  return it == order_index.end() ? nullptr : &orders[it->second];
}
const Refund* State::refund(const std::string& id) const {
  auto it = refund_index.find(id);
  return it == refund_index.end() ? nullptr : &refunds[it->second];
}
const RefundPolicy* State::policy(const std::string& id) const {
  for (const RefundPolicy& p : policies)
    if (p.id == id) return &p;
  return nullptr;
}

namespace {

bool fail(Error& err, const char* code, const char* field, std::string msg) {
  err = {code, field, std::move(msg)};
  return false;
}

constexpr int64_t kMaxLessons = 100000;

Role role_of(const State& s, const std::string& agent_id) {
  const Agent* a = s.agent(agent_id);
  return a ? a->role : Role::tech_support;  // unknown authors have no authority
}

bool is_open(RefundStatus st) {
  return st == RefundStatus::quoted || st == RefundStatus::awaiting_approval || st == RefundStatus::approved;
}

// ---- policy <-> JSON ----------------------------------------------------------------------

json authority_json(const Authority& a) {
  return {{"refund_limit_fen", a.refund_limit_fen},
          {"any_rule", a.any_rule},
          {"coupon_limit_fen", a.coupon_limit_fen},
          {"extension_limit_days", a.extension_limit_days}};
}

bool read_bounded(const json& o, const char* key, int64_t& out, int64_t lo, int64_t hi, Error& err) {
  if (!read_int(o, key, out, err, false)) return false;
  if (out < lo || out > hi)
    return fail(err, "invalid_value", key,
                std::string("'") + key + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return true;
}

bool read_authority(const json& o, const char* role, Authority& a, Error& err) {
  if (!present(o, role)) return true;
  const json& r = o[role];
  if (!r.is_object()) return fail(err, "wrong_type", role, std::string("'") + role + "' must be an object");
  constexpr int64_t kMaxFen = 1000000000000LL;  // ¥10 billion: beyond any course
  if (!read_bounded(r, "refund_limit_fen", a.refund_limit_fen, -1, kMaxFen, err) ||
      !read_bool(r, "any_rule", a.any_rule, err) ||
      !read_bounded(r, "coupon_limit_fen", a.coupon_limit_fen, -1, kMaxFen, err) ||
      !read_bounded(r, "extension_limit_days", a.extension_limit_days, -1, 3650, err)) {
    err.field = std::string(role) + "." + err.field;
    return false;
  }
  return true;
}

// Reads the fields present in `o` over `p` (a partial change keeps the rest).
bool read_policy(const json& o, RefundPolicy& p, Error& err) {
  if (!o.is_object()) return fail(err, "wrong_type", "policy", "'policy' must be an object");
  if (!read_bounded(o, "cooling_off_hours", p.cooling_off_hours, 0, 24 * 365, err) ||
      !read_bounded(o, "cooling_off_max_lessons", p.cooling_off_max_lessons, 0, kMaxLessons, err) ||
      !read_bounded(o, "utc_offset_minutes", p.utc_offset_minutes, -12 * 60, 14 * 60, err))
    return false;
  if (present(o, "authority")) {
    const json& a = o["authority"];
    if (!a.is_object()) return fail(err, "wrong_type", "authority", "'authority' must be an object");
    if (!read_authority(a, "junior", p.junior, err) || !read_authority(a, "mid", p.mid, err) ||
        !read_authority(a, "senior", p.senior, err) || !read_authority(a, "supervisor", p.supervisor, err))
      return false;
  }
  return true;
}

// ---- the refund fold ------------------------------------------------------------------------

void mark(RefundEvent& e, Conflict c, RefundStatus kept) {
  e.conflict = c;
  e.kept_value = to_id(kept);
}

void sync_order(State& s, const Refund& r) {
  auto it = s.order_index.find(r.order_id);
  if (it == s.order_index.end()) return;
  Order& o = s.orders[it->second];
  if (r.status == RefundStatus::paid) o.refunded_by = r.id;
  else if (o.refunded_by == r.id) o.refunded_by.clear();
}

void refold(State& s, Refund& r) {
  r.status = RefundStatus::quoted;
  r.approver_role.clear();
  r.approved_by.clear();
  r.approval_op.clear();
  r.payment_ref.clear();
  r.paid_at = 0;
  r.closed_reason.clear();
  r.root_cause.clear();
  r.review_note.clear();
  r.updated_at = r.quoted_at;
  // Money that moved is a fact: once the server paid, a concurrent rejection or
  // withdrawal (made offline, without seeing the payment) cannot undo it.
  const RefundEvent* paid = nullptr;
  for (const RefundEvent& e : r.events)
    if (e.step == RefundStep::paid) paid = &e;
  for (RefundEvent& e : r.events) {
    e.conflict = Conflict::none;
    e.kept_value.clear();
    r.updated_at = std::max(r.updated_at, e.at);
    switch (e.step) {
      case RefundStep::approval_requested:
        if (r.status == RefundStatus::quoted || r.status == RefundStatus::awaiting_approval) {
          if (r.status == RefundStatus::awaiting_approval) mark(e, Conflict::duplicate, r.status);
          r.status = RefundStatus::awaiting_approval;
          r.approver_role = e.value;
        } else {
          mark(e, Conflict::ignored, r.status);
        }
        break;
      case RefundStep::approved:
        if (r.status == RefundStatus::quoted || r.status == RefundStatus::awaiting_approval) {
          r.status = RefundStatus::approved;
          r.approved_by = e.by;
          r.approval_op = e.id;
        } else if (r.status == RefundStatus::approved || r.status == RefundStatus::paid) {
          mark(e, Conflict::duplicate, r.status);  // two approvals are one approval, paid once
        } else {
          mark(e, Conflict::ignored, r.status);
        }
        break;
      case RefundStep::rejected:
      case RefundStep::withdrawn: {
        RefundStatus to = e.step == RefundStep::rejected ? RefundStatus::rejected : RefundStatus::withdrawn;
        if (paid) mark(e, Conflict::ignored, RefundStatus::paid);
        else if (r.status == to) mark(e, Conflict::duplicate, r.status);
        else if (!is_open(r.status)) mark(e, Conflict::ignored, r.status);
        else {
          r.status = to;
          r.closed_reason = e.text;
        }
        break;
      }
      case RefundStep::paid:
        if (r.status == RefundStatus::paid) {
          mark(e, Conflict::duplicate, r.status);
          break;
        }
        r.status = RefundStatus::paid;
        r.payment_ref = e.value;
        r.paid_at = e.at;
        r.closed_reason.clear();
        break;
      case RefundStep::payment_blocked:
        if (r.status == RefundStatus::approved) {
          r.status = RefundStatus::rejected;
          r.closed_reason = e.text;
        } else {
          mark(e, Conflict::ignored, r.status);
        }
        break;
      case RefundStep::reviewed:
        if (is_open(r.status)) {
          mark(e, Conflict::ignored, r.status);
        } else {
          r.root_cause = e.value;
          r.review_note = e.text;
        }
        break;
    }
  }
  if (paid) {
    // The approval the server paid on is the one that counts; any other was a duplicate.
    for (RefundEvent& e : r.events) {
      if (e.step != RefundStep::approved) continue;
      if (e.id == paid->paid_approval) {
        e.conflict = Conflict::none;
        e.kept_value.clear();
        r.approved_by = e.by;
        r.approval_op = e.id;
      } else if (e.conflict == Conflict::none) {
        mark(e, Conflict::duplicate, RefundStatus::paid);
      }
    }
  }
  sync_order(s, r);
}

Refund* find_refund(State& s, const std::string& id) {
  auto it = s.refund_index.find(id);
  return it == s.refund_index.end() ? nullptr : &s.refunds[it->second];
}

RefundFacts facts_of(const Order& o) {
  RefundFacts f;
  f.paid_fen = o.paid_fen;
  f.paid_at_ms = o.paid_at;
  f.lessons_total = o.lessons_total;
  f.lessons_attended = o.lessons_attended;
  f.materials_shipped = o.materials_shipped;
  f.materials_fee_fen = o.materials_fee_fen;
  return f;
}

// A duplicate purchase is a fact of the orders: an earlier order of the same course
// by the same customer that is still active (not refunded).
bool is_duplicate_order(const State& s, const Order& o) {
  for (const Order& x : s.orders)
    if (x.id != o.id && x.customer_id == o.customer_id && x.course_id == o.course_id && x.refunded_by.empty() &&
        std::tie(x.paid_at, x.id) < std::tie(o.paid_at, o.id))
      return true;
  return false;
}

}  // namespace

json policy_to_json(const RefundPolicy& p) {
  return {{"id", p.id},
          {"version", p.version},
          {"cooling_off_hours", p.cooling_off_hours},
          {"cooling_off_max_lessons", p.cooling_off_max_lessons},
          {"utc_offset_minutes", p.utc_offset_minutes},
          {"authority",
           {{"junior", authority_json(p.junior)},
            {"mid", authority_json(p.mid)},
            {"senior", authority_json(p.senior)},
            {"supervisor", authority_json(p.supervisor)}}}};
}

// ---- apply ----------------------------------------------------------------------------------

namespace {
// Reads and checks an order.created Op against `s` without changing it.
bool check_order(const State& s, const Op& op, Order& o, Error& err) {
  if (!read_string(op.data, "order_id", o.id, err, limits::id, true) ||
      !read_string(op.data, "customer_id", o.customer_id, err, limits::id, true) ||
      !read_string(op.data, "course_id", o.course_id, err, limits::id, true) ||
      !read_int(op.data, "paid_fen", o.paid_fen, err, true) || !read_int(op.data, "paid_at", o.paid_at, err, true) ||
      !read_int(op.data, "lessons_total", o.lessons_total, err, true) ||
      !read_int(op.data, "lessons_attended", o.lessons_attended, err, true) ||
      !read_bool(op.data, "materials_shipped", o.materials_shipped, err) ||
      !read_int(op.data, "materials_fee_fen", o.materials_fee_fen, err, false))
    return false;
  if (s.order(o.id)) return fail(err, "exists", "order_id", "order " + o.id + " already exists");
  if (!s.customer(o.customer_id)) return fail(err, "not_found", "customer_id", "no customer " + o.customer_id);
  if (!s.course(o.course_id)) return fail(err, "not_found", "course_id", "no course " + o.course_id);
  if (o.paid_fen < 0) return fail(err, "invalid_value", "paid_fen", "an amount paid cannot be negative");
  if (o.materials_fee_fen < 0 || o.materials_fee_fen > o.paid_fen)
    return fail(err, "invalid_value", "materials_fee_fen", "the materials fee lies between 0 and the amount paid");
  if (o.lessons_total < 1 || o.lessons_total > kMaxLessons)
    return fail(err, "invalid_value", "lessons_total", "a course has between 1 and 100000 lessons");
  if (o.lessons_attended < 0 || o.lessons_attended > o.lessons_total)
    return fail(err, "invalid_value", "lessons_attended", "lessons attended lie between 0 and lessons_total");
  return true;
}

// Reads and checks a goodwill.offered Op against `s` without changing it.
bool check_goodwill(const State& s, const Op& op, Goodwill& g, Error& err);
}  // namespace

bool apply_order_created(State& s, const Op& op, Error& err) {
  Order o;
  if (!check_order(s, op, o, err)) return false;
  s.order_index[o.id] = s.orders.size();
  s.orders.push_back(std::move(o));
  return true;
}

bool apply_policy_set(State& s, const Op& op, Error& err) {
  if (op.by != "system" && role_of(s, op.by) != Role::supervisor)
    return fail(err, "forbidden", "by", "only a supervisor may change the refund policy");
  if (!present(op.data, "policy")) return fail(err, "missing_field", "policy", "'policy' is required");
  RefundPolicy p;
  if (!read_policy(op.data["policy"], p, err)) return false;
  p.id = op.id;
  Stamp st = op.stamp();
  auto pos = std::upper_bound(s.policy_stamps.begin(), s.policy_stamps.end(), st);
  auto i = pos - s.policy_stamps.begin();
  s.policy_stamps.insert(pos, st);
  s.policies.insert(s.policies.begin() + i, std::move(p));
  for (size_t k = 0; k < s.policies.size(); ++k) s.policies[k].version = static_cast<int64_t>(k) + 1;
  return true;
}

bool apply_refund_quoted(State& s, const Op& op, Error& err) {
  Refund r;
  std::string reason;
  if (!read_string(op.data, "refund_id", r.id, err, limits::id, true) ||
      !read_string(op.data, "ticket_id", r.ticket_id, err, limits::id, true) ||
      !read_string(op.data, "order_id", r.order_id, err, limits::id, true) ||
      !read_string(op.data, "policy_id", r.policy_id, err, limits::id, true) ||
      !read_enum(op.data, "reason", r.facts.reason, err, true, parse_refund_reason) ||
      !read_bool(op.data, "verified", r.facts.verified, err) ||
      !read_int(op.data, "fault_affected_lessons", r.facts.fault_affected_lessons, err, false) ||
      !read_int(op.data, "lessons_attended", r.facts.lessons_attended, err, true) ||
      !read_int(op.data, "requested_at", r.facts.requested_at_ms, err, true) ||
      !read_int(op.data, "refund_fen", r.refund_fen, err, true) ||
      !read_enum(op.data, "rule", r.rule, err, true, parse_refund_rule) ||
      !read_string(op.data, "explanation", r.explanation, err, limits::text, true))
    return false;
  if (s.refund(r.id)) return fail(err, "exists", "refund_id", "refund " + r.id + " already exists");
  const Ticket* t = s.ticket(r.ticket_id);
  if (!t) return fail(err, "not_found", "ticket_id", "no ticket " + r.ticket_id);
  const Order* o = s.order(r.order_id);
  if (!o) return fail(err, "not_found", "order_id", "no order " + r.order_id);
  if (o->customer_id != t->customer_id)
    return fail(err, "invalid_value", "order_id", "order " + o->id + " belongs to another customer");
  const RefundPolicy* p = s.policy(r.policy_id);
  if (!p) return fail(err, "not_found", "policy_id", "no refund policy " + r.policy_id);
  // The amount is not taken on trust: every replica recomputes it from the facts.
  RefundFacts f = facts_of(*o);
  f.lessons_attended = r.facts.lessons_attended;
  f.requested_at_ms = r.facts.requested_at_ms;
  f.reason = r.facts.reason;
  f.verified = r.facts.verified;
  f.fault_affected_lessons = r.facts.fault_affected_lessons;
  RefundQuote q;
  if (!quote_refund(*p, f, role_of(s, op.by), q, err)) return false;
  if (q.refund_fen != r.refund_fen || q.rule != r.rule)
    return fail(err, "quote_mismatch", "refund_fen",
                "the quote does not follow policy v" + std::to_string(p->version) + ": it gives " +
                    std::to_string(q.refund_fen) + " fen by rule " + to_id(q.rule));
  r.facts = f;
  r.origin_op = op.id;
  r.customer_id = o->customer_id;
  r.course_id = o->course_id;
  r.quoted_by = op.by;
  r.quoted_at = op.at;
  r.quoted_hlc = op.hlc;
  refold(s, r);
  s.op_refund.set(op.id, r.id);
  s.refund_index[r.id] = s.refunds.size();
  s.refunds.push_back(std::move(r));
  return true;
}

bool apply_refund_event(State& s, const Op& op, RefundStep step, Error& err) {
  std::string refund_id;
  RefundEvent e;
  if (!read_string(op.data, "refund_id", refund_id, err, limits::id, true) ||
      !read_string(op.data, "text", e.text, err, limits::text, step == RefundStep::rejected))
    return false;
  Refund* r = find_refund(s, refund_id);
  if (!r) return fail(err, "not_found", "refund_id", "no refund " + refund_id);
  bool by_server = step == RefundStep::paid || step == RefundStep::payment_blocked;
  if (by_server && op.by != "system") return fail(err, "forbidden", "by", "only the server pays refunds");
  const RefundPolicy* p = s.policy(r->policy_id);
  switch (step) {
    case RefundStep::approval_requested: {
      if (!read_string(op.data, "approver_role", e.value, err, 32, true)) return false;
      if (!parse_role(e.value)) return fail(err, "invalid_value", "approver_role", "'" + e.value + "' is not a role");
      break;
    }
    case RefundStep::approved:
    case RefundStep::rejected:
      // The authority is checked here, not only in the command: the server refuses a
      // tampered approval, and every replica agrees on who could approve what.
      if (!p || !may_approve(*p, role_of(s, op.by), r->refund_fen, r->rule))
        return fail(err, "above_authority", "refund_id",
                    "refund " + format_yuan(r->refund_fen) + " is above the authority of " + op.by);
      break;
    case RefundStep::paid:
      if (!read_string(op.data, "payment_ref", e.value, err, limits::id, true) ||
          !read_string(op.data, "approval_op", e.paid_approval, err, limits::id, true))
        return false;
      break;
    case RefundStep::reviewed: {
      if (!read_string(op.data, "root_cause", e.value, err, 32, true)) return false;
      if (!is_listed(kRootCauses, e.value)) return fail(err, "invalid_value", "root_cause", "'" + e.value + "' is not a root cause");
      break;
    }
    case RefundStep::withdrawn:
    case RefundStep::payment_blocked:
      break;
  }
  e.id = op.id;
  e.step = step;
  e.by = op.by;
  e.at = op.at;
  e.hlc = op.hlc;
  Stamp st = e.stamp();
  auto pos = std::upper_bound(r->events.begin(), r->events.end(), st,
                              [](const Stamp& a, const RefundEvent& x) { return a < x.stamp(); });
  r->events.insert(pos, std::move(e));
  refold(s, *r);
  s.op_refund.set(op.id, r->id);
  return true;
}

bool apply_goodwill(State& s, const Op& op, Error& err) {
  Goodwill g;
  if (!check_goodwill(s, op, g, err)) return false;
  s.goodwill.push_back(std::move(g));
  return true;
}

namespace {
bool check_goodwill(const State& s, const Op& op, Goodwill& g, Error& err) {
  std::string policy_id;
  if (!read_string(op.data, "ticket_id", g.ticket_id, err, limits::id, true) ||
      !read_enum(op.data, "kind", g.kind, err, true, parse_goodwill_kind) ||
      !read_string(op.data, "policy_id", policy_id, err, limits::id, true) ||
      !read_string(op.data, "note", g.note, err, limits::text, false))
    return false;
  const Ticket* t = s.ticket(g.ticket_id);
  if (!t) return fail(err, "not_found", "ticket_id", "no ticket " + g.ticket_id);
  const RefundPolicy* p = s.policy(policy_id);
  if (!p) return fail(err, "not_found", "policy_id", "no refund policy " + policy_id);
  const Authority& a = p->authority(role_of(s, op.by));
  if (g.kind == GoodwillKind::coupon) {
    if (!read_int(op.data, "amount_fen", g.amount_fen, err, true) ||
        !read_int(op.data, "expires_at", g.expires_at, err, true))
      return false;
    if (g.amount_fen <= 0) return fail(err, "invalid_value", "amount_fen", "a coupon is worth more than nothing");
    if (a.coupon_limit_fen >= 0 && g.amount_fen > a.coupon_limit_fen)
      return fail(err, "above_authority", "amount_fen",
                  "a coupon of " + format_yuan(g.amount_fen) + " is above the limit " + format_yuan(a.coupon_limit_fen));
    if (g.expires_at <= op.at || g.expires_at > op.at + 366 * kDayMs)
      return fail(err, "invalid_value", "expires_at", "a coupon expires within a year from now");
  } else {
    if (!read_int(op.data, "days", g.days, err, true) ||
        !read_string(op.data, "course_id", g.course_id, err, limits::id, false))
      return false;
    if (g.days < 1 || g.days > 3650) return fail(err, "invalid_value", "days", "an extension is 1 to 3650 days");
    if (a.extension_limit_days >= 0 && g.days > a.extension_limit_days)
      return fail(err, "above_authority", "days",
                  "an extension of " + std::to_string(g.days) + " days is above the limit of " +
                      std::to_string(a.extension_limit_days));
    if (g.course_id.empty()) g.course_id = t->course_id;
  }
  g.id = op.id;
  g.customer_id = t->customer_id;
  g.by = op.by;
  g.at = op.at;
  return true;
}
}  // namespace

bool unapply_refund_op(State& s, const std::string& op_id) {
  for (size_t i = 0; i < s.goodwill.size(); ++i)
    if (s.goodwill[i].id == op_id) {
      s.goodwill.erase(s.goodwill.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  for (size_t i = 1; i < s.policies.size(); ++i)
    if (s.policies[i].id == op_id) {
      s.policies.erase(s.policies.begin() + static_cast<std::ptrdiff_t>(i));
      s.policy_stamps.erase(s.policy_stamps.begin() + static_cast<std::ptrdiff_t>(i));
      for (size_t k = 0; k < s.policies.size(); ++k) s.policies[k].version = static_cast<int64_t>(k) + 1;
      return true;
    }
  const std::optional<std::string> refund_id = s.op_refund.get(op_id);
  if (!refund_id) return false;
  Refund* r = find_refund(s, *refund_id);
  if (!r) return false;
  if (r->origin_op == op_id) {
    // A refused quote takes its refund (and its events) out of the State.
    Refund gone = std::move(*r);
    gone.status = RefundStatus::withdrawn;
    sync_order(s, gone);
    for (const RefundEvent& e : gone.events) {
      s.op_refund.erase(e.id);
      s.applied_ops.erase(e.id);
    }
    s.op_refund.erase(op_id);
    size_t idx = s.refund_index[gone.id];
    s.refunds.erase(s.refunds.begin() + static_cast<std::ptrdiff_t>(idx));
    s.refund_index.clear();
    for (size_t k = 0; k < s.refunds.size(); ++k) s.refund_index[s.refunds[k].id] = k;
    return true;
  }
  auto& ev = r->events;
  ev.erase(std::remove_if(ev.begin(), ev.end(), [&](const RefundEvent& e) { return e.id == op_id; }), ev.end());
  refold(s, *r);
  s.op_refund.erase(op_id);
  return true;
}

void add_refunds_image(const State& s, json& img) {
  std::vector<const Order*> orders;
  for (const Order& o : s.orders) orders.push_back(&o);
  std::sort(orders.begin(), orders.end(), [](const Order* a, const Order* b) { return a->id < b->id; });
  json jo = json::array();
  for (const Order* o : orders)
    jo.push_back({o->id, o->customer_id, o->course_id, o->paid_fen, o->paid_at, o->lessons_total,
                  o->lessons_attended, o->materials_shipped, o->materials_fee_fen, o->refunded_by});
  img["orders"] = jo;
  json jp = json::array();
  for (const RefundPolicy& p : s.policies) jp.push_back(policy_to_json(p));
  img["policies"] = jp;
  std::vector<const Refund*> refunds;
  for (const Refund& r : s.refunds) refunds.push_back(&r);
  std::sort(refunds.begin(), refunds.end(), [](const Refund* a, const Refund* b) { return a->id < b->id; });
  json jr = json::array();
  for (const Refund* r : refunds) jr.push_back(refund_json(s, *r));
  img["refunds"] = jr;
  std::vector<const Goodwill*> gw;
  for (const Goodwill& g : s.goodwill) gw.push_back(&g);
  std::sort(gw.begin(), gw.end(), [](const Goodwill* a, const Goodwill* b) { return a->id < b->id; });
  json jg = json::array();
  for (const Goodwill* g : gw)
    jg.push_back({g->id, g->ticket_id, to_id(g->kind), g->amount_fen, g->expires_at, g->days, g->course_id, g->note,
                  g->by, g->at});
  img["goodwill"] = jg;
}

// ---- JSON views -------------------------------------------------------------------------------

json refund_json(const State& s, const Refund& r) {
  json events = json::array();
  for (const RefundEvent& e : r.events) {
    const Agent* a = s.agent(e.by);
    events.push_back({{"id", e.id},
                      {"step", to_id(e.step)},
                      {"by", e.by},
                      {"by_name", a ? a->name : e.by},
                      {"at", e.at},
                      {"text", e.text},
                      {"value", e.value},
                      {"paid_approval", e.paid_approval},
                      {"conflict", to_id(e.conflict)},
                      {"kept", e.kept_value}});
  }
  const RefundPolicy* p = s.policy(r.policy_id);
  const Ticket* t = s.ticket(r.ticket_id);
  const Customer* c = s.customer(r.customer_id);
  const Course* k = s.course(r.course_id);
  return {{"refund_id", r.id},
          {"ticket_id", r.ticket_id},
          {"ticket_number", t ? t->number : 0},
          {"order_id", r.order_id},
          {"customer_id", r.customer_id},
          {"customer_name", c ? c->name : ""},
          {"course_id", r.course_id},
          {"course_name", k ? k->name : ""},
          {"reason", to_id(r.facts.reason)},
          {"verified", r.facts.verified},
          {"fault_affected_lessons", r.facts.fault_affected_lessons},
          {"lessons_attended", r.facts.lessons_attended},
          {"requested_at", r.facts.requested_at_ms},
          {"paid_fen", r.facts.paid_fen},
          {"refund_fen", r.refund_fen},
          {"rule", to_id(r.rule)},
          {"policy_id", r.policy_id},
          {"policy_version", p ? p->version : 0},
          {"explanation", r.explanation},
          {"quoted_by", r.quoted_by},
          {"quoted_at", r.quoted_at},
          {"status", to_id(r.status)},
          {"approver_role", r.approver_role.empty() ? json(nullptr) : json(r.approver_role)},
          {"approved_by", r.approved_by},
          {"approval_op", r.approval_op},
          {"payment_ref", r.payment_ref},
          {"paid_at", r.paid_at},
          {"closed_reason", r.closed_reason},
          {"root_cause", r.root_cause},
          {"review_note", r.review_note},
          {"updated_at", r.updated_at},
          {"events", events}};
}

bool awaits_role(const Refund& r, Role role) {
  if (r.status != RefundStatus::awaiting_approval) return false;
  auto want = parse_role(r.approver_role);
  if (!want) return false;
  return authority_rank(role) >= authority_rank(*want);
}

std::vector<PaymentDue> payments_due(const State& s) {
  std::vector<std::pair<Stamp, PaymentDue>> due;
  for (const Refund& r : s.refunds) {
    if (r.status != RefundStatus::approved) continue;
    PaymentDue d{r.id, r.order_id, r.customer_id, r.approval_op, r.refund_fen, ""};
    if (const Order* o = s.order(r.order_id); o && !o->refunded_by.empty() && o->refunded_by != r.id)
      d.blocked_by = o->refunded_by;
    Stamp st;
    for (const RefundEvent& e : r.events)
      if (e.id == r.approval_op) st = e.stamp();
    due.push_back({st, std::move(d)});
  }
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PaymentDue> out;
  for (auto& [st, d] : due) out.push_back(std::move(d));
  return out;
}

// ---- decide -----------------------------------------------------------------------------------

namespace {

const Refund* read_refund(const State& s, const json& cmd, Error& err) {
  std::string id;
  if (!read_string(cmd, "refund_id", id, err, limits::id, true)) return nullptr;
  const Refund* r = s.refund(id);
  if (!r) err = {"not_found", "refund_id", "no refund " + id};
  return r;
}


bool read_draft(const json& cmd, Millis now, RefundDraft& d, Error& err) {
  d.requested_at = now;
  return read_string(cmd, "ticket_id", d.ticket_id, err, limits::id, true) &&
         read_string(cmd, "order_id", d.order_id, err, limits::id, true) &&
         read_enum(cmd, "reason", d.reason, err, true, parse_refund_reason) &&
         read_bool(cmd, "verified", d.verified, err) &&
         read_int(cmd, "fault_affected_lessons", d.fault_affected_lessons, err, false) &&
         read_int(cmd, "requested_at", d.requested_at, err, false);
}

bool order_create(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  json data{{"order_id", "o-" + ctx.ids->next()}};
  std::string customer_id, course_id;
  int64_t v = 0;
  bool shipped = false;
  if (!read_string(cmd, "customer_id", customer_id, err, limits::id, true) ||
      !read_string(cmd, "course_id", course_id, err, limits::id, true) || !read_bool(cmd, "materials_shipped", shipped, err))
    return false;
  data["customer_id"] = customer_id;
  data["course_id"] = course_id;
  data["materials_shipped"] = shipped;
  for (const char* k : {"paid_fen", "paid_at", "lessons_total", "lessons_attended", "materials_fee_fen"}) {
    v = 0;
    if (!read_int(cmd, k, v, err, std::string(k) != "materials_fee_fen")) return false;
    data[k] = v;
  }
  // Checked the way `apply` will, so the agent hears about a mistake now.
  Op op = make_op(ctx, op_type::order_created, std::move(data));
  Order o;
  if (!check_order(s, op, o, err)) return false;
  out.result["order_id"] = op.data["order_id"];
  out.ops.push_back(std::move(op));
  return true;
}

bool refund_quote(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  RefundDraft d;
  std::string explanation;
  bool send = false;
  if (!read_draft(cmd, ctx.now, d, err) ||
      !read_string(cmd, "explanation", explanation, err, limits::text, false) ||
      !read_bool(cmd, "send_to_customer", send, err))
    return false;
  RefundFacts f;
  RefundQuote q;
  if (!preview_refund(s, d, ctx.actor, f, q, err)) return false;
  if (explanation.empty()) explanation = q.explanation;
  std::string refund_id = "r-" + ctx.ids->next();
  json data{{"refund_id", refund_id},
            {"ticket_id", d.ticket_id},
            {"order_id", d.order_id},
            {"policy_id", s.current_policy().id},
            {"reason", to_id(d.reason)},
            {"verified", f.verified},
            {"fault_affected_lessons", f.fault_affected_lessons},
            {"lessons_attended", f.lessons_attended},
            {"requested_at", d.requested_at},
            {"refund_fen", q.refund_fen},
            {"rule", to_id(q.rule)},
            {"explanation", explanation}};
  out.ops.push_back(make_op(ctx, op_type::refund_quoted, std::move(data)));
  if (send)  // the explanation goes to the learner as a reply on the ticket
    out.ops.push_back(make_op(ctx, op_type::ticket_replied, json{{"ticket_id", d.ticket_id}, {"text", explanation}}));
  out.result = {{"refund_id", refund_id},
                {"refund_fen", q.refund_fen},
                {"rule", to_id(q.rule)},
                {"needs_approval", q.needs_approval},
                {"approver_role", q.approver_role ? json(to_id(*q.approver_role)) : json(nullptr)},
                {"explanation", explanation}};
  return true;
}

bool refund_step(const State& s, const json& cmd, Context& ctx, RefundStep step, Decision& out, Error& err) {
  const Refund* r = read_refund(s, cmd, err);
  std::string text;
  if (!r || !read_string(cmd, step == RefundStep::rejected ? "reason" : "note", text, err, limits::text,
                         step == RefundStep::rejected))
    return false;
  const RefundPolicy* p = s.policy(r->policy_id);
  Role me = role_of(s, ctx.actor);
  json data{{"refund_id", r->id}};
  if (!text.empty()) data["text"] = text;
  const char* type = nullptr;
  auto not_now = [&](const char* what) {
    return fail(err, "transition_not_allowed", "refund_id",
                std::string("refund ") + r->id + " is " + to_id(r->status) + ": it cannot be " + what);
  };
  switch (step) {
    case RefundStep::approval_requested: {
      if (r->status != RefundStatus::quoted) return not_now("sent for approval");
      RefundQuote q;
      RefundFacts f = r->facts;
      if (!p || !quote_refund(*p, f, me, q, err)) return false;
      if (!q.needs_approval)
        return fail(err, "within_authority", "refund_id",
                    "refund " + format_yuan(r->refund_fen) + " is within your authority: approve it yourself");
      data["approver_role"] = to_id(*q.approver_role);
      out.result["approver_role"] = to_id(*q.approver_role);
      type = op_type::refund_approval_requested;
      break;
    }
    case RefundStep::approved:
    case RefundStep::rejected: {
      bool approving = step == RefundStep::approved;
      if (!(r->status == RefundStatus::quoted || r->status == RefundStatus::awaiting_approval ||
            (!approving && r->status == RefundStatus::approved)))
        return not_now(approving ? "approved" : "rejected");
      if (!p || !may_approve(*p, me, r->refund_fen, r->rule)) {
        RefundQuote q;
        std::string who;
        if (quote_refund(*p, r->facts, me, q, err) && q.approver_role) who = role_name_zh(*q.approver_role);
        return fail(err, "above_authority", "refund_id",
                    std::string("退款 ") + format_yuan(r->refund_fen) + " 超出您（" + role_name_zh(me) +
                        "）的审批权限" + (who.empty() ? "" : "，请提交" + who + "审批"));
      }
      type = approving ? op_type::refund_approved : op_type::refund_rejected;
      break;
    }
    case RefundStep::withdrawn:
      if (!is_open(r->status)) return not_now("withdrawn");
      type = op_type::refund_withdrawn;
      break;
    case RefundStep::reviewed: {
      if (is_open(r->status)) return not_now("reviewed before it is settled");
      std::string cause;
      if (!read_string(cmd, "root_cause", cause, err, 32, true)) return false;
      if (!is_listed(kRootCauses, cause)) return fail(err, "invalid_value", "root_cause", "'" + cause + "' is not a root cause");
      data["root_cause"] = cause;
      type = op_type::refund_reviewed;
      break;
    }
    case RefundStep::paid:
    case RefundStep::payment_blocked:
      return fail(err, "forbidden", "type", "only the server pays refunds");
  }
  Op op = make_op(ctx, type, std::move(data));
  out.result["refund_id"] = r->id;
  out.ops.push_back(std::move(op));
  return true;
}

bool goodwill_offer(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  std::string ticket_id, kind, note, course_id;
  if (!read_string(cmd, "ticket_id", ticket_id, err, limits::id, true) ||
      !read_string(cmd, "kind", kind, err, 16, true) || !read_string(cmd, "note", note, err, limits::text, false))
    return false;
  json data{{"ticket_id", ticket_id}, {"kind", kind}, {"policy_id", s.current_policy().id}};
  if (!note.empty()) data["note"] = note;
  for (const char* k : {"amount_fen", "expires_at", "days"})
    if (present(cmd, k)) data[k] = cmd[k];
  if (present(cmd, "course_id")) data["course_id"] = cmd["course_id"];
  Op op = make_op(ctx, op_type::goodwill_offered, std::move(data));
  Goodwill g;
  if (!check_goodwill(s, op, g, err)) return false;  // the limits, exactly as apply judges them
  out.result["goodwill_id"] = op.id;
  out.ops.push_back(std::move(op));
  return true;
}

bool policy_set(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  if (role_of(s, ctx.actor) != Role::supervisor)
    return fail(err, "forbidden", "type", "only a supervisor may change the refund policy");
  if (!present(cmd, "policy")) return fail(err, "missing_field", "policy", "'policy' is required");
  RefundPolicy p = s.current_policy();
  if (!read_policy(cmd["policy"], p, err)) return false;
  json pj = policy_to_json(p);
  pj.erase("id");
  pj.erase("version");
  Op op = make_op(ctx, op_type::policy_set, json{{"policy", pj}});
  out.result["policy_id"] = op.id;
  out.ops.push_back(std::move(op));
  return true;
}

}  // namespace

bool preview_refund(const State& s, const RefundDraft& d, const std::string& actor, RefundFacts& f, RefundQuote& q,
                    Error& err) {
  const Ticket* t = s.ticket(d.ticket_id);
  if (!t) return fail(err, "not_found", "ticket_id", "no ticket " + d.ticket_id);
  const Order* o = s.order(d.order_id);
  if (!o) return fail(err, "not_found", "order_id", "no order " + d.order_id);
  if (o->customer_id != t->customer_id)
    return fail(err, "invalid_value", "order_id", "order " + o->id + " belongs to another customer");
  for (const Refund& r : s.refunds)  // one refund per order: a new quote only after a withdrawal or rejection
    if (r.order_id == d.order_id && (is_open(r.status) || r.status == RefundStatus::paid))
      return fail(err, "refund_exists", "order_id",
                  "order " + d.order_id + " already has refund " + r.id + " (" + to_id(r.status) +
                      "): withdraw it before quoting again");
  f = facts_of(*o);
  f.requested_at_ms = d.requested_at;
  f.reason = d.reason;
  f.verified = d.verified;
  f.fault_affected_lessons = d.fault_affected_lessons;
  if (d.reason == RefundReason::duplicate_purchase) {
    // Verified from the orders themselves, not from the agent's word.
    f.verified = is_duplicate_order(s, *o);
    if (d.verified && !f.verified)
      return fail(err, "not_duplicate", "order_id",
                  "order " + o->id + " is not a second order of a course the customer already holds");
  }
  return quote_refund(s.current_policy(), f, role_of(s, actor), q, err);
}

bool decide_refund_command(const State& s, const std::string& type, const json& cmd, Context& ctx, Decision& out,
                           Error& err, bool& known) {
  known = true;
  if (type == "order.create") return order_create(s, cmd, ctx, out, err);
  if (type == "refund.quote") return refund_quote(s, cmd, ctx, out, err);
  if (type == "refund.request_approval") return refund_step(s, cmd, ctx, RefundStep::approval_requested, out, err);
  if (type == "refund.approve") return refund_step(s, cmd, ctx, RefundStep::approved, out, err);
  if (type == "refund.reject") return refund_step(s, cmd, ctx, RefundStep::rejected, out, err);
  if (type == "refund.withdraw") return refund_step(s, cmd, ctx, RefundStep::withdrawn, out, err);
  if (type == "refund.review") return refund_step(s, cmd, ctx, RefundStep::reviewed, out, err);
  if (type == "goodwill.offer") return goodwill_offer(s, cmd, ctx, out, err);
  if (type == "policy.set") return policy_set(s, cmd, ctx, out, err);
  known = false;
  return false;
}

// ---- queries ------------------------------------------------------------------------------------

bool run_refund_query(const State& s, const json& q, Millis now, json& out, Error& err, bool& known) {
  std::string type = q.value("type", "");
  known = true;
  if (type == "refunds.list") {
    std::string ticket_id, status_id, role_id;
    if (!read_string(q, "ticket_id", ticket_id, err, limits::id, false) ||
        !read_string(q, "status", status_id, err, 32, false) || !read_string(q, "awaiting_role", role_id, err, 32, false))
      return false;
    std::optional<RefundStatus> status = parse_refund_status(status_id);
    std::optional<Role> awaiting = parse_role(role_id);
    if (!status_id.empty() && !status) return fail(err, "invalid_value", "status", "'" + status_id + "' is not a refund status");
    if (!role_id.empty() && !awaiting) return fail(err, "invalid_value", "awaiting_role", "'" + role_id + "' is not a role");
    std::vector<const Refund*> list;
    for (const Refund& r : s.refunds) {
      if (!ticket_id.empty() && r.ticket_id != ticket_id) continue;
      if (status && r.status != *status) continue;
      if (awaiting && !awaits_role(r, *awaiting)) continue;
      list.push_back(&r);
    }
    std::sort(list.begin(), list.end(), [](const Refund* a, const Refund* b) {
      return std::tie(b->updated_at, b->id) < std::tie(a->updated_at, a->id);  // latest first
    });
    out = json::array();
    for (const Refund* r : list) out.push_back(refund_json(s, *r));
    return true;
  }
  if (type == "refund.get") {
    const Refund* r = read_refund(s, q, err);
    if (!r) return false;
    out = refund_json(s, *r);
    return true;
  }
  if (type == "orders.list") {
    std::string customer_id;
    if (!read_string(q, "customer_id", customer_id, err, limits::id, false)) return false;
    out = json::array();
    for (const Order& o : s.orders) {
      if (!customer_id.empty() && o.customer_id != customer_id) continue;
      const Course* k = s.course(o.course_id);
      out.push_back({{"order_id", o.id},
                     {"customer_id", o.customer_id},
                     {"course_id", o.course_id},
                     {"course_name", k ? k->name : ""},
                     {"paid_fen", o.paid_fen},
                     {"paid_at", o.paid_at},
                     {"lessons_total", o.lessons_total},
                     {"lessons_attended", o.lessons_attended},
                     {"materials_shipped", o.materials_shipped},
                     {"materials_fee_fen", o.materials_fee_fen},
                     {"refunded_by", o.refunded_by}});
    }
    return true;
  }
  if (type == "refund.preview") {
    RefundDraft d;
    std::string actor;
    if (!read_draft(q, now, d, err) || !read_string(q, "agent_id", actor, err, limits::id, true)) return false;
    RefundFacts f;
    RefundQuote rq;
    if (!preview_refund(s, d, actor, f, rq, err)) return false;
    out = {{"refund_fen", rq.refund_fen},
           {"rule", to_id(rq.rule)},
           {"needs_approval", rq.needs_approval},
           {"approver_role", rq.approver_role ? json(to_id(*rq.approver_role)) : json(nullptr)},
           {"explanation", rq.explanation},
           {"verified", f.verified},
           {"policy_version", s.current_policy().version}};
    return true;
  }
  if (type == "policy.get") {
    out = policy_to_json(s.current_policy());
    return true;
  }
  if (type == "goodwill.list") {
    std::string ticket_id;
    if (!read_string(q, "ticket_id", ticket_id, err, limits::id, false)) return false;
    out = json::array();
    for (const Goodwill& g : s.goodwill) {
      if (!ticket_id.empty() && g.ticket_id != ticket_id) continue;
      out.push_back({{"id", g.id},
                     {"ticket_id", g.ticket_id},
                     {"kind", to_id(g.kind)},
                     {"amount_fen", g.amount_fen},
                     {"expires_at", g.expires_at},
                     {"days", g.days},
                     {"course_id", g.course_id},
                     {"note", g.note},
                     {"by", g.by},
                     {"at", g.at}});
    }
    return true;
  }
  known = false;
  return false;
}

}  // namespace edudesk
