// The refund policy (issue 4): rules, boundaries, authority, money formatting, timestamps
// and the `edudesk refund-quote` line format. Every number here was worked out by hand
// (or with Python's exact integers), not copied from the program.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "core/refund_policy.h"

using namespace edudesk;
using nlohmann::json;

namespace {
constexpr int64_t kSecond = 1000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kPaidAt = 1793498400000;  // 2026-11-01T10:00:00+08:00 == 2026-11-01T02:00:00Z
constexpr Fen kMax = std::numeric_limits<int64_t>::max();
constexpr Fen kMin = std::numeric_limits<int64_t>::min();

// ¥1,999.00 for 30 lessons, 12 attended, asked 10 days after paying: outside the cooling-off period.
RefundFacts base() {
  RefundFacts f;
  f.paid_fen = 199900;
  f.paid_at_ms = kPaidAt;
  f.requested_at_ms = kPaidAt + 10 * kDay;
  f.lessons_total = 30;
  f.lessons_attended = 12;
  f.reason = RefundReason::personal;
  return f;
}

// A refund of exactly `fen` by the personal rule: one lesson, none attended, asked late.
RefundFacts personal_of(Fen fen) {
  RefundFacts f = base();
  f.paid_fen = fen;
  f.lessons_total = 1;
  f.lessons_attended = 0;
  return f;
}

// A refund of exactly `fen` by the cooling-off rule.
RefundFacts cooling_off_of(Fen fen) {
  RefundFacts f = base();
  f.paid_fen = fen;
  f.requested_at_ms = kPaidAt + kDay;
  f.lessons_attended = 0;
  return f;
}

RefundQuote quote(const RefundFacts& f, Role role = Role::supervisor, const RefundPolicy& p = RefundPolicy{}) {
  RefundQuote q;
  Error err;
  bool ok = quote_refund(p, f, role, q, err);
  INFO(err.field << ": " << err.message);
  REQUIRE(ok);
  return q;
}

Error error_of(const RefundFacts& f) {
  RefundQuote q;
  Error err;
  REQUIRE_FALSE(quote_refund(RefundPolicy{}, f, Role::supervisor, q, err));
  return err;
}

json valid_line() {
  return json{{"paid_fen", 199900},        {"paid_at", "2026-11-01T10:00:00+08:00"},
              {"requested_at", "2026-11-11T10:00:00+08:00"}, {"lessons_total", 30},
              {"lessons_attended", 12},    {"materials_shipped", true},
              {"materials_fee_fen", 10000}, {"reason", "personal"},
              {"verified", false},         {"fault_affected_lessons", 0},
              {"agent_role", "senior"}};
}

// The error text of one input line ("" if the line was accepted).
std::string line_error(const std::string& line) {
  json out = refund_quote_line(line);
  if (!out.contains("error")) return "";
  REQUIRE(out.size() == 1);
  return out["error"].get<std::string>();
}
std::string error_for(const json& in) { return line_error(in.dump()); }

int64_t parse_ok(const std::string& s, int64_t offset = 480) {
  int64_t ms = -42;
  INFO(s);
  REQUIRE(parse_iso8601(s, offset, ms));
  return ms;
}
bool parses(const std::string& s) {
  int64_t ms = 0;
  return parse_iso8601(s, 480, ms);
}
}  // namespace

// ---- money and time ------------------------------------------------------------------

TEST_CASE("format_yuan groups thousands, keeps two decimals, handles both int64 ends", "[refund]") {
  CHECK(format_yuan(0) == "¥0.00");
  CHECK(format_yuan(1) == "¥0.01");
  CHECK(format_yuan(99) == "¥0.99");
  CHECK(format_yuan(100) == "¥1.00");
  CHECK(format_yuan(99999) == "¥999.99");
  CHECK(format_yuan(100000) == "¥1,000.00");
  CHECK(format_yuan(123456) == "¥1,234.56");
  CHECK(format_yuan(199900) == "¥1,999.00");
  CHECK(format_yuan(100000000) == "¥1,000,000.00");
  CHECK(format_yuan(-1) == "-¥0.01");
  CHECK(format_yuan(-100) == "-¥1.00");
  CHECK(format_yuan(-123456) == "-¥1,234.56");
  CHECK(format_yuan(kMax) == "¥92,233,720,368,547,758.07");
  CHECK(format_yuan(kMin) == "-¥92,233,720,368,547,758.08");
}

TEST_CASE("parse_iso8601 reads Z, +08:00, +0800, -05:00 and no offset as the same instant", "[refund]") {
  CHECK(parse_ok("2026-11-01T10:00:00+08:00") == 1793498400000);
  CHECK(parse_ok("2026-11-01T02:00:00Z") == 1793498400000);
  CHECK(parse_ok("2026-11-01T02:00:00z") == 1793498400000);
  CHECK(parse_ok("2026-11-01T10:00:00+0800") == 1793498400000);
  CHECK(parse_ok("2026-11-01T10:00:00+08") == 1793498400000);
  CHECK(parse_ok("2026-10-31T21:00:00-05:00") == 1793498400000);
  CHECK(parse_ok("2026-11-01T10:00:00") == 1793498400000);  // no offset: UTC+8
  CHECK(parse_ok("2026-11-01T10:00") == 1793498400000);
  CHECK(parse_ok("2026-11-01 10:00:00") == 1793498400000);
  CHECK(parse_ok("2026-11-01T02:00:00", 0) == 1793498400000);  // the default offset is the caller's
  CHECK(parse_ok("2026-11-01") == 1793462400000);              // 00:00 in UTC+8 = 2026-10-31T16:00Z
  CHECK(parse_ok("2026-11-01T02:00:00.123Z") == 1793498400123);
  CHECK(parse_ok("2026-11-01T02:00:00.5Z") == 1793498400500);
  CHECK(parse_ok("2026-11-01T02:00:00.123999Z") == 1793498400123);  // cut to the millisecond
  CHECK(parse_ok("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_ok("1969-12-31T23:59:59Z") == -1000);
  CHECK(parse_ok("2028-02-29T00:00:00Z") == 1835395200000);  // a leap day
  CHECK(parse_ok("2000-03-01T00:00:00Z") == 951868800000);
}

TEST_CASE("parse_iso8601 refuses what is not a valid time", "[refund]") {
  CHECK_FALSE(parses(""));
  CHECK_FALSE(parses("soon"));
  CHECK_FALSE(parses("2026-13-01"));
  CHECK_FALSE(parses("2026-00-10"));
  CHECK_FALSE(parses("2026-02-29"));  // 2026 is no leap year
  CHECK_FALSE(parses("1900-02-29"));
  CHECK_FALSE(parses("2026-04-31"));
  CHECK_FALSE(parses("2026-1-01"));
  CHECK_FALSE(parses("2026-11-01T"));
  CHECK_FALSE(parses("2026-11-01T24:00:00"));
  CHECK_FALSE(parses("2026-11-01T10:60:00"));
  CHECK_FALSE(parses("2026-11-01T10:00:60"));
  CHECK_FALSE(parses("2026-11-01T10:00:00+08:"));
  CHECK_FALSE(parses("2026-11-01T10:00:00+24:00"));
  CHECK_FALSE(parses("2026-11-01T10:00:00.Z"));
  CHECK_FALSE(parses("2026-11-01T10:00:00X"));
  CHECK_FALSE(parses("2026-11-01T10:00:00Z "));
  CHECK_FALSE(parses("2026-11-01x"));
}

TEST_CASE("format_local_zh shows the local date and time without padding the date", "[refund]") {
  CHECK(format_local_zh(kPaidAt, 480) == "2026年11月1日 10:00");
  CHECK(format_local_zh(kPaidAt, 0) == "2026年11月1日 02:00");
  CHECK(format_local_zh(kPaidAt + 7 * kDay + 59 * kSecond, 480) == "2026年11月8日 10:00");
  CHECK(format_local_zh(0, 0) == "1970年1月1日 00:00");
  CHECK(format_local_zh(-1, 0) == "1969年12月31日 23:59");
  CHECK(format_local_zh(1835395200000, 480) == "2028年2月29日 08:00");
  // Java: Instant.ofEpochMilli(Long.MAX_VALUE) = +292278994-08-17T07:12:55.807Z, MIN = -292275055-05-16T16:47:04.192Z
  CHECK(format_local_zh(kMax, 480) == "292278994年8月17日 15:12");
  CHECK(format_local_zh(kMin, 480) == "-292275055年5月17日 00:47");
}

TEST_CASE("reason and rule ids round-trip", "[refund]") {
  for (auto r : {RefundReason::personal, RefundReason::quality_mismatch, RefundReason::technical_failure,
                 RefundReason::duplicate_purchase})
    CHECK(parse_refund_reason(to_id(r)) == r);
  for (auto r : {RefundRule::cooling_off, RefundRule::duplicate, RefundRule::platform_fault, RefundRule::personal})
    CHECK(parse_refund_rule(to_id(r)) == r);
  CHECK(std::string(to_id(RefundRule::cooling_off)) == "cooling_off");
  CHECK(std::string(to_id(RefundRule::platform_fault)) == "platform_fault");
  CHECK_FALSE(parse_refund_reason("Personal"));
  CHECK_FALSE(parse_refund_rule(""));
}

// ---- the rules -----------------------------------------------------------------------

TEST_CASE("cooling-off: exactly 7 days qualifies, 7 days and 1 second does not", "[refund]") {
  RefundFacts f = base();
  f.lessons_attended = 2;
  f.requested_at_ms = kPaidAt + 7 * kDay;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::cooling_off);
  CHECK(q.refund_fen == 199900);

  f.requested_at_ms = kPaidAt + 7 * kDay + kSecond;
  q = quote(f);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 186573);  // 199900 × 28 / 30 = 186573.33 → down

  f.requested_at_ms = kPaidAt;  // the same instant as paying
  CHECK(quote(f).rule == RefundRule::cooling_off);
}

TEST_CASE("cooling-off: 2 lessons attended qualifies, 3 do not", "[refund]") {
  RefundFacts f = base();
  f.requested_at_ms = kPaidAt + 3 * kDay;
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  f.lessons_attended = 2;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::cooling_off);
  CHECK(q.refund_fen == 199900);  // everything paid, materials included

  f.lessons_attended = 3;
  q = quote(f);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 179910 - 10000);  // 199900 × 27 / 30 − 10000
}

TEST_CASE("the cooling-off window follows the policy", "[refund]") {
  RefundPolicy p;
  p.cooling_off_hours = 36;
  p.cooling_off_max_lessons = 0;
  RefundFacts f = base();
  f.lessons_attended = 0;
  f.requested_at_ms = kPaidAt + 36 * kHour;
  CHECK(quote(f, Role::supervisor, p).rule == RefundRule::cooling_off);
  CHECK(quote(f, Role::supervisor, p).explanation.find("36小时冷静期") != std::string::npos);
  f.requested_at_ms += 1;
  CHECK(quote(f, Role::supervisor, p).rule == RefundRule::personal);
  f.requested_at_ms = kPaidAt;
  f.lessons_attended = 1;
  CHECK(quote(f, Role::supervisor, p).rule == RefundRule::personal);
}

TEST_CASE("duplicate purchase: verified refunds everything, unverified is personal", "[refund]") {
  RefundFacts f = base();
  f.reason = RefundReason::duplicate_purchase;
  f.lessons_attended = 20;
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  f.verified = true;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::duplicate);
  CHECK(q.refund_fen == 199900);

  f.verified = false;
  q = quote(f);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 66633 - 10000);  // 199900 × 10 / 30 = 66633.33 → 66633, less materials
}

TEST_CASE("platform fault: unattended plus affected lessons, no materials deduction", "[refund]") {
  RefundFacts f = base();
  f.reason = RefundReason::technical_failure;
  f.verified = true;
  f.fault_affected_lessons = 3;
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::platform_fault);
  CHECK(q.refund_fen == 139930);  // 199900 × (30 − 12 + 3) / 30
  CHECK(q.explanation.find("¥1,999.00 × 21 ÷ 30 = ¥1,399.30") != std::string::npos);
  CHECK(q.explanation.find("实退 ¥1,399.30。") != std::string::npos);

  f.reason = RefundReason::quality_mismatch;
  f.fault_affected_lessons = 0;
  q = quote(f);
  CHECK(q.rule == RefundRule::platform_fault);
  CHECK(q.refund_fen == 119940);  // 199900 × 18 / 30

  f.fault_affected_lessons = 12;  // every attended lesson spoiled: everything back
  CHECK(quote(f).refund_fen == 199900);
}

TEST_CASE("unverified quality_mismatch falls to the personal rule", "[refund]") {
  RefundFacts f = base();
  f.reason = RefundReason::quality_mismatch;
  f.verified = false;
  f.fault_affected_lessons = 3;  // not counted without verification
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 109940);  // 199900 × 18 / 30 − 10000
  CHECK(q.explanation.find("暂未核实") != std::string::npos);

  f.reason = RefundReason::technical_failure;
  CHECK(quote(f).rule == RefundRule::personal);
}

TEST_CASE("rule 1 wins over rules 2, 3 and 4", "[refund]") {
  RefundFacts f = base();
  f.requested_at_ms = kPaidAt + 2 * kDay;
  f.lessons_attended = 1;
  f.fault_affected_lessons = 1;
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  f.verified = true;
  for (auto reason : {RefundReason::technical_failure, RefundReason::quality_mismatch,
                      RefundReason::duplicate_purchase, RefundReason::personal}) {
    f.reason = reason;
    RefundQuote q = quote(f);
    INFO(to_id(reason));
    CHECK(q.rule == RefundRule::cooling_off);
    CHECK(q.refund_fen == 199900);
  }
}

TEST_CASE("personal: all lessons attended refunds 0 and never goes below zero", "[refund]") {
  RefundFacts f = base();
  f.lessons_attended = 30;
  RefundQuote q = quote(f);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 0);

  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  q = quote(f);
  CHECK(q.refund_fen == 0);
  CHECK(q.explanation.find("实退 ¥0.00。") != std::string::npos);

  f = base();  // the share is smaller than the fee
  f.paid_fen = 10000;
  f.lessons_total = 10;
  f.lessons_attended = 9;
  f.materials_shipped = true;
  f.materials_fee_fen = 3000;
  CHECK(quote(f).refund_fen == 0);
  f.materials_fee_fen = 1000;  // exactly the share
  CHECK(quote(f).refund_fen == 0);
  f.materials_fee_fen = 999;
  CHECK(quote(f).refund_fen == 1);
  f.materials_shipped = false;  // a fee for materials never sent is not deducted
  CHECK(quote(f).refund_fen == 1000);
}

TEST_CASE("pro rata rounds down to the fen", "[refund]") {
  RefundFacts f = base();
  f.paid_fen = 100;
  f.lessons_total = 3;
  f.lessons_attended = 2;
  CHECK(quote(f).refund_fen == 33);  // 100 × 1/3 = 33.33
  f.paid_fen = 200;
  CHECK(quote(f).refund_fen == 66);  // 66.67: down, not to the nearest
  f.paid_fen = 299;
  f.lessons_attended = 1;
  CHECK(quote(f).refund_fen == 199);  // 299 × 2/3 = 199.33

  f.paid_fen = 100;  // the platform-fault share rounds down too
  f.lessons_attended = 3;
  f.fault_affected_lessons = 1;
  f.reason = RefundReason::technical_failure;
  f.verified = true;
  CHECK(quote(f).rule == RefundRule::platform_fault);
  CHECK(quote(f).refund_fen == 33);
}

TEST_CASE("amounts near the int64 limit are exact", "[refund]") {
  RefundFacts f = base();
  f.paid_fen = kMax;
  f.lessons_total = 3;
  f.lessons_attended = 1;
  RefundQuote q = quote(f);
  CHECK(q.refund_fen == 6148914691236517204);  // (2^63 − 1) × 2 / 3, rounded down
  CHECK(q.rule == RefundRule::personal);
  CHECK_FALSE(q.needs_approval);  // a supervisor

  f.lessons_total = kMax;
  f.lessons_attended = 1;
  CHECK(quote(f).refund_fen == kMax - 1);  // M × (M − 1) / M

  f.lessons_total = 7;
  f.lessons_attended = 1;
  f.materials_shipped = true;
  f.materials_fee_fen = kMax;
  CHECK(quote(f).refund_fen == 0);

  q = quote(cooling_off_of(kMax), Role::senior);
  CHECK(q.refund_fen == kMax);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::supervisor);
  CHECK(q.explanation.find("¥92,233,720,368,547,758.07") != std::string::npos);
}

// ---- authority ----------------------------------------------------------------------

TEST_CASE("each role's limit: at the limit it decides, 1 fen above it asks the next role", "[refund]") {
  struct Case {
    Role role;
    Fen limit;
    Role next;
  };
  for (Case c : {Case{Role::junior, 50000, Role::mid}, Case{Role::mid, 300000, Role::senior},
                 Case{Role::senior, 1000000, Role::supervisor}}) {
    INFO(to_id(c.role));
    RefundQuote q = quote(cooling_off_of(c.limit), c.role);
    CHECK(q.refund_fen == c.limit);
    CHECK_FALSE(q.needs_approval);
    CHECK_FALSE(q.approver_role.has_value());
    q = quote(cooling_off_of(c.limit + 1), c.role);
    CHECK(q.refund_fen == c.limit + 1);
    CHECK(q.needs_approval);
    CHECK(q.approver_role == c.next);
  }
  for (Case c : {Case{Role::mid, 300000, Role::senior}, Case{Role::senior, 1000000, Role::supervisor}}) {
    INFO(to_id(c.role));
    RefundQuote q = quote(personal_of(c.limit), c.role);
    CHECK(q.rule == RefundRule::personal);
    CHECK_FALSE(q.needs_approval);
    q = quote(personal_of(c.limit + 1), c.role);
    CHECK(q.needs_approval);
    CHECK(q.approver_role == c.next);
  }
  CHECK(may_approve(RefundPolicy{}, Role::junior, 50000, RefundRule::duplicate));
  CHECK_FALSE(may_approve(RefundPolicy{}, Role::junior, 50001, RefundRule::duplicate));
}

TEST_CASE("a supervisor approves any amount by any rule", "[refund]") {
  RefundQuote q = quote(personal_of(kMax), Role::supervisor);
  CHECK(q.refund_fen == kMax);
  CHECK_FALSE(q.needs_approval);
  CHECK_FALSE(q.approver_role.has_value());
  CHECK(may_approve(RefundPolicy{}, Role::supervisor, kMax, RefundRule::platform_fault));
}

TEST_CASE("a junior needs mid approval for rules 3 and 4, even for 1 fen", "[refund]") {
  RefundQuote q = quote(personal_of(1), Role::junior);
  CHECK(q.rule == RefundRule::personal);
  CHECK(q.refund_fen == 1);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::mid);

  RefundFacts f = personal_of(1);
  f.reason = RefundReason::quality_mismatch;
  f.verified = true;
  q = quote(f, Role::junior);
  CHECK(q.rule == RefundRule::platform_fault);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::mid);

  q = quote(personal_of(0), Role::junior);  // even nothing: juniors do not decide rule 4
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::mid);
}

TEST_CASE("the approver is the lowest role that covers it: a junior's ¥5,000 goes to senior", "[refund]") {
  RefundQuote q = quote(cooling_off_of(500000), Role::junior);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::senior);
  q = quote(personal_of(500000), Role::junior);
  CHECK(q.approver_role == Role::senior);
  q = quote(personal_of(1000001), Role::junior);
  CHECK(q.approver_role == Role::supervisor);
  q = quote(personal_of(300000), Role::junior);
  CHECK(q.approver_role == Role::mid);
}

TEST_CASE("tech support has no refund authority: its approver is counted from junior up", "[refund]") {
  RefundQuote q = quote(cooling_off_of(100), Role::tech_support);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::junior);
  q = quote(personal_of(100), Role::tech_support);
  CHECK(q.approver_role == Role::mid);
  q = quote(cooling_off_of(50001), Role::tech_support);
  CHECK(q.approver_role == Role::mid);
  CHECK_FALSE(may_approve(RefundPolicy{}, Role::tech_support, 1, RefundRule::cooling_off));
  const Authority& a = RefundPolicy{}.authority(Role::tech_support);
  CHECK(a.refund_limit_fen == 0);
  CHECK_FALSE(a.any_rule);
}

TEST_CASE("a policy that limits supervisors sends their large refunds to another supervisor", "[refund]") {
  RefundPolicy p;
  p.supervisor.refund_limit_fen = 2000000;
  RefundQuote q = quote(personal_of(2000001), Role::supervisor, p);
  CHECK(q.needs_approval);
  CHECK(q.approver_role == Role::supervisor);
  CHECK_FALSE(quote(personal_of(2000000), Role::supervisor, p).needs_approval);
}

// ---- the explanation ------------------------------------------------------------------

TEST_CASE("the cooling-off explanation names the rule, the amounts and the local dates", "[refund]") {
  RefundFacts f = base();
  f.requested_at_ms = kPaidAt + 4 * kDay - kHour;  // 2026-11-05 09:00 in UTC+8
  f.lessons_attended = 2;
  RefundQuote q = quote(f, Role::junior);
  CHECK(q.needs_approval);  // ¥1,999.00 is above a junior's ¥500 …
  CHECK(q.explanation ==    // … and the learner is not told about it
        "您于2026年11月1日 10:00 支付 ¥1,999.00，于2026年11月5日 09:00 申请退课，在7天冷静期内（截至2026年11月8日 "
        "10:00）且已上课2节（不超过2节），按退课冷静期规则全额退款 ¥1,999.00。");
}

TEST_CASE("the pro-rata explanation spells out the sum and the materials fee", "[refund]") {
  RefundFacts f = base();
  f.requested_at_ms = kPaidAt + 34 * kDay - kHour;  // 2026-12-05 09:00
  f.materials_shipped = true;
  f.materials_fee_fen = 10000;
  RefundQuote q = quote(f, Role::junior);
  CHECK(q.refund_fen == 109940);
  CHECK(q.needs_approval);
  CHECK(q.explanation ==
        "您于2026年11月1日 10:00 支付 ¥1,999.00，于2026年12月5日 09:00 申请退课，已超过7天冷静期（截至2026年11月8日 "
        "10:00）。按个人原因退课规则退款：课程共30节，已上12节，未上18节，按比例退款 ¥1,999.00 × 18 ÷ 30 = "
        "¥1,199.40，扣除已寄出教材费 ¥100.00，实退 ¥1,099.40。");
  for (const char* internal : {"审批", "主管", "批准", "approval", "mid", "junior"})
    CHECK(q.explanation.find(internal) == std::string::npos);

  f.requested_at_ms = kPaidAt + kDay;  // in the window but 12 lessons attended
  q = quote(f);
  CHECK(q.explanation.find("已上课12节（超过2节）") != std::string::npos);
}

TEST_CASE("the duplicate explanation names the rule", "[refund]") {
  RefundFacts f = base();
  f.reason = RefundReason::duplicate_purchase;
  f.verified = true;
  RefundQuote q = quote(f);
  CHECK(q.explanation.find("按重复购买规则全额退款 ¥1,999.00。") != std::string::npos);
}

// ---- invalid facts ---------------------------------------------------------------------

TEST_CASE("invalid facts are refused and the error names the field", "[refund]") {
  RefundFacts f = base();
  f.paid_fen = -1;
  CHECK(error_of(f).field == "paid_fen");
  f = base();
  f.materials_fee_fen = -1;
  CHECK(error_of(f).field == "materials_fee_fen");
  f = base();
  f.materials_fee_fen = 199901;
  CHECK(error_of(f).field == "materials_fee_fen");
  f = base();
  f.lessons_total = 0;
  Error e = error_of(f);
  CHECK(e.field == "lessons_total");
  CHECK(e.code == "invalid_value");
  f.lessons_total = -3;
  CHECK(error_of(f).field == "lessons_total");
  f = base();
  f.lessons_attended = -1;
  CHECK(error_of(f).field == "lessons_attended");
  f = base();
  f.lessons_attended = 31;
  CHECK(error_of(f).field == "lessons_attended");
  f = base();
  f.fault_affected_lessons = -1;
  CHECK(error_of(f).field == "fault_affected_lessons");
  f = base();
  f.fault_affected_lessons = 13;
  CHECK(error_of(f).field == "fault_affected_lessons");
  f = base();
  f.requested_at_ms = kPaidAt - 1;
  CHECK(error_of(f).field == "requested_at");
}

// ---- one input line → one output line -------------------------------------------------

TEST_CASE("refund_quote_line answers with exactly the five keys", "[refund]") {
  json out = refund_quote_line(valid_line().dump());
  REQUIRE(out.is_object());
  CHECK(out.size() == 5);
  CHECK(out["refund_fen"] == 109940);
  CHECK(out["rule"] == "personal");
  CHECK(out["needs_approval"] == false);
  CHECK(out["approver_role"].is_null());
  CHECK(out["explanation"].get<std::string>().find("实退 ¥1,099.40。") != std::string::npos);

  json in = valid_line();
  in["agent_role"] = "junior";
  out = refund_quote_line(in.dump());
  CHECK(out["needs_approval"] == true);
  CHECK(out["approver_role"] == "mid");
}

TEST_CASE("the optional fields default to 0 and false", "[refund]") {
  json in = valid_line();
  for (const char* k : {"materials_shipped", "materials_fee_fen", "verified", "fault_affected_lessons"}) in.erase(k);
  json out = refund_quote_line(in.dump());
  CHECK(out["refund_fen"] == 119940);  // no materials deducted
  CHECK(out["rule"] == "personal");
  in["reason"] = "technical_failure";  // not verified by default
  CHECK(refund_quote_line(in.dump())["rule"] == "personal");
  in["verified"] = true;
  CHECK(refund_quote_line(in.dump())["rule"] == "platform_fault");
  in["verified"] = nullptr;  // null counts as absent
  CHECK(refund_quote_line(in.dump())["rule"] == "personal");
}

TEST_CASE("timestamps with Z, +08:00 or no offset on an input line", "[refund]") {
  json in = valid_line();
  in["lessons_attended"] = 2;
  in["paid_at"] = "2026-11-01T02:00:00Z";
  in["requested_at"] = "2026-11-08T10:00:00+08:00";  // exactly 7 days
  CHECK(refund_quote_line(in.dump())["rule"] == "cooling_off");
  in["requested_at"] = "2026-11-08T10:00:00";  // no offset: UTC+8, still exactly 7 days
  CHECK(refund_quote_line(in.dump())["rule"] == "cooling_off");
  in["requested_at"] = "2026-11-08T10:00:01";
  CHECK(refund_quote_line(in.dump())["rule"] == "personal");
  in["requested_at"] = "2026-11-08T02:00:01Z";
  CHECK(refund_quote_line(in.dump())["rule"] == "personal");
  in["paid_at"] = "2026-11-01";  // 00:00 UTC+8: the window closes 2026-11-08 00:00
  in["requested_at"] = "2026-11-08";
  CHECK(refund_quote_line(in.dump())["rule"] == "cooling_off");
}

TEST_CASE("every invalid input line names its field", "[refund]") {
  auto with = [](const char* key, json value) {
    json in = valid_line();
    in[key] = std::move(value);
    return error_for(in);
  };
  auto starts = [](const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; };
  CHECK(error_for(valid_line()) == "");

  SECTION("missing required fields") {
    for (const char* k :
         {"paid_fen", "paid_at", "requested_at", "lessons_total", "lessons_attended", "reason", "agent_role"}) {
      json in = valid_line();
      in.erase(k);
      CHECK(error_for(in) == std::string(k) + ": is required");
      in[k] = nullptr;
      CHECK(error_for(in) == std::string(k) + ": is required");
    }
  }
  SECTION("wrong JSON types") {
    CHECK(with("paid_fen", "199900") == "paid_fen: must be an integer");
    CHECK(with("paid_fen", 1999.5) == "paid_fen: must be an integer");
    CHECK(with("paid_fen", 100.0) == "paid_fen: must be an integer");
    CHECK(with("lessons_total", true) == "lessons_total: must be an integer");
    CHECK(with("lessons_attended", json::array()) == "lessons_attended: must be an integer");
    CHECK(with("materials_fee_fen", "100") == "materials_fee_fen: must be an integer");
    CHECK(with("fault_affected_lessons", "1") == "fault_affected_lessons: must be an integer");
    CHECK(with("materials_shipped", "yes") == "materials_shipped: must be true or false");
    CHECK(with("verified", 1) == "verified: must be true or false");
    CHECK(with("paid_at", 1793498400000) == "paid_at: must be a string");
    CHECK(with("reason", 5) == "reason: must be a string");
    CHECK(with("agent_role", json::object()) == "agent_role: must be a string");
    CHECK(line_error(R"({"paid_fen":9223372036854775808})") == "paid_fen: is too large");
  }
  SECTION("negative amounts and counts") {
    CHECK(with("paid_fen", -1) == "paid_fen: cannot be negative (got -1)");
    CHECK(with("materials_fee_fen", -1) == "materials_fee_fen: cannot be negative (got -1)");
    CHECK(with("lessons_attended", -1) == "lessons_attended: cannot be negative (got -1)");
    CHECK(with("fault_affected_lessons", -2) == "fault_affected_lessons: cannot be negative (got -2)");
    CHECK(starts(with("lessons_total", -1), "lessons_total: must be at least 1"));
  }
  SECTION("inconsistent facts") {
    CHECK(with("lessons_total", 0) ==
          "lessons_total: must be at least 1 (got 0); a course without lessons cannot be pro-rated");
    CHECK(with("lessons_attended", 31) == "lessons_attended: 31 is more than lessons_total 30");
    CHECK(with("fault_affected_lessons", 13) == "fault_affected_lessons: 13 is more than lessons_attended 12");
    CHECK(with("materials_fee_fen", 199901) == "materials_fee_fen: 199901 is more than paid_fen 199900");
    CHECK(with("requested_at", "2026-11-01T09:59:59+08:00") == "requested_at: is before paid_at");
  }
  SECTION("unknown ids and unparsable timestamps") {
    CHECK(with("reason", "bored") ==
          "reason: 'bored' is not one of personal, quality_mismatch, technical_failure, duplicate_purchase");
    CHECK(with("agent_role", "boss") ==
          "agent_role: 'boss' is not one of junior, mid, senior, tech_support, supervisor");
    CHECK(starts(with("paid_at", "2026-02-30"), "paid_at: '2026-02-30' is not an ISO-8601 time"));
    CHECK(starts(with("requested_at", "next week"), "requested_at: 'next week' is not an ISO-8601 time"));
    CHECK(starts(with("paid_at", ""), "paid_at: '' is not an ISO-8601 time"));
  }
  SECTION("unknown fields, lines that are not JSON objects, invalid UTF-8") {
    CHECK(with("verifed", true) == "verifed: is not a field of a refund quote (misspelt?)");
    CHECK(line_error("not json") == "line: is not valid JSON");
    CHECK(line_error("{\"paid_fen\":1") == "line: is not valid JSON");
    CHECK(line_error("[1,2]") == "line: must be a JSON object");
    CHECK(line_error("42") == "line: must be a JSON object");
    CHECK(line_error("\"text\"") == "line: must be a JSON object");
    CHECK(line_error("{\"reason\":\"\xff\"}") == "line: is not valid UTF-8 text");
  }
}
