#include "core/state.h"

#include "core/fields.h"

namespace edudesk {

namespace {
template <typename T>
const T* find_in(const std::vector<T>& v, const std::unordered_map<std::string, size_t>& idx, const std::string& id) {
  auto it = idx.find(id);
  return it == idx.end() ? nullptr : &v[it->second];
}

bool fail(Error& err, const char* code, const char* field, std::string msg) {
  err = {code, field, std::move(msg)};
  return false;
}

bool apply_agent(State& s, const Op& op, Error& err) {
  Agent a;
  if (!read_string(op.data, "agent_id", a.id, err, limits::id, true) ||
      !read_string(op.data, "name", a.name, err, limits::name, true) ||
      !read_enum(op.data, "role", a.role, err, true, parse_role))
    return false;
  if (s.agent(a.id)) return fail(err, "exists", "agent_id", "agent " + a.id + " already exists");
  s.agent_index[a.id] = s.agents.size();
  s.agents.push_back(std::move(a));
  return true;
}

bool apply_course(State& s, const Op& op, Error& err) {
  Course c;
  if (!read_string(op.data, "course_id", c.id, err, limits::id, true) ||
      !read_string(op.data, "name", c.name, err, limits::subject, true) ||
      !read_int(op.data, "price_fen", c.price_fen, err, true))
    return false;
  if (c.price_fen < 0) return fail(err, "invalid_value", "price_fen", "a price cannot be negative");
  if (s.course(c.id)) return fail(err, "exists", "course_id", "course " + c.id + " already exists");
  s.course_index[c.id] = s.courses.size();
  s.courses.push_back(std::move(c));
  return true;
}

bool apply_customer(State& s, const Op& op, Error& err) {
  Customer c;
  if (!read_string(op.data, "customer_id", c.id, err, limits::id, true) ||
      !read_string(op.data, "name", c.name, err, limits::name, true) ||
      !read_string(op.data, "phone", c.phone, err, limits::phone, false) ||
      !read_bool(op.data, "is_parent", c.is_parent, err))
    return false;
  if (s.customer(c.id)) return fail(err, "exists", "customer_id", "customer " + c.id + " already exists");
  s.customer_index[c.id] = s.customers.size();
  s.customers.push_back(std::move(c));
  return true;
}

bool apply_ticket_created(State& s, const Op& op, Error& err) {
  Ticket t;
  std::string text;
  if (!read_string(op.data, "ticket_id", t.id, err, limits::id, true) ||
      !read_int(op.data, "number", t.number, err, true) ||
      !read_string(op.data, "customer_id", t.customer_id, err, limits::id, true) ||
      !read_string(op.data, "course_id", t.course_id, err, limits::id, false) ||
      !read_enum(op.data, "channel", t.channel, err, true, parse_channel) ||
      !read_string(op.data, "subject", t.subject, err, limits::subject, true) ||
      !read_string(op.data, "text", text, err, limits::text, false) ||
      !read_enum(op.data, "category", t.category, err, false, parse_category) ||
      !read_enum(op.data, "priority", t.priority, err, false, parse_priority))
    return false;
  if (s.ticket(t.id)) return fail(err, "exists", "ticket_id", "ticket " + t.id + " already exists");
  if (!s.customer(t.customer_id)) return fail(err, "not_found", "customer_id", "no customer " + t.customer_id);
  if (!t.course_id.empty() && !s.course(t.course_id))
    return fail(err, "not_found", "course_id", "no course " + t.course_id);
  if (t.number <= 0) return fail(err, "invalid_value", "number", "a ticket number is positive");
  t.created_at = t.updated_at = op.at;
  t.origin_op = op.id;
  if (!text.empty()) t.timeline.push_back({op.id, EntryKind::customer_message, t.customer_id, op.at, text});
  if (t.number > s.max_ticket_number) s.max_ticket_number = t.number;
  s.ticket_index[t.id] = s.tickets.size();
  s.tickets.push_back(std::move(t));
  return true;
}

Ticket* target_ticket(State& s, const Op& op, Error& err) {
  std::string id;
  if (!read_string(op.data, "ticket_id", id, err, limits::id, true)) return nullptr;
  auto it = s.ticket_index.find(id);
  if (it == s.ticket_index.end()) {
    fail(err, "not_found", "ticket_id", "no ticket " + id);
    return nullptr;
  }
  return &s.tickets[it->second];
}

bool apply_text_entry(State& s, const Op& op, EntryKind kind, Error& err) {
  Ticket* t = target_ticket(s, op, err);
  if (!t) return false;
  std::string text;
  if (!read_string(op.data, "text", text, err, limits::text, true)) return false;
  // A customer's message is the customer's, whoever typed it into the desk (op.by).
  const std::string& author = kind == EntryKind::customer_message ? t->customer_id : op.by;
  t->timeline.push_back({op.id, kind, author, op.at, std::move(text)});
  if (op.at > t->updated_at) t->updated_at = op.at;
  if (kind == EntryKind::reply && (t->first_response_at == 0 || op.at < t->first_response_at))
    t->first_response_at = op.at;
  // A first public reply takes an untouched ticket into work; a customer writing
  // to a resolved ticket reopens it (DOMAIN: follow-up until the customer accepts).
  if (kind == EntryKind::reply && t->status == Status::new_) t->status = Status::open;
  if (kind == EntryKind::customer_message && (t->status == Status::resolved || t->status == Status::pending))
    t->status = Status::open;
  return true;
}

bool apply_status(State& s, const Op& op, Error& err) {
  Ticket* t = target_ticket(s, op, err);
  if (!t) return false;
  Status to = Status::new_;
  if (!read_enum(op.data, "status", to, err, true, parse_status)) return false;
  if (!status_change_allowed(t->status, to))
    return fail(err, "transition_not_allowed", "status",
                std::string("a ticket cannot go from ") + to_id(t->status) + " to " + to_id(to));
  TimelineEntry e{op.id, EntryKind::status_change, op.by, op.at, ""};
  e.status_from = t->status;
  e.status_to = to;
  t->timeline.push_back(std::move(e));
  t->status = to;
  if (op.at > t->updated_at) t->updated_at = op.at;
  return true;
}
}  // namespace

const Agent* State::agent(const std::string& id) const { return find_in(agents, agent_index, id); }
const Customer* State::customer(const std::string& id) const { return find_in(customers, customer_index, id); }
const Course* State::course(const std::string& id) const { return find_in(courses, course_index, id); }
const Ticket* State::ticket(const std::string& id) const { return find_in(tickets, ticket_index, id); }
const Ticket* State::ticket_by_number(int64_t number) const {
  for (const Ticket& t : tickets)
    if (t.number == number) return &t;
  return nullptr;
}

ApplyOutcome apply(State& s, const Op& op, Error& err) {
  if (s.applied_ops.count(op.id)) return ApplyOutcome::duplicate;
  if (!op.data.is_object()) {
    err = {"bad_op", "data", "op data must be an object"};
    return ApplyOutcome::rejected;
  }
  bool ok;
  if (op.type == op_type::agent_created) ok = apply_agent(s, op, err);
  else if (op.type == op_type::course_created) ok = apply_course(s, op, err);
  else if (op.type == op_type::customer_created) ok = apply_customer(s, op, err);
  else if (op.type == op_type::ticket_created) ok = apply_ticket_created(s, op, err);
  else if (op.type == op_type::customer_message) ok = apply_text_entry(s, op, EntryKind::customer_message, err);
  else if (op.type == op_type::ticket_replied) ok = apply_text_entry(s, op, EntryKind::reply, err);
  else if (op.type == op_type::ticket_noted) ok = apply_text_entry(s, op, EntryKind::note, err);
  else if (op.type == op_type::status_set) ok = apply_status(s, op, err);
  else {
    err = {"unknown_type", "type", "unknown op type '" + op.type + "'"};
    ok = false;
  }
  if (!ok) return ApplyOutcome::rejected;
  s.applied_ops.insert(op.id);
  ++s.revision;
  return ApplyOutcome::applied;
}

}  // namespace edudesk
