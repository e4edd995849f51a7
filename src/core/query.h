#pragma once
// Read-only views of the State: the inbox list with its filters and sort orders,
// and JSON shapes for the page API (`window.edudesk.query`) and tools.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/state.h"

namespace edudesk {

enum class SortKey { number, subject, customer, category, priority, status, channel, age, due };

// The queues of issue 3: an agent's own, their tier's, nobody's, the SLA's, the waiting ones
// and those grouped under incidents.
enum class Queue { all, mine, team, unassigned, breaching, waiting, incidents };
constexpr Queue kQueues[] = {Queue::all,      Queue::mine,    Queue::team,     Queue::unassigned,
                             Queue::breaching, Queue::waiting, Queue::incidents};
const char* to_id(Queue q);

struct TicketFilter {
  std::string search;  // matches number, subject, customer name or phone, message text
  std::optional<Status> status;
  std::optional<Category> category;
  std::optional<Priority> priority;
  std::optional<Channel> channel;
  bool open_only = false;  // everything not resolved or closed
  Queue queue = Queue::all;
  std::string me;  // the agent whose queue "mine" and "team" are
  Millis now = 0;  // "breaching": breached, or breaching soon at this time
  std::string tier;  // a tier id, or empty for all
};

struct TicketSort {
  SortKey key = SortKey::age;
  bool descending = false;  // age ascending = newest first
};

std::vector<const Ticket*> list_tickets(const State& s, const TicketFilter& f, const TicketSort& sort);

std::optional<SortKey> parse_sort_key(const std::string& s);

nlohmann::json ticket_summary_json(const State& s, const Ticket& t, Millis now);
nlohmann::json ticket_detail_json(const State& s, const Ticket& t, Millis now);

// Page/tool queries: {"type":"tickets.list", …}, {"type":"ticket.get", "ticket_id"|"number"},
// {"type":"customers.list", "search"}, {"type":"agents.list"}, {"type":"courses.list"},
// {"type":"counts"}. Returns false with `err` for an unknown or malformed query.
bool run_query(const State& s, const nlohmann::json& q, Millis now, nlohmann::json& out, Error& err);

}  // namespace edudesk
