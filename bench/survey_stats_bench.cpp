// bench/survey_stats_bench.cpp: how long `survey_stats` takes over a ResponseTable of
// 200,000 seeded synthetic responses × 20 questions (6 likert5, 3 rating, 2 nps, 2 number,
// 4 single of which one is a demographic, 2 multiple, 1 text) and 2 segments (channel,
// course). The table is built once through ResponseTable::add, as the app does; then
// survey_stats runs 7 times. Prints one line of JSON: median and min in ms.
// Built natively (bench/CMakeLists.txt) and as WASM for node (cmake/WebApp.cmake,
// edudesk_survey_bench.js). Usage: edudesk_survey_bench [--responses N] [--runs N]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/state.h"
#include "core/survey.h"
#include "core/surveys.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

edudesk::SurveySchema bench_schema() {
  json opts4 = json::array();
  for (const char* v : {"yes", "partly", "no", "unsure"}) opts4.push_back({{"value", v}, {"label", v}});
  json age = json::array();
  for (const char* v : {"under_18", "18_24", "25_34", "35_plus"}) age.push_back({{"value", v}, {"label", v}});
  json issues = json::array();
  for (const char* v : {"video", "refund", "homework", "account", "teacher", "schedule", "price", "other"})
    issues.push_back({{"value", v}, {"label", v}});
  json qs = json::array();
  auto add = [&](const std::string& id, const char* type, json extra = json::object()) {
    json q{{"id", id}, {"type", type}, {"text", "题目 " + id}};
    q.update(extra);
    qs.push_back(q);
  };
  for (int i = 1; i <= 6; ++i) add("likert" + std::to_string(i), "likert5");
  for (int i = 1; i <= 3; ++i) add("rating" + std::to_string(i), "rating");
  add("nps1", "nps");
  add("nps2", "nps");
  add("wait_minutes", "number", {{"min", 0}, {"max", 600}});         // whole minutes: ≤ 601 values
  add("study_hours", "number", {{"min", 0}, {"max", 40}});           // one decimal: ≤ 401 values
  add("resolved", "single", {{"options", opts4}});
  add("reopened", "single", {{"options", opts4}});
  add("contact_again", "single", {{"options", opts4}});
  add("age", "single", {{"options", age}, {"demographic", "age_group"}});
  add("issues", "multiple", {{"options", issues}});
  add("wanted", "multiple", {{"options", issues}});
  add("comment", "text");
  json j{{"id", "bench"}, {"title", "bench"}, {"sections", {{{"title", ""}, {"questions", qs}}}}};
  edudesk::SurveySchema s;
  edudesk::Error err;
  if (!edudesk::parse_survey_schema(j, s, err)) {
    std::fprintf(stderr, "survey bench: schema: %s: %s\n", err.field.c_str(), err.message.c_str());
    std::exit(1);
  }
  return s;
}

const char* const kPhrases[] = {"老师讲得很好", "视频一直卡顿", "退款进度太慢", "客服回复很快", "作业批改及时",
                                "账号登录不上", "课程内容实用", "希望增加练习", "直播时声音断断续续",
                                "助教态度耐心", "价格有点贵", "排课时间不合适"};
const char* const kPunct[] = {"，", "。", "！", " ", "；"};
const char* const kChannels[] = {"chat", "phone", "email", "web_form", "social", "forum"};
const char* const kOpts4[] = {"yes", "partly", "no", "unsure"};
const char* const kAges[] = {"under_18", "18_24", "25_34", "35_plus"};
const char* const kIssues[] = {"video", "refund", "homework", "account", "teacher", "schedule", "price", "other"};

// One synthetic response: a latent satisfaction drives the scales, ~10 % of answers missing.
edudesk::ResponseRow synthetic(edudesk::Rng& rng, int64_t i) {
  edudesk::ResponseRow r;
  r.response_id = "r" + std::to_string(i);
  r.segments["channel"] = rng.pick(kChannels);
  r.segments["course"] = "course_" + std::to_string(rng.below(40));
  const int64_t latent = rng.between(0, 4);
  json& a = r.answers;
  auto scale = [&](int64_t lo, int64_t hi, int64_t centre) {
    return std::max(lo, std::min(hi, centre + rng.between(-1, 1)));
  };
  for (int k = 1; k <= 6; ++k)
    if (!rng.chance(10)) a["likert" + std::to_string(k)] = scale(1, 5, 1 + latent);
  for (int k = 1; k <= 3; ++k)
    if (!rng.chance(10)) a["rating" + std::to_string(k)] = scale(1, 5, 1 + latent);
  if (!rng.chance(8)) a["nps1"] = scale(0, 10, latent * 2 + rng.between(0, 2));
  if (!rng.chance(15)) a["nps2"] = scale(0, 10, latent * 2 + rng.between(0, 2));
  if (!rng.chance(10)) a["wait_minutes"] = std::min<int64_t>(600, rng.below(30) * (5 - latent) * (1 + rng.below(4)));
  if (!rng.chance(20)) a["study_hours"] = static_cast<double>(rng.below(401)) / 10;
  if (!rng.chance(5)) a["resolved"] = kOpts4[latent >= 3 ? 0 : rng.below(4)];
  if (!rng.chance(10)) a["reopened"] = rng.pick(kOpts4);
  if (!rng.chance(10)) a["contact_again"] = rng.pick(kOpts4);
  if (!rng.chance(30)) a["age"] = rng.pick(kAges);
  for (const char* q : {"issues", "wanted"}) {
    if (rng.chance(25)) continue;
    json list = json::array();
    for (const char* v : kIssues)
      if (rng.chance(20)) list.push_back(v);
    if (!list.empty()) a[q] = std::move(list);
  }
  if (rng.chance(25)) {
    std::string t;
    const int64_t parts = rng.between(1, 3);
    for (int64_t k = 0; k < parts; ++k) {
      t += rng.pick(kPhrases);
      t += rng.pick(kPunct);
    }
    a["comment"] = t;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t responses = 200000, runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--responses") == 0) responses = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoll(argv[i + 1]);
  }
  if (responses < 1 || runs < 1) {
    std::fprintf(stderr, "usage: edudesk_survey_bench [--responses N] [--runs N]\n");
    return 2;
  }
  const edudesk::SurveySchema schema = bench_schema();
  edudesk::Rng rng(20261124);
  const auto t0 = Clock::now();
  edudesk::ResponseTable table(schema);
  for (int64_t i = 0; i < responses; ++i) table.add(synthetic(rng, i));
  const double build_ms = ms_since(t0);

  std::vector<double> times;
  json out;
  for (int64_t k = 0; k < runs; ++k) {
    const auto t = Clock::now();
    out = edudesk::survey_stats(schema, table);
    times.push_back(ms_since(t));
  }
  if (out.contains("error") || out["n"] != responses) {
    std::fprintf(stderr, "survey bench: unexpected statistics: %s\n", out.dump().substr(0, 300).c_str());
    return 1;
  }
  std::sort(times.begin(), times.end());
#ifdef __EMSCRIPTEN__
  const char* platform = "wasm";
#else
  const char* platform = "native";
#endif
  json line{{"bench", "survey_stats"},
            {"platform", platform},
            {"responses", responses},
            {"questions", schema.all_questions().size()},
            {"segments", table.segments.size()},
            {"runs", runs},
            {"median_ms", std::round(times[times.size() / 2] * 10) / 10},
            {"min_ms", std::round(times.front() * 10) / 10},
            {"build_ms", std::round(build_ms)},
            {"correlation_pairs", out["correlation"]["pearson"].size()},
            {"likert1_mean", out["questions"]["likert1"]["mean"]}};
  std::printf("%s\n", line.dump().c_str());

  // The desk's path: the same responses as Ops applied to a State (each checked against
  // its survey version), the columns kept in step by SurveyColumns, and the statistics
  // after a filter change (the last 50 days of 100) — what the survey view recomputes.
  {
    edudesk::State st;
    edudesk::Error err;
    json body = edudesk::survey_schema_json(schema);
    body.erase("version");
    const int64_t t0ms = 1790000000000;
    edudesk::Op pub{"pub", edudesk::op_type::survey_published, t0ms, "system", json{{"survey", body}}, {t0ms, 0}};
    if (edudesk::apply(st, pub, err) != edudesk::ApplyOutcome::applied) {
      std::fprintf(stderr, "survey bench: publish: %s\n", err.message.c_str());
      return 1;
    }
    edudesk::Rng rng2(20261124);
    const auto load = Clock::now();
    for (int64_t i = 0; i < responses; ++i) {
      edudesk::ResponseRow r = synthetic(rng2, i);
      int64_t at = t0ms + 1000 + i * (100LL * 86400000 / responses);
      edudesk::Op op{"r" + std::to_string(i), edudesk::op_type::survey_responded, at, "system",
                     json{{"response_id", r.response_id}, {"version_op", "pub"}, {"mode", "portal"}, {"answers", r.answers}},
                     {at, 0}};
      if (edudesk::apply(st, op, err) != edudesk::ApplyOutcome::applied) {
        std::fprintf(stderr, "survey bench: response %lld: %s\n", static_cast<long long>(i), err.message.c_str());
        return 1;
      }
    }
    const double load_ms = ms_since(load);
    edudesk::SurveyColumns cols;
    const auto sync0 = Clock::now();
    cols.sync(st, "bench");
    const double sync_ms = ms_since(sync0);
    edudesk::SurveyFilter all, recent;
    all.survey_id = recent.survey_id = "bench";
    recent.from = t0ms + 50LL * 86400000;
    std::vector<double> t_all, t_recent, t_add;
    json a, b;
    for (int64_t k = 0; k < runs; ++k) {
      auto t = Clock::now();
      a = cols.stats(st, all);
      t_all.push_back(ms_since(t));
      t = Clock::now();
      b = cols.stats(st, recent);
      t_recent.push_back(ms_since(t));
    }
    // One new answer arriving: applied, then the columns brought up to date.
    for (int64_t k = 0; k < runs; ++k) {
      edudesk::ResponseRow r = synthetic(rng2, responses + k);
      int64_t at = t0ms + 100LL * 86400000 + k;
      edudesk::Op op{"new" + std::to_string(k), edudesk::op_type::survey_responded, at, "system",
                     json{{"response_id", r.response_id}, {"version_op", "pub"}, {"mode", "portal"}, {"answers", r.answers}},
                     {at, 0}};
      auto t = Clock::now();
      edudesk::apply(st, op, err);
      cols.sync(st, "bench");
      t_add.push_back(ms_since(t));
    }
    for (auto* v : {&t_all, &t_recent, &t_add}) std::sort(v->begin(), v->end());
    json desk{{"bench", "survey_desk_path"},
              {"platform", platform},
              {"responses", responses},
              {"apply_all_ms", std::round(load_ms)},
              {"columns_build_ms", std::round(sync_ms)},
              {"stats_all_median_ms", std::round(t_all[t_all.size() / 2] * 10) / 10},
              {"stats_filtered_median_ms", std::round(t_recent[t_recent.size() / 2] * 10) / 10},
              {"filtered_n", b["n"]},
              {"new_answer_median_ms", std::round(t_add[t_add.size() / 2] * 100) / 100},
              {"rebuilds", cols.rebuilds()}};
    if (a["n"] != responses) {
      std::fprintf(stderr, "survey bench: desk path counted %s\n", a["n"].dump().c_str());
      return 1;
    }
    std::printf("%s\n", desk.dump().c_str());
  }
  return 0;
}
