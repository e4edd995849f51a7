// The refund workflow (issue 4): quote → approve or ask for approval → paid once by
// the server; authority, one refund per order, two offline approvals, tampering.
#include <catch2/catch.hpp>

#include <map>

#include "core/commands.h"
#include "core/query.h"
#include "core/refunds.h"
#include "support.h"
#include "sync/service.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {

// A desk with agents of every role, customer c-1 with order o-1 (¥2,980.00, 30
// lessons, paid 10 days before kT0, 12 attended, books shipped for ¥120) and ticket t-1.
struct RefundDesk {
  State s = base_state();
  PrefixIds ids{"dev-"};
  Error err;
  Decision d;
  RefundDesk() {
    Error e;
    for (auto [id, role] : {std::pair{"a-jr", "junior"}, {"a-sr", "senior"}, {"a-sup", "supervisor"},
                            {"a-tech", "tech_support"}})
      REQUIRE(apply(s, make(id, op_type::agent_created, {{"agent_id", id}, {"name", id}, {"role", role}}), e) ==
              ApplyOutcome::applied);
    REQUIRE(apply(s, make("ord1", op_type::order_created, order("o-1", kT0 - 10 * kDayMs, 12)), e) ==
            ApplyOutcome::applied);
    REQUIRE(apply(s, make("tk1", op_type::ticket_created,
                          {{"ticket_id", "t-1"}, {"number", 10001}, {"customer_id", "c-1"}, {"course_id", "k-1"},
                           {"channel", "chat"}, {"subject", "申请退款"}, {"text", "课程不适合，想退款"}}),
                  e) == ApplyOutcome::applied);
  }
  static json order(const char* id, Millis paid_at, int64_t attended) {
    return {{"order_id", id},           {"customer_id", "c-1"},   {"course_id", "k-1"},
            {"paid_fen", 298000},       {"paid_at", paid_at},     {"lessons_total", 30},
            {"lessons_attended", attended}, {"materials_shipped", true}, {"materials_fee_fen", 12000}};
  }
  bool run(const json& cmd, const char* actor = "a-1", Millis now = kT0) {
    Context ctx{now, actor, &ids};
    if (!decide(s, cmd, ctx, d, err)) return false;
    for (const Op& op : d.ops) REQUIRE(apply(s, op, err) == ApplyOutcome::applied);
    return true;
  }
  std::string quote(const char* reason = "personal", const char* actor = "a-1", bool verified = false) {
    REQUIRE(run({{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", reason},
                 {"verified", verified}},
                actor));
    return d.result["refund_id"].get<std::string>();
  }
  const Refund& refund(const std::string& id) { return *s.refund(id); }
};
}  // namespace

TEST_CASE("a quote records the policy's amount, rule, version and explanation", "[refund]") {
  RefundDesk k;
  std::string id = k.quote();
  const Refund& r = k.refund(id);
  // personal after cooling-off: 298000 × 18 / 30 = 178800, minus ¥120 materials = 166800
  CHECK(r.refund_fen == 166800);
  CHECK(r.rule == RefundRule::personal);
  CHECK(r.status == RefundStatus::quoted);
  CHECK(r.policy_id == "default");
  CHECK(r.explanation.find("¥1,668.00") != std::string::npos);
  CHECK(k.d.result["needs_approval"] == false);  // a mid agent approves up to ¥3,000
}

TEST_CASE("the explanation is the agent's to edit, and can go to the learner as a reply", "[refund]") {
  RefundDesk k;
  REQUIRE(k.run({{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"},
                 {"explanation", "王同学您好，按未上课时退款 ¥1,668.00。"}, {"send_to_customer", true}},
                "a-1", kT0 + 60000));
  REQUIRE(k.d.ops.size() == 2);
  const Ticket* t = k.s.ticket("t-1");
  REQUIRE(t->timeline.size() == 2);
  CHECK(t->timeline[1].kind == EntryKind::reply);
  CHECK(t->timeline[1].text == "王同学您好，按未上课时退款 ¥1,668.00。");
  CHECK(k.refund(k.d.result["refund_id"]).explanation == "王同学您好，按未上课时退款 ¥1,668.00。");
}

TEST_CASE("an agent approves within authority; the refund waits as approved, not yet paid", "[refund]") {
  RefundDesk k;
  std::string id = k.quote();
  REQUIRE(k.run({{"type", "refund.approve"}, {"refund_id", id}}));
  CHECK(k.refund(id).status == RefundStatus::approved);
  CHECK(k.refund(id).approved_by == "a-1");
  CHECK(k.refund(id).payment_ref.empty());
  auto due = payments_due(k.s);
  REQUIRE(due.size() == 1);
  CHECK(due[0].refund_id == id);
  CHECK(due[0].amount_fen == 166800);
}

TEST_CASE("above one's authority: a clear error, and the request goes one step to whoever may decide", "[refund]") {
  RefundDesk k;
  // A junior may approve only cooling-off and duplicates: a personal refund goes up.
  std::string id = k.quote("personal", "a-jr");
  CHECK(k.d.result["needs_approval"] == true);
  CHECK(k.d.result["approver_role"] == "mid");
  CHECK_FALSE(k.run({{"type", "refund.approve"}, {"refund_id", id}}, "a-jr"));
  CHECK(k.err.code == "above_authority");
  CHECK(k.err.message.find("中级客服") != std::string::npos);
  CHECK(k.refund(id).status == RefundStatus::quoted);  // nothing changed

  REQUIRE(k.run({{"type", "refund.request_approval"}, {"refund_id", id}, {"note", "家长情绪激动"}}, "a-jr"));
  CHECK(k.refund(id).status == RefundStatus::awaiting_approval);
  CHECK(k.refund(id).approver_role == "mid");
  CHECK(awaits_role(k.refund(id), Role::mid));
  CHECK(awaits_role(k.refund(id), Role::supervisor));
  CHECK_FALSE(awaits_role(k.refund(id), Role::junior));
  REQUIRE(k.run({{"type", "refund.approve"}, {"refund_id", id}}, "a-1"));
  CHECK(k.refund(id).status == RefundStatus::approved);
}

TEST_CASE("asking for approval of what one may approve oneself is refused", "[refund]") {
  RefundDesk k;
  std::string id = k.quote();
  CHECK_FALSE(k.run({{"type", "refund.request_approval"}, {"refund_id", id}}));
  CHECK(k.err.code == "within_authority");
}

TEST_CASE("tech support has no refund authority", "[refund]") {
  RefundDesk k;
  std::string id = k.quote("personal", "a-tech");
  CHECK_FALSE(k.run({{"type", "refund.approve"}, {"refund_id", id}}, "a-tech"));
  CHECK(k.err.code == "above_authority");
}

TEST_CASE("a tampered approval above authority is refused by apply, on the server as on every desk", "[refund]") {
  RefundDesk k;
  std::string id = k.quote("personal", "a-jr");
  Op forged = make("forged", op_type::refund_approved, {{"refund_id", id}}, kT0, "a-jr");
  Error e;
  CHECK(apply(k.s, forged, e) == ApplyOutcome::rejected);
  CHECK(e.code == "above_authority");
  CHECK(k.refund(id).status == RefundStatus::quoted);
}

TEST_CASE("a quote with an amount the policy does not give is refused", "[refund]") {
  RefundDesk k;
  Op forged = make("q-x", op_type::refund_quoted,
                   {{"refund_id", "r-x"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"policy_id", "default"},
                    {"reason", "personal"}, {"lessons_attended", 12}, {"requested_at", kT0},
                    {"refund_fen", 298000}, {"rule", "cooling_off"}, {"explanation", "全额退款"}});
  Error e;
  CHECK(apply(k.s, forged, e) == ApplyOutcome::rejected);
  CHECK(e.code == "quote_mismatch");
  CHECK(k.s.refund("r-x") == nullptr);
}

TEST_CASE("one open refund per order; a withdrawn one makes room for a new quote", "[refund]") {
  RefundDesk k;
  std::string first = k.quote();
  CHECK_FALSE(k.run({{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"}}));
  CHECK(k.err.code == "refund_exists");
  REQUIRE(k.run({{"type", "refund.withdraw"}, {"refund_id", first}, {"note", "客户决定继续学习"}}));
  CHECK(k.refund(first).status == RefundStatus::withdrawn);
  std::string second = k.quote();
  CHECK(second != first);
}

TEST_CASE("rejecting needs a reason and the authority to decide", "[refund]") {
  RefundDesk k;
  std::string id = k.quote("personal", "a-jr");
  CHECK_FALSE(k.run({{"type", "refund.reject"}, {"refund_id", id}}, "a-sup"));
  CHECK(k.err.code == "missing_field");
  CHECK(k.err.field == "reason");
  CHECK_FALSE(k.run({{"type", "refund.reject"}, {"refund_id", id}, {"reason", "不符合政策"}}, "a-jr"));
  CHECK(k.err.code == "above_authority");
  REQUIRE(k.run({{"type", "refund.reject"}, {"refund_id", id}, {"reason", "已超过三分之二课时"}}, "a-sup"));
  CHECK(k.refund(id).status == RefundStatus::rejected);
  CHECK(k.refund(id).closed_reason == "已超过三分之二课时");
  CHECK_FALSE(k.run({{"type", "refund.approve"}, {"refund_id", id}}, "a-sup"));
  CHECK(k.err.code == "transition_not_allowed");
}

TEST_CASE("a review names a root cause, only once the refund is settled", "[refund]") {
  RefundDesk k;
  std::string id = k.quote();
  CHECK_FALSE(k.run({{"type", "refund.review"}, {"refund_id", id}, {"root_cause", "course_content"}}));
  CHECK(k.err.code == "transition_not_allowed");
  REQUIRE(k.run({{"type", "refund.withdraw"}, {"refund_id", id}}));
  CHECK_FALSE(k.run({{"type", "refund.review"}, {"refund_id", id}, {"root_cause", "aliens"}}));
  CHECK(k.err.code == "invalid_value");
  REQUIRE(k.run({{"type", "refund.review"}, {"refund_id", id}, {"root_cause", "course_content"}, {"note", "讲义过时"}}));
  CHECK(k.refund(id).root_cause == "course_content");
}

TEST_CASE("a duplicate purchase is verified from the orders, not from the agent's word", "[refund]") {
  RefundDesk k;
  CHECK_FALSE(k.run({{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"},
                     {"reason", "duplicate_purchase"}, {"verified", true}}));
  CHECK(k.err.code == "not_duplicate");
  Error e;
  REQUIRE(apply(k.s, make("ord2", op_type::order_created, RefundDesk::order("o-2", kT0 - 9 * kDayMs, 0)), e) ==
          ApplyOutcome::applied);
  REQUIRE(k.run({{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-2"},
                 {"reason", "duplicate_purchase"}}, "a-jr"));
  CHECK(k.d.result["rule"] == "duplicate");
  CHECK(k.d.result["refund_fen"] == 298000);
  CHECK(k.d.result["needs_approval"] == true);  // a junior's limit is ¥500
  CHECK(k.d.result["approver_role"] == "mid");  // ¥2,980 is within a mid agent's ¥3,000
}

TEST_CASE("goodwill has its own limits per role", "[refund]") {
  RefundDesk k;
  json coupon{{"type", "goodwill.offer"}, {"ticket_id", "t-1"}, {"kind", "coupon"}, {"amount_fen", 5001},
              {"expires_at", kT0 + 30 * kDayMs}};
  CHECK_FALSE(k.run(coupon, "a-jr"));
  CHECK(k.err.code == "above_authority");
  coupon["amount_fen"] = 5000;
  REQUIRE(k.run(coupon, "a-jr"));
  json ext{{"type", "goodwill.offer"}, {"ticket_id", "t-1"}, {"kind", "extension"}, {"days", 31}, {"note", "家中有事"}};
  CHECK_FALSE(k.run(ext, "a-1"));
  CHECK(k.err.field == "days");
  ext["days"] = 30;
  REQUIRE(k.run(ext, "a-1"));
  REQUIRE(k.s.goodwill.size() == 2);
  CHECK(k.s.goodwill[1].course_id == "k-1");
  json expired = coupon;
  expired["expires_at"] = kT0 - 1;
  CHECK_FALSE(k.run(expired, "a-sup"));
  CHECK(k.err.field == "expires_at");
}

TEST_CASE("a supervisor's new policy version applies to later quotes; others may not change it", "[refund]") {
  RefundDesk k;
  json change{{"type", "policy.set"}, {"policy", {{"authority", {{"mid", {{"refund_limit_fen", 100000}}}}}}}};
  CHECK_FALSE(k.run(change, "a-1"));
  CHECK(k.err.code == "forbidden");
  REQUIRE(k.run(change, "a-sup"));
  CHECK(k.s.current_policy().version == 2);
  CHECK(k.s.current_policy().mid.refund_limit_fen == 100000);
  CHECK(k.s.current_policy().senior.refund_limit_fen == 1000000);  // the rest kept
  std::string id = k.quote();
  CHECK(k.refund(id).policy_id == k.s.current_policy().id);
  CHECK(k.d.result["needs_approval"] == true);  // ¥1,668 is now above a mid agent
  CHECK(k.d.result["approver_role"] == "senior");
  // The editor sends the whole policy back, id and version included: those are not the editor's.
  json whole = policy_to_json(k.s.current_policy());
  whole["cooling_off_hours"] = 48;
  REQUIRE(k.run({{"type", "policy.set"}, {"policy", whole}}, "a-sup"));
  CHECK(k.s.current_policy().version == 3);
  CHECK(k.s.current_policy().cooling_off_hours == 48);
  CHECK(k.s.current_policy().id != whole["id"]);
  CHECK_FALSE(k.run({{"type", "policy.set"}, {"policy", {{"cooling_off_hours", -1}}}}, "a-sup"));
  CHECK(k.err.field == "cooling_off_hours");
}

// ---- offline, two desks, and the server's payment --------------------------------------

namespace {
// The fake provider of the tests: idempotent by refund id, can be down.
struct Provider : sync::PaymentProvider {
  std::map<std::string, std::string> paid;  // refund id → ref
  int calls = 0, down = 0;
  sync::PaymentOutcome refund(const sync::PaymentRequest& r) override {
    ++calls;
    sync::PaymentOutcome o;
    if (down > 0) {
      --down;
      return o;  // unavailable
    }
    auto it = paid.find(r.refund_id);
    if (it == paid.end()) it = paid.emplace(r.refund_id, "PAY-" + std::to_string(paid.size() + 1)).first;
    o.kind = sync::PaymentOutcome::paid;
    o.ref = it->second;
    return o;
  }
};

struct Server {
  sync::MemoryLog log;
  sync::SyncService svc{log};
  Server(const State& base, const std::vector<Op>& ops) {
    (void)base;
    std::string err;
    REQUIRE(svc.seed_if_empty(ops, err));
  }
  sync::PushResponse push(const std::string& agent, const std::vector<Op>& ops) {
    sync::PushRequest req;
    req.batch_id = "b";
    req.ops = ops;
    sync::PushResponse out;
    std::string err;
    REQUIRE(svc.push(agent, req, {}, kT0, out, err));
    return out;
  }
};

std::vector<Op> setup_ops() {
  std::vector<Op> ops;
  ops.push_back(make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}));
  ops.push_back(make("o1b", op_type::agent_created, {{"agent_id", "a-2"}, {"name", "刘洋"}, {"role", "senior"}}));
  ops.push_back(make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}}));
  ops.push_back(make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "数学"}, {"price_fen", 298000}}));
  ops.push_back(make("ord1", op_type::order_created, RefundDesk::order("o-1", kT0 - 10 * kDayMs, 12)));
  ops.push_back(make("tk1", op_type::ticket_created,
                     {{"ticket_id", "t-1"}, {"number", 10001}, {"customer_id", "c-1"}, {"course_id", "k-1"},
                      {"channel", "chat"}, {"subject", "申请退款"}}));
  return ops;
}

State state_of(const std::vector<Op>& ops) {
  State s;
  Error e;
  for (const Op& op : ops) REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
  return s;
}

Op one(const State& s, const json& cmd, const char* actor, const char* prefix, Millis now = kT0);

// The shared desk with a-1's quote of order o-1 applied.
struct Quoted {
  std::vector<Op> base = setup_ops();
  State s = state_of(base);
  Op quote = one(s, {{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"}},
                 "a-1", "q-");
  Quoted() {
    Error e;
    REQUIRE(apply(s, quote, e) == ApplyOutcome::applied);
  }
};

Op one(const State& s, const json& cmd, const char* actor, const char* prefix, Millis now) {
  PrefixIds ids(prefix);
  HlcClock clock;
  Context ctx{now, actor, &ids, &clock};
  Decision d;
  Error e;
  REQUIRE(decide(s, cmd, ctx, d, e));
  REQUIRE(d.ops.size() == 1);
  return d.ops[0];
}
}  // namespace

TEST_CASE("two agents approve the same refund offline: the server pays once and both see why", "[refund]") {
  std::vector<Op> base = setup_ops();
  State s = state_of(base);
  Op quote = one(s, {{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"}},
                 "a-1", "q-");
  Error e;
  REQUIRE(apply(s, quote, e) == ApplyOutcome::applied);
  std::string rid = quote.data["refund_id"];
  // Both desks saw the quote, then went offline and approved.
  Op a1 = one(s, {{"type", "refund.approve"}, {"refund_id", rid}}, "a-1", "d1-", kT0 + 1000);
  Op a2 = one(s, {{"type", "refund.approve"}, {"refund_id", rid}}, "a-2", "d2-", kT0 + 2000);

  Server srv(s, base);
  srv.push("a-1", {quote});
  Provider pay;
  std::string err;
  // a-2 comes back first: its approval is paid.
  srv.push("a-2", {a2});
  CHECK(srv.svc.settle_payments(pay, kT0 + 3000, err) == 0);
  srv.push("a-1", {a1});
  CHECK(srv.svc.settle_payments(pay, kT0 + 4000, err) == 0);
  CHECK(pay.paid.size() == 1);
  CHECK(pay.calls == 1);  // nothing left to pay the second time

  const Refund* r = srv.svc.state().refund(rid);
  REQUIRE(r);
  CHECK(r->status == RefundStatus::paid);
  CHECK(r->payment_ref == "PAY-1");
  CHECK(r->approved_by == "a-2");  // the approval the money went out on
  int duplicates = 0;
  for (const RefundEvent& ev : r->events)
    if (ev.step == RefundStep::approved && ev.conflict == Conflict::duplicate) {
      ++duplicates;
      CHECK(ev.by == "a-1");  // a-1's desk shows its approval as the second one
    }
  CHECK(duplicates == 1);

  // Every desk that pulls the log folds the same refund, in any arrival order.
  std::vector<sync::PulledOp> all;
  srv.log.read_all(all, err);
  State fwd, rev;
  for (const auto& p : all) apply(fwd, p.op, e);
  std::vector<Op> ops;
  for (const auto& p : all) ops.push_back(p.op);
  // reverse only the refund events (they need the refund to exist)
  std::vector<Op> head, tail;
  for (const Op& op : ops)
    (op.type == op_type::refund_approved || op.type == op_type::refund_paid ? tail : head).push_back(op);
  for (const Op& op : head) apply(rev, op, e);
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) apply(rev, *it, e);
  CHECK(state_image(fwd) == state_image(rev));
}

TEST_CASE("two quotes of one order approved offline: one is paid, the other is blocked with the reason", "[refund]") {
  std::vector<Op> base = setup_ops();
  State s1 = state_of(base), s2 = state_of(base);
  json q{{"type", "refund.quote"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"}};
  Op q1 = one(s1, q, "a-1", "x-"), q2 = one(s2, q, "a-2", "y-");
  Error e;
  apply(s1, q1, e);
  apply(s2, q2, e);
  Op a1 = one(s1, {{"type", "refund.approve"}, {"refund_id", q1.data["refund_id"]}}, "a-1", "x2-", kT0 + 10);
  Op a2 = one(s2, {{"type", "refund.approve"}, {"refund_id", q2.data["refund_id"]}}, "a-2", "y2-", kT0 + 20);
  Server srv(s1, base);
  srv.push("a-1", {q1, a1});
  srv.push("a-2", {q2, a2});
  Provider pay;
  std::string err;
  CHECK(srv.svc.settle_payments(pay, kT0 + 100, err) == 0);
  CHECK(pay.paid.size() == 1);
  const Refund* r1 = srv.svc.state().refund(q1.data["refund_id"]);
  const Refund* r2 = srv.svc.state().refund(q2.data["refund_id"]);
  CHECK(r1->status == RefundStatus::paid);
  CHECK(r2->status == RefundStatus::rejected);
  CHECK(r2->closed_reason.find(r1->id) != std::string::npos);
  CHECK(srv.svc.state().order("o-1")->refunded_by == r1->id);
}

TEST_CASE("an unavailable provider is retried; a crash between paying and recording pays once", "[refund]") {
  Quoted k;
  std::vector<Op>& base = k.base;
  State& s = k.s;
  Op& quote = k.quote;
  Error e;
  Op ok = one(s, {{"type", "refund.approve"}, {"refund_id", quote.data["refund_id"]}}, "a-1", "a-", kT0 + 5);
  Server srv(s, base);
  srv.push("a-1", {quote, ok});
  Provider pay;
  pay.down = 1;
  std::string err;
  CHECK(srv.svc.settle_payments(pay, kT0 + 10, err) == 1);  // still waiting
  CHECK(srv.svc.state().refund(quote.data["refund_id"])->status == RefundStatus::approved);
  // The provider pays, then the disk refuses the record: nothing is acknowledged…
  srv.log.fail_next_commit = true;
  CHECK(srv.svc.settle_payments(pay, kT0 + 20, err) == -1);
  CHECK(pay.paid.size() == 1);
  CHECK(srv.svc.state().refund(quote.data["refund_id"])->status == RefundStatus::approved);
  // …and the retry asks the provider again with the same key: the same payment, recorded.
  CHECK(srv.svc.settle_payments(pay, kT0 + 30, err) == 0);
  CHECK(pay.paid.size() == 1);
  CHECK(srv.svc.state().refund(quote.data["refund_id"])->payment_ref == "PAY-1");
}

TEST_CASE("a withdrawal made offline cannot undo a payment the server already made", "[refund]") {
  Quoted k;
  std::vector<Op>& base = k.base;
  State& s = k.s;
  Op& quote = k.quote;
  Error e;
  std::string rid = quote.data["refund_id"];
  Op ok = one(s, {{"type", "refund.approve"}, {"refund_id", rid}}, "a-1", "a-", kT0 + 5);
  Op wd = one(s, {{"type", "refund.withdraw"}, {"refund_id", rid}}, "a-2", "w-", kT0 + 1);  // earlier, offline
  Server srv(s, base);
  srv.push("a-1", {quote, ok});
  Provider pay;
  std::string err;
  srv.svc.settle_payments(pay, kT0 + 10, err);
  srv.push("a-2", {wd});
  const Refund* r = srv.svc.state().refund(rid);
  CHECK(r->status == RefundStatus::paid);
  bool marked = false;
  for (const RefundEvent& ev : r->events)
    if (ev.step == RefundStep::withdrawn) marked = ev.conflict == Conflict::ignored && ev.kept_value == "paid";
  CHECK(marked);
}

TEST_CASE("only the server records payments", "[refund]") {
  Quoted k;
  std::vector<Op>& base = k.base;
  State& s = k.s;
  Op& quote = k.quote;
  Error e;
  Server srv(s, base);
  srv.push("a-1", {quote});
  Op fake = make("fake-paid", op_type::refund_paid,
                 {{"refund_id", quote.data["refund_id"]}, {"payment_ref", "X"}, {"approval_op", "none"}}, kT0, "a-1");
  auto out = srv.push("a-1", {fake});
  REQUIRE(out.results.size() == 1);
  CHECK(out.results[0].verdict == sync::Verdict::rejected);
  CHECK(out.results[0].code == "forbidden");
}

TEST_CASE("refund queries: the approval queue, a preview, the policy", "[refund]") {
  RefundDesk k;
  json out;
  Error e;
  json preview{{"type", "refund.preview"}, {"ticket_id", "t-1"}, {"order_id", "o-1"}, {"reason", "personal"},
               {"agent_id", "a-sr"}};
  REQUIRE(run_query(k.s, preview, kT0, out, e));
  CHECK(out["refund_fen"] == 166800);
  CHECK(out["needs_approval"] == false);
  std::string id = k.quote("personal", "a-jr");
  REQUIRE(k.run({{"type", "refund.request_approval"}, {"refund_id", id}}, "a-jr"));
  // The order has an open refund now: the preview says so, as the quote would.
  CHECK_FALSE(run_query(k.s, preview, kT0, out, e));
  CHECK(e.code == "refund_exists");
  REQUIRE(run_query(k.s, {{"type", "refunds.list"}, {"awaiting_role", "mid"}}, kT0, out, e));
  REQUIRE(out.size() == 1);
  CHECK(out[0]["refund_id"] == id);
  CHECK(out[0]["customer_name"] == "李小明");
  REQUIRE(run_query(k.s, {{"type", "refunds.list"}, {"awaiting_role", "junior"}}, kT0, out, e));
  CHECK(out.empty());
  REQUIRE(run_query(k.s, {{"type", "policy.get"}}, kT0, out, e));
  CHECK(out["authority"]["junior"]["refund_limit_fen"] == 50000);
  CHECK_FALSE(run_query(k.s, {{"type", "refunds.list"}, {"status", "lost"}}, kT0, out, e));
  CHECK(e.field == "status");
}

TEST_CASE("amounts typed in yuan become exact fen", "[refund]") {
  Fen f = -1;
  CHECK((parse_yuan("1234.5", f) && f == 123450));
  CHECK((parse_yuan("1,234.56", f) && f == 123456));
  CHECK((parse_yuan("¥50", f) && f == 5000));
  CHECK((parse_yuan("￥0.01", f) && f == 1));
  CHECK((parse_yuan(" 7 ", f) && f == 700));
  CHECK((parse_yuan(".5", f) && f == 50));
  CHECK_FALSE(parse_yuan("", f));
  CHECK_FALSE(parse_yuan("-5", f));
  CHECK_FALSE(parse_yuan("1.234", f));
  CHECK_FALSE(parse_yuan("12a", f));
  CHECK_FALSE(parse_yuan("1.2.3", f));
  CHECK_FALSE(parse_yuan("999999999999", f));
  CHECK(format_yuan(123456) == "¥1,234.56");
  CHECK((parse_yuan(format_yuan(98765432), f) && f == 98765432));
}
