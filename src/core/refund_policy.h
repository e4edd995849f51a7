#pragma once
// The refund policy (issue 4): a pure function from an order's facts, a reason and a
// written, versioned policy to an amount in fen, the rule that gave it, whether the
// agent may approve it, and the learner-facing explanation in plain Chinese.
// The desk (commands.cpp), the server and `edudesk refund-quote` all call `quote_refund`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/error.h"

namespace edudesk {

using Fen = int64_t;  // money is integer fen (分), never floating point

enum class RefundReason { personal, quality_mismatch, technical_failure, duplicate_purchase };
enum class RefundRule { cooling_off, duplicate, platform_fault, personal };

constexpr RefundReason kRefundReasons[] = {RefundReason::personal, RefundReason::quality_mismatch,
                                           RefundReason::technical_failure, RefundReason::duplicate_purchase};
constexpr RefundRule kRefundRules[] = {RefundRule::cooling_off, RefundRule::duplicate, RefundRule::platform_fault,
                                       RefundRule::personal};

const char* to_id(RefundReason r);
const char* to_id(RefundRule r);
std::optional<RefundReason> parse_refund_reason(std::string_view s);
std::optional<RefundRule> parse_refund_rule(std::string_view s);

// Authority of one role: the largest refund it approves (-1: no limit), which rules
// it may approve at all, and its goodwill limits.
struct Authority {
  Fen refund_limit_fen = 0;       // -1 = without limit
  bool any_rule = false;          // false: only cooling_off and duplicate (juniors)
  Fen coupon_limit_fen = 0;       // -1 = without limit
  int64_t extension_limit_days = 0;  // -1 = without limit
};

struct RefundPolicy {
  std::string id = "default";     // the policy.set Op that made it; "default" for the built-in one
  int64_t version = 1;            // 1 for the built-in policy, +1 per policy.set in fold order
  int64_t cooling_off_hours = 7 * 24;   // request ≤ paid_at + this, inclusive
  int64_t cooling_off_max_lessons = 2;  // at most this many attended
  int64_t utc_offset_minutes = 8 * 60;  // how local times are read and shown (UTC+8)
  // junior, mid, senior, supervisor (tech_support has no refund authority)
  Authority junior{50000, false, 5000, 7};
  Authority mid{300000, true, 20000, 30};
  Authority senior{1000000, true, 50000, 90};
  Authority supervisor{-1, true, -1, -1};

  const Authority& authority(Role r) const;  // tech_support: an all-zero Authority
};

struct RefundFacts {
  Fen paid_fen = 0;
  int64_t paid_at_ms = 0;       // UTC milliseconds
  int64_t requested_at_ms = 0;  // UTC milliseconds
  int64_t lessons_total = 0;
  int64_t lessons_attended = 0;
  bool materials_shipped = false;
  Fen materials_fee_fen = 0;
  RefundReason reason = RefundReason::personal;
  bool verified = false;               // QA or a linked incident confirmed the fault / the duplicate order
  int64_t fault_affected_lessons = 0;  // attended lessons the fault spoiled (platform fault only)
};

struct RefundQuote {
  Fen refund_fen = 0;
  RefundRule rule = RefundRule::personal;
  bool needs_approval = false;
  std::optional<Role> approver_role;  // the lowest role above the agent that may approve it
  std::string explanation;            // plain simplified Chinese, for the learner
};

// Checks the facts (Error.field names the offending field: negative amounts,
// attended > total, lessons_total < 1, requested before paid, affected > attended,
// materials fee > paid …) and computes the quote for an agent of `agent_role`.
//
// Rules, first that applies wins:
//  1 cooling_off: requested_at ≤ paid_at + cooling_off_hours (inclusive) and
//    attended ≤ cooling_off_max_lessons → everything paid.
//  2 duplicate: reason duplicate_purchase and verified → everything paid.
//  3 platform_fault: reason quality_mismatch or technical_failure, verified →
//    pro rata of (total − attended + affected) lessons, no materials deduction.
//  4 personal (reason personal, or any unverified reason) → pro rata of
//    (total − attended) lessons minus the materials fee if shipped, never below 0.
// Pro rata = paid × lessons / total, rounded down to the fen, exact for any int64
// (128-bit intermediate). Authority: needs_approval when the amount is above the
// role's refund limit, or the rule is 3/4 and the role may approve only 1/2;
// approver_role is then the lowest role above `agent_role` whose authority covers it
// (one step to the one who can decide, never a chain).
bool quote_refund(const RefundPolicy& p, const RefundFacts& f, Role agent_role, RefundQuote& out, Error& err);

// junior < mid < senior < supervisor; tech_support below them all (no refund authority).
int authority_rank(Role r);

// May `role` approve `q` (amount and rule) under `p`?
bool may_approve(const RefundPolicy& p, Role role, Fen refund_fen, RefundRule rule);

// "¥1,234.56" (negative amounts with a leading minus).
std::string format_yuan(Fen fen);
// What an agent types for an amount: "1234.5", "1,234.56", "¥50", " 50 " → fen, exactly
// (no floating point). False for anything else: negatives, more than two decimals,
// amounts beyond ¥10 billion.
bool parse_yuan(std::string_view text, Fen& out);
// ISO-8601 "2026-11-01T10:00:00+08:00", "…Z", "…+0800", fractional seconds, or no
// offset (read in the policy's offset), or a date "2026-11-01" (00:00 local).
bool parse_iso8601(std::string_view s, int64_t default_offset_minutes, int64_t& out_ms);
// "2026年11月1日 10:00" in the given offset.
std::string format_local_zh(int64_t ms, int64_t offset_minutes);

// `edudesk refund-quote`: one JSON input line → one JSON output line (issue 4):
// {"refund_fen","rule","needs_approval","approver_role","explanation"} or {"error"}.
nlohmann::json refund_quote_line(const std::string& line, const RefundPolicy& p = RefundPolicy{});

}  // namespace edudesk
