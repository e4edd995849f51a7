#pragma once
// Orders, refunds and goodwill (issue 4). A refund is created by one quote Op and
// then changed only by events (approval requested, approved, rejected, withdrawn,
// paid, payment blocked, reviewed); its status is the fold of those events in
// (hlc, op id) order, so every replica that holds the same Ops shows the same refund.
#include <optional>
#include <string>
#include <vector>

#include "core/hlc.h"
#include "core/model.h"
#include "core/refund_policy.h"

namespace edudesk {

struct Order {
  std::string id;
  std::string customer_id, course_id;
  Fen paid_fen = 0;
  Millis paid_at = 0;
  int64_t lessons_total = 0, lessons_attended = 0;
  bool materials_shipped = false;
  Fen materials_fee_fen = 0;
  // derived: the refund paid for it ("" while none); one refund per order is paid
  std::string refunded_by;
};

enum class RefundStatus { quoted, awaiting_approval, approved, paid, rejected, withdrawn };
enum class RefundStep { approval_requested, approved, rejected, withdrawn, paid, payment_blocked, reviewed };

struct RefundEvent {
  std::string id;  // the Op's id
  RefundStep step = RefundStep::approved;
  std::string by;
  Millis at = 0;
  Hlc hlc;
  std::string text;           // a note, the reason for a rejection or a block, a review note
  std::string value;          // approval_requested: approver role; paid: payment reference; reviewed: root cause
  std::string paid_approval;  // paid: the approval the server paid on
  // derived by the fold
  Conflict conflict = Conflict::none;
  std::string kept_value;  // with a conflict: the status that stayed

  Stamp stamp() const { return {hlc, id}; }
};

struct Refund {
  // -- set by the quote, never changed: a new amount is a new quote
  std::string id, origin_op;
  std::string ticket_id, order_id, customer_id, course_id;
  RefundFacts facts;  // as the agent saw them when quoting
  RefundRule rule = RefundRule::personal;
  Fen refund_fen = 0;
  std::string policy_id;
  std::string explanation;  // what the learner was told, as the agent edited it
  std::string quoted_by;
  Millis quoted_at = 0;
  Hlc quoted_hlc;
  std::vector<RefundEvent> events;  // in (hlc, op id) order
  // -- derived
  RefundStatus status = RefundStatus::quoted;
  std::string approver_role;  // while awaiting approval
  std::string approved_by, approval_op;
  std::string payment_ref;
  Millis paid_at = 0;
  std::string closed_reason;  // why rejected / blocked
  std::string root_cause, review_note;
  Millis updated_at = 0;
};

enum class GoodwillKind { coupon, extension };

struct Goodwill {
  std::string id;  // the Op's id
  std::string ticket_id, customer_id;
  GoodwillKind kind = GoodwillKind::coupon;
  Fen amount_fen = 0;      // coupon
  Millis expires_at = 0;   // coupon
  int64_t days = 0;        // extension
  std::string course_id;   // extension: the course it extends
  std::string note;
  std::string by;
  Millis at = 0;
};

constexpr RefundStatus kRefundStatuses[] = {RefundStatus::quoted, RefundStatus::awaiting_approval,
                                             RefundStatus::approved, RefundStatus::paid,
                                             RefundStatus::rejected, RefundStatus::withdrawn};
constexpr GoodwillKind kGoodwillKinds[] = {GoodwillKind::coupon, GoodwillKind::extension};

const char* to_id(RefundStatus s);
const char* to_id(RefundStep s);
const char* to_id(GoodwillKind k);
std::optional<RefundStatus> parse_refund_status(std::string_view s);
std::optional<GoodwillKind> parse_goodwill_kind(std::string_view s);

// Root causes a review may name (analytics group by them).
constexpr const char* kRootCauses[] = {"course_content", "teacher",      "technical", "sales_promise",
                                       "personal",       "duplicate_order", "other",     nullptr};

}  // namespace edudesk
