#include "core/workflow.h"

#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "core/classify.h"
#include "core/fields.h"
#include "core/state.h"
#include "core/text_search.h"

namespace edudesk {

namespace {
using nlohmann::json;

bool fail(Error& err, const char* code, const char* field, std::string msg) {
  err = {code, field, std::move(msg)};
  return false;
}
}  // namespace

// ---- vocabularies ------------------------------------------------------------------------------

const Subcategory kSubcategories[] = {
    {Category::course_quality, "content"},        {Category::course_quality, "teacher"},
    {Category::course_quality, "teaching_method"}, {Category::course_quality, "advert_mismatch"},
    {Category::technical, "playback"},            {Category::technical, "login"},
    {Category::technical, "payment"},             {Category::technical, "audio_video"},
    {Category::technical, "courseware"},          {Category::technical, "app_crash"},
    {Category::service_attitude, "agent"},        {Category::service_attitude, "teacher_attitude"},
    {Category::service_attitude, "after_sales_attitude"},
    {Category::after_sales, "refund"},            {Category::after_sales, "course_change"},
    {Category::after_sales, "invoice"},           {Category::after_sales, "extension"},
    {Category::after_sales, "makeup_class"},      {Category::account_security, "password"},
    {Category::account_security, "account_stolen"}, {Category::account_security, "privacy"},
    {Category::other, "enquiry"},                 {Category::other, "suggestion"},
    {Category::other, nullptr}};

bool subcategory_valid(Category c, const std::string& id) {
  if (id.empty()) return true;
  for (const Subcategory* s = kSubcategories; s->id; ++s)
    if (s->category == c && id == s->id) return true;
  return false;
}

bool subcategory_known(const std::string& id) {
  for (const Subcategory* s = kSubcategories; s->id; ++s)
    if (id == s->id) return true;
  return false;
}

std::string guess_subcategory(Category c, const std::string& text) {
  // Cues in simplified Chinese and English; the text is normalised (traditional -> simplified).
  struct Cue {
    const char* sub;
    std::vector<const char*> words;
  };
  static const std::vector<Cue> cues = {
      {"playback", {"播放", "回放", "视频", "卡顿", "黑屏", "加载", "直播", "video", "playback", "replay"}},
      {"login", {"登录", "登不上", "验证码", "登陆", "login", "log in", "sign in"}},
      {"payment", {"支付", "付款", "扣款", "扣费", "付不了", "payment", "charged"}},
      {"audio_video", {"声音", "没声", "麦克风", "摄像头", "画面", "audio", "sound", "camera"}},
      {"courseware", {"课件", "讲义", "资料", "courseware", "slides"}},
      {"app_crash", {"闪退", "崩溃", "打不开", "crash"}},
      {"refund", {"退款", "退课", "退费", "退钱", "refund"}},
      {"invoice", {"发票", "invoice", "receipt"}},
      {"extension", {"延期", "延长", "有效期", "extension", "extend"}},
      {"course_change", {"换课", "转课", "调课", "换班", "change course", "switch"}},
      {"makeup_class", {"补课", "补一节", "make-up", "makeup"}},
      {"password", {"密码", "password"}},
      {"account_stolen", {"被盗", "盗号", "异地登录", "被人登录", "hacked", "stolen"}},
      {"privacy", {"隐私", "泄露", "个人信息", "privacy", "leak"}},
      {"teacher", {"老师", "讲师", "teacher", "tutor"}},
      {"advert_mismatch", {"宣传", "广告", "不符", "虚假", "advert", "advertis"}},
      {"content", {"内容", "过时", "旧", "错误", "content", "outdated"}},
      {"teaching_method", {"讲得", "听不懂", "节奏", "方法", "too fast"}},
      {"teacher_attitude", {"老师态度", "老师骂", "老师凶"}},
      {"after_sales_attitude", {"售后", "退款态度", "推脱"}},
      {"agent", {"客服", "态度", "agent", "rude"}},
      {"suggestion", {"建议", "希望", "suggest"}},
      {"enquiry", {"请问", "咨询", "怎么", "多少钱", "how", "what"}},
  };
  std::string norm = normalize_text(text);
  for (const Cue& cue : cues) {
    if (!subcategory_valid(c, cue.sub)) continue;
    for (const char* w : cue.words)
      if (norm.find(w) != std::string::npos) return cue.sub;
  }
  return "";
}

const char* const kResolutionCodes[] = {"remote_help",     "resource_reissued", "teacher_qa",   "refunded",
                                        "goodwill",        "explained",         "course_changed", "fixed_by_tech",
                                        "duplicate_merged", "no_reply",         "not_an_issue", "other",
                                        nullptr};

bool ticket_open(const Ticket& t) {
  return (t.status == Status::new_ || t.status == Status::open || t.status == Status::pending) && t.merged_into.empty();
}

bool checklist_has(IncidentType type, const std::string& item) {
  for (const char* x : incident_checklist(type))
    if (item == x) return true;
  return false;
}

bool is_complaint(Category c) { return c == Category::course_quality || c == Category::service_attitude; }

const char* to_id(TaskKind k) {
  switch (k) {
    case TaskKind::callback: return "callback";
    case TaskKind::progress_update: return "progress_update";
    case TaskKind::reminder: return "reminder";
    case TaskKind::class_reminder: return "class_reminder";
    case TaskKind::class_followup: return "class_followup";
    case TaskKind::enrolment_notice: return "enrolment_notice";
    case TaskKind::winback: return "winback";
    case TaskKind::sla_breach: return "sla_breach";
  }
  return "reminder";
}
const char* to_id(IncidentType t) {
  switch (t) {
    case IncidentType::technical: return "technical";
    case IncidentType::service: return "service";
    case IncidentType::management: return "management";
  }
  return "technical";
}
const char* to_id(IncidentStatus s) {
  switch (s) {
    case IncidentStatus::open: return "open";
    case IncidentStatus::mitigating: return "mitigating";
    case IncidentStatus::resolved: return "resolved";
    case IncidentStatus::reviewed: return "reviewed";
  }
  return "open";
}

std::vector<const char*> incident_checklist(IncidentType t) {
  switch (t) {
    case IncidentType::technical:  // server failure, security breach, app failure
      return {"scope", "notify_tech", "status_notice", "fix_verified", "compensation", "review"};
    case IncidentType::service:  // teacher falls ill, course update late
      return {"scope", "substitute", "notify_learners", "makeup_or_compensation", "review"};
    case IncidentType::management:  // rule breach, regulation change
      return {"scope", "compliance_check", "update_answers", "notify_learners", "review"};
  }
  return {};
}

// ---- routing ----------------------------------------------------------------------------------

namespace {
int ladder_rank(Role r) {
  switch (r) {
    case Role::junior: return 0;
    case Role::mid: return 1;
    case Role::senior: return 2;
    default: return -1;
  }
}
}  // namespace

std::optional<Role> tier_above(Role r) {
  if (r == Role::junior) return Role::mid;
  if (r == Role::mid) return Role::senior;
  return std::nullopt;
}

bool role_fits_tier(Role role, Role tier) {
  if (role == Role::supervisor) return true;
  if (tier == Role::tech_support || role == Role::tech_support) return role == tier;
  return ladder_rank(role) >= ladder_rank(tier);
}

RouteReason route_tier(const State& s, Category c, const std::string& sub, Priority p, const std::string& customer_id,
                       const std::string& text, Millis now) {
  if (c == Category::technical && (p == Priority::P1 || p == Priority::P2) && sub != "enquiry")
    return {Role::tech_support, "platform_failure"};
  if (c == Category::technical && (sub == "payment" || sub == "app_crash")) return {Role::tech_support, "platform_failure"};
  std::string norm = normalize_text(text);
  auto has = [&](std::initializer_list<const char*> words) {
    for (const char* w : words)
      if (norm.find(w) != std::string::npos) return true;
    return false;
  };
  if (has({"骂", "侮辱", "威胁", "性骚扰", "abuse", "harass"})) return {Role::senior, "abuse"};
  if (p == Priority::P1) return {Role::senior, "p1"};
  if (is_complaint(c)) return {Role::senior, "complaint"};
  if (c == Category::after_sales && sub == "refund" && (serious_complaint(text) || has({"不退", "拒绝退", "纠纷", "dispute"})))
    return {Role::senior, "refund_dispute"};
  if (c == Category::account_security) return {Role::mid, "account"};
  if (c == Category::after_sales && (sub == "refund" || sub == "course_change" || sub == "makeup_class"))
    return {Role::mid, "cross_department"};
  // Complex: the customer wrote in twice or more in the last 30 days.
  if (!customer_id.empty()) {
    int recent = 0;
    for (const Ticket& t : s.tickets)
      if (t.customer_id == customer_id && now - t.created_at <= 30 * kDayMs) ++recent;
    if (recent >= 2) return {Role::mid, "repeat_contact"};
  }
  return {Role::junior, "first_line"};
}

int open_load(const State& s, const std::string& agent_id) {
  int n = 0;
  for (const Ticket& t : s.tickets)
    if (t.assignee == agent_id && ticket_open(t)) ++n;
  return n;
}

std::string pick_agent(const State& s, Role tier, Category c, const std::string& except) {
  struct Candidate {
    const Agent* a;
    bool skilled;
    bool exact;  // the tier itself, not a higher one
    int load = 0;
    Millis last = 0;  // when routing last gave it a ticket
  };
  std::vector<Candidate> cands;
  for (const Agent& a : s.agents) {
    if (a.id == except || a.role == Role::supervisor || !role_fits_tier(a.role, tier)) continue;
    bool skilled = a.skills.empty() || std::find(a.skills.begin(), a.skills.end(), c) != a.skills.end();
    cands.push_back({&a, skilled, a.role == tier});
  }
  if (cands.empty()) return "";
  std::unordered_map<std::string, size_t> at;
  for (size_t i = 0; i < cands.size(); ++i) at[cands[i].a->id] = i;
  for (const Ticket& t : s.tickets) {
    auto it = at.find(t.assignee);
    if (it == at.end()) continue;
    Candidate& k = cands[it->second];
    if (ticket_open(t)) ++k.load;
    Millis given = t.assignee_by.entry < 0 ? t.created_at : t.stamp_of(t.assignee_by).hlc.ms;
    k.last = std::max(k.last, given);
  }
  auto best = std::min_element(cands.begin(), cands.end(), [](const Candidate& x, const Candidate& y) {
    if (x.exact != y.exact) return x.exact;
    if (x.skilled != y.skilled) return x.skilled;
    if (x.load != y.load) return x.load < y.load;
    if (x.last != y.last) return x.last < y.last;
    return x.a->id < y.a->id;
  });
  return best->a->id;
}

// ---- tasks --------------------------------------------------------------------------------------

namespace {
void add_derived(std::vector<Task>& out, const State& s, Task t, bool include_done) {
  if (const Task* stored = s.task(t.id)) {
    if (include_done) out.push_back(*stored);
    return;
  }
  t.derived = true;
  out.push_back(std::move(t));
}

Millis last_public_update(const Ticket& t) {
  Millis last = t.created_at;
  for (const TimelineEntry& e : t.timeline)
    if (e.kind == EntryKind::reply) last = std::max(last, e.at);
  return last;
}
}  // namespace

std::vector<Task> tasks_for(const State& s, const std::string& agent, Millis now, bool include_done) {
  std::vector<Task> out;
  auto mine = [&](const std::string& assignee) { return agent.empty() || assignee.empty() || assignee == agent; };
  for (const Task& t : s.tasks) {
    if (t.derived) continue;  // a derived task once done: listed below, by its key
    if ((t.done || t.cancelled) && !include_done) continue;
    if (!agent.empty() && t.assignee != agent && !t.assignee.empty()) continue;
    if (t.kind == TaskKind::sla_breach && !agent.empty()) {  // the supervisors' to know
      const Agent* a = s.agent(agent);
      if (!a || a->role != Role::supervisor) continue;
    }
    out.push_back(t);
  }
  // Long tickets: a customer-visible update at least every 24 h (the mid-tier rule).
  for (const Ticket& tk : s.tickets) {
    if (!ticket_open(tk) || now - tk.created_at <= kDayMs) continue;
    if (!mine(tk.assignee)) continue;
    Millis due = last_public_update(tk) + kDayMs;
    if (due - now > 4 * kHourMs) continue;  // shown from four hours before it is due
    Task t;
    t.id = "progress/" + tk.id + "/" + std::to_string(due);
    t.kind = TaskKind::progress_update;
    t.ticket_id = tk.id;
    t.customer_id = tk.customer_id;
    t.course_id = tk.course_id;
    t.title = tk.subject;
    t.assignee = tk.assignee;
    t.due_at = due;
    t.created_at = due - kDayMs;
    add_derived(out, s, std::move(t), include_done);
  }
  // Classes: a reminder one hour before, a follow-up within 24 hours after (seed 002).
  for (const auto& [course_id, sched] : s.course_schedules) {
    int learners = 0;
    for (const Order& o : s.orders)
      if (o.course_id == course_id && o.refunded_by.empty()) ++learners;
    for (Millis at : sched.sessions) {
      if (at - kHourMs - now <= 24 * kHourMs && now <= at) {
        Task t;
        t.id = "class-reminder/" + course_id + "/" + std::to_string(at);
        t.kind = TaskKind::class_reminder;
        t.course_id = course_id;
        t.title = std::to_string(learners);
        t.due_at = at - kHourMs;
        t.created_at = at - 25 * kHourMs;
        add_derived(out, s, std::move(t), include_done);
      }
      if (now >= at && now - at <= 3 * kDayMs) {
        Task t;
        t.id = "class-followup/" + course_id + "/" + std::to_string(at);
        t.kind = TaskKind::class_followup;
        t.course_id = course_id;
        t.title = std::to_string(learners);
        t.due_at = at + kDayMs;
        t.created_at = at;
        add_derived(out, s, std::move(t), include_done);
      }
    }
  }
  // New enrolments: the learner notice with the 7-day cooling-off rule, within a day.
  for (const Order& o : s.orders) {
    if (o.paid_at > now || now - o.paid_at > 7 * kDayMs) continue;
    Task t;
    t.id = "enrolment/" + o.id;
    t.kind = TaskKind::enrolment_notice;
    t.customer_id = o.customer_id;
    t.course_id = o.course_id;
    t.order_id = o.id;
    t.due_at = o.paid_at + kDayMs;
    t.created_at = o.paid_at;
    add_derived(out, s, std::move(t), include_done);
  }
  std::sort(out.begin(), out.end(), [](const Task& a, const Task& b) {
    if (a.done != b.done) return !a.done;
    if (a.due_at != b.due_at) return a.due_at < b.due_at;
    return a.id < b.id;
  });
  return out;
}

// ---- incidents: suggestions --------------------------------------------------------------------

namespace {
std::vector<std::string> ticket_features(const Ticket& t) {
  std::string text = t.subject;
  if (!t.timeline.empty() && t.timeline.front().kind == EntryKind::customer_message)
    text += " " + t.timeline.front().text;
  std::vector<std::string> f = text_features(text);
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}
double dice(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) ++common, ++i, ++j;
    else if (a[i] < b[j]) ++i;
    else ++j;
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}
}  // namespace

double ticket_similarity(const Ticket& a, const Ticket& b) { return dice(ticket_features(a), ticket_features(b)); }

std::vector<IncidentSuggestion> suggest_incidents(const State& s, Millis now, Millis window, size_t min_size) {
  // Candidates: open tickets of the last two days with a course and no incident yet.
  std::unordered_map<std::string, std::vector<const Ticket*>> groups;
  for (const Ticket& t : s.tickets) {
    if (!ticket_open(t) || t.course_id.empty() || !t.incident.empty()) continue;
    if (now - t.created_at > 2 * kDayMs) continue;
    groups[t.course_id + "|" + to_id(t.category)].push_back(&t);
  }
  std::vector<IncidentSuggestion> out;
  for (auto& [key, ts] : groups) {
    if (ts.size() < min_size) continue;
    std::sort(ts.begin(), ts.end(), [](const Ticket* a, const Ticket* b) { return a->created_at < b->created_at; });
    std::vector<std::vector<std::string>> feats;
    for (const Ticket* t : ts) feats.push_back(ticket_features(*t));
    // Clusters: tickets joined when they read alike (Dice ≥ 0.2) and came within `window`
    // of each other; the largest cluster of the group is the suggestion.
    std::vector<size_t> parent(ts.size());
    for (size_t i = 0; i < ts.size(); ++i) parent[i] = i;
    auto root = [&](size_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (size_t i = 0; i < ts.size(); ++i)
      for (size_t j = i + 1; j < ts.size() && ts[j]->created_at - ts[i]->created_at <= window; ++j)
        if (dice(feats[i], feats[j]) >= 0.2) parent[root(i)] = root(j);
    std::unordered_map<size_t, std::vector<size_t>> clusters;
    for (size_t i = 0; i < ts.size(); ++i) clusters[root(i)].push_back(i);
    const std::vector<size_t>* best = nullptr;
    for (const auto& [r, members] : clusters)
      if (!best || members.size() > best->size() || (members.size() == best->size() && members[0] < (*best)[0]))
        best = &members;
    if (!best || best->size() < min_size) continue;
    IncidentSuggestion sug;
    sug.course_id = ts[(*best)[0]]->course_id;
    sug.category = ts[(*best)[0]]->category;
    for (size_t i : *best) sug.ticket_ids.push_back(ts[i]->id);
    size_t best_lo = (*best)[0];
    const Course* c = s.course(sug.course_id);
    sug.title = (c ? c->name : sug.course_id) + " · " + ts[best_lo]->subject;
    out.push_back(std::move(sug));
  }
  std::sort(out.begin(), out.end(), [](const IncidentSuggestion& a, const IncidentSuggestion& b) {
    if (a.ticket_ids.size() != b.ticket_ids.size()) return a.ticket_ids.size() > b.ticket_ids.size();
    return a.ticket_ids.front() < b.ticket_ids.front();
  });
  return out;
}

// ---- apply ----------------------------------------------------------------------------------------

namespace {
bool read_task_fields(const State& s, const json& d, Task& t, Error& err) {
  std::string kind;
  if (!read_string(d, "kind", kind, err, 32, true) || !read_string(d, "title", t.title, err, limits::subject, false) ||
      !read_string(d, "assignee", t.assignee, err, limits::id, false) ||
      !read_string(d, "ticket_id", t.ticket_id, err, limits::id, false) ||
      !read_string(d, "customer_id", t.customer_id, err, limits::id, false) ||
      !read_string(d, "course_id", t.course_id, err, limits::id, false) ||
      !read_string(d, "order_id", t.order_id, err, limits::id, false) || !read_int(d, "due_at", t.due_at, err, true))
    return false;
  auto k = parse_id(kTaskKinds, kind);
  if (!k) return fail(err, "invalid_value", "kind", "'" + kind + "' is not a task kind");
  t.kind = *k;
  if (t.due_at <= 0) return fail(err, "invalid_value", "due_at", "a task is due at a time after 1970");
  if (!t.assignee.empty() && !s.agent(t.assignee)) return fail(err, "not_found", "assignee", "no agent " + t.assignee);
  return true;
}

void index_task(State& s, Task t) {
  s.task_index[t.id] = s.tasks.size();
  s.tasks.push_back(std::move(t));
}
}  // namespace

bool apply_task_created(State& s, const Op& op, Error& err) {
  Task t;
  if (!read_string(op.data, "task_id", t.id, err, limits::id * 2, true) || !read_task_fields(s, op.data, t, err))
    return false;
  if (s.task(t.id)) return fail(err, "exists", "task_id", "task " + t.id + " already exists");
  t.created_at = op.at;
  s.op_task.set(op.id, t.id);
  index_task(s, std::move(t));
  return true;
}

bool apply_task_done(State& s, const Op& op, Error& err) {
  std::string id, outcome;
  bool cancelled = false;
  if (!read_string(op.data, "task_id", id, err, limits::id * 2, true) ||
      !read_string(op.data, "outcome", outcome, err, 2000, false) || !read_bool(op.data, "cancelled", cancelled, err))
    return false;
  auto it = s.task_index.find(id);
  if (it == s.task_index.end()) {
    // A derived task (a class reminder, a progress update) is stored when it is done.
    auto d = op.data.find("derived");
    if (d == op.data.end() || !d->is_object())
      return fail(err, "not_found", "task_id", "no task " + id + " (a derived task carries 'derived')");
    Task t;
    if (!read_task_fields(s, *d, t, err)) return false;
    t.id = id;
    t.derived = true;
    s.op_task.set(op.id, id);
    index_task(s, std::move(t));
    it = s.task_index.find(id);
  }
  Task& t = s.tasks[it->second];
  Stamp st = op.stamp();
  // Two people finishing one task at once: the first in the agreed order counts.
  if ((t.done || t.cancelled) && !(st < t.done_stamp)) return true;
  t.done = !cancelled;
  t.cancelled = cancelled;
  t.outcome = outcome;
  t.done_by = op.by;
  t.done_at = op.at;
  t.done_stamp = st;
  if (!s.op_task.count(op.id)) s.op_task.set(op.id, id);
  return true;
}

bool apply_incident_created(State& s, const Op& op, Error& err) {
  Incident inc;
  std::string type, category;
  if (!read_string(op.data, "incident_id", inc.id, err, limits::id, true) ||
      !read_enum(op.data, "type", inc.type, err, true, [](std::string_view v) { return parse_id(kIncidentTypes, v); }) ||
      !read_string(op.data, "title", inc.title, err, limits::subject, true) ||
      !read_string(op.data, "course_id", inc.course_id, err, limits::id, false) ||
      !read_enum(op.data, "category", inc.category, err, false, parse_category))
    return false;
  if (s.incident(inc.id)) return fail(err, "exists", "incident_id", "incident " + inc.id + " already exists");
  if (!inc.course_id.empty() && !s.course(inc.course_id))
    return fail(err, "not_found", "course_id", "no course " + inc.course_id);
  inc.created_at = op.at;
  inc.created_by = op.by;
  inc.status_by = op.stamp();
  s.op_incident.set(op.id, inc.id);
  s.incident_index[inc.id] = s.incidents.size();
  s.incidents.push_back(std::move(inc));
  return true;
}

bool apply_incident_updated(State& s, const Op& op, Error& err) {
  std::string id, item, review, cause;
  std::optional<IncidentStatus> status;
  bool done = true;
  if (!read_string(op.data, "incident_id", id, err, limits::id, true) ||
      !read_string(op.data, "item", item, err, 64, false) || !read_bool(op.data, "done", done, err) ||
      !read_string(op.data, "review", review, err, limits::text, false) ||
      !read_string(op.data, "root_cause", cause, err, limits::id, false))
    return false;
  if (present(op.data, "status")) {
    IncidentStatus st{};
    if (!read_enum(op.data, "status", st, err, true, [](std::string_view v) { return parse_id(kIncidentStatuses, v); }))
      return false;
    status = st;
  }
  auto it = s.incident_index.find(id);
  if (it == s.incident_index.end()) return fail(err, "not_found", "incident_id", "no incident " + id);
  Incident& inc = s.incidents[it->second];
  if (!item.empty() && !checklist_has(inc.type, item))
    return fail(err, "invalid_value", "item", "'" + item + "' is not on the checklist of a " + to_id(inc.type) + " incident");
  if (!cause.empty() && !is_listed(kRootCauses, cause))
    return fail(err, "invalid_value", "root_cause", "'" + cause + "' is not a root cause");
  Stamp st = op.stamp();
  // Every field: the last writer in the agreed order wins.
  if (status && inc.status_by < st) {
    inc.status = *status;
    inc.status_by = st;
    if (*status == IncidentStatus::resolved) inc.resolved_at = op.at;
  }
  if (!item.empty()) {
    auto c = std::find_if(inc.checklist.begin(), inc.checklist.end(), [&](const Incident::Check& x) { return x.item == item; });
    if (c == inc.checklist.end()) inc.checklist.push_back({item, done, st});
    else if (c->by < st) *c = {item, done, st};
  }
  if ((!review.empty() || !cause.empty()) && inc.review_by < st) {
    inc.review = review;
    inc.root_cause = cause;
    inc.review_by = st;
  }
  s.op_incident.set(op.id, id);
  return true;
}

bool apply_course_schedule(State& s, const Op& op, Error& err) {
  std::string course_id;
  if (!read_string(op.data, "course_id", course_id, err, limits::id, true)) return false;
  if (!s.course(course_id)) return fail(err, "not_found", "course_id", "no course " + course_id);
  auto ss = op.data.find("sessions");
  if (ss == op.data.end() || !ss->is_array()) return fail(err, "missing_field", "sessions", "'sessions' is a list of class start times (ms)");
  if (ss->size() > 500) return fail(err, "too_long", "sessions", "at most 500 classes per course calendar");
  std::vector<Millis> at;
  for (const auto& v : *ss) {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0)
      return fail(err, "invalid_value", "sessions", "class start times are positive integers (ms)");
    at.push_back(v.get<int64_t>());
  }
  std::sort(at.begin(), at.end());
  at.erase(std::unique(at.begin(), at.end()), at.end());
  State::Schedule& sch = s.course_schedules[course_id];
  if (sch.by < op.stamp()) sch = {std::move(at), op.stamp()};
  return true;
}

bool apply_sla_policy_set(State& s, const Op& op, Error& err) {
  auto p = op.data.find("policy");
  if (p == op.data.end() || !p->is_object()) return fail(err, "missing_field", "policy", "'policy' is the SLA policy object");
  SlaPolicy policy;
  std::string why;
  if (!sla_policy_from_json(*p, policy, why)) {
    err = {"invalid_value", "policy", why};
    return false;
  }
  if (s.sla_policy_by < op.stamp()) {
    s.sla_policy = std::move(policy);
    s.sla_policy_by = op.stamp();
  }
  return true;
}

bool apply_kb_edit(State& s, const Op& op, bool removed, Error& err) {
  State::KbEdit edit;
  std::string id;
  if (removed) {
    if (!read_string(op.data, "id", id, err, limits::id, true)) return false;
  } else {
    auto e = op.data.find("entry");
    if (e == op.data.end() || !e->is_object()) return fail(err, "missing_field", "entry", "'entry' is the answer object");
    KbEntry entry;
    if (!kb_entry_from_json(*e, entry, err)) return false;
    id = entry.id;
    edit.entry = std::move(entry);
  }
  edit.by = op.stamp();
  auto it = s.kb_edits.find(id);
  if (it == s.kb_edits.end() || it->second.by < edit.by) {
    s.kb_edits[id] = std::move(edit);
    ++s.kb_revision;
  }
  return true;
}

KnowledgeBase knowledge_base(const State& s) {
  KnowledgeBase kb;
  for (const auto& [id, e] : s.kb_edits) {
    if (e.entry) kb.set(*e.entry);
    else kb.remove(id);
  }
  return kb;
}

std::map<std::string, std::string> template_vars(const State& s, const Ticket& t, const std::string& agent_id, Millis now) {
  std::map<std::string, std::string> v;
  if (const Customer* c = s.customer(t.customer_id)) v["customer_name"] = c->name;
  if (const Course* c = s.course(t.course_id)) v["course"] = c->name;
  for (const Order& o : s.orders)
    if (o.customer_id == t.customer_id && (t.course_id.empty() || o.course_id == t.course_id)) v["order"] = o.id;
  if (const Agent* a = s.agent(agent_id)) v["agent_name"] = a->name;
  v["ticket_number"] = std::to_string(t.number);
  TicketSla sla = compute_sla(s.sla_policy, t, now);
  if (sla.resolution.due > 0 && sla.resolution.due != kSlaNever) {
    // the local (UTC+8) date and time, e.g. 11月25日 18:00
    Millis local = sla.resolution.due + s.sla_policy.utc_offset_minutes * 60000;
    std::string date = sla_format_date(sla_local_date(s.sla_policy, sla.resolution.due));  // YYYY-MM-DD
    int64_t mins = ((local % kDayMs) + kDayMs) % kDayMs / 60000;
    char hm[8];
    std::snprintf(hm, sizeof hm, "%02d:%02d", static_cast<int>(mins / 60), static_cast<int>(mins % 60));
    v["due"] = std::to_string(std::stoi(date.substr(5, 2))) + "月" + std::to_string(std::stoi(date.substr(8, 2))) + "日 " + hm;
  }
  return v;
}

std::string sla_op_id(const std::string& breach_key, const char* part) { return "sla-" + breach_key + part; }

std::vector<Op> sla_escalation_ops(const State& s, Millis now) {
  std::vector<Op> out;
  static const char* const kind_zh[] = {"首次响应", "解决", "进度更新"};
  for (const Ticket& t : s.tickets) {
    if (!ticket_open(t)) continue;
    for (const SlaBreach& b : sla_breaches(s.sla_policy, t, now)) {
      std::string id = sla_op_id(b.key, "");
      if (s.applied_ops.count(id)) continue;
      // Every desk that sees the breach makes the same Ops (ids, times, author), so
      // two desks escalating offline are one escalation once they meet.
      auto system_op = [&](std::string op_id, const char* type, json data) {
        Op op{std::move(op_id), type, b.due, "system", std::move(data), Hlc{b.due, 0}};
        return op;
      };
      std::string text = std::string("SLA 超时：") + kind_zh[static_cast<int>(b.kind)] + "已超过时限";
      if (b.raise_priority) text += std::string("，优先级升为 ") + to_id(b.raise_to);
      if (b.notify_supervisor) text += "，已通知主管";
      out.push_back(system_op(id, op_type::ticket_noted, json{{"ticket_id", t.id}, {"text", text}}));
      if (b.raise_priority)
        out.push_back(system_op(sla_op_id(b.key, "-p"), op_type::field_set,
                                json{{"ticket_id", t.id}, {"field", "priority"}, {"value", to_id(b.raise_to)},
                                     {"prev", json::array({b.due, 0, ""})}}));
      if (b.notify_supervisor)
        out.push_back(system_op(sla_op_id(b.key, "-t"), op_type::task_created,
                                json{{"task_id", sla_op_id(b.key, "-t")}, {"kind", "sla_breach"},
                                     {"title", std::string(kind_zh[static_cast<int>(b.kind)]) + "超时 · " + t.subject},
                                     {"ticket_id", t.id}, {"customer_id", t.customer_id}, {"due_at", b.due}}));
    }
  }
  return out;
}

bool is_sla_system_op(const Op& op) {
  if (op.by != "system" || op.id.rfind("sla-", 0) != 0) return false;
  if (op.type != op_type::ticket_noted && op.type != op_type::field_set && op.type != op_type::task_created) return false;
  auto t = op.data.find("ticket_id");
  // the id is "sla-<ticket id>/<clock>/<start>[-p|-t]": it names the ticket it escalates
  return t != op.data.end() && t->is_string() && op.id.rfind("sla-" + t->get<std::string>() + "/", 0) == 0;
}

bool unapply_workflow_op(State& s, const std::string& op_id) {
  auto erase_from = [](auto& vec, auto& index, const std::string& id) {
    auto it = index.find(id);
    if (it == index.end()) return;
    vec.erase(vec.begin() + static_cast<std::ptrdiff_t>(it->second));
    index.clear();
    for (size_t i = 0; i < vec.size(); ++i) index[vec[i].id] = i;
  };
  if (const std::optional<std::string> task_id = s.op_task.get(op_id)) {
    const Task* task = s.task(*task_id);
    if (task && task->done_stamp.op_id == op_id) {  // a refused "done": the task is open again
      Task& m = s.tasks[s.task_index[*task_id]];
      if (m.derived) erase_from(s.tasks, s.task_index, *task_id);
      else m.done = m.cancelled = false, m.done_stamp = {}, m.outcome.clear();
    } else {
      erase_from(s.tasks, s.task_index, *task_id);
    }
    s.op_task.erase(op_id);
    return true;
  }
  if (const std::optional<std::string> incident_id = s.op_incident.get(op_id)) {
    const Incident* inc = s.incident(*incident_id);
    if (inc && inc->status_by.op_id == op_id && inc->created_at != 0 && inc->checklist.empty() && inc->review.empty()) {
      erase_from(s.incidents, s.incident_index, *incident_id);
      s.op_incident.erase(op_id);
      return true;
    }
    return false;  // an update of an incident is not taken back
  }
  return false;
}

void add_workflow_image(const State& s, json& img) {
  json tasks = json::array(), incidents = json::array(), sched = json::object();
  std::vector<const Task*> ts;
  for (const Task& t : s.tasks) ts.push_back(&t);
  std::sort(ts.begin(), ts.end(), [](const Task* a, const Task* b) { return a->id < b->id; });
  for (const Task* t : ts)
    tasks.push_back({t->id, to_id(t->kind), t->ticket_id, t->title, t->assignee, t->due_at, t->done, t->cancelled,
                     t->outcome, t->done_by});
  std::vector<const Incident*> is;
  for (const Incident& i : s.incidents) is.push_back(&i);
  std::sort(is.begin(), is.end(), [](const Incident* a, const Incident* b) { return a->id < b->id; });
  for (const Incident* i : is) {
    json checks = json::array();
    std::vector<Incident::Check> cs = i->checklist;
    std::sort(cs.begin(), cs.end(), [](const auto& a, const auto& b) { return a.item < b.item; });
    for (const auto& c : cs) checks.push_back({c.item, c.done});
    incidents.push_back({i->id, to_id(i->type), i->title, i->course_id, to_id(i->category), to_id(i->status), checks,
                         i->review, i->root_cause});
  }
  for (const auto& [id, sc] : s.course_schedules) sched[id] = sc.sessions;
  img["tasks"] = tasks;
  img["incidents"] = incidents;
  img["schedules"] = sched;
  json kb = json::object();
  for (const auto& [id, e] : s.kb_edits) kb[id] = e.entry ? kb_entry_to_json(*e.entry) : json();
  img["kb_edits"] = kb;
}

// ---- decide ------------------------------------------------------------------------------------------

namespace {

const Ticket* find_ticket(const State& s, const json& cmd, const char* key, Error& err) {
  std::string id;
  if (!read_string(cmd, key, id, err, limits::id, true)) return nullptr;
  const Ticket* t = s.ticket(id);
  if (!t) fail(err, "not_found", key, "no ticket " + id);
  return t;
}

const Incident* find_incident(const State& s, const json& cmd, Error& err) {
  std::string id;
  if (!read_string(cmd, "incident_id", id, err, limits::id, true)) return nullptr;
  const Incident* i = s.incident(id);
  if (!i) fail(err, "not_found", "incident_id", "no incident " + id);
  return i;
}

Op field_op(Context& ctx, const Ticket& t, const char* field, const std::string& value, const Ticket::FieldState& fs) {
  return make_op(ctx, op_type::field_set,
                 json{{"ticket_id", t.id}, {"field", field}, {"value", value}, {"prev", prev_json(t, fs)}});
}

Op note_op(Context& ctx, const Ticket& t, const std::string& text) {
  return make_op(ctx, op_type::ticket_noted, json{{"ticket_id", t.id}, {"text", text}});
}


bool escalate(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Ticket* t = find_ticket(s, cmd, "ticket_id", err);
  std::string to, reason;
  if (!t || !read_string(cmd, "to", to, err, 32, true) || !read_string(cmd, "reason", reason, err, 1000, true))
    return false;
  Role target;
  if (to == "up") {
    auto up = t->tier == Role::tech_support ? std::optional<Role>(Role::senior) : tier_above(t->tier);
    if (!up)
      return fail(err, "no_higher_tier", "to",
                  "ticket " + std::to_string(t->number) + " is already with senior agents; there is no tier above (flag it for the supervisor instead)");
    target = *up;
  } else {
    auto r = parse_role(to);
    if (!r || *r == Role::supervisor)
      return fail(err, "invalid_value", "to", "'" + to + "': escalate to up, junior, mid, senior or tech_support");
    target = *r;
  }
  if (target == t->tier) return fail(err, "unchanged", "to", std::string("the ticket is already with ") + to_id(target));
  if (t->status == Status::closed || !t->merged_into.empty())
    return fail(err, "transition_not_allowed", "ticket_id", "a closed or merged ticket is not escalated");
  out.ops.push_back(field_op(ctx, *t, "tier", to_id(target), t->tier_by));
  out.ops.push_back(note_op(ctx, *t, std::string("转交") + role_name_zh(target) + "：" + reason));
  const Agent* owner = s.agent(t->assignee);
  if (!owner || !role_fits_tier(owner->role, target)) {
    std::string next = pick_agent(s, target, t->category, t->assignee);
    if (next != t->assignee) out.ops.push_back(field_op(ctx, *t, "assignee", next, t->assignee_by));
    out.result["assignee"] = next;
  }
  out.result["tier"] = to_id(target);
  return true;
}

bool merge(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Ticket* src = find_ticket(s, cmd, "ticket_id", err);
  if (!src) return false;
  const Ticket* into = find_ticket(s, cmd, "into", err);
  if (!into) return false;
  if (src->id == into->id) return fail(err, "invalid_value", "into", "a ticket is not merged into itself");
  if (!src->merged_into.empty())
    return fail(err, "transition_not_allowed", "ticket_id", "ticket " + std::to_string(src->number) + " is already merged");
  if (!into->merged_into.empty() || into->status == Status::closed)
    return fail(err, "transition_not_allowed", "into", "merge into an open ticket (" + std::to_string(into->number) + " is closed or merged)");
  out.ops.push_back(field_op(ctx, *src, "merged_into", into->id, src->merged_by));
  if (src->status != Status::closed)
    out.ops.push_back(make_op(ctx, op_type::status_set,
                              json{{"ticket_id", src->id}, {"status", "closed"}, {"resolution", "duplicate_merged"},
                                   {"prev", prev_json(*src, src->status_by)}}));
  out.ops.push_back(note_op(ctx, *into, "合并了工单 #" + std::to_string(src->number) + "「" + src->subject + "」：两条时间线都保留在此工单中"));
  out.result["into"] = into->id;
  return true;
}

bool task_create(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  json data = cmd;
  data.erase("type");
  if (!present(data, "kind")) data["kind"] = "reminder";
  if (!present(data, "assignee")) data["assignee"] = ctx.actor;
  Task t;
  if (!read_task_fields(s, data, t, err)) return false;
  if (t.title.empty() && t.ticket_id.empty()) return fail(err, "missing_field", "title", "a task needs a title or a ticket");
  if (!t.ticket_id.empty() && !s.ticket(t.ticket_id)) return fail(err, "not_found", "ticket_id", "no ticket " + t.ticket_id);
  std::string id = "k-" + ctx.ids->next();
  json d{{"task_id", id}, {"kind", to_id(t.kind)}, {"title", t.title}, {"assignee", t.assignee}, {"due_at", t.due_at}};
  for (const char* k : {"ticket_id", "customer_id", "course_id", "order_id"})
    if (present(data, k)) d[k] = data[k];
  out.ops.push_back(make_op(ctx, op_type::task_created, std::move(d)));
  out.result["task_id"] = id;
  return true;
}

bool task_finish(const State& s, const json& cmd, Context& ctx, bool cancel, Decision& out, Error& err) {
  std::string id, outcome;
  if (!read_string(cmd, "task_id", id, err, limits::id * 2, true) || !read_string(cmd, "outcome", outcome, err, 2000, false))
    return false;
  const Task* t = s.task(id);
  json data{{"task_id", id}};
  if (t) {
    if (t->done || t->cancelled) return fail(err, "transition_not_allowed", "task_id", "the task is already done");
    if (!cancel && t->kind == TaskKind::callback && outcome.empty())
      return fail(err, "missing_field", "outcome", "a call-back is done with its outcome (what the customer said)");
  } else {
    // A derived task: it must be one the rules make now, and it is stored as it was.
    std::vector<Task> all = tasks_for(s, "", ctx.now);
    auto it = std::find_if(all.begin(), all.end(), [&](const Task& x) { return x.id == id; });
    if (it == all.end()) return fail(err, "not_found", "task_id", "no task " + id);
    json d{{"kind", to_id(it->kind)}, {"title", it->title}, {"due_at", it->due_at}, {"assignee", it->assignee}};
    for (auto [k, v] : {std::pair{"ticket_id", &it->ticket_id}, {"customer_id", &it->customer_id},
                        {"course_id", &it->course_id}, {"order_id", &it->order_id}})
      if (!v->empty()) d[k] = *v;
    data["derived"] = d;
  }
  if (!outcome.empty()) data["outcome"] = outcome;
  if (cancel) data["cancelled"] = true;
  out.ops.push_back(make_op(ctx, op_type::task_done, std::move(data)));
  return true;
}

bool incident_create(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  IncidentType type{};
  std::string title, course_id;
  Category category = Category::technical;
  if (!read_enum(cmd, "incident_type", type, err, true, [](std::string_view v) { return parse_id(kIncidentTypes, v); }) ||
      !read_string(cmd, "title", title, err, limits::subject, true) ||
      !read_string(cmd, "course_id", course_id, err, limits::id, false) ||
      !read_enum(cmd, "category", category, err, false, parse_category))
    return false;
  if (!course_id.empty() && !s.course(course_id)) return fail(err, "not_found", "course_id", "no course " + course_id);
  std::vector<const Ticket*> linked;
  if (auto ids = cmd.find("ticket_ids"); ids != cmd.end() && !ids->is_null()) {
    if (!ids->is_array() || ids->size() > 1000) return fail(err, "invalid_value", "ticket_ids", "'ticket_ids' is a list of up to 1000 ticket ids");
    for (const auto& v : *ids) {
      const Ticket* t = v.is_string() ? s.ticket(v.get<std::string>()) : nullptr;
      if (!t) return fail(err, "not_found", "ticket_ids", "no ticket " + (v.is_string() ? v.get<std::string>() : v.dump()));
      linked.push_back(t);
    }
  }
  std::string id = "i-" + ctx.ids->next();
  json d{{"incident_id", id}, {"type", to_id(type)}, {"title", title}, {"category", to_id(category)}};
  if (!course_id.empty()) d["course_id"] = course_id;
  out.ops.push_back(make_op(ctx, op_type::incident_created, std::move(d)));
  for (const Ticket* t : linked) out.ops.push_back(field_op(ctx, *t, "incident", id, t->incident_by));
  out.result["incident_id"] = id;
  return true;
}

bool incident_link(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Ticket* t = find_ticket(s, cmd, "ticket_id", err);
  if (!t) return false;
  std::string id;
  if (!read_string(cmd, "incident_id", id, err, limits::id, false)) return false;
  if (!id.empty() && !s.incident(id)) return fail(err, "not_found", "incident_id", "no incident " + id);
  if (id == t->incident) return fail(err, "unchanged", "incident_id", "the ticket is already there");
  out.ops.push_back(field_op(ctx, *t, "incident", id, t->incident_by));
  return true;
}

bool incident_update(const State& s, const std::string& type, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Incident* inc = find_incident(s, cmd, err);
  if (!inc) return false;
  json d{{"incident_id", inc->id}};
  if (type == "incident.set_status") {
    IncidentStatus st{};
    if (!read_enum(cmd, "status", st, err, true, [](std::string_view v) { return parse_id(kIncidentStatuses, v); }))
      return false;
    if (st == inc->status) return fail(err, "unchanged", "status", std::string("the incident is already ") + to_id(st));
    if (st == IncidentStatus::reviewed && inc->review.empty())
      return fail(err, "missing_field", "review", "write the after-action review (复盘) before marking it reviewed");
    d["status"] = to_id(st);
  } else if (type == "incident.check") {
    std::string item;
    bool done = true;
    if (!read_string(cmd, "item", item, err, 64, true) || !read_bool(cmd, "done", done, err)) return false;
    d["item"] = item;
    d["done"] = done;
  } else {  // incident.review
    std::string review, cause;
    if (!read_string(cmd, "review", review, err, limits::text, true) ||
        !read_string(cmd, "root_cause", cause, err, limits::id, true))
      return false;
    if (inc->status == IncidentStatus::open || inc->status == IncidentStatus::mitigating)
      return fail(err, "transition_not_allowed", "status", "the review comes after the incident is resolved");
    d["review"] = review;
    d["root_cause"] = cause;
  }
  Op op = make_op(ctx, op_type::incident_updated, std::move(d));
  if (type == "incident.check" && !checklist_has(inc->type, op.data["item"].get<std::string>()))
    return fail(err, "invalid_value", "item",
                "'" + op.data["item"].get<std::string>() + "' is not on the checklist of a " + to_id(inc->type) + " incident");
  if (type == "incident.review" && !is_listed(kRootCauses, op.data["root_cause"].get<std::string>()))
    return fail(err, "invalid_value", "root_cause", "'" + op.data["root_cause"].get<std::string>() + "' is not a root cause");
  out.ops.push_back(std::move(op));
  return true;
}

// Resolving an incident: one reply to every linked open ticket, each resolved, and a
// call-back scheduled for each of them.
bool incident_resolve(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Incident* inc = find_incident(s, cmd, err);
  std::string reply, resolution = "fixed_by_tech";
  if (!inc || !read_string(cmd, "reply", reply, err, limits::text, false) ||
      !read_string(cmd, "resolution", resolution, err, limits::id, false))
    return false;
  if (resolution.empty()) resolution = "fixed_by_tech";
  if (!is_listed(kResolutionCodes, resolution))
    return fail(err, "invalid_value", "resolution", "'" + resolution + "' is not a resolution code");
  if (inc->status == IncidentStatus::resolved || inc->status == IncidentStatus::reviewed)
    return fail(err, "transition_not_allowed", "status", "the incident is already resolved");
  out.ops.push_back(make_op(ctx, op_type::incident_updated, json{{"incident_id", inc->id}, {"status", "resolved"}}));
  int n = 0;
  for (const Ticket& t : s.tickets) {
    if (t.incident != inc->id || !ticket_open(t)) continue;
    if (!reply.empty()) out.ops.push_back(make_op(ctx, op_type::ticket_replied, json{{"ticket_id", t.id}, {"text", reply}}));
    out.ops.push_back(make_op(ctx, op_type::status_set,
                              json{{"ticket_id", t.id}, {"status", "resolved"}, {"resolution", resolution},
                                   {"prev", prev_json(t, t.status_by)}}));
    std::string id = "k-" + ctx.ids->next();
    out.ops.push_back(make_op(ctx, op_type::task_created,
                              json{{"task_id", id}, {"kind", "callback"}, {"title", t.subject}, {"ticket_id", t.id},
                                   {"customer_id", t.customer_id}, {"assignee", t.assignee.empty() ? ctx.actor : t.assignee},
                                   {"due_at", ctx.now + kDayMs}}));
    ++n;
  }
  out.result["tickets_resolved"] = n;
  return true;
}

bool set_schedule(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  std::string course_id;
  if (!read_string(cmd, "course_id", course_id, err, limits::id, true)) return false;
  if (!s.course(course_id)) return fail(err, "not_found", "course_id", "no course " + course_id);
  const Agent* a = s.agent(ctx.actor);
  if (!a || (a->role != Role::supervisor && a->role != Role::senior))
    return fail(err, "forbidden", "course_id", "class calendars are kept by seniors and supervisors");
  json d{{"course_id", course_id}, {"sessions", cmd.value("sessions", json())}};
  Op op = make_op(ctx, op_type::course_schedule_set, std::move(d));
  State probe;
  probe.courses.push_back(*s.course(course_id));
  probe.course_index[course_id] = 0;
  if (!apply_course_schedule(probe, op, err)) return false;  // one set of checks: apply's
  out.ops.push_back(std::move(op));
  return true;
}

bool set_subcategory(const State& s, const json& cmd, Context& ctx, Decision& out, Error& err) {
  const Ticket* t = find_ticket(s, cmd, "ticket_id", err);
  std::string sub;
  if (!t || !read_string(cmd, "subcategory", sub, err, limits::id, false)) return false;
  if (!subcategory_valid(t->category, sub))
    return fail(err, "invalid_value", "subcategory", "'" + sub + "' is not a subcategory of " + to_id(t->category));
  if (sub == t->subcategory) return fail(err, "unchanged", "subcategory", "the subcategory is already '" + sub + "'");
  out.ops.push_back(field_op(ctx, *t, "subcategory", sub, t->subcategory_by));
  return true;
}
}  // namespace

bool decide_workflow_command(const State& s, const std::string& type, const json& cmd, Context& ctx, Decision& out,
                             Error& err, bool& known) {
  known = true;
  if (type == "ticket.escalate") return escalate(s, cmd, ctx, out, err);
  if (type == "ticket.merge") return merge(s, cmd, ctx, out, err);
  if (type == "ticket.set_subcategory") return set_subcategory(s, cmd, ctx, out, err);
  if (type == "task.create") return task_create(s, cmd, ctx, out, err);
  if (type == "task.done") return task_finish(s, cmd, ctx, false, out, err);
  if (type == "task.cancel") return task_finish(s, cmd, ctx, true, out, err);
  if (type == "incident.create") return incident_create(s, cmd, ctx, out, err);
  if (type == "incident.link") return incident_link(s, cmd, ctx, out, err);
  if (type == "incident.set_status" || type == "incident.check" || type == "incident.review")
    return incident_update(s, type, cmd, ctx, out, err);
  if (type == "incident.resolve") return incident_resolve(s, cmd, ctx, out, err);
  if (type == "course.set_schedule") return set_schedule(s, cmd, ctx, out, err);
  if (type == "sla.set_policy") {
    const Agent* a = s.agent(ctx.actor);
    if (!a || a->role != Role::supervisor) return fail(err, "forbidden", "policy", "only a supervisor changes the SLA policy");
    Op op = make_op(ctx, op_type::sla_policy_set, json{{"policy", cmd.value("policy", json())}});
    State probe;
    if (!apply_sla_policy_set(probe, op, err)) return false;  // apply's checks, on a scratch state
    out.ops.push_back(std::move(op));
    return true;
  }
  if (type == "kb.set_entry" || type == "kb.remove_entry") {
    const Agent* a = s.agent(ctx.actor);
    if (!a || a->role != Role::supervisor) return fail(err, "forbidden", "entry", "only a supervisor edits the standard answers");
    bool removed = type == "kb.remove_entry";
    Op op = removed ? make_op(ctx, op_type::kb_entry_removed, json{{"id", cmd.value("id", std::string())}})
                    : make_op(ctx, op_type::kb_entry_set, json{{"entry", cmd.value("entry", json())}});
    State probe;
    if (!apply_kb_edit(probe, op, removed, err)) return false;  // apply's checks
    if (removed && !knowledge_base(s).find(op.data["id"].get<std::string>()))
      return fail(err, "not_found", "id", "no answer " + op.data["id"].get<std::string>());
    out.ops.push_back(std::move(op));
    return true;
  }
  if (type == "sla.escalate") {
    out.ops = sla_escalation_ops(s, ctx.now);
    out.result["escalations"] = out.ops.size();
    if (out.ops.empty()) return fail(err, "unchanged", "", "no SLA breach waits for escalation");
    return true;
  }
  known = false;
  return false;
}

}  // namespace edudesk
