#pragma once
// The refund workflow on top of the policy (refund_policy.h): how its Ops apply,
// which Commands make them, and what the page and the server ask of it.
// state.cpp, commands.cpp and query.cpp dispatch here; nothing else knows refunds.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/commands.h"
#include "core/state.h"

namespace edudesk {

// ---- apply (called by `apply` in state.cpp) -------------------------------------------------
bool apply_order_created(State& s, const Op& op, Error& err);
bool apply_policy_set(State& s, const Op& op, Error& err);
bool apply_refund_quoted(State& s, const Op& op, Error& err);
bool apply_refund_event(State& s, const Op& op, RefundStep step, Error& err);
bool apply_goodwill(State& s, const Op& op, Error& err);
// Takes back a refused refund, refund event, goodwill or policy Op; false if `op_id` is none of them.
bool unapply_refund_op(State& s, const std::string& op_id);
// Adds orders, policies, refunds and goodwill to a state image (state_image).
void add_refunds_image(const State& s, nlohmann::json& img);

// ---- decide (called by `decide` in commands.cpp) --------------------------------------------
// order.create, refund.quote, refund.request_approval, refund.approve, refund.reject,
// refund.withdraw, refund.review, goodwill.offer, policy.set. `known` is false for other types.
bool decide_refund_command(const State& s, const std::string& type, const nlohmann::json& cmd, Context& ctx,
                           Decision& out, Error& err, bool& known);

// ---- queries (called by run_query) ------------------------------------------------------------
// refunds.list {status?, ticket_id?, awaiting_role?}, refund.get {refund_id}, orders.list {customer_id?},
// refund.preview {ticket_id, order_id, reason, verified?, fault_affected_lessons?, agent_id?},
// policy.get {}, goodwill.list {ticket_id?}. `known` is false for other types.
bool run_refund_query(const State& s, const nlohmann::json& q, Millis now, nlohmann::json& out, Error& err,
                      bool& known);
nlohmann::json refund_json(const State& s, const Refund& r);
nlohmann::json policy_to_json(const RefundPolicy& p);

// What `refund.quote` would compute for `actor` now, without making Ops (the UI's live preview).
struct RefundDraft {
  std::string ticket_id, order_id;
  RefundReason reason = RefundReason::personal;
  bool verified = false;
  int64_t fault_affected_lessons = 0;
  Millis requested_at = 0;
};
bool preview_refund(const State& s, const RefundDraft& d, const std::string& actor, RefundFacts& facts,
                    RefundQuote& q, Error& err);

// Refunds that may be approved by an agent of `role` and wait for it (the approval queue).
bool awaits_role(const Refund& r, Role role);

// ---- the server's payment duty --------------------------------------------------------------
// Approved refunds that no payment or block has settled yet, oldest approval first.
// `blocked_by` names another refund of the same order that is already paid: then the
// server must block this one, not pay it (one refund per order, paid once).
struct PaymentDue {
  std::string refund_id, order_id, customer_id, approval_op;
  Fen amount_fen = 0;
  std::string blocked_by;
};
std::vector<PaymentDue> payments_due(const State& s);

}  // namespace edudesk
