#include "core/commands.h"

#include "core/fields.h"
#include "core/refunds.h"
#include "core/surveys.h"
#include "core/workflow.h"

namespace edudesk {

const char* const kCommandTypes[] = {"customer.create",   "ticket.create",     "ticket.reply",
                                     "ticket.note",       "ticket.set_status", "ticket.customer_message",
                                     "ticket.set_priority", "ticket.set_category", "ticket.assign",
                                     "order.create",      "refund.quote",      "refund.request_approval",
                                     "refund.approve",    "refund.reject",     "refund.withdraw",
                                     "refund.review",     "goodwill.offer",    "policy.set",
                                     "survey.publish",    "survey.send",       "survey.respond",
                                     "survey.set_timing", "ticket.escalate",  "ticket.merge",
                                     "ticket.set_subcategory", "task.create", "task.done",
                                     "task.cancel",       "incident.create",   "incident.link",
                                     "incident.set_status", "incident.check",  "incident.review",
                                     "incident.resolve",  "course.set_schedule", "sla.set_policy",
                                     "sla.escalate",      "kb.set_entry",      "kb.remove_entry",
                                     nullptr};

nlohmann::json prev_json(const Ticket& t, const Ticket::FieldState& fs) {
  const Stamp st = t.stamp_of(fs);
  return nlohmann::json::array({st.hlc.ms, st.hlc.counter, st.op_id});
}

Op make_op(Context& ctx, const char* type, nlohmann::json data) {
  Hlc hlc = ctx.clock ? ctx.clock->tick(ctx.now) : Hlc{ctx.now, 0};
  Op op{ctx.ids->next(), type, ctx.now, ctx.actor, std::move(data), hlc};
  op.device = ctx.device;
  return op;
}

namespace {
using nlohmann::json;

bool read_customer_fields(const json& c, json& data, Error& err) {
  std::string name, phone;
  bool is_parent = false;
  if (!read_string(c, "name", name, err, limits::name, true) ||
      !read_string(c, "phone", phone, err, limits::phone, false) || !read_bool(c, "is_parent", is_parent, err))
    return false;
  for (char ch : phone)
    if (!((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == ' ')) {
      err = {"invalid_value", "phone", "a phone number holds digits, spaces, '+' and '-' only"};
      return false;
    }
  data["name"] = name;
  data["phone"] = phone;
  data["is_parent"] = is_parent;
  return true;
}

bool customer_create(const json& cmd, Context& ctx, Decision& out, Error& err) {
  json data;
  if (!read_customer_fields(cmd, data, err)) return false;
  data["customer_id"] = "c-" + ctx.ids->next();
  out.result["customer_id"] = data["customer_id"];
  out.ops.push_back(make_op(ctx, op_type::customer_created, std::move(data)));
  return true;
}

bool ticket_create(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  std::string customer_id, course_id, subject, text, subcategory, assignee, order_id;
  bool identity_checked = false;
  Channel channel = Channel::chat;
  Category category = Category::other;
  Priority priority = Priority::P3;
  std::optional<Role> tier;
  bool auto_assign = true;
  if (!read_string(cmd, "customer_id", customer_id, err, limits::id, false) ||
      !read_string(cmd, "course_id", course_id, err, limits::id, false) ||
      !read_enum(cmd, "channel", channel, err, true, parse_channel) ||
      !read_string(cmd, "subject", subject, err, limits::subject, true) ||
      !read_string(cmd, "text", text, err, limits::text, false) ||
      !read_enum(cmd, "category", category, err, false, parse_category) ||
      !read_enum(cmd, "priority", priority, err, false, parse_priority) ||
      !read_string(cmd, "subcategory", subcategory, err, limits::id, false) ||
      !read_string(cmd, "assignee", assignee, err, limits::id, false) || !read_bool(cmd, "auto_assign", auto_assign, err) ||
      !read_string(cmd, "order_id", order_id, err, limits::id, false) ||
      !read_bool(cmd, "identity_checked", identity_checked, err))
    return false;
  if (present(cmd, "tier")) {
    Role r{};
    if (!read_enum(cmd, "tier", r, err, true, parse_role)) return false;
    if (r == Role::supervisor) {
      err = {"invalid_value", "tier", "tickets go to junior, mid, senior or tech_support"};
      return false;
    }
    tier = r;
  }
  if (!subcategory_valid(category, subcategory)) {
    err = {"invalid_value", "subcategory", "'" + subcategory + "' is not a subcategory of " + to_id(category)};
    return false;
  }
  if (!course_id.empty() && !s.course(course_id)) {
    err = {"not_found", "course_id", "no course " + course_id};
    return false;
  }
  auto nc = cmd.find("customer");
  if (customer_id.empty()) {
    if (nc == cmd.end() || !nc->is_object()) {
      err = {"missing_field", "customer", "name an existing customer_id or give a new customer {name, phone}"};
      return false;
    }
    Decision cust;
    if (!customer_create(*nc, ctx, cust, err)) {
      if (err.field == "name" || err.field == "phone") err.field = "customer." + err.field;
      return false;
    }
    customer_id = cust.result["customer_id"].get<std::string>();
    for (Op& op : cust.ops) out.ops.push_back(std::move(op));
  } else if (!s.customer(customer_id)) {
    err = {"not_found", "customer_id", "no customer " + customer_id};
    return false;
  }
  // Routing: a subcategory from the words, a tier by the rules, an agent by skill and load.
  if (subcategory.empty()) subcategory = guess_subcategory(category, subject + " " + text);
  RouteReason route = route_tier(s, category, subcategory, priority, customer_id, subject + " " + text, ctx.now);
  if (tier) route = {*tier, "chosen"};
  if (!assignee.empty()) {
    const Agent* a = s.agent(assignee);
    if (!a) {
      err = {"not_found", "assignee", "no agent " + assignee};
      return false;
    }
    if (!role_fits_tier(a->role, route.tier)) {
      err = {"wrong_tier", "assignee",
             a->name + " (" + to_id(a->role) + ") cannot own a ticket of the " + to_id(route.tier) + " tier"};
      return false;
    }
  } else if (auto_assign) {
    assignee = pick_agent(s, route.tier, category);
  }
  std::string ticket_id = "t-" + ctx.ids->next();
  int64_t number = s.max_ticket_number + 1;
  json data{{"ticket_id", ticket_id}, {"number", number},           {"customer_id", customer_id},
            {"channel", to_id(channel)}, {"subject", subject},      {"text", text},
            {"category", to_id(category)}, {"priority", to_id(priority)}, {"tier", to_id(route.tier)}};
  if (!course_id.empty()) data["course_id"] = course_id;
  if (!subcategory.empty()) data["subcategory"] = subcategory;
  if (!order_id.empty()) {
    const Order* o = s.order(order_id);
    if (!o || o->customer_id != customer_id) {
      err = {"not_found", "order_id", "no order " + order_id + " of this customer"};
      return false;
    }
    data["order_id"] = order_id;
  }
  if (identity_checked) data["identity_checked"] = true;
  if (!assignee.empty()) data["assignee"] = assignee;
  out.result["tier"] = to_id(route.tier);
  out.result["route"] = route.why;
  out.result["assignee"] = assignee;
  out.ops.push_back(make_op(ctx, op_type::ticket_created, std::move(data)));
  out.result["ticket_id"] = ticket_id;
  out.result["number"] = number;
  out.result["customer_id"] = customer_id;
  return true;
}

const Ticket* read_ticket(const State& s, const json& cmd, Error& err) {
  std::string id;
  if (!read_string(cmd, "ticket_id", id, err, limits::id, true)) return nullptr;
  const Ticket* t = s.ticket(id);
  if (!t) err = {"not_found", "ticket_id", "no ticket " + id};
  return t;
}

bool ticket_text(const State& s, const json& cmd, Context& ctx, const char* type, Decision& out, Error& err) {
  const Ticket* t = read_ticket(s, cmd, err);
  std::string text;
  if (!t || !read_string(cmd, "text", text, err, limits::text, true)) return false;
  Op op = make_op(ctx, type, json{{"ticket_id", t->id}, {"text", text}});
  out.result["entry_id"] = op.id;
  out.ops.push_back(std::move(op));
  return true;
}

bool ticket_set_status(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Ticket* t = read_ticket(s, cmd, err);
  Status to = Status::new_;
  std::string resolution, root_cause;
  if (!t || !read_enum(cmd, "status", to, err, true, parse_status) ||
      !read_string(cmd, "resolution", resolution, err, limits::id, false) ||
      !read_string(cmd, "root_cause", root_cause, err, limits::id, false))
    return false;
  if (!status_change_allowed(t->status, to)) {
    err = {"transition_not_allowed", "status",
           std::string("ticket ") + std::to_string(t->number) + " cannot go from " + to_id(t->status) + " to " +
               to_id(to)};
    return false;
  }
  if (!resolution.empty() && !is_listed(kResolutionCodes, resolution)) {
    err = {"invalid_value", "resolution", "'" + resolution + "' is not a resolution code"};
    return false;
  }
  if (!root_cause.empty() && !is_listed(kRootCauses, root_cause)) {
    err = {"invalid_value", "root_cause", "'" + root_cause + "' is not a root cause"};
    return false;
  }
  // Closing needs a resolution code (given now or when it was resolved) and, for a
  // complaint, a root cause: the weekly review reads them.
  if (to == Status::closed) {
    if (resolution.empty() && t->resolution.empty()) {
      err = {"missing_field", "resolution", "closing ticket " + std::to_string(t->number) + " needs a resolution code"};
      return false;
    }
    if (is_complaint(t->category) && root_cause.empty() && t->root_cause.empty()) {
      err = {"missing_field", "root_cause", "ticket " + std::to_string(t->number) + " is a complaint: closing it needs a root cause"};
      return false;
    }
  }
  json data{{"ticket_id", t->id}, {"status", to_id(to)}, {"prev", prev_json(*t, t->status_by)}};
  if (!resolution.empty()) data["resolution"] = resolution;
  if (!root_cause.empty()) data["root_cause"] = root_cause;
  out.ops.push_back(make_op(ctx, op_type::status_set, std::move(data)));
  if (to == Status::resolved) {
    // Resolving schedules the customer's satisfaction survey (once per ticket) and the
    // call-back (回访) a person makes the next day.
    if (auto send = csat_send_on_resolve(s, *t, ctx)) out.ops.push_back(std::move(*send));
    bool has_callback = false;
    for (const Task& k : s.tasks) has_callback |= k.ticket_id == t->id && k.kind == TaskKind::callback && !k.done && !k.cancelled;
    if (!has_callback) {
      std::string id = "k-" + ctx.ids->next();
      out.ops.push_back(make_op(ctx, op_type::task_created,
                                json{{"task_id", id}, {"kind", "callback"}, {"title", t->subject}, {"ticket_id", t->id},
                                     {"customer_id", t->customer_id},
                                     {"assignee", t->assignee.empty() ? ctx.actor : t->assignee},
                                     {"due_at", ctx.now + 24LL * 3600 * 1000}}));
      out.result["callback_task"] = id;
    }
  }
  return true;
}

// priority, category and assignee: last writer wins, by the Ops' order.
bool ticket_set_field(const State& s, const json& cmd, Context& ctx, const char* field, Decision& out, Error& err) {
  const Ticket* t = read_ticket(s, cmd, err);
  if (!t) return false;
  std::string value, current;
  const Ticket::FieldState* fs = nullptr;
  if (std::string(field) == "priority") {
    Priority p{};
    if (!read_enum(cmd, "priority", p, err, true, parse_priority)) return false;
    value = to_id(p);
    current = to_id(t->priority);
    fs = &t->priority_by;
  } else if (std::string(field) == "category") {
    Category c{};
    if (!read_enum(cmd, "category", c, err, true, parse_category)) return false;
    value = to_id(c);
    current = to_id(t->category);
    fs = &t->category_by;
  } else {
    if (!read_string(cmd, "agent_id", value, err, limits::id, false)) return false;
    const Agent* a = value.empty() ? nullptr : s.agent(value);
    if (!value.empty() && !a) {
      err = {"not_found", "agent_id", "no agent " + value};
      return false;
    }
    if (a && !role_fits_tier(a->role, t->tier)) {
      err = {"wrong_tier", "agent_id",
             a->name + " (" + to_id(a->role) + ") cannot own a ticket of the " + to_id(t->tier) +
                 " tier: escalate or hand it over first"};
      return false;
    }
    current = t->assignee;
    fs = &t->assignee_by;
  }
  if (value == current) {
    err = {"unchanged", field, std::string("the ") + field + " is already '" + value + "'"};
    return false;
  }
  out.ops.push_back(make_op(ctx, op_type::field_set,
                            json{{"ticket_id", t->id}, {"field", field}, {"value", value}, {"prev", prev_json(*t, *fs)}}));
  return true;
}
}  // namespace

bool decide(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  out = Decision{};
  if (!cmd.is_object()) {
    err = {"bad_command", "", "a command must be a JSON object"};
    return false;
  }
  std::string type;
  if (!read_string(cmd, "type", type, err, 64, true)) return false;
  if (ctx.ids == nullptr || ctx.actor.empty()) {
    err = {"no_actor", "", "commands need a signed-in agent"};
    return false;
  }
  bool ok;
  if (type == "customer.create") ok = customer_create(cmd, ctx, out, err);
  else if (type == "ticket.create") ok = ticket_create(s, cmd, ctx, out, err);
  else if (type == "ticket.reply") ok = ticket_text(s, cmd, ctx, op_type::ticket_replied, out, err);
  else if (type == "ticket.note") ok = ticket_text(s, cmd, ctx, op_type::ticket_noted, out, err);
  else if (type == "ticket.customer_message") ok = ticket_text(s, cmd, ctx, op_type::customer_message, out, err);
  else if (type == "ticket.set_status") ok = ticket_set_status(s, cmd, ctx, out, err);
  else if (type == "ticket.set_priority") ok = ticket_set_field(s, cmd, ctx, "priority", out, err);
  else if (type == "ticket.set_category") ok = ticket_set_field(s, cmd, ctx, "category", out, err);
  else if (type == "ticket.assign") ok = ticket_set_field(s, cmd, ctx, "assignee", out, err);
  else {
    bool known = false;
    ok = decide_refund_command(s, type, cmd, ctx, out, err, known);
    if (!known) ok = decide_workflow_command(s, type, cmd, ctx, out, err, known);
    if (!known) ok = decide_survey_command(s, type, cmd, ctx, out, err, known);
    if (!known) err = {"unknown_type", "type", "unknown command type '" + type + "'"};
  }
  if (!ok) out = Decision{};
  return ok;
}

}  // namespace edudesk
