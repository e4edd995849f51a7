#pragma once
// The desk's state and the one function that changes it.
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/id_table.h"
#include "core/model.h"
#include "core/op.h"
#include "core/orders.h"
#include "core/kb.h"
#include "core/sla.h"
#include "core/survey_model.h"
#include "core/workflow_model.h"

namespace edudesk {

struct State {
  std::vector<Agent> agents;
  std::vector<Customer> customers;
  std::vector<Course> courses;
  std::vector<Ticket> tickets;  // in creation order of arrival
  std::unordered_map<std::string, size_t> agent_index, customer_index, course_index, ticket_index;
  IdSet applied_ops;                             // an Op applied twice is applied once
  int64_t max_ticket_number = 10000;            // numbers start at 10001
  IdMap op_ticket;                            // timeline op id → ticket id
  int64_t revision = 0;                         // bumps on every effective change; views cache on it

  // -- refunds (issue 4)
  std::vector<Order> orders;
  std::vector<Refund> refunds;                   // in creation order of arrival
  std::vector<Goodwill> goodwill;
  std::vector<RefundPolicy> policies{RefundPolicy{}};  // by (hlc, op id); [0] is the built-in one
  std::vector<Stamp> policy_stamps{Stamp{}};
  std::unordered_map<std::string, size_t> order_index, refund_index;
  IdMap op_refund;                            // refund event op id → refund id

  // -- surveys (issue 5)
  std::vector<PublishedSurvey> surveys;  // every version of every survey, by (hlc, op id)
  std::vector<SurveySend> survey_sends;
  std::vector<SurveyResponse> responses;  // in arrival order
  // when a resolved ticket's CSAT goes out: "on_resolve" (at once) or "with_callback"
  // (after the call-back is recorded); last writer by (hlc, op id) wins
  std::string csat_timing = "on_resolve";
  Stamp csat_timing_by;
  // per ticket and survey (or response id): positions in `responses`
  std::unordered_map<std::string, std::vector<size_t>> response_groups;
  // the latest version of a survey id, nullptr when none is published
  const PublishedSurvey* survey(const std::string& survey_id) const;
  const PublishedSurvey* survey_version(const std::string& version_op) const;

  // -- the agent's day (issue 3)
  std::vector<Task> tasks;  // stored tasks, and derived ones once they are done
  std::vector<Incident> incidents;
  std::unordered_map<std::string, size_t> task_index, incident_index;
  IdMap op_task, op_incident;  // op id → what it made or changed
  struct Schedule {
    std::vector<Millis> sessions;  // class start times, ascending
    Stamp by;
  };
  std::unordered_map<std::string, Schedule> course_schedules;  // course id → its class calendar
  // edits of the knowledge base over its built-in entries: per entry id the latest by
  // (hlc, op id), a new text or (nullopt) removed; kb_revision bumps on each
  struct KbEdit {
    std::optional<KbEntry> entry;
    Stamp by;
  };
  std::map<std::string, KbEdit> kb_edits;
  int64_t kb_revision = 0;
  SlaPolicy sla_policy;  // the latest sla.policy_set by (hlc, op id); the default before any
  Stamp sla_policy_by;
  const Task* task(const std::string& id) const;
  const Incident* incident(const std::string& id) const;

  const Agent* agent(const std::string& id) const;
  const Customer* customer(const std::string& id) const;
  const Course* course(const std::string& id) const;
  const Ticket* ticket(const std::string& id) const;
  const Ticket* ticket_by_number(int64_t number) const;
  const Order* order(const std::string& id) const;
  const Refund* refund(const std::string& id) const;
  const RefundPolicy* policy(const std::string& id) const;
  const RefundPolicy& current_policy() const { return policies.back(); }
};

enum class ApplyOutcome { applied, duplicate, rejected };

// Applies one Op. A rejected Op leaves `s` exactly as it was and fills `err`.
// Pure: no clock, no I/O. Clients, tests and the server all call it.
//
// Order does not matter among concurrent Ops: a ticket is the fold of its timeline
// sorted by (hlc, op id), so any replica holding the same set of Ops holds the same
// ticket, whatever order they arrived in. An Op that lands in the middle of a
// timeline makes the ticket refold; one that lands at the end folds in one step.
ApplyOutcome apply(State& s, const Op& op, Error& err);

// Takes back an Op the server refused for good (permission, limits): the ticket
// refolds without it, or leaves the State if it was its creation. Returns false for
// Ops it cannot take back (agents, customers, courses).
bool unapply(State& s, const std::string& op_id);

// A canonical JSON image of the whole state, the same on every replica that holds
// the same Ops (tests compare replicas with it).
nlohmann::json state_image(const State& s);

}  // namespace edudesk
