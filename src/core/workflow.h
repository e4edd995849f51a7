#pragma once
// The agent's working day (issue 3): subcategories, routing to a tier and an agent,
// escalation, closure codes, follow-up tasks, incidents and merging. Pure: the clock
// is a parameter, the ids come from the Context.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/commands.h"
#include "core/kb.h"
#include "core/model.h"
#include "core/workflow_model.h"

namespace edudesk {

struct State;

// ---- vocabularies (stable ids: stored in Ops, used as i18n keys) --------------------------
struct Subcategory {
  Category category;
  const char* id;
};
extern const Subcategory kSubcategories[];  // ends with {Category::other, nullptr}
bool subcategory_valid(Category c, const std::string& id);  // empty is valid (not yet known)
bool subcategory_known(const std::string& id);              // a subcategory of any category
// A subcategory guessed from the text by keyword (simplified, traditional, English); may be "".
std::string guess_subcategory(Category c, const std::string& text);

// How a ticket was resolved: required to close, shown in the weekly review.
extern const char* const kResolutionCodes[];  // nullptr-terminated
// Complaints (about a course, a teacher or the service) need a root cause to close.
bool is_complaint(Category c);
// Open: new, open or waiting on the customer, and not merged into another ticket.
bool ticket_open(const Ticket& t);

// ---- routing --------------------------------------------------------------------------
// The tier a new ticket goes to: tech support for platform failures of P1/P2, seniors
// for complaints, refund disputes, abuse, P1 and account takeovers; mid-tier for refunds,
// course changes and customers who came back within 30 days (complex); juniors for the rest.
struct RouteReason {
  Role tier = Role::junior;
  std::string why;  // a rule id: "p1", "complaint", "refund_dispute", "abuse", "platform_failure", …
};
RouteReason route_tier(const State& s, Category c, const std::string& subcategory, Priority p,
                       const std::string& customer_id, const std::string& text, Millis now);
// Whether an agent of `role` may own a ticket of `tier`: the same tier or above on the
// ladder junior → mid → senior; tech support only tech-support tickets; supervisors any.
bool role_fits_tier(Role role, Role tier);
// The agent routing picks for a ticket of `tier` and category: agents whose role fits,
// those with the category among their skills first, then fewest open tickets, ties by
// who was given a ticket least recently (round robin), then by id. Empty when nobody fits.
std::string pick_agent(const State& s, Role tier, Category c, const std::string& except = "");
// Open tickets (new, open, waiting) per agent.
int open_load(const State& s, const std::string& agent_id);
// The next tier up the ladder (junior → mid → senior); nullopt above senior.
std::optional<Role> tier_above(Role r);

// Every task an agent should see at `now`: the stored ones and those the rules derive
// (progress updates of long tickets, class reminders and follow-ups from the course
// calendars, enrolment notices), minus those already done. `agent` empty: everyone's.
std::vector<Task> tasks_for(const State& s, const std::string& agent, Millis now, bool include_done = false);

// ---- incidents -----------------------------------------------------------------------------
// The response checklist of a type: item ids (i18n "checklist.<id>").
std::vector<const char*> incident_checklist(IncidentType t);
bool checklist_has(IncidentType t, const std::string& item);

// Groups of open, incident-free tickets that look like one problem: the same course and
// category, created within `window` of each other, with similar words. Each group has at
// least `min_size` tickets; largest first.
struct IncidentSuggestion {
  std::string course_id;
  Category category = Category::other;
  std::vector<std::string> ticket_ids;
  std::string title;  // a proposed title: the course and the words the tickets share
};
std::vector<IncidentSuggestion> suggest_incidents(const State& s, Millis now, Millis window = 6 * 3600 * 1000LL,
                                                  size_t min_size = 3);
// Text similarity of two tickets in [0, 1] (character bigrams, Dice).
double ticket_similarity(const Ticket& a, const Ticket& b);

// ---- commands and ops ----------------------------------------------------------------------
// ticket.escalate, ticket.merge, task.create, task.done, task.cancel, incident.create,
// incident.link, incident.set_status, incident.check, incident.review, incident.resolve,
// course.set_schedule. `known` says whether `type` is one of them.
bool decide_workflow_command(const State& s, const std::string& type, const nlohmann::json& cmd, Context& ctx,
                             Decision& out, Error& err, bool& known);
bool apply_task_created(State& s, const Op& op, Error& err);
bool apply_task_done(State& s, const Op& op, Error& err);
bool apply_incident_created(State& s, const Op& op, Error& err);
bool apply_incident_updated(State& s, const Op& op, Error& err);
bool apply_course_schedule(State& s, const Op& op, Error& err);
bool apply_sla_policy_set(State& s, const Op& op, Error& err);
bool apply_kb_edit(State& s, const Op& op, bool removed, Error& err);
// The knowledge base as edited: the built-in answers with the supervisors' changes.
KnowledgeBase knowledge_base(const State& s);
// The template variables of a ticket: customer_name, course, order, due (the SLA's
// resolution due), agent_name, ticket_number.
std::map<std::string, std::string> template_vars(const State& s, const Ticket& t, const std::string& agent_id, Millis now);

// The Ops the SLA rule makes at `now` for breaches not yet escalated (the command
// sla.escalate returns them): a note on the ticket, the priority one step up when the
// policy says so, and a task for the supervisors. They are the same on every desk —
// ids "sla-<breach key>", made at the due time by "system" — so two desks escalating
// one breach offline make one escalation.
std::vector<Op> sla_escalation_ops(const State& s, Millis now);
// Whether an Op is one of those (the server admits them from any agent).
bool is_sla_system_op(const Op& op);
bool unapply_workflow_op(State& s, const std::string& op_id);
void add_workflow_image(const State& s, nlohmann::json& img);

}  // namespace edudesk
