// The survey workflow (issue 5): templates, versions, answers checked against their
// version, one counted response per ticket and survey, CSAT scheduled on resolve.
#include <catch2/catch.hpp>

#include "core/commands.h"
#include "core/demo.h"
#include "core/query.h"
#include "core/survey_templates.h"
#include "core/surveys.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
struct SurveyDesk {
  State s = base_state();
  PrefixIds ids{"dev-"};
  Error err;
  Decision d;
  SurveyDesk() {
    Error e;
    REQUIRE(apply(s, make("sup", op_type::agent_created, {{"agent_id", "a-sup"}, {"name", "赵磊"}, {"role", "supervisor"}}), e) ==
            ApplyOutcome::applied);
    int n = 0;
    for (const char* const* t = kSurveyTemplates; *t; ++t)
      REQUIRE(apply(s, make(("pub" + std::to_string(++n)).c_str(), op_type::survey_published, {{"survey", json::parse(*t)}},
                            kT0 - 1000, "system"),
                    e) == ApplyOutcome::applied);
    REQUIRE(apply(s, make("tk1", op_type::ticket_created,
                          {{"ticket_id", "t-1"}, {"number", 10001}, {"customer_id", "c-1"}, {"channel", "phone"},
                           {"subject", "回放打不开"}}),
                  e) == ApplyOutcome::applied);
  }
  bool run(const json& cmd, const char* actor = "a-1", Millis now = kT0) {
    Context ctx{now, actor, &ids};
    if (!decide(s, cmd, ctx, d, err)) return false;
    for (const Op& op : d.ops) REQUIRE(apply(s, op, err) == ApplyOutcome::applied);
    return true;
  }
  bool respond(json answers, const char* survey = "csat", Millis now = kT0, std::string response_id = "") {
    json cmd{{"type", "survey.respond"}, {"survey_id", survey}, {"ticket_id", "t-1"}, {"answers", answers}};
    if (!response_id.empty()) cmd["response_id"] = response_id;
    return run(cmd, "a-1", now);
  }
  int counted(const char* survey = "csat") {
    int n = 0;
    for (const SurveyResponse& r : s.responses) n += r.current && r.survey_id == survey;
    return n;
  }
};
// The seeded demo desk up to kT0, with its survey answers.
State demo_desk() {
  DemoOptions opt;
  opt.end = kT0;
  State s;
  Error e;
  for (const Op& op : demo_ops(opt)) REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
  return s;
}
}  // namespace

TEST_CASE("the shipped templates parse: CSAT, the full questionnaire, the call-back script, the QA checklist", "[survey]") {
  auto all = survey_templates();
  REQUIRE(all.size() == 4);
  CHECK(all[0].id == "csat");
  CHECK(all[1].id == "full");
  CHECK(all[1].question("age_group")->demographic == "age_group");
  CHECK(all[2].id == "callback");
  CHECK(all[3].kind == "qa_review");
}

TEST_CASE("answers are checked against the survey, and the message names the question", "[survey]") {
  SurveyDesk k;
  CHECK_FALSE(k.respond({{"speed", 4}, {"solved", "yes"}}));  // overall is required
  CHECK(k.err.code == "missing_field");
  CHECK(k.err.field == "overall");
  CHECK(k.err.message.find("整体满意度") != std::string::npos);
  CHECK_FALSE(k.respond({{"overall", 6}, {"speed", 4}, {"solved", "yes"}}));
  CHECK(k.err.code == "out_of_range");
  CHECK_FALSE(k.respond({{"overall", 4}, {"speed", 4}, {"solved", "maybe"}}));
  CHECK(k.err.field == "solved");
  CHECK_FALSE(k.respond({{"overall", 4}, {"speed", 4}, {"solved", "yes"}, {"nps", 11}}));
  CHECK(k.err.field == "nps");
  // why_low is shown only to the dissatisfied: answering it after a 4 contradicts the logic
  CHECK_FALSE(k.respond({{"overall", 4}, {"speed", 4}, {"solved", "yes"}, {"why_low", {"slow"}}}));
  CHECK(k.err.code == "skip_logic");
  CHECK_FALSE(k.respond({{"overall", 2}, {"speed", 2}, {"solved", "no"}, {"why_low", {"slow", "slow"}}}));
  CHECK(k.err.field == "why_low");
  CHECK_FALSE(k.respond({{"overall", 4}, {"speed", 4}, {"solved", "yes"}, {"color", "red"}}));
  CHECK(k.err.code == "unknown_question");
  CHECK(k.s.responses.empty());  // nothing changed
  CHECK(k.respond({{"overall", 2}, {"speed", 2}, {"solved", "no"}, {"why_low", {"slow", "policy"}}, {"comment", "太慢了"}}));
  CHECK(k.counted() == 1);
}

TEST_CASE("a second submission replaces the first visibly; a resend is counted once", "[survey]") {
  SurveyDesk k;
  REQUIRE(k.respond({{"overall", 2}, {"speed", 2}, {"solved", "no"}}, "csat", kT0, "resp-A"));
  REQUIRE(k.respond({{"overall", 2}, {"speed", 2}, {"solved", "no"}}, "csat", kT0 + 1000, "resp-A"));  // resent
  CHECK(k.counted() == 1);
  CHECK(k.s.responses[1].resent);
  REQUIRE(k.respond({{"overall", 5}, {"speed", 4}, {"solved", "yes"}}, "csat", kT0 + 2000, "resp-B"));  // changed mind
  CHECK(k.counted() == 1);
  CHECK_FALSE(k.s.responses[0].current);
  CHECK(k.s.responses[2].current);
  json out;
  Error e;
  REQUIRE(run_query(k.s, {{"type", "survey.responses"}, {"ticket_id", "t-1"}}, kT0, out, e));
  CHECK(out.size() == 3);  // the history stays
  REQUIRE(run_query(k.s, {{"type", "survey.stats"}, {"survey_id", "csat"}}, kT0, out, e));
  CHECK(out["n"] == 1);
  CHECK(out["questions"]["overall"]["mean"] == 5.0);
}

TEST_CASE("publishing a change makes a new version; a response keeps the version it answered", "[survey]") {
  SurveyDesk k;
  REQUIRE(k.respond({{"overall", 4}, {"speed", 4}, {"solved", "yes"}}));
  std::string v1 = k.s.survey("csat")->op_id;
  json changed = json::parse(kSurveyTemplates[0]);
  changed["sections"][0]["questions"][0]["text"] = "您对本次服务满意吗？";
  CHECK_FALSE(k.run({{"type", "survey.publish"}, {"survey", changed}}, "a-1"));
  CHECK(k.err.code == "forbidden");
  REQUIRE(k.run({{"type", "survey.publish"}, {"survey", changed}}, "a-sup"));
  CHECK(k.s.survey("csat")->schema.version == 2);
  CHECK(k.s.responses[0].version_op == v1);
  CHECK_FALSE(k.run({{"type", "survey.publish"}, {"survey", changed}}, "a-sup"));
  CHECK(k.err.code == "unchanged");
  json bad = changed;
  bad["sections"][0]["questions"][0]["type"] = "stars";
  CHECK_FALSE(k.run({{"type", "survey.publish"}, {"survey", bad}}, "a-sup"));
  CHECK(k.err.field.find("questions[0]") != std::string::npos);
}

TEST_CASE("resolving a ticket schedules its CSAT survey once", "[survey]") {
  SurveyDesk k;
  REQUIRE(k.run({{"type", "ticket.set_status"}, {"ticket_id", "t-1"}, {"status", "resolved"}}));
  REQUIRE(k.d.ops.size() == 3);  // the status, the CSAT and the call-back task
  CHECK(k.d.ops[1].type == op_type::survey_sent);
  CHECK(k.d.ops[2].type == op_type::task_created);
  REQUIRE(k.run({{"type", "ticket.set_status"}, {"ticket_id", "t-1"}, {"status", "open"}}, "a-1", kT0 + 1000));
  REQUIRE(k.run({{"type", "ticket.set_status"}, {"ticket_id", "t-1"}, {"status", "resolved"}}, "a-1", kT0 + 2000));
  CHECK(k.d.ops.size() == 1);  // CSAT already sent, the call-back still open
  REQUIRE(k.respond({{"overall", 5}, {"speed", 5}, {"solved", "yes"}}));
  json rates = survey_rates(k.s, "csat");
  CHECK(rates["all"]["sent"] == 1);
  CHECK(rates["all"]["answered"] == 1);
  CHECK(rates["phone"]["rate"] == 1.0);
}

TEST_CASE("the call-back script's skip logic: not reached, no further questions", "[survey]") {
  SurveyDesk k;
  CHECK(k.respond({{"reached", "no_answer"}}, "callback"));
  CHECK_FALSE(k.respond({{"reached", "yes"}}, "callback"));  // solved and satisfaction are required once reached
  CHECK(k.err.field == "solved");
  CHECK_FALSE(k.respond({{"reached", "no_answer"}, {"satisfaction", 3}}, "callback"));
  CHECK(k.err.code == "skip_logic");
}

TEST_CASE("the demo desk has survey answers for the analytics", "[survey]") {
  State s = demo_desk();
  Error e;
  json out;
  REQUIRE(run_query(s, {{"type", "survey.stats"}, {"survey_id", "csat"}}, kT0, out, e));
  CHECK(out["n"].get<int64_t>() > 50);
  CHECK(out["rates"]["all"]["sent"].get<int64_t>() >= out["n"].get<int64_t>());
  REQUIRE(run_query(s, {{"type", "survey.stats"}, {"survey_id", "full"}}, kT0, out, e));
  CHECK(out["n"] == 120);
  CHECK(out["crosstab"].contains("age_group"));
}

TEST_CASE("the CSV export opens in Excel and reads back to the same statistics", "[survey]") {
  State s = demo_desk();
  Error e;
  for (const char* id : {"csat", "full", "callback"}) {
    INFO(id);
    json out;
    REQUIRE(run_query(s, {{"type", "survey.export"}, {"survey_id", id}}, kT0, out, e));
    const std::string csv = out["text"];
    CHECK(csv.rfind("\xEF\xBB\xBFresponse_id,", 0) == 0);  // the BOM Excel needs for Chinese
    CHECK(out["filename"] == std::string(id) + "-v1.csv");
    std::vector<ResponseRow> rows;
    REQUIRE(parse_responses_csv(s.survey(id)->schema, csv, rows, e));
    SurveyFilter f;
    f.survey_id = id;
    json direct = survey_stats(s.survey(id)->schema, survey_rows(s, f));
    json again = survey_stats(s.survey(id)->schema, rows);
    CHECK(again["n"] == direct["n"]);
    CHECK(again["questions"] == direct["questions"]);
    CHECK(again["correlation"] == direct["correlation"]);
  }
  json out;
  REQUIRE(run_query(s, {{"type", "survey.export"}, {"survey_id", "csat"}, {"format", "json"}}, kT0, out, e));
  json doc = json::parse(out["text"].get<std::string>());
  CHECK(doc["responses"].size() == doc["stats"]["n"]);
  CHECK_FALSE(run_query(s, {{"type", "survey.export"}, {"survey_id", "csat"}, {"format", "xlsx"}}, kT0, out, e));
  CHECK(e.field == "format");
}

TEST_CASE("the survey columns stay in step with the state and filter like the row path", "[survey]") {
  State s = demo_desk();
  Error e;
  SurveyColumns cols;
  cols.sync(s, "csat");
  SurveyFilter f;
  f.survey_id = "csat";
  auto same = [&](const SurveyFilter& filter) {
    json a = cols.stats(s, filter), b = survey_stats(s.survey("csat")->schema, survey_rows(s, filter));
    CHECK(a["n"] == b["n"]);
    CHECK(a["questions"] == b["questions"]);
    CHECK(a["crosstab"] == b["crosstab"]);
  };
  same(f);
  SurveyFilter by_channel = f;
  by_channel.channel = "chat";
  same(by_channel);
  SurveyFilter recent = f;
  recent.from = kT0 - 14LL * 24 * 3600 * 1000;
  same(recent);
  SurveyFilter course = f;
  course.course_id = s.courses[0].id;
  same(course);
  CHECK(cols.rebuilds() == 1);

  // A new answer is appended, not rebuilt; a second answer to the same ticket rebuilds.
  const Ticket* t = nullptr;
  for (const Ticket& x : s.tickets) {
    bool answered = false;
    for (const SurveyResponse& r : s.responses) answered = answered || (r.ticket_id == x.id && r.survey_id == "csat");
    if (!answered) { t = &x; break; }
  }
  REQUIRE(t);
  PrefixIds ids("new-");
  Context ctx{kT0, "a-wangmin", &ids};
  Decision d;
  REQUIRE(decide(s, {{"type", "survey.respond"}, {"survey_id", "csat"}, {"ticket_id", t->id},
                     {"answers", {{"overall", 1}, {"speed", 1}, {"solved", "no"}}}}, ctx, d, e));
  REQUIRE(apply(s, d.ops[0], e) == ApplyOutcome::applied);
  size_t before = cols.table().size();
  cols.sync(s, "csat");
  CHECK(cols.table().size() == before + 1);
  CHECK(cols.rebuilds() == 1);
  same(f);
  ctx.now = kT0 + 1000;
  REQUIRE(decide(s, {{"type", "survey.respond"}, {"survey_id", "csat"}, {"ticket_id", t->id},
                     {"answers", {{"overall", 5}, {"speed", 5}, {"solved", "yes"}}}}, ctx, d, e));
  REQUIRE(apply(s, d.ops[0], e) == ApplyOutcome::applied);
  cols.sync(s, "csat");
  CHECK(cols.table().size() == before + 1);  // replaced, not added
  CHECK(cols.rebuilds() == 2);
  same(f);
}

TEST_CASE("the CSAT can go out with the call-back instead of on resolve; customers filter learners from parents", "[survey]") {
  SurveyDesk k;
  CHECK_FALSE(k.run({{"type", "survey.set_timing"}, {"csat_timing", "with_callback"}}, "a-1"));
  CHECK(k.err.code == "forbidden");
  CHECK_FALSE(k.run({{"type", "survey.set_timing"}, {"csat_timing", "weekly"}}, "a-sup"));
  CHECK(k.err.field == "csat_timing");
  REQUIRE(k.run({{"type", "survey.set_timing"}, {"csat_timing", "with_callback"}}, "a-sup"));
  REQUIRE(k.run({{"type", "ticket.set_status"}, {"ticket_id", "t-1"}, {"status", "resolved"}}, "a-1", kT0 + 10));
  CHECK(k.d.ops.size() == 2);  // no CSAT yet: the status and the call-back task
  REQUIRE(k.respond({{"reached", "yes"}, {"solved", "yes"}, {"satisfaction", 4}}, "callback", kT0 + 20));
  REQUIRE(k.d.ops.size() == 3);
  CHECK(k.d.ops[1].type == op_type::task_done);  // the call-back task is done with the form
  CHECK(k.d.ops[2].type == op_type::survey_sent);
  CHECK(survey_rates(k.s, "csat")["all"]["sent"] == 1);

  State s = demo_desk();
  json all, parents, learners;
  Error e;
  REQUIRE(run_query(s, {{"type", "survey.stats"}, {"survey_id", "csat"}}, kT0, all, e));
  REQUIRE(run_query(s, {{"type", "survey.stats"}, {"survey_id", "csat"}, {"customer", "parent"}}, kT0, parents, e));
  REQUIRE(run_query(s, {{"type", "survey.stats"}, {"survey_id", "csat"}, {"customer", "learner"}}, kT0, learners, e));
  CHECK(parents["n"].get<int64_t>() > 0);
  CHECK(learners["n"].get<int64_t>() > 0);
  CHECK(parents["n"].get<int64_t>() + learners["n"].get<int64_t>() == all["n"].get<int64_t>());
  CHECK(all["crosstab"].contains("customer"));
}
