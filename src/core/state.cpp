#include "core/state.h"

#include <algorithm>

#include "core/fields.h"
#include "core/refunds.h"
#include "core/surveys.h"
#include "core/workflow.h"

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

// ---- the fold ---------------------------------------------------------------------------
// A ticket's derived fields are a function of its creation values and its timeline
// in (hlc, op id) order. `fold_entry` is one step; `refold` runs them all.

void set_status(Ticket& t, Status to, int64_t index) {
  t.status = to;
  t.status_by = {index};
}

// A field change met a current value set by `cur`; it wins (it comes later in the
// order), and if its author had not seen `cur`, the entry that set `cur` lost unseen.
void mark_overwritten(Ticket& t, const Ticket::FieldState& cur, const TimelineEntry& winner, const std::string& kept) {
  if (cur.entry < 0 || !(winner.prev < t.stamp_of(cur))) return;
  TimelineEntry& lost = t.timeline[static_cast<size_t>(cur.entry)];
  lost.conflict = Conflict::overwritten;
  lost.kept_value = kept;
}

void fold_entry(Ticket& t, int64_t index) {
  TimelineEntry& e = t.timeline[static_cast<size_t>(index)];
  e.conflict = Conflict::none;
  e.kept_value.clear();
  if (e.at > t.updated_at) t.updated_at = e.at;
  switch (e.kind) {
    case EntryKind::customer_message:
      // The customer writing again reopens a ticket that was waiting, resolved or closed.
      if (e.id != t.origin_op &&
          (t.status == Status::resolved || t.status == Status::closed || t.status == Status::pending))
        set_status(t, Status::open, index);
      break;
    case EntryKind::reply:
      if (t.first_response_at == 0 || e.at < t.first_response_at) t.first_response_at = e.at;
      if (t.status == Status::new_) set_status(t, Status::open, index);
      break;
    case EntryKind::note:
      break;
    case EntryKind::status_change:
      e.status_from = t.status;
      if (e.conflict == Conflict::none && status_change_allowed(t.status, e.status_to) && !e.resolution.empty()) {
        t.resolution = e.resolution;
        t.root_cause = e.root_cause;
      }
      if (t.status == e.status_to) {
        e.conflict = Conflict::duplicate;  // two closes are one close
        e.kept_value = to_id(t.status);
      } else if (!status_change_allowed(t.status, e.status_to)) {
        e.conflict = Conflict::ignored;  // e.g. "resolved" arriving after a concurrent "closed"
        e.kept_value = to_id(t.status);
      } else {
        mark_overwritten(t, t.status_by, e, to_id(e.status_to));
        set_status(t, e.status_to, index);
      }
      break;
    case EntryKind::field_change: {
      Ticket::FieldState* fs = e.field == "priority"      ? &t.priority_by
                               : e.field == "category"    ? &t.category_by
                               : e.field == "subcategory" ? &t.subcategory_by
                               : e.field == "tier"        ? &t.tier_by
                               : e.field == "incident"    ? &t.incident_by
                               : e.field == "merged_into" ? &t.merged_by
                                                          : &t.assignee_by;
      mark_overwritten(t, *fs, e, e.value);
      *fs = {index};
      if (e.field == "priority") t.priority = parse_priority(e.value).value_or(t.priority);
      else if (e.field == "category") t.category = parse_category(e.value).value_or(t.category);
      else if (e.field == "subcategory") t.subcategory = e.value;
      else if (e.field == "tier") t.tier = parse_role(e.value).value_or(t.tier);
      else if (e.field == "incident") t.incident = e.value;
      else if (e.field == "merged_into") t.merged_into = e.value;
      else t.assignee = e.value;
      break;
    }
  }
}

void refold(Ticket& t) {
  t.category = t.initial_category;
  t.priority = t.initial_priority;
  t.subcategory = t.initial_subcategory;
  t.tier = t.initial_tier;
  t.status = Status::new_;
  t.assignee = t.initial_assignee;
  t.incident.clear();
  t.merged_into.clear();
  t.resolution.clear();
  t.root_cause.clear();
  t.updated_at = t.created_at;
  t.first_response_at = 0;
  t.status_by = t.category_by = t.priority_by = t.assignee_by = {-1};
  t.subcategory_by = t.tier_by = t.incident_by = t.merged_by = {-1};
  for (int64_t i = 0; i < static_cast<int64_t>(t.timeline.size()); ++i) fold_entry(t, i);
}

// Places an entry by its stamp; folds one step when it is the newest, else refolds.
void add_entry(Ticket& t, TimelineEntry e) {
  Stamp st = e.stamp();
  auto pos = std::upper_bound(t.timeline.begin(), t.timeline.end(), st,
                              [](const Stamp& s, const TimelineEntry& x) { return s < x.stamp(); });
  bool last = pos == t.timeline.end();
  t.timeline.insert(pos, std::move(e));
  if (last) fold_entry(t, static_cast<int64_t>(t.timeline.size()) - 1);
  else refold(t);
}

bool read_prev(const json& data, Stamp& prev, Error& err) {
  auto it = data.find("prev");
  if (it == data.end() || it->is_null()) return true;  // saw nothing: the creation
  if (!it->is_array() || it->size() != 3 || !(*it)[0].is_number_integer() || !(*it)[1].is_number_integer() ||
      !(*it)[2].is_string())
    return fail(err, "bad_op", "prev", "'prev' must be [milliseconds, counter, op id]");
  prev = {{(*it)[0].get<int64_t>(), (*it)[1].get<int64_t>()}, (*it)[2].get<std::string>()};
  return true;
}

// ---- one function per Op type -------------------------------------------------------------

bool apply_agent(State& s, const Op& op, Error& err) {
  Agent a;
  if (!read_string(op.data, "agent_id", a.id, err, limits::id, true) ||
      !read_string(op.data, "name", a.name, err, limits::name, true) ||
      !read_enum(op.data, "role", a.role, err, true, parse_role))
    return false;
  if (auto sk = op.data.find("skills"); sk != op.data.end() && !sk->is_null()) {
    if (!sk->is_array()) return fail(err, "bad_op", "skills", "'skills' must be a list of category ids");
    for (const auto& c : *sk) {
      auto cat = c.is_string() ? parse_category(c.get<std::string>()) : std::nullopt;
      if (!cat) return fail(err, "invalid_value", "skills", "'skills' holds category ids only");
      a.skills.push_back(*cat);
    }
  }
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
      !read_enum(op.data, "category", t.initial_category, err, false, parse_category) ||
      !read_enum(op.data, "priority", t.initial_priority, err, false, parse_priority) ||
      !read_string(op.data, "subcategory", t.initial_subcategory, err, limits::id, false) ||
      !read_enum(op.data, "tier", t.initial_tier, err, false, parse_role) ||
      !read_string(op.data, "assignee", t.initial_assignee, err, limits::id, false) ||
      !read_string(op.data, "order_id", t.order_id, err, limits::id, false) ||
      !read_bool(op.data, "identity_checked", t.identity_checked, err))
    return false;
  if (!subcategory_valid(t.initial_category, t.initial_subcategory))
    return fail(err, "invalid_value", "subcategory",
                "'" + t.initial_subcategory + "' is not a subcategory of " + to_id(t.initial_category));
  if (t.initial_tier == Role::supervisor) return fail(err, "invalid_value", "tier", "tickets go to a tier, not to supervisors");
  if (!t.initial_assignee.empty() && !s.agent(t.initial_assignee))
    return fail(err, "not_found", "assignee", "no agent " + t.initial_assignee);
  if (s.ticket(t.id)) return fail(err, "exists", "ticket_id", "ticket " + t.id + " already exists");
  if (!s.customer(t.customer_id)) return fail(err, "not_found", "customer_id", "no customer " + t.customer_id);
  if (!t.course_id.empty() && !s.course(t.course_id))
    return fail(err, "not_found", "course_id", "no course " + t.course_id);
  if (t.number <= 0) return fail(err, "invalid_value", "number", "a ticket number is positive");
  t.created_at = op.at;
  t.created_hlc = op.hlc;
  t.origin_op = op.id;
  t.created_by = op.by;
  t.created_device = op.device;
  if (!text.empty()) {
    TimelineEntry e;
    e.id = op.id;
    e.kind = EntryKind::customer_message;
    e.author = t.customer_id;
    e.at = op.at;
    e.hlc = op.hlc;
    e.text = std::move(text);
    e.device = op.device;
    t.timeline.push_back(std::move(e));
  }
  refold(t);
  if (t.number > s.max_ticket_number) s.max_ticket_number = t.number;
  s.op_ticket.set(op.id, t.id);
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

// Every Op that adds to a ticket's timeline: read and check all of it, then add.
bool apply_timeline_op(State& s, const Op& op, EntryKind kind, Error& err) {
  Ticket* t = target_ticket(s, op, err);
  if (!t) return false;
  TimelineEntry e;
  e.id = op.id;
  e.kind = kind;
  e.author = op.by;
  e.at = op.at;
  e.hlc = op.hlc;
  e.device = op.device;
  if (kind == EntryKind::status_change) {
    if (!read_enum(op.data, "status", e.status_to, err, true, parse_status) || !read_prev(op.data, e.prev, err) ||
        !read_string(op.data, "resolution", e.resolution, err, limits::id, false) ||
        !read_string(op.data, "root_cause", e.root_cause, err, limits::id, false))
      return false;
    if (e.status_to == Status::new_) return fail(err, "invalid_value", "status", "no ticket goes back to 'new'");
    if (!e.resolution.empty() && !is_listed(kResolutionCodes, e.resolution))
      return fail(err, "invalid_value", "resolution", "'" + e.resolution + "' is not a resolution code");
    if (!e.root_cause.empty() && !is_listed(kRootCauses, e.root_cause))
      return fail(err, "invalid_value", "root_cause", "'" + e.root_cause + "' is not a root cause");
  } else if (kind == EntryKind::field_change) {
    if (!read_string(op.data, "field", e.field, err, 32, true) ||
        !read_string(op.data, "value", e.value, err, limits::id, false) || !read_prev(op.data, e.prev, err))
      return false;
    bool valid = e.field == "priority"      ? parse_priority(e.value).has_value()
                 : e.field == "category"    ? parse_category(e.value).has_value()
                 : e.field == "subcategory" ? (e.value.empty() || subcategory_valid(t->category, e.value) ||
                                               subcategory_known(e.value))
                 : e.field == "assignee"    ? (e.value.empty() || s.agent(e.value) != nullptr)
                 : e.field == "tier"        ? (parse_role(e.value).has_value() && e.value != "supervisor")
                 : e.field == "incident"    ? (e.value.empty() || s.incident(e.value) != nullptr)
                 : e.field == "merged_into" ? (e.value.empty() || (e.value != t->id && s.ticket(e.value) != nullptr))
                                            : false;
    if (!valid) return fail(err, "invalid_value", "value", "'" + e.value + "' is not a valid " + e.field);
  } else {
    if (!read_string(op.data, "text", e.text, err, limits::text, true)) return false;
    // A customer's message is the customer's, whoever typed it into the desk (op.by).
    if (kind == EntryKind::customer_message) e.author = t->customer_id;
  }
  s.op_ticket.set(op.id, t->id);
  add_entry(*t, std::move(e));
  return true;
}

bool apply_numbered(State& s, const Op& op, Error& err) {
  Ticket* t = target_ticket(s, op, err);
  int64_t number = 0;
  if (!t || !read_int(op.data, "number", number, err, true)) return false;
  if (number <= 0) return fail(err, "invalid_value", "number", "a ticket number is positive");
  t->number = number;
  if (number > s.max_ticket_number) s.max_ticket_number = number;
  return true;
}
}  // namespace

const Agent* State::agent(const std::string& id) const { return find_in(agents, agent_index, id); }
const Customer* State::customer(const std::string& id) const { return find_in(customers, customer_index, id); }
const Course* State::course(const std::string& id) const { return find_in(courses, course_index, id); }
const Ticket* State::ticket(const std::string& id) const { return find_in(tickets, ticket_index, id); }
const Task* State::task(const std::string& id) const { return find_in(tasks, task_index, id); }
const Incident* State::incident(const std::string& id) const { return find_in(incidents, incident_index, id); }
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
  else if (op.type == op_type::customer_message) ok = apply_timeline_op(s, op, EntryKind::customer_message, err);
  else if (op.type == op_type::ticket_replied) ok = apply_timeline_op(s, op, EntryKind::reply, err);
  else if (op.type == op_type::ticket_noted) ok = apply_timeline_op(s, op, EntryKind::note, err);
  else if (op.type == op_type::status_set) ok = apply_timeline_op(s, op, EntryKind::status_change, err);
  else if (op.type == op_type::field_set) ok = apply_timeline_op(s, op, EntryKind::field_change, err);
  else if (op.type == op_type::numbered) ok = apply_numbered(s, op, err);
  else if (op.type == op_type::order_created) ok = apply_order_created(s, op, err);
  else if (op.type == op_type::policy_set) ok = apply_policy_set(s, op, err);
  else if (op.type == op_type::refund_quoted) ok = apply_refund_quoted(s, op, err);
  else if (op.type == op_type::refund_approval_requested) ok = apply_refund_event(s, op, RefundStep::approval_requested, err);
  else if (op.type == op_type::refund_approved) ok = apply_refund_event(s, op, RefundStep::approved, err);
  else if (op.type == op_type::refund_rejected) ok = apply_refund_event(s, op, RefundStep::rejected, err);
  else if (op.type == op_type::refund_withdrawn) ok = apply_refund_event(s, op, RefundStep::withdrawn, err);
  else if (op.type == op_type::refund_paid) ok = apply_refund_event(s, op, RefundStep::paid, err);
  else if (op.type == op_type::refund_payment_blocked) ok = apply_refund_event(s, op, RefundStep::payment_blocked, err);
  else if (op.type == op_type::refund_reviewed) ok = apply_refund_event(s, op, RefundStep::reviewed, err);
  else if (op.type == op_type::goodwill_offered) ok = apply_goodwill(s, op, err);
  else if (op.type == op_type::survey_published) ok = apply_survey_published(s, op, err);
  else if (op.type == op_type::survey_sent) ok = apply_survey_sent(s, op, err);
  else if (op.type == op_type::survey_responded) ok = apply_survey_responded(s, op, err);
  else if (op.type == op_type::survey_opened) ok = apply_survey_opened(s, op, err);
  else if (op.type == op_type::survey_timing_set) ok = apply_survey_timing(s, op, err);
  else if (op.type == op_type::task_created) ok = apply_task_created(s, op, err);
  else if (op.type == op_type::task_done) ok = apply_task_done(s, op, err);
  else if (op.type == op_type::incident_created) ok = apply_incident_created(s, op, err);
  else if (op.type == op_type::incident_updated) ok = apply_incident_updated(s, op, err);
  else if (op.type == op_type::course_schedule_set) ok = apply_course_schedule(s, op, err);
  else if (op.type == op_type::sla_policy_set) ok = apply_sla_policy_set(s, op, err);
  else if (op.type == op_type::kb_entry_set) ok = apply_kb_edit(s, op, false, err);
  else if (op.type == op_type::kb_entry_removed) ok = apply_kb_edit(s, op, true, err);
  else {
    err = {"unknown_type", "type", "unknown op type '" + op.type + "'"};
    ok = false;
  }
  if (!ok) return ApplyOutcome::rejected;
  s.applied_ops.insert(op.id);
  ++s.revision;
  return ApplyOutcome::applied;
}

namespace {
template <typename T>
void reindex(const std::vector<T>& v, std::unordered_map<std::string, size_t>& idx) {
  idx.clear();
  for (size_t i = 0; i < v.size(); ++i) idx[v[i].id] = i;
}
}  // namespace

bool unapply(State& s, const std::string& op_id) {
  if (!s.applied_ops.count(op_id)) return false;
  // A refused creation takes its ticket (and every entry on it) out of the State.
  for (size_t i = 0; i < s.tickets.size(); ++i) {
    if (s.tickets[i].origin_op != op_id) continue;
    for (const TimelineEntry& e : s.tickets[i].timeline) {
      s.op_ticket.erase(e.id);
      s.applied_ops.erase(e.id);
    }
    s.tickets.erase(s.tickets.begin() + static_cast<std::ptrdiff_t>(i));
    reindex(s.tickets, s.ticket_index);
    s.op_ticket.erase(op_id);
    s.applied_ops.erase(op_id);
    ++s.revision;
    return true;
  }
  if (const std::optional<std::string> ticket_id = s.op_ticket.get(op_id)) {
    auto ti = s.ticket_index.find(*ticket_id);
    if (ti == s.ticket_index.end()) return false;
    Ticket& t = s.tickets[ti->second];
    auto& tl = t.timeline;
    tl.erase(std::remove_if(tl.begin(), tl.end(), [&](const TimelineEntry& e) { return e.id == op_id; }), tl.end());
    refold(t);
    s.op_ticket.erase(op_id);
    s.applied_ops.erase(op_id);
    ++s.revision;
    return true;
  }
  if (unapply_refund_op(s, op_id) || unapply_survey_op(s, op_id) || unapply_workflow_op(s, op_id)) {
    s.applied_ops.erase(op_id);
    ++s.revision;
    return true;
  }
  return false;  // agents, customers, courses and orders are not taken back
}

json state_image(const State& s) {
  auto sorted_ids = [](const auto& idx) {
    std::vector<std::string> ids;
    for (const auto& [id, i] : idx) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  json img{{"agents", json::array()}, {"customers", json::array()}, {"courses", json::array()},
           {"tickets", json::array()}};
  for (const auto& id : sorted_ids(s.agent_index)) {
    const Agent& a = *s.agent(id);
    img["agents"].push_back({a.id, a.name, to_id(a.role)});
  }
  for (const auto& id : sorted_ids(s.customer_index)) {
    const Customer& c = *s.customer(id);
    img["customers"].push_back({c.id, c.name, c.phone, c.is_parent});
  }
  for (const auto& id : sorted_ids(s.course_index)) {
    const Course& c = *s.course(id);
    img["courses"].push_back({c.id, c.name, c.price_fen});
  }
  for (const auto& id : sorted_ids(s.ticket_index)) {
    const Ticket& t = *s.ticket(id);
    json tl = json::array();
    for (const TimelineEntry& e : t.timeline)
      tl.push_back({e.id, to_id(e.kind), e.author, e.at, e.hlc.ms, e.hlc.counter, e.text, to_id(e.status_from),
                    to_id(e.status_to), e.field, e.value, to_id(e.conflict), e.kept_value, e.resolution,
                    e.root_cause, e.device});
    img["tickets"].push_back({t.id, t.number, t.customer_id, t.course_id, to_id(t.channel), t.subject,
                              to_id(t.category), to_id(t.priority), to_id(t.status), t.assignee, t.created_at,
                              t.updated_at, t.first_response_at, tl, t.subcategory, to_id(t.tier), t.incident,
                              t.merged_into, t.resolution, t.root_cause});
  }
  add_refunds_image(s, img);
  add_surveys_image(s, img);
  add_workflow_image(s, img);
  return img;
}

}  // namespace edudesk
