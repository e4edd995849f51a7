// The agent's day (issue 3): routing, escalation, closure, merge, tasks and incidents.
#include <catch2/catch.hpp>

#include "core/workflow.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
constexpr Millis kHour = 3600 * 1000;
constexpr Millis kDay = 24 * kHour;

// A desk with one agent of every role and two customers; commands at an injected time.
struct Day {
  State s;
  PrefixIds ids{"w-"};
  HlcClock clock;  // one desk: its Ops are ordered as they were made, whatever `now` says
  Error err;
  Decision d;
  Day() {
    Error e;
    int n = 0;
    auto agent = [&](const char* id, const char* name, const char* role, json skills) {
      apply(s, make(("ag" + std::to_string(++n)).c_str(), op_type::agent_created,
                    {{"agent_id", id}, {"name", name}, {"role", role}, {"skills", skills}}, kT0 - kDay, "system"), e);
    };
    agent("a-j1", "李静", "junior", json::array({"technical", "other"}));
    agent("a-j2", "张伟", "junior", json::array({"after_sales", "other"}));
    agent("a-m", "王敏", "mid", json::array({"after_sales"}));
    agent("a-s", "刘洋", "senior", json::array({"course_quality", "service_attitude"}));
    agent("a-t", "陈晨", "tech_support", json::array({"technical"}));
    agent("a-sup", "赵磊", "supervisor", json::array());
    apply(s, make("c1", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}), e);
    apply(s, make("c2", op_type::customer_created, {{"customer_id", "c-2"}, {"name", "王芳"}, {"phone", "13900139000"}}), e);
    apply(s, make("k1", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}}), e);
  }
  bool run(const json& cmd, const std::string& actor = "a-m", Millis now = kT0, const std::string& device = "") {
    Context ctx{now, actor, &ids, &clock, device};
    d = {};
    if (!decide(s, cmd, ctx, d, err)) return false;
    for (const Op& op : d.ops) {
      Error e;
      if (apply(s, op, e) != ApplyOutcome::applied) {
        err = e;
        return false;
      }
    }
    return true;
  }
  std::string ticket(const char* subject, const char* text, const char* category, const char* priority,
                     const std::string& customer = "c-1", Millis at = kT0) {
    REQUIRE(run({{"type", "ticket.create"}, {"customer_id", customer}, {"course_id", "k-1"}, {"channel", "web_form"},
                 {"subject", subject}, {"text", text}, {"category", category}, {"priority", priority}},
                "a-m", at));
    return d.result["ticket_id"];
  }
};
}  // namespace

TEST_CASE("routing sends each ticket to its tier and to the least loaded skilled agent", "[workflow]") {
  Day w;
  // A playback failure, P2: tech support.
  std::string t1 = w.ticket("回放打不开", "第三讲的回放一直在转圈", "technical", "P2");
  CHECK(w.s.ticket(t1)->tier == Role::tech_support);
  CHECK(w.s.ticket(t1)->assignee == "a-t");
  CHECK(w.s.ticket(t1)->subcategory == "playback");
  CHECK(w.d.result["route"] == "platform_failure");
  // A complaint about a teacher: seniors.
  std::string t2 = w.ticket("投诉周老师", "老师上课一直看手机，讲得很敷衍", "course_quality", "P3");
  CHECK(w.s.ticket(t2)->tier == Role::senior);
  CHECK(w.s.ticket(t2)->assignee == "a-s");
  // A refund dispute: seniors directly, not mid.
  std::string t3 = w.ticket("退款纠纷", "你们拒绝退款，我要投诉到消协", "after_sales", "P2", "c-2");
  CHECK(w.s.ticket(t3)->tier == Role::senior);
  // A plain refund request: the mid tier (cross-department).
  std::string t4 = w.ticket("申请退课", "想退掉这门课，还没怎么上", "after_sales", "P3", "c-2", kT0 + 1);
  CHECK(w.s.ticket(t4)->tier == Role::mid);
  CHECK(w.s.ticket(t4)->assignee == "a-m");
  // A simple question: juniors, by skill first (other: both), then load, then round robin.
  std::string q1 = w.ticket("怎么下载讲义", "请问讲义在哪里下载", "other", "P4", "c-2", kT0 + 2);
  // c-2 now has three tickets in 30 days: a repeat contact counts as complex (mid).
  CHECK(w.s.ticket(q1)->tier == Role::mid);
  CHECK(w.d.result["route"] == "repeat_contact");
  Day v;
  std::string a = v.ticket("怎么下载讲义", "请问讲义在哪里下载", "other", "P4", "c-1", kT0);
  std::string b = v.ticket("课表在哪看", "请问课表在哪里看", "other", "P4", "c-2", kT0 + 1000);
  CHECK(v.s.ticket(a)->tier == Role::junior);
  CHECK(v.s.ticket(b)->tier == Role::junior);
  // both juniors have "other": the second ticket goes to the one with fewer open tickets
  CHECK(v.s.ticket(a)->assignee != v.s.ticket(b)->assignee);
  // an explicit assignee of the wrong tier is refused and nothing is created
  size_t before = v.s.tickets.size();
  CHECK_FALSE(v.run({{"type", "ticket.create"}, {"customer_id", "c-1"}, {"channel", "chat"}, {"subject", "投诉老师"},
                     {"category", "course_quality"}, {"assignee", "a-j1"}}));
  CHECK(v.err.code == "wrong_tier");
  CHECK(v.s.tickets.size() == before);
}

TEST_CASE("pick_agent: fewest open tickets, ties by who got one least recently", "[workflow]") {
  Day w;
  std::string first = pick_agent(w.s, Role::junior, Category::other);
  CHECK((first == "a-j1" || first == "a-j2"));
  std::string a = w.ticket("课表", "请问课表", "other", "P4", "c-1", kT0);
  std::string b = w.ticket("讲义", "请问讲义", "other", "P4", "c-2", kT0 + 10);
  CHECK(w.s.ticket(a)->assignee != w.s.ticket(b)->assignee);  // round robin between equals
  CHECK(open_load(w.s, "a-j1") == 1);
  CHECK(open_load(w.s, "a-j2") == 1);
  // Nobody of a tier: empty (tech support excluded, the supervisor never auto-assigned)
  CHECK(pick_agent(w.s, Role::tech_support, Category::technical, "a-t").empty());
}

TEST_CASE("assigning to an agent of the wrong tier is refused and changes nothing", "[workflow]") {
  Day w;
  std::string t = w.ticket("投诉老师", "老师态度很差", "service_attitude", "P3");
  REQUIRE(w.s.ticket(t)->tier == Role::senior);
  int64_t rev = w.s.revision;
  CHECK_FALSE(w.run({{"type", "ticket.assign"}, {"ticket_id", t}, {"agent_id", "a-j1"}}));
  CHECK(w.err.code == "wrong_tier");
  CHECK(w.err.field == "agent_id");
  CHECK(w.s.revision == rev);
  CHECK(w.run({{"type", "ticket.assign"}, {"ticket_id", t}, {"agent_id", "a-sup"}}));  // supervisors take anything
  CHECK_FALSE(w.run({{"type", "ticket.assign"}, {"ticket_id", t}, {"agent_id", "a-t"}}));  // tech support: only theirs
}

TEST_CASE("escalation goes up one tier or to tech support, with a reason, and not above senior", "[workflow]") {
  Day w;
  std::string t = w.ticket("怎么改昵称", "请问昵称怎么改", "other", "P4");
  REQUIRE(w.s.ticket(t)->tier == Role::junior);
  CHECK_FALSE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "up"}}));
  CHECK(w.err.field == "reason");
  REQUIRE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "up"}, {"reason", "客户要求补课，需要协调老师"}},
                "a-j1", kT0 + 1000, "Chrome · Android"));
  const Ticket* x = w.s.ticket(t);
  CHECK(x->tier == Role::mid);
  CHECK(x->assignee == "a-m");  // the junior cannot own it any more: routed to the mid tier
  CHECK(x->timeline.back().device == "Chrome · Android");
  bool noted = false;
  for (const auto& e : x->timeline) noted |= e.kind == EntryKind::note && e.text.find("客户要求补课") != std::string::npos;
  CHECK(noted);
  REQUIRE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "up"}, {"reason", "情绪激动"}}));
  CHECK(w.s.ticket(t)->tier == Role::senior);
  int64_t rev = w.s.revision;
  CHECK_FALSE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "up"}, {"reason", "再升"}}));
  CHECK(w.err.code == "no_higher_tier");
  CHECK(w.s.revision == rev);
  CHECK_FALSE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "supervisor"}, {"reason", "x"}}));
  CHECK(w.err.code == "invalid_value");
  REQUIRE(w.run({{"type", "ticket.escalate"}, {"ticket_id", t}, {"to", "tech_support"}, {"reason", "疑似播放器故障"}}));
  CHECK(w.s.ticket(t)->tier == Role::tech_support);
  CHECK(w.s.ticket(t)->assignee == "a-t");
}

TEST_CASE("closing needs a resolution code, and a complaint also a root cause", "[workflow]") {
  Day w;
  std::string t = w.ticket("投诉老师", "老师讲错题还不改", "course_quality", "P3");
  CHECK_FALSE(w.run({{"type", "ticket.set_status"}, {"ticket_id", t}, {"status", "closed"}, {"resolution", "teacher_qa"}}));
  CHECK(w.err.field == "root_cause");
  CHECK(w.s.ticket(t)->status == Status::new_);
  CHECK_FALSE(w.run({{"type", "ticket.set_status"}, {"ticket_id", t}, {"status", "closed"}, {"resolution", "teacher_qa"},
                     {"root_cause", "weather"}}));
  CHECK(w.err.field == "root_cause");
  // Resolved with both, then closed without repeating them.
  REQUIRE(w.run({{"type", "ticket.set_status"}, {"ticket_id", t}, {"status", "resolved"}, {"resolution", "teacher_qa"},
                 {"root_cause", "teacher"}}));
  CHECK(w.d.result.contains("callback_task"));  // the call-back is scheduled
  REQUIRE(w.run({{"type", "ticket.set_status"}, {"ticket_id", t}, {"status", "closed"}}));
  CHECK(w.s.ticket(t)->resolution == "teacher_qa");
  CHECK(w.s.ticket(t)->root_cause == "teacher");
  // A customer message on the closed ticket reopens it.
  REQUIRE(w.run({{"type", "ticket.customer_message"}, {"ticket_id", t}, {"text", "又出错了"}}, "a-m", kT0 + kDay));
  CHECK(w.s.ticket(t)->status == Status::open);
}

TEST_CASE("merging keeps both timelines and closes the duplicate", "[workflow]") {
  Day w;
  std::string a = w.ticket("回放打不开", "第三讲回放转圈", "technical", "P3");
  std::string b = w.ticket("回放还是打不开", "昨天说的回放问题还在", "technical", "P3", "c-1", kT0 + kHour);
  CHECK_FALSE(w.run({{"type", "ticket.merge"}, {"ticket_id", a}, {"into", a}}));
  REQUIRE(w.run({{"type", "ticket.merge"}, {"ticket_id", b}, {"into", a}}));
  CHECK(w.s.ticket(b)->merged_into == a);
  CHECK(w.s.ticket(b)->status == Status::closed);
  CHECK(w.s.ticket(b)->resolution == "duplicate_merged");
  CHECK(w.s.ticket(b)->timeline.front().text == "昨天说的回放问题还在");  // its timeline is kept
  CHECK(w.s.ticket(a)->timeline.back().text.find("合并了工单") != std::string::npos);
  CHECK_FALSE(w.run({{"type", "ticket.merge"}, {"ticket_id", b}, {"into", a}}));
  CHECK(w.err.code == "transition_not_allowed");
}

TEST_CASE("tasks: reminders, call-backs with their outcome, derived progress updates", "[workflow]") {
  Day w;
  std::string t = w.ticket("发票", "我要开发票", "after_sales", "P3");
  CHECK_FALSE(w.run({{"type", "task.create"}, {"title", "回电"}, {"due_at", 0}}));
  CHECK(w.err.field == "due_at");
  CHECK_FALSE(w.run({{"type", "task.create"}, {"title", "回电"}, {"due_at", kT0}, {"kind", "party"}}));
  CHECK(w.err.field == "kind");
  REQUIRE(w.run({{"type", "task.create"}, {"title", "明早提醒客户开票信息"}, {"due_at", kT0 + kHour}, {"ticket_id", t}}));
  std::string rem = w.d.result["task_id"];
  REQUIRE(w.run({{"type", "ticket.set_status"}, {"ticket_id", t}, {"status", "resolved"}, {"resolution", "explained"}}));
  std::string cb = w.d.result["callback_task"];
  auto mine = tasks_for(w.s, "a-m", kT0 + 2 * kHour);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].id == rem);  // the reminder is the author's, the call-back the ticket owner's
  auto owners = tasks_for(w.s, w.s.ticket(t)->assignee, kT0 + 2 * kHour);
  REQUIRE(owners.size() == 1);
  CHECK(owners[0].id == cb);
  CHECK(owners[0].due_at == kT0 + kDay);
  CHECK_FALSE(w.run({{"type", "task.done"}, {"task_id", cb}}));
  CHECK(w.err.field == "outcome");
  REQUIRE(w.run({{"type", "task.done"}, {"task_id", cb}, {"outcome", "客户已收到发票，满意"}}));
  CHECK(w.s.task(cb)->done);
  CHECK(w.s.task(cb)->outcome == "客户已收到发票，满意");
  CHECK_FALSE(w.run({{"type", "task.done"}, {"task_id", cb}, {"outcome", "again"}}));
  REQUIRE(w.run({{"type", "task.cancel"}, {"task_id", rem}}));
  CHECK(w.s.task(rem)->cancelled);
  // A ticket open for more than a day needs a customer-visible update every 24 h.
  std::string long_t = w.ticket("换课", "想换到周末班", "after_sales", "P3", "c-2", kT0);
  auto later = tasks_for(w.s, "", kT0 + kDay + kHour);
  auto it = std::find_if(later.begin(), later.end(), [&](const Task& k) { return k.ticket_id == long_t; });
  REQUIRE(it != later.end());
  CHECK(it->kind == TaskKind::progress_update);
  CHECK(it->derived);
  REQUIRE(w.run({{"type", "task.done"}, {"task_id", it->id}}, "a-m", kT0 + kDay + kHour));
  later = tasks_for(w.s, "", kT0 + kDay + kHour);
  CHECK(std::none_of(later.begin(), later.end(), [&](const Task& k) { return k.id == it->id; }));
  // a reply resets the clock: no progress task until the next 20 h have passed
  REQUIRE(w.run({{"type", "ticket.reply"}, {"ticket_id", long_t}, {"text", "正在协调周末班名额"}}, "a-m", kT0 + kDay + 2 * kHour));
  later = tasks_for(w.s, "", kT0 + kDay + 3 * kHour);
  CHECK(std::none_of(later.begin(), later.end(), [&](const Task& k) { return k.ticket_id == long_t; }));
}

TEST_CASE("class calendars give reminders one hour before and follow-ups after", "[workflow]") {
  Day w;
  Millis cls = kT0 + 5 * kHour;
  CHECK_FALSE(w.run({{"type", "course.set_schedule"}, {"course_id", "k-1"}, {"sessions", {cls}}}, "a-j1"));
  CHECK(w.err.code == "forbidden");
  CHECK_FALSE(w.run({{"type", "course.set_schedule"}, {"course_id", "k-1"}, {"sessions", {"tomorrow"}}}, "a-sup"));
  CHECK(w.err.field == "sessions");
  REQUIRE(w.run({{"type", "course.set_schedule"}, {"course_id", "k-1"}, {"sessions", {cls, cls + 7 * kDay}}}, "a-sup"));
  auto before = tasks_for(w.s, "a-j1", kT0);
  auto rem = std::find_if(before.begin(), before.end(), [](const Task& k) { return k.kind == TaskKind::class_reminder; });
  REQUIRE(rem != before.end());
  CHECK(rem->due_at == cls - kHour);
  auto after = tasks_for(w.s, "a-j1", cls + 2 * kHour);
  auto fu = std::find_if(after.begin(), after.end(), [](const Task& k) { return k.kind == TaskKind::class_followup; });
  REQUIRE(fu != after.end());
  CHECK(fu->due_at == cls + kDay);
}

TEST_CASE("incidents: suggested from similar tickets, resolved with one reply to all, reviewed", "[workflow]") {
  Day w;
  // an unrelated ticket of the same course and category shortly before must not split the group
  w.ticket("发票抬头写错了", "电子发票的抬头写错了能重开吗", "technical", "P3", "c-2", kT0 - 5 * kHour);
  std::vector<std::string> ts;
  const char* texts[] = {"第五讲视频播放不了，一直黑屏", "视频打不开，黑屏转圈", "第五讲视频黑屏播放不了", "视频黑屏，播放失败"};
  for (int i = 0; i < 4; ++i)
    ts.push_back(w.ticket("视频黑屏播放不了", texts[i], "technical", "P3", i % 2 ? "c-2" : "c-1", kT0 + i * 600000));
  std::string other = w.ticket("发票", "我要发票", "after_sales", "P4", "c-1", kT0 + 100);
  auto sug = suggest_incidents(w.s, kT0 + kHour);
  REQUIRE(sug.size() == 1);
  CHECK(sug[0].ticket_ids.size() == 4);
  CHECK(sug[0].course_id == "k-1");
  CHECK(ticket_similarity(*w.s.ticket(ts[0]), *w.s.ticket(ts[2])) > ticket_similarity(*w.s.ticket(ts[0]), *w.s.ticket(other)));
  REQUIRE(w.run({{"type", "incident.create"}, {"incident_type", "technical"}, {"title", sug[0].title},
                 {"course_id", "k-1"}, {"category", "technical"}, {"ticket_ids", sug[0].ticket_ids}},
                "a-t", kT0 + kHour));
  std::string inc = w.d.result["incident_id"];
  for (const auto& id : ts) CHECK(w.s.ticket(id)->incident == inc);
  CHECK(suggest_incidents(w.s, kT0 + kHour).empty());  // grouped tickets are not suggested again
  CHECK_FALSE(w.run({{"type", "incident.check"}, {"incident_id", inc}, {"item", "substitute"}}, "a-t"));
  CHECK(w.err.field == "item");  // a service item is not on a technical checklist
  REQUIRE(w.run({{"type", "incident.check"}, {"incident_id", inc}, {"item", "notify_tech"}}, "a-t"));
  CHECK_FALSE(w.run({{"type", "incident.review"}, {"incident_id", inc}, {"review", "x"}, {"root_cause", "technical"}}, "a-t"));
  CHECK(w.err.code == "transition_not_allowed");  // not resolved yet
  REQUIRE(w.run({{"type", "incident.resolve"}, {"incident_id", inc}, {"reply", "视频故障已修复，请刷新后重试。给您带来不便深表歉意。"}},
                "a-t", kT0 + 2 * kHour));
  CHECK(w.d.result["tickets_resolved"] == 4);
  for (const auto& id : ts) {
    const Ticket* t = w.s.ticket(id);
    CHECK(t->status == Status::resolved);
    CHECK(t->resolution == "fixed_by_tech");
    CHECK(t->first_response_at == kT0 + 2 * kHour);
  }
  int callbacks = 0;
  for (const Task& k : w.s.tasks) callbacks += k.kind == TaskKind::callback;
  CHECK(callbacks == 4);
  CHECK_FALSE(w.run({{"type", "incident.set_status"}, {"incident_id", inc}, {"status", "reviewed"}}, "a-sup"));
  CHECK(w.err.field == "review");
  REQUIRE(w.run({{"type", "incident.review"}, {"incident_id", inc}, {"review", "CDN 证书过期；已加到期监控"},
                 {"root_cause", "technical"}}, "a-sup"));
  REQUIRE(w.run({{"type", "incident.set_status"}, {"incident_id", inc}, {"status", "reviewed"}}, "a-sup"));
  CHECK(w.s.incident(inc)->status == IncidentStatus::reviewed);
}

TEST_CASE("workflow ops converge whatever their order", "[workflow]") {
  Day w;
  std::string t = w.ticket("视频黑屏", "视频黑屏播放不了", "technical", "P3");
  REQUIRE(w.run({{"type", "incident.create"}, {"incident_type", "technical"}, {"title", "黑屏"}, {"ticket_ids", {t}}}, "a-t"));
  std::string inc = w.d.result["incident_id"];
  PrefixIds ia{"A-"}, ib{"B-"};
  Context ca{kT0 + 10, "a-t", &ia, nullptr, ""}, cb{kT0 + 20, "a-sup", &ib, nullptr, ""};
  Decision da, db;
  Error e;
  REQUIRE(decide(w.s, {{"type", "incident.check"}, {"incident_id", inc}, {"item", "scope"}}, ca, da, e));
  REQUIRE(decide(w.s, {{"type", "incident.check"}, {"incident_id", inc}, {"item", "scope"}, {"done", false}}, cb, db, e));
  State x = w.s, y = w.s;
  for (const Op& op : da.ops) apply(x, op, e);
  for (const Op& op : db.ops) apply(x, op, e);
  for (const Op& op : db.ops) apply(y, op, e);
  for (const Op& op : da.ops) apply(y, op, e);
  CHECK(state_image(x) == state_image(y));
  CHECK_FALSE(x.incident(inc)->checklist[0].done);  // the later one wins on both
}

TEST_CASE("an SLA breach escalates once, the same on every desk", "[workflow][sla]") {
  Day w;
  // Email, P2: first response due one business hour later (09:00–22:00 UTC+8).
  REQUIRE(w.run({{"type", "ticket.create"}, {"customer_id", "c-1"}, {"channel", "email"}, {"subject", "发票还没收到"},
                 {"text", "上周申请的发票还没收到"}, {"category", "after_sales"}, {"priority", "P2"}}));
  std::string t = w.d.result["ticket_id"];
  CHECK(sla_escalation_ops(w.s, kT0).empty());
  Millis late = kT0 + 3 * kDay;  // whatever the hours, long past both first response and resolution
  std::vector<Op> a = sla_escalation_ops(w.s, late);
  State other = w.s;
  std::vector<Op> b = sla_escalation_ops(other, late + 5 * kHour);  // another desk, later
  REQUIRE(!a.empty());
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(op_to_json(a[i]) == op_to_json(b[i]));
  for (const Op& op : a) CHECK(is_sla_system_op(op));
  REQUIRE(w.run({{"type", "sla.escalate"}}, "a-m", late));
  CHECK(w.s.ticket(t)->priority == Priority::P1);  // the resolution breach raises it one step
  CHECK_FALSE(w.run({{"type", "sla.escalate"}}, "a-m", late + kHour));
  CHECK(w.err.code == "unchanged");
  // the supervisor has the breach among their tasks, the agents do not
  auto sup = tasks_for(w.s, "a-sup", late);
  CHECK(std::any_of(sup.begin(), sup.end(), [](const Task& k) { return k.kind == TaskKind::sla_breach; }));
  auto agent = tasks_for(w.s, "a-m", late);
  CHECK(std::none_of(agent.begin(), agent.end(), [](const Task& k) { return k.kind == TaskKind::sla_breach; }));
  // forged: a "system" op that does not name its ticket in its id
  Op forged = a[0];
  forged.id = "sla-t-other/resolution/1";
  CHECK_FALSE(is_sla_system_op(forged));
  // only supervisors change the policy; a bad policy is refused with the field
  CHECK_FALSE(w.run({{"type", "sla.set_policy"}, {"policy", json::object()}}, "a-m"));
  CHECK(w.err.code == "forbidden");
  json bad = sla_policy_to_json(w.s.sla_policy);
  bad["targets"]["email"]["P2"]["resolution_ms"] = -5;
  CHECK_FALSE(w.run({{"type", "sla.set_policy"}, {"policy", bad}}, "a-sup"));
  CHECK(w.err.message.find("resolution_ms") != std::string::npos);
}

TEST_CASE("supervisors edit the standard answers; replies fill in the ticket's variables", "[workflow][kb]") {
  Day w;
  std::string t = w.ticket("想退课", "我想退款，课还没上", "after_sales", "P3");
  KnowledgeBase kb = knowledge_base(w.s);
  auto sug = kb.suggest("我想退款，课还没上", Category::after_sales, 3);
  REQUIRE_FALSE(sug.empty());
  const KbEntry first = kb.entries()[sug[0].index];
  json edited = kb_entry_to_json(first);
  edited["body"] = "{{customer_name}}您好，您的工单 {{ticket_number}}（{{course}}）将在 {{due}} 前处理完毕。";
  CHECK_FALSE(w.run({{"type", "kb.set_entry"}, {"entry", edited}}, "a-m"));
  CHECK(w.err.code == "forbidden");
  json bad = edited;
  bad["title"] = std::string(400, 'x');
  CHECK_FALSE(w.run({{"type", "kb.set_entry"}, {"entry", bad}}, "a-sup"));
  CHECK(w.err.field == "title");
  REQUIRE(w.run({{"type", "kb.set_entry"}, {"entry", edited}}, "a-sup"));
  KnowledgeBase after = knowledge_base(w.s);
  REQUIRE(after.find(first.id) != nullptr);
  Expansion x = expand_template(after.find(first.id)->body, template_vars(w.s, *w.s.ticket(t), "a-m", kT0));
  CHECK(x.missing.empty());
  CHECK(x.text.find("李小明您好") == 0);
  CHECK(x.text.find("高中数学冲刺班") != std::string::npos);
  CHECK(x.text.find(std::to_string(w.s.ticket(t)->number)) != std::string::npos);
  CHECK(x.text.find("月") != std::string::npos);  // the due time, in Chinese
  REQUIRE(w.run({{"type", "kb.remove_entry"}, {"id", first.id}}, "a-sup"));
  CHECK(knowledge_base(w.s).find(first.id) == nullptr);
  CHECK_FALSE(w.run({{"type", "kb.remove_entry"}, {"id", first.id}}, "a-sup"));
  CHECK(w.err.code == "not_found");
}

TEST_CASE("intake confirms the order: only one of the customer's own", "[workflow]") {
  Day w;
  REQUIRE(w.run({{"type", "order.create"}, {"customer_id", "c-1"}, {"course_id", "k-1"}, {"paid_fen", 298000},
                 {"paid_at", kT0 - 3 * kDay}, {"lessons_total", 48}, {"lessons_attended", 2}}));
  std::string order = w.d.result["order_id"];
  json cmd{{"type", "ticket.create"}, {"customer_id", "c-2"}, {"channel", "phone"}, {"subject", "退课"},
           {"category", "after_sales"}, {"order_id", order}, {"identity_checked", true}};
  CHECK_FALSE(w.run(cmd));
  CHECK(w.err.field == "order_id");  // not c-2's order
  cmd["customer_id"] = "c-1";
  REQUIRE(w.run(cmd));
  const Ticket* t = w.s.ticket(w.d.result["ticket_id"]);
  CHECK(t->order_id == order);
  CHECK(t->identity_checked);
}
