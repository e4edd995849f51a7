#pragma once
// An Op is one change, as stored in the op log and sent over the wire.
// Every change to State is an Op applied by `apply` (state.h); nothing else writes.
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hlc.h"
#include "core/model.h"

namespace edudesk {

using json = nlohmann::json;

namespace op_type {
constexpr const char* agent_created = "agent.created";
constexpr const char* course_created = "course.created";
constexpr const char* customer_created = "customer.created";
constexpr const char* ticket_created = "ticket.created";
constexpr const char* customer_message = "ticket.customer_message";
constexpr const char* ticket_replied = "ticket.replied";
constexpr const char* ticket_noted = "ticket.noted";
constexpr const char* status_set = "ticket.status_set";
constexpr const char* field_set = "ticket.field_set";    // priority, category, assignee
constexpr const char* numbered = "ticket.numbered";      // the server's final ticket number
// refunds (issue 4)
constexpr const char* order_created = "order.created";
constexpr const char* policy_set = "policy.set";          // a new version of the refund policy
constexpr const char* refund_quoted = "refund.quoted";
constexpr const char* refund_approval_requested = "refund.approval_requested";
constexpr const char* refund_approved = "refund.approved";
constexpr const char* refund_rejected = "refund.rejected";
constexpr const char* refund_withdrawn = "refund.withdrawn";
constexpr const char* refund_paid = "refund.paid";                  // only the server, after paying
constexpr const char* refund_payment_blocked = "refund.payment_blocked";  // only the server
constexpr const char* refund_reviewed = "refund.reviewed";
constexpr const char* goodwill_offered = "goodwill.offered";
// surveys (issue 5)
constexpr const char* survey_published = "survey.published";  // a new version of a survey
constexpr const char* survey_sent = "survey.sent";            // scheduled for a ticket's customer
constexpr const char* survey_responded = "survey.responded";
constexpr const char* survey_opened = "survey.opened";
constexpr const char* survey_timing_set = "survey.timing_set";  // when the CSAT goes out (supervisors)
// the agent's day (issue 3)
constexpr const char* task_created = "task.created";        // a follow-up: call-back, reminder, win-back …
constexpr const char* task_done = "task.done";              // done (with its outcome) or cancelled
constexpr const char* incident_created = "incident.created";
constexpr const char* incident_updated = "incident.updated";  // status, checklist item, review
constexpr const char* kb_entry_set = "kb.entry_set";          // a knowledge-base answer added or edited
constexpr const char* kb_entry_removed = "kb.entry_removed";
constexpr const char* sla_policy_set = "sla.policy_set";      // a new version of the SLA policy
constexpr const char* course_schedule_set = "course.schedule_set";  // a course's class calendar
}  // namespace op_type

struct Op {
  std::string id;    // globally unique, made by the IdSource of the device that created it
  std::string type;  // one of op_type
  Millis at = 0;     // when it was made (the author's clock, for people to read)
  std::string by;    // agent id (or "system", or a customer id for portal messages)
  json data = json::object();
  Hlc hlc;           // its place in the order every replica agrees on; {at, 0} when unset
  std::string device{};  // the device it was made on, for the history ("Chrome · Android"); may be empty

  Stamp stamp() const { return {hlc, id}; }
};

json op_to_json(const Op& op);
// Reads an Op from its stored/wire form; checks shape and UTF-8, not business rules.
bool op_from_json(const json& j, Op& out, Error& err);

}  // namespace edudesk
