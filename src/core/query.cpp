#include "core/query.h"

#include <algorithm>

#include "core/fields.h"
#include "core/refunds.h"
#include "core/surveys.h"
#include "core/utf8.h"
#include "core/workflow.h"

namespace edudesk {

using nlohmann::json;

const char* to_id(Queue q) {
  switch (q) {
    case Queue::all: return "all";
    case Queue::mine: return "mine";
    case Queue::team: return "team";
    case Queue::unassigned: return "unassigned";
    case Queue::breaching: return "breaching";
    case Queue::waiting: return "waiting";
    case Queue::incidents: return "incidents";
  }
  return "all";
}

namespace {
bool in_queue(const State& s, const Ticket& t, const TicketFilter& f) {
  switch (f.queue) {
    case Queue::all: return true;
    case Queue::mine: return t.assignee == f.me && ticket_open(t);
    case Queue::team: {
      const Agent* a = s.agent(f.me);
      return ticket_open(t) && (!a || a->role == Role::supervisor || role_fits_tier(a->role, t.tier));
    }
    case Queue::unassigned: return t.assignee.empty() && ticket_open(t);
    case Queue::breaching: {
      if (!ticket_open(t)) return false;
      TicketSla sla = compute_sla(s.sla_policy, t, f.now);
      return sla.breached || sla.breaching_soon;
    }
    case Queue::waiting: return t.status == Status::pending && t.merged_into.empty();
    case Queue::incidents: return !t.incident.empty();
  }
  return true;
}

bool matches(const State& s, const Ticket& t, const TicketFilter& f) {
  if (!in_queue(s, t, f)) return false;
  if (!f.tier.empty() && f.tier != to_id(t.tier)) return false;
  if (f.status && t.status != *f.status) return false;
  if (f.open_only && (t.status == Status::resolved || t.status == Status::closed)) return false;
  if (f.category && t.category != *f.category) return false;
  if (f.priority && t.priority != *f.priority) return false;
  if (f.channel && t.channel != *f.channel) return false;
  if (f.search.empty()) return true;
  if (std::to_string(t.number).find(f.search) != std::string::npos) return true;
  if (contains_folded(t.subject, f.search)) return true;
  if (const Customer* c = s.customer(t.customer_id))
    if (contains_folded(c->name, f.search) || c->phone.find(f.search) != std::string::npos) return true;
  for (const TimelineEntry& e : t.timeline)
    if (!e.text.empty() && contains_folded(e.text, f.search)) return true;
  return false;
}

const std::string& customer_name(const State& s, const Ticket& t) {
  static const std::string none;
  const Customer* c = s.customer(t.customer_id);
  return c ? c->name : none;
}
}  // namespace

std::optional<SortKey> parse_sort_key(const std::string& k) {
  static const std::pair<const char*, SortKey> keys[] = {
      {"number", SortKey::number},     {"subject", SortKey::subject}, {"customer", SortKey::customer},
      {"category", SortKey::category}, {"priority", SortKey::priority}, {"status", SortKey::status},
      {"channel", SortKey::channel},   {"age", SortKey::age},         {"due", SortKey::due}};
  for (auto& [name, key] : keys)
    if (k == name) return key;
  return std::nullopt;
}

std::vector<const Ticket*> list_tickets(const State& s, const TicketFilter& f, const TicketSort& sort) {
  std::vector<const Ticket*> out;
  out.reserve(s.tickets.size());
  for (const Ticket& t : s.tickets)
    if (matches(s, t, f)) out.push_back(&t);
  // The SLA order: the next due first; tickets with no running clock last.
  std::unordered_map<const Ticket*, Millis> due;
  if (sort.key == SortKey::due)
    for (const Ticket* t : out) {
      Millis d = ticket_open(*t) ? compute_sla(s.sla_policy, *t, f.now).next_due : 0;
      due[t] = d > 0 ? d : INT64_MAX;
    }
  auto less = [&](const Ticket* a, const Ticket* b) -> bool {
    switch (sort.key) {
      case SortKey::number: return a->number < b->number;
      case SortKey::subject: return a->subject < b->subject;
      case SortKey::customer: return customer_name(s, *a) < customer_name(s, *b);
      case SortKey::category: return a->category < b->category;
      case SortKey::priority: return a->priority < b->priority;
      case SortKey::status: return a->status < b->status;
      case SortKey::channel: return a->channel < b->channel;
      case SortKey::age: return a->created_at > b->created_at;  // younger first
      case SortKey::due: return due[a] < due[b];
    }
    return false;
  };
  // Ties fall back to the number so the order is stable across runs and devices.
  std::sort(out.begin(), out.end(), [&](const Ticket* a, const Ticket* b) {
    if (less(a, b)) return !sort.descending;
    if (less(b, a)) return sort.descending;
    return a->number > b->number;
  });
  return out;
}

json ticket_summary_json(const State& s, const Ticket& t, Millis now) {
  return json{{"ticket_id", t.id},
              {"number", t.number},
              {"subject", t.subject},
              {"customer_id", t.customer_id},
              {"customer", customer_name(s, t)},
              {"course_id", t.course_id},
              {"category", to_id(t.category)},
              {"priority", to_id(t.priority)},
              {"status", to_id(t.status)},
              {"channel", to_id(t.channel)},
              {"created_at", t.created_at},
              {"updated_at", t.updated_at},
              {"age_ms", now - t.created_at}};
}

namespace {
json clock_json(const SlaClock& c) {
  return json{{"state", to_id(c.state)}, {"due", c.due}, {"left_ms", c.left_wall_ms}, {"soon", c.soon}};
}
}  // namespace

json ticket_detail_json(const State& s, const Ticket& t, Millis now) {
  json j = ticket_summary_json(s, t, now);
  j["first_response_at"] = t.first_response_at;
  j["assignee"] = t.assignee;
  j["tier"] = to_id(t.tier);
  j["subcategory"] = t.subcategory;
  j["incident"] = t.incident;
  j["merged_into"] = t.merged_into;
  j["resolution"] = t.resolution;
  j["root_cause"] = t.root_cause;
  j["created_by"] = t.created_by;
  j["device"] = t.created_device;
  j["order_id"] = t.order_id;
  j["identity_checked"] = t.identity_checked;
  TicketSla sla = compute_sla(s.sla_policy, t, now);
  j["sla"] = json{{"first_response", clock_json(sla.first_response)},
                  {"resolution", clock_json(sla.resolution)},
                  {"update", clock_json(sla.update)},
                  {"breached", sla.breached},
                  {"breaching_soon", sla.breaching_soon}};
  json tl = json::array();
  for (const TimelineEntry& e : t.timeline) {
    json je{{"id", e.id}, {"kind", to_id(e.kind)}, {"author", e.author}, {"at", e.at}, {"text", e.text}};
    if (!e.device.empty()) je["device"] = e.device;
    if (!e.resolution.empty()) je["resolution"] = e.resolution;
    if (!e.root_cause.empty()) je["root_cause"] = e.root_cause;
    if (e.kind == EntryKind::status_change) {
      je["from"] = to_id(e.status_from);
      je["to"] = to_id(e.status_to);
    }
    if (e.kind == EntryKind::field_change) {
      je["field"] = e.field;
      je["value"] = e.value;
    }
    if (e.conflict != Conflict::none) {
      je["conflict"] = to_id(e.conflict);
      je["kept"] = e.kept_value;
    }
    tl.push_back(std::move(je));
  }
  j["timeline"] = std::move(tl);
  return j;
}

bool run_query(const State& s, const json& q, Millis now, json& out, Error& err) {
  if (!q.is_object()) {
    err = {"bad_query", "", "a query must be a JSON object"};
    return false;
  }
  std::string type;
  if (!read_string(q, "type", type, err, 64, true)) return false;
  if (type == "tickets.list") {
    TicketFilter f;
    TicketSort sort;
    std::string key;
    int64_t limit = 50, offset = 0;
    Status st{};
    Category c{};
    Priority p{};
    Channel ch{};
    if (!read_string(q, "search", f.search, err, limits::subject, false) ||
        !read_enum(q, "status", st, err, false, parse_status) ||
        !read_enum(q, "category", c, err, false, parse_category) ||
        !read_enum(q, "priority", p, err, false, parse_priority) ||
        !read_enum(q, "channel", ch, err, false, parse_channel) ||
        !read_string(q, "sort", key, err, 32, false) || !read_int(q, "limit", limit, err, false) ||
        !read_int(q, "offset", offset, err, false))
      return false;
    if (present(q, "status")) f.status = st;
    if (present(q, "category")) f.category = c;
    if (present(q, "priority")) f.priority = p;
    if (present(q, "channel")) f.channel = ch;
    std::string queue;
    if (!read_string(q, "queue", queue, err, 32, false) || !read_string(q, "me", f.me, err, limits::id, false) ||
        !read_string(q, "tier", f.tier, err, 32, false))
      return false;
    if (!queue.empty()) {
      auto qq = parse_id(kQueues, queue);
      if (!qq) {
        err = {"invalid_value", "queue", "'" + queue + "' is not a queue"};
        return false;
      }
      f.queue = *qq;
    }
    f.now = now;
    if (!read_bool(q, "open_only", f.open_only, err)) return false;
    if (!key.empty()) {
      auto k = parse_sort_key(key);
      if (!k) {
        err = {"invalid_value", "sort", "'" + key + "' is not a sort key"};
        return false;
      }
      sort.key = *k;
    }
    if (!read_bool(q, "descending", sort.descending, err)) return false;
    if (limit < 0 || offset < 0) {
      err = {"invalid_value", "limit", "limit and offset are not negative"};
      return false;
    }
    auto rows = list_tickets(s, f, sort);
    json list = json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(rows.size()) && i < offset + limit; ++i)
      list.push_back(ticket_summary_json(s, *rows[static_cast<size_t>(i)], now));
    out = json{{"total", rows.size()}, {"tickets", std::move(list)}};
    return true;
  }
  if (type == "ticket.get") {
    std::string id;
    int64_t number = 0;
    if (!read_string(q, "ticket_id", id, err, limits::id, false) || !read_int(q, "number", number, err, false))
      return false;
    const Ticket* t = !id.empty() ? s.ticket(id) : s.ticket_by_number(number);
    if (!t) {
      err = {"not_found", id.empty() ? "number" : "ticket_id", "no such ticket"};
      return false;
    }
    out = ticket_detail_json(s, *t, now);
    return true;
  }
  if (type == "customers.list") {
    std::string search;
    if (!read_string(q, "search", search, err, limits::name, false)) return false;
    out = json::array();
    for (const Customer& c : s.customers)
      if (contains_folded(c.name, search) || c.phone.find(search) != std::string::npos)
        out.push_back({{"customer_id", c.id}, {"name", c.name}, {"phone", c.phone}, {"is_parent", c.is_parent}});
    return true;
  }
  if (type == "agents.list") {
    out = json::array();
    for (const Agent& a : s.agents) out.push_back({{"agent_id", a.id}, {"name", a.name}, {"role", to_id(a.role)}});
    return true;
  }
  if (type == "courses.list") {
    out = json::array();
    for (const Course& c : s.courses)
      out.push_back({{"course_id", c.id}, {"name", c.name}, {"price_fen", c.price_fen}});
    return true;
  }
  if (type == "counts") {
    json by_status = json::object();
    for (Status st : kStatuses) by_status[to_id(st)] = 0;
    for (const Ticket& t : s.tickets) by_status[to_id(t.status)] = by_status[to_id(t.status)].get<int64_t>() + 1;
    out = json{{"tickets", s.tickets.size()}, {"customers", s.customers.size()}, {"by_status", by_status}};
    return true;
  }
  if (type == "sla.policy") {
    out = sla_policy_to_json(s.sla_policy);
    out["op"] = s.sla_policy_by.op_id;
    return true;
  }
  if (type == "tasks.list") {
    std::string agent;
    bool done = false;
    if (!read_string(q, "agent_id", agent, err, limits::id, false) || !read_bool(q, "include_done", done, err)) return false;
    out = json::array();
    for (const Task& k : tasks_for(s, agent, now, done))
      out.push_back({{"task_id", k.id}, {"kind", to_id(k.kind)}, {"ticket_id", k.ticket_id}, {"customer_id", k.customer_id},
                     {"course_id", k.course_id},
                     {"title", k.title}, {"assignee", k.assignee}, {"due_at", k.due_at}, {"derived", k.derived},
                     {"done", k.done}, {"cancelled", k.cancelled}, {"outcome", k.outcome}});
    return true;
  }
  if (type == "incidents.list") {
    out = json{{"incidents", json::array()}, {"suggestions", json::array()}};
    for (const Incident& i : s.incidents) {
      json tickets = json::array();
      for (const Ticket& t : s.tickets)
        if (t.incident == i.id) tickets.push_back(t.id);
      json checks = json::object();
      for (const auto& c : i.checklist) checks[c.item] = c.done;
      out["incidents"].push_back({{"incident_id", i.id}, {"type", to_id(i.type)}, {"title", i.title},
                                  {"status", to_id(i.status)}, {"course_id", i.course_id}, {"tickets", tickets},
                                  {"checklist", checks}, {"review", i.review}, {"root_cause", i.root_cause}});
    }
    for (const IncidentSuggestion& g : suggest_incidents(s, now))
      out["suggestions"].push_back({{"course_id", g.course_id}, {"category", to_id(g.category)}, {"title", g.title},
                                    {"tickets", g.ticket_ids}});
    return true;
  }
  bool known = false;
  bool ok = run_refund_query(s, q, now, out, err, known);
  if (known) return ok;
  ok = run_survey_query(s, q, now, out, err, known);
  if (known) return ok;
  err = {"unknown_type", "type", "unknown query type '" + type + "'"};
  return false;
}

}  // namespace edudesk
