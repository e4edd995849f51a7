// Surveys, the "Analyse" part (issue 5): schema parsing and its errors, the round trip,
// skip logic, the responses CSV, the columnar table and the statistics.
//
// Every expected statistic is computed independently of this code: published values
// (NIST StRD certified means and sds; Agresti's chi-square example) or
// tests/data/survey_reference.json, written by tests/data/survey_reference.py from the
// definitions in exact rational arithmetic and 40-digit mpmath (see that script).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "core/survey.h"

using namespace edudesk;
using nlohmann::json;

namespace {

const json& reference() {
  static const json ref = [] {
    std::ifstream f(EDUDESK_SOURCE_DIR "/tests/data/survey_reference.json", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return json::parse(text, nullptr, false);
  }();
  return ref;
}

const json& ref_case(const char* name) {
  const json& r = reference();
  REQUIRE(r.is_object());
  REQUIRE(r["cases"].contains(name));
  return r["cases"][name];
}

bool close(double got, double want, double rel = 1e-9) {
  if (want == 0) return std::fabs(got) <= 1e-12;
  return std::fabs(got - want) <= rel * std::fabs(want);
}

// Same JSON, numbers to 1e-9 relative (whole numbers exactly).
bool same(const json& got, const json& want) {
  if (want.is_number_float() || (want.is_number() && got.is_number_float()))
    return got.is_number() && close(got.get<double>(), want.get<double>());
  if (want.is_number()) return got.is_number_integer() && got.get<int64_t>() == want.get<int64_t>();
  if (want.is_object()) {
    if (!got.is_object() || got.size() != want.size()) return false;
    for (auto it = want.begin(); it != want.end(); ++it)
      if (!got.contains(it.key()) || !same(got[it.key()], it.value())) return false;
    return true;
  }
  if (want.is_array()) {
    if (!got.is_array() || got.size() != want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i)
      if (!same(got[i], want[i])) return false;
    return true;
  }
  return got == want;
}

SurveySchema schema_of(const json& j) {
  SurveySchema s;
  Error err;
  const bool ok = parse_survey_schema(j, s, err);
  INFO(err.field << ": " << err.message);
  REQUIRE(ok);
  return s;
}

// The rows of a reference case: "columns" (answers by question) then "rows" (with "repeat").
std::vector<ResponseRow> rows_of(const json& c) {
  std::vector<ResponseRow> rows;
  if (c.contains("columns")) {
    size_t n = 0;
    for (const auto& col : c["columns"].items()) n = std::max(n, col.value().size());
    for (size_t i = 0; i < n; ++i) {
      ResponseRow r;
      r.response_id = "c" + std::to_string(i);
      for (const auto& col : c["columns"].items())
        if (i < col.value().size()) r.answers[col.key()] = col.value()[i];
      rows.push_back(r);
    }
  }
  for (const json& r : c["rows"]) {
    ResponseRow row;
    if (r.contains("segments"))
      for (const auto& s : r["segments"].items()) row.segments[s.key()] = s.value().get<std::string>();
    if (r.contains("answers")) row.answers = r["answers"];
    const int64_t repeat = r.value("repeat", 1);
    for (int64_t k = 0; k < repeat; ++k) {
      row.response_id = "r" + std::to_string(rows.size());
      rows.push_back(row);
    }
  }
  return rows;
}

json stats_of(const json& c) { return survey_stats(schema_of(c["schema"]), rows_of(c)); }

// Checks every JSON pointer of the case's "expect" against the statistics.
void check_expected(const json& out, const json& c) {
  REQUIRE(c["expect"].size() > 0);
  for (const auto& e : c["expect"].items()) {
    const json::json_pointer p(e.key());
    INFO(e.key() << ": got " << (out.contains(p) ? out[p].dump() : std::string("nothing")) << ", want "
                 << e.value().dump());
    CHECK(out.contains(p));
    if (out.contains(p)) CHECK(same(out[p], e.value()));
  }
}

// A valid schema that the error cases below break one field at a time.
json base_schema() {
  return json::parse(R"({
    "id": "csat", "title": "满意度回访", "version": 2, "kind": "survey",
    "sections": [
      {"title": "服务", "questions": [
        {"id": "q_overall", "type": "likert5", "text": "整体满意度", "required": true},
        {"id": "q_resolved", "type": "single", "text": "问题解决了吗？",
         "options": [{"value": "yes", "label": "已解决"}, {"value": "no", "label": "未解决"}]},
        {"id": "q_issues", "type": "multiple", "text": "哪些没解决？",
         "options": [{"value": "video", "label": "视频"}, {"value": "refund", "label": "退款"}],
         "show_if": {"question": "q_resolved", "in": ["no"]}}
      ]},
      {"title": "", "questions": [
        {"id": "q_wait", "type": "number", "text": "等了几分钟？", "min": 0, "max": 1440.5},
        {"id": "q_nps", "type": "nps", "text": "推荐意愿", "show_if": {"question": "q_overall", "in": [1, 2]}},
        {"id": "q_comment", "type": "text", "text": "建议", "max": 300},
        {"id": "q_age", "type": "single", "text": "年龄段", "demographic": "age_group",
         "options": [{"value": "under_18", "label": "18 岁以下"}, {"value": "18_24", "label": "18–24 岁"}]}
      ]}
    ]})");
}

Error schema_error(const json& j) {
  SurveySchema s;
  Error err;
  CHECK_FALSE(parse_survey_schema(j, s, err));
  return err;
}

std::string csv_sample() {
  // A BOM, CRLF and LF endings, quoted fields with commas, line breaks and "" escapes,
  // Chinese text and segment values, empty cells (missing).
  return "\xEF\xBB\xBF"
         "response_id,channel,course,q_overall,q_resolved,q_issues,q_wait,q_nps,q_comment,q_age\r\n"
         "r1,chat,雅思口语,5,yes,,3,10,\"很好, 谢谢\",18_24\r\n"
         "r2,phone,Python 入门,2,no,video;refund,45.5,3,\"视频\"\"卡顿\"\"，\n退款也慢\",under_18\n"
         "r3,,雅思口语,,,,,,,\r\n"
         "\"r4\",email,\"Python 入门\",4,no, refund ,0,,,\r\n";
}

ResponseTable csv_table(const std::string& csv) {
  ResponseTable t;
  Error err;
  const bool ok = parse_responses_csv(schema_of(base_schema()), csv, t, err);
  INFO(err.field << ": " << err.message);
  REQUIRE(ok);
  return t;
}

Error csv_error(const std::string& csv) {
  ResponseTable t;
  Error err;
  CHECK_FALSE(parse_responses_csv(schema_of(base_schema()), csv, t, err));
  return err;
}

const char* kHeader = "response_id,channel,q_overall,q_resolved,q_wait,q_nps\n";

}  // namespace

TEST_CASE("survey schema: parse, round trip through JSON, lookups", "[survey]") {
  const SurveySchema s = schema_of(base_schema());
  CHECK(s.id == "csat");
  CHECK(s.version == 2);
  REQUIRE(s.all_questions().size() == 7);
  CHECK(s.all_questions()[3]->id == "q_wait");
  REQUIRE(s.question("q_wait") != nullptr);
  CHECK(s.question("q_wait")->max == 1440.5);
  CHECK(s.question("q_comment")->max == 300);
  CHECK(s.question("q_age")->demographic == "age_group");
  CHECK(s.question("nope") == nullptr);
  CHECK(is_numeric(QuestionType::nps));
  CHECK(is_numeric(QuestionType::number));
  CHECK_FALSE(is_numeric(QuestionType::single));
  CHECK(parse_question_type("rating") == QuestionType::rating);
  CHECK_FALSE(parse_question_type("Rating"));

  const json j = survey_schema_json(s);
  SurveySchema again;
  Error err;
  REQUIRE(parse_survey_schema(j, again, err));
  CHECK(again == s);
  CHECK(survey_schema_json(again) == j);
  // Defaults are written out: kind, version, required.
  const SurveySchema minimal = schema_of(json::parse(
      R"({"id":"m","title":"t","sections":[{"questions":[{"id":"a","type":"text","text":"x"}]}]})"));
  CHECK(minimal.version == 1);
  CHECK(minimal.kind == "survey");
  CHECK(survey_schema_json(minimal)["sections"][0]["questions"][0]["required"] == false);
  SurveySchema m2;
  REQUIRE(parse_survey_schema(survey_schema_json(minimal), m2, err));
  CHECK(m2 == minimal);
  // The equality sees a changed field.
  again.sections[1].questions[0].max = 1440;
  CHECK(again != s);
}

TEST_CASE("survey schema: every error names its field", "[survey]") {
  struct Case {
    const char* what;
    std::function<void(json&)> change;
    const char* field;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"not an object", [](json& j) { j = json::array(); }, "", "wrong_type"},
      {"unknown type", [](json& j) { j["sections"][0]["questions"][1]["type"] = "dropdown"; },
       "sections[0].questions[1].type", "unknown_type"},
      {"duplicate id", [](json& j) { j["sections"][1]["questions"][0]["id"] = "q_overall"; },
       "sections[1].questions[0].id", "duplicate_id"},
      {"malformed id", [](json& j) { j["sections"][0]["questions"][0]["id"] = "Q-1"; },
       "sections[0].questions[0].id", "invalid_value"},
      {"id of 33 characters", [](json& j) { j["sections"][0]["questions"][0]["id"] = std::string(33, 'a'); },
       "sections[0].questions[0].id", "too_long"},
      {"survey id", [](json& j) { j["id"] = "满意度"; }, "id", "invalid_value"},
      {"single without options", [](json& j) { j["sections"][0]["questions"][1].erase("options"); },
       "sections[0].questions[1].options", "missing_field"},
      {"multiple with no options", [](json& j) { j["sections"][0]["questions"][2]["options"] = json::array(); },
       "sections[0].questions[2].options", "missing_field"},
      {"duplicate option value",
       [](json& j) { j["sections"][0]["questions"][2]["options"][1]["value"] = "video"; },
       "sections[0].questions[2].options[1].value", "duplicate_id"},
      {"option without label", [](json& j) { j["sections"][0]["questions"][1]["options"][0].erase("label"); },
       "sections[0].questions[1].options[0].label", "missing_field"},
      {"options on a likert item",
       [](json& j) { j["sections"][0]["questions"][0]["options"] = j["sections"][0]["questions"][1]["options"]; },
       "sections[0].questions[0].options", "invalid_value"},
      {"number with max < min", [](json& j) { j["sections"][1]["questions"][0]["min"] = 2000; },
       "sections[1].questions[0].max", "invalid_value"},
      {"number without min", [](json& j) { j["sections"][1]["questions"][0].erase("min"); },
       "sections[1].questions[0].min", "missing_field"},
      {"show_if to an unknown question",
       [](json& j) { j["sections"][0]["questions"][2]["show_if"]["question"] = "q_gone"; },
       "sections[0].questions[2].show_if.question", "unknown_question"},
      {"show_if to a later question",
       [](json& j) { j["sections"][0]["questions"][2]["show_if"] = json{{"question", "q_nps"}, {"in", {9}}}; },
       "sections[0].questions[2].show_if.question", "invalid_value"},
      {"show_if to itself",
       [](json& j) { j["sections"][0]["questions"][2]["show_if"]["question"] = "q_issues"; },
       "sections[0].questions[2].show_if.question", "invalid_value"},
      {"show_if value that is no option",
       [](json& j) { j["sections"][0]["questions"][2]["show_if"]["in"] = json{"no", "maybe"}; },
       "sections[0].questions[2].show_if.in[1]", "invalid_value"},
      {"show_if text for a number", [](json& j) { j["sections"][1]["questions"][1]["show_if"]["in"] = json{"1"}; },
       "sections[1].questions[1].show_if.in[0]", "wrong_type"},
      {"missing text", [](json& j) { j["sections"][1]["questions"][2].erase("text"); },
       "sections[1].questions[2].text", "missing_field"},
      {"blank text", [](json& j) { j["sections"][1]["questions"][2]["text"] = "  "; },
       "sections[1].questions[2].text", "missing_field"},
      {"text of 501 characters",
       [](json& j) {
         std::string t;
         for (int i = 0; i < 501; ++i) t += "字";
         j["sections"][1]["questions"][2]["text"] = t;
       },
       "sections[1].questions[2].text", "too_long"},
      {"misspelt key", [](json& j) { j["sections"][0]["questions"][2]["show-if"] = json::object(); },
       "sections[0].questions[2].show-if", "unknown_field"},
      {"required not a boolean", [](json& j) { j["sections"][0]["questions"][0]["required"] = "yes"; },
       "sections[0].questions[0].required", "wrong_type"},
      {"unknown demographic", [](json& j) { j["sections"][1]["questions"][3]["demographic"] = "income"; },
       "sections[1].questions[3].demographic", "invalid_value"},
      {"demographic on a likert item", [](json& j) { j["sections"][0]["questions"][0]["demographic"] = "gender"; },
       "sections[0].questions[0].demographic", "invalid_value"},
      {"missing title", [](json& j) { j.erase("title"); }, "title", "missing_field"},
      {"unknown kind", [](json& j) { j["kind"] = "quiz"; }, "kind", "invalid_value"},
      {"version 0", [](json& j) { j["version"] = 0; }, "version", "invalid_value"},
      {"no sections", [](json& j) { j["sections"] = json::array(); }, "sections", "missing_field"},
      {"a section without questions", [](json& j) { j["sections"][1]["questions"] = json::array(); },
       "sections[1].questions", "missing_field"},
      {"51 sections",
       [](json& j) {
         for (int i = 0; i < 49; ++i)
           j["sections"].push_back(
               json{{"questions", {{{"id", "x" + std::to_string(i)}, {"type", "text"}, {"text", "t"}}}}});
       },
       "sections", "too_many"},
      {"201 questions",
       [](json& j) {
         json& qs = j["sections"][1]["questions"];
         for (int i = 0; i < 194; ++i) qs.push_back(json{{"id", "x" + std::to_string(i)}, {"type", "text"}, {"text", "t"}});
       },
       "sections[1].questions", "too_many"},
      {"51 options",
       [](json& j) {
         json& opts = j["sections"][0]["questions"][2]["options"];
         for (int i = 0; i < 49; ++i) opts.push_back(json{{"value", "o" + std::to_string(i)}, {"label", "l"}});
       },
       "sections[0].questions[2].options", "too_many"},
  };
  for (const Case& c : cases) {
    json j = base_schema();
    c.change(j);
    const Error err = schema_error(j);
    INFO(c.what << " → " << err.code << " " << err.field << ": " << err.message);
    CHECK(err.field == c.field);
    CHECK(err.code == c.code);
    CHECK_FALSE(err.message.empty());
  }
  // At the limits it is accepted: 50 sections, 200 questions, 50 options, 500 characters.
  json j = base_schema();
  for (int i = 0; i < 48; ++i)
    j["sections"].push_back(json{{"questions", {{{"id", "s" + std::to_string(i)}, {"type", "text"}, {"text", "t"}}}}});
  json& qs = j["sections"][1]["questions"];
  for (int i = 0; i < 200 - 7 - 48; ++i) qs.push_back(json{{"id", "x" + std::to_string(i)}, {"type", "text"}, {"text", "t"}});
  json& opts = j["sections"][0]["questions"][2]["options"];
  for (int i = 0; i < 48; ++i) opts.push_back(json{{"value", "o" + std::to_string(i)}, {"label", "l"}});
  std::string t;
  for (int i = 0; i < 500; ++i) t += "字";
  j["sections"][1]["questions"][2]["text"] = t;
  const SurveySchema big = schema_of(j);
  CHECK(big.sections.size() == 50);
  CHECK(big.all_questions().size() == 200);
}

TEST_CASE("survey schema: is_shown follows show_if", "[survey]") {
  const SurveySchema s = schema_of(base_schema());
  const Question& issues = *s.question("q_issues");  // shown when q_resolved is "no"
  const Question& nps = *s.question("q_nps");        // shown when q_overall is 1 or 2
  CHECK(is_shown(s, *s.question("q_overall"), json::object()));
  CHECK_FALSE(is_shown(s, issues, json::object()));
  CHECK_FALSE(is_shown(s, issues, json{{"q_resolved", "yes"}}));
  CHECK(is_shown(s, issues, json{{"q_resolved", "no"}}));
  CHECK_FALSE(is_shown(s, issues, json{{"q_resolved", nullptr}}));
  CHECK(is_shown(s, nps, json{{"q_overall", 2}}));
  CHECK(is_shown(s, nps, json{{"q_overall", 1.0}}));  // numbers compare as numbers
  CHECK_FALSE(is_shown(s, nps, json{{"q_overall", 3}}));
  CHECK_FALSE(is_shown(s, nps, json{{"q_overall", "2"}}));  // a string is not the number 2
  CHECK_FALSE(is_shown(s, nps, json::array()));

  // A multiple-choice source: shown when any chosen value is listed; a chain hides with its source.
  json j = base_schema();
  j["sections"][1]["questions"][2]["show_if"] = json{{"question", "q_issues"}, {"in", {"refund"}}};
  const SurveySchema s2 = schema_of(j);
  const Question& comment = *s2.question("q_comment");
  CHECK(is_shown(s2, comment, json{{"q_resolved", "no"}, {"q_issues", {"video", "refund"}}}));
  CHECK_FALSE(is_shown(s2, comment, json{{"q_resolved", "no"}, {"q_issues", {"video"}}}));
  CHECK_FALSE(is_shown(s2, comment, json{{"q_resolved", "yes"}, {"q_issues", {"refund"}}}));
}

TEST_CASE("survey stats: NIST StRD certified mean and standard deviation", "[survey]") {
  // NIST Statistical Reference Datasets, univariate summary statistics
  // (https://www.itl.nist.gov/div898/strd/univ/homepage.html), certified to 15 digits.
  // The data are in survey_reference.json (case "nist", one number question per dataset;
  // the script checks the transcription reproduces these values).
  struct Certified {
    const char* q;
    int64_t n;
    double mean, sd;
  };
  const Certified certified[] = {
      {"q_michelso", 100, 299.852400000000, 0.0790105478190518},
      {"q_lew", 200, -177.435000000000, 277.332168044316},
      {"q_numacc1", 3, 10000002, 1},
      {"q_numacc2", 1001, 1.2, 0.1},
      {"q_numacc3", 1001, 1000000.2, 0.1},
      {"q_numacc4", 1001, 10000000.2, 0.1},
  };
  const json& c = ref_case("nist");
  const json out = stats_of(c);
  check_expected(out, c);
  for (const Certified& k : certified) {
    const json& q = out["questions"][k.q];
    INFO(k.q << ": mean " << q["mean"].dump() << ", sd " << q["sd"].dump());
    CHECK(q["n"] == k.n);
    CHECK(close(q["mean"].get<double>(), k.mean, 1e-14));
    // NumAcc4's values (10000000.1, .2, .3) are not doubles: the nearest doubles have sd
    // 0.10000000055879… (5.6e-9 from the certified 0.1), which is checked to 1e-9 below.
    CHECK(close(q["sd"].get<double>(), k.sd, std::string(k.q) == "q_numacc4" ? 1e-8 : 1e-9));
    const std::string name = std::string(k.q).substr(2);
    CHECK(close(q["sd"].get<double>(), c["binary"][name]["sd"].get<double>(), 1e-9));
  }
}

TEST_CASE("survey stats: likert5 mean, sd, median of odd and even n, top2box, missing forms", "[survey]") {
  SECTION("odd n: 9 answers and three missing (null, absent, \"\")") {
    const json& c = ref_case("likert_odd");
    const json out = stats_of(c);
    check_expected(out, c);
    CHECK(out["questions"]["sat"]["median"] == 4);
    CHECK(out["questions"]["sat"]["top2box_denominator"] == "answered");
    CHECK(out["questions"]["sat"]["type"] == "likert5");
  }
  SECTION("even n: the median is the mean of the two middle answers") {
    const json& c = ref_case("likert_even");
    const json out = stats_of(c);
    check_expected(out, c);
    CHECK(out["questions"]["sat"]["median"] == 2.5);
  }
  SECTION("no answers, one answer") {
    json schema = ref_case("likert_odd")["schema"];
    const SurveySchema s = schema_of(schema);
    json none = survey_stats(s, std::vector<ResponseRow>{});
    CHECK(none["n"] == 0);
    CHECK(none["questions"]["sat"]["n"] == 0);
    CHECK(none["questions"]["sat"]["mean"].is_null());
    CHECK(none["questions"]["sat"]["median"].is_null());
    CHECK(none["questions"]["sat"]["top2box"].is_null());
    ResponseRow r;
    r.answers = json{{"sat", 4}};
    json one = survey_stats(s, std::vector<ResponseRow>{r});
    CHECK(one["questions"]["sat"]["mean"] == 4.0);
    CHECK(one["questions"]["sat"]["sd"].is_null());  // n − 1 = 0
    CHECK(one["questions"]["sat"]["top2box"] == 1.0);
  }
}

TEST_CASE("survey stats: NPS in percentage points among answered", "[survey]") {
  const json& c = ref_case("nps");
  const json out = stats_of(c);
  check_expected(out, c);
  // 6 promoters, 4 detractors of 13: (6 − 4) / 13 = 15.38 points.
  CHECK(close(out["questions"]["rec"]["nps"].get<double>(), 200.0 / 13));
  CHECK(out["questions"]["rec"]["freq"]["10"] == 3);
  CHECK(out["questions"]["rec"]["freq"].size() == 11);
}

TEST_CASE("survey stats: Pearson and Spearman with ties on pairwise complete answers", "[survey]") {
  const json& c = ref_case("correlation");
  const json out = stats_of(c);
  check_expected(out, c);
  // Every pair of numeric questions (a, b, c, d, e) once, in schema order.
  CHECK(out["correlation"]["pearson"].size() == 10);
  CHECK(out["correlation"]["spearman"].size() == 10);
  CHECK_FALSE(out["correlation"]["pearson"].contains("b|a"));
  CHECK(out["correlation"]["pearson"]["d|e"].is_null());
}

TEST_CASE("survey stats: many distinct values (the two-pass pair, wide codes, a 260-value segment)", "[survey]") {
  // x and y have 282 and 278 distinct values: their pair is too large for a joint table.
  const json& c = ref_case("wide");
  const json out = stats_of(c);
  check_expected(out, c);
  CHECK(out["questions"]["x"]["distinct"] == 282);
  CHECK_FALSE(out["questions"]["x"].contains("freq"));
  CHECK(out["crosstab"]["course"]["z"]["groups"].size() == 260);
}

TEST_CASE("survey stats: chi-square test of independence (Agresti 2007)", "[survey]") {
  // Agresti, An Introduction to Categorical Data Analysis, 2nd ed. (Wiley 2007), p. 39:
  // party identification by gender, X² = 30.07, df = 2 (R's chisq.test prints p = 2.954e-07).
  const json& c = ref_case("agresti");
  const json out = stats_of(c);
  check_expected(out, c);
  const json& x = out["crosstab"]["channel"]["party"];
  CHECK(std::fabs(x["chi2"].get<double>() - 30.07) < 0.005);
  CHECK(x["df"] == 2);
  CHECK(std::fabs(x["p"].get<double>() - 2.954e-07) < 0.0005e-07);
  // p to ≥ 10 significant digits against mpmath.
  CHECK(close(x["p"].get<double>(), 2.953589183211758e-07, 1e-10));
  CHECK_FALSE(x["groups"]["F"].contains("mean"));  // a single-choice answer has no mean
}

TEST_CASE("survey stats: cross tab groups, dropped empty rows, missing segments", "[survey]") {
  const json& c = ref_case("crosstab");
  const json out = stats_of(c);
  check_expected(out, c);
  const json& x = out["crosstab"]["course"]["sat"];
  CHECK(x["groups"]["美术"]["mean"].is_null());  // in the data, but never answered
  CHECK_FALSE(x["groups"].contains(""));          // an empty segment value is missing

  // df < 1 (one group): chi2, df and p are null.
  const SurveySchema s = schema_of(c["schema"]);
  std::vector<ResponseRow> rows(3);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].segments["course"] = "数学";
    rows[i].answers = json{{"sat", static_cast<int>(i) + 1}};
  }
  const json one = survey_stats(s, rows)["crosstab"]["course"]["sat"];
  CHECK(one["df"].is_null());
  CHECK(one["chi2"].is_null());
  CHECK(one["p"].is_null());
  CHECK(one["groups"]["数学"]["n"] == 3);
}

TEST_CASE("survey stats: multiple choice shares and the Chinese terms of text answers", "[survey]") {
  const json& c = ref_case("multiple_text");
  const json out = stats_of(c);
  check_expected(out, c);
  CHECK(out["questions"]["t"]["terms"][0] == json::array({"视频", 5}));
  // A bigram with a stop character (的, 很 …) is never a term.
  for (const json& t : out["questions"]["t"]["terms"]) {
    const std::string term = t[0].get<std::string>();
    CHECK(term.find("的") == std::string::npos);
    CHECK(term.find("很") == std::string::npos);
  }
}

TEST_CASE("survey stats: the chi-square upper tail against mpmath", "[survey]") {
  for (const json& p : ref_case("tails")["points"]) {
    const double x = p[0], df = p[1], want = p[2];
    INFO("x " << x << ", df " << df);
    CHECK(close(chi_square_upper_tail(x, df), want, 1e-10));
  }
  CHECK(chi_square_upper_tail(0, 3) == 1);
  CHECK(std::isnan(chi_square_upper_tail(1, 0)));
}

TEST_CASE("survey CSV: BOM, RFC 4180 quoting, Chinese text, empty cells", "[survey]") {
  const ResponseTable t = csv_table(csv_sample());
  REQUIRE(t.size() == 4);
  CHECK(t.ids == std::vector<std::string>{"r1", "r2", "r3", "r4"});
  const ResponseColumn& comment = *t.column("q_comment");
  CHECK(comment.text[0] == "很好, 谢谢");
  CHECK(comment.text[1] == "视频\"卡顿\"，\n退款也慢");
  CHECK(comment.text[2].empty());
  CHECK(t.column("q_overall")->num[0] == 5);
  CHECK(std::isnan(t.column("q_overall")->num[2]));
  CHECK(t.column("q_wait")->num[1] == 45.5);
  CHECK(t.column("q_wait")->num[3] == 0);
  CHECK(std::isnan(t.column("q_nps")->num[3]));
  CHECK(t.column("q_resolved")->code == std::vector<int32_t>{0, 1, -1, 1});
  CHECK(t.column("q_issues")->mask == std::vector<uint64_t>{0, 3, 0, 2});
  CHECK(t.column("q_age")->code == std::vector<int32_t>{1, 0, -1, -1});
  const SegmentColumn& course = *t.segment("course");
  CHECK(course.values == std::vector<std::string>{"雅思口语", "Python 入门"});
  CHECK(course.code == std::vector<int32_t>{0, 1, 0, 1});
  CHECK(t.segment("channel")->code[2] == -1);

  // The rows version of the same CSV, and back to a table, give the same statistics.
  std::vector<ResponseRow> rows;
  Error err;
  const SurveySchema s = schema_of(base_schema());
  REQUIRE(parse_responses_csv(s, csv_sample(), rows, err));
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].answers["q_issues"] == json::array({"video", "refund"}));
  CHECK(rows[1].answers["q_wait"] == 45.5);
  CHECK(rows[0].answers["q_overall"].is_number_integer());
  CHECK(rows[2].answers.empty());
  CHECK(rows[2].segments.count("channel") == 0);
  CHECK(rows[3].segments.at("course") == "Python 入门");
  CHECK(survey_stats(s, rows) == survey_stats(s, t));
  CHECK(survey_stats(s, t)["questions"]["q_overall"]["n"] == 3);
  // Whole file without a final line break, and a header alone.
  CHECK(csv_table("response_id,q_overall\nx,4").size() == 1);
  CHECK(csv_table("response_id,q_overall\r\n").size() == 0);
}

TEST_CASE("survey CSV: errors name the column and the line", "[survey]") {
  std::string h = kHeader;
  Error e = csv_error("response_id,chanel,q_overall\nr1,chat,5\n");
  CHECK(e.code == "unknown_column");
  CHECK(e.field == "chanel");
  CHECK(e.message.find("'chanel'") != std::string::npos);

  e = csv_error(h + "r1,chat,5,yes,3,9\nr2,chat,4,no,3,abc\n");
  CHECK(e.field == "q_nps");
  CHECK(e.message.find("line 3") != std::string::npos);
  CHECK(e.message.find("'abc'") != std::string::npos);
  CHECK(e.message.find("not a number") != std::string::npos);

  e = csv_error(h + "r1,chat,6,yes,3,9\n");
  CHECK(e.field == "q_overall");
  CHECK(e.message.find("line 2") != std::string::npos);
  CHECK(e.message.find("out of range") != std::string::npos);

  e = csv_error(h + "r1,chat,4.5,yes,3,9\n");  // likert answers are whole numbers
  CHECK(e.field == "q_overall");
  e = csv_error(h + "r1,chat,4,yes,1441,9\n");  // number: within min..max
  CHECK(e.field == "q_wait");
  e = csv_error(h + "r1,chat,4,yes,nan,9\n");
  CHECK(e.field == "q_wait");
  e = csv_error(h + "r1,chat,4,maybe,3,9\n");
  CHECK(e.field == "q_resolved");
  CHECK(e.message.find("'maybe' is not an option") != std::string::npos);
  e = csv_error("response_id,q_issues\nr1,video;video\n");
  CHECK(e.field == "q_issues");
  e = csv_error("response_id,q_issues\nr1,video;tv\n");
  CHECK(e.message.find("'tv'") != std::string::npos);

  // A quoted field spans two lines: the next record starts on line 4.
  e = csv_error("response_id,q_comment,q_nps\nr1,\"a\nb\",5\nr2,x,11\n");
  CHECK(e.field == "q_nps");
  CHECK(e.message.find("line 4") != std::string::npos);

  e = csv_error(h + "r1,chat,4,yes,3\n");
  CHECK(e.field == "csv");
  CHECK(e.message.find("line 2: 5 fields; the header has 6") != std::string::npos);
  e = csv_error(h + "r1,chat,4,yes,3,\"9\n");
  CHECK(e.message.find("not closed") != std::string::npos);
  e = csv_error(h + "r1,chat,4,yes,3,\"9\"x\n");
  CHECK(e.message.find("line 2") != std::string::npos);
  e = csv_error(h + "r1,ch\"at,4,yes,3,9\n");
  CHECK(e.field == "csv");
  e = csv_error(h + "r1,chat,4,yes,3,9\nr1,chat,4,yes,3,9\n");
  CHECK(e.code == "duplicate_id");
  CHECK(e.message.find("line 3") != std::string::npos);
  CHECK(e.message.find("line 2") != std::string::npos);
  e = csv_error(h + ",chat,4,yes,3,9\n");
  CHECK(e.field == "response_id");
  e = csv_error("channel,q_overall\nchat,4\n");
  CHECK(e.code == "missing_column");
  e = csv_error("response_id,q_overall,q_overall\n");
  CHECK(e.code == "duplicate_column");
  e = csv_error("");
  CHECK(e.message.find("empty") != std::string::npos);
  e = csv_error(h + "r1,\xFF,4,yes,3,9\n");
  CHECK(e.code == "invalid_utf8");
  CHECK(e.field == "channel");
}

TEST_CASE("survey ResponseTable: add keeps step, invalid answers are missing, row() round trip", "[survey]") {
  const SurveySchema s = schema_of(base_schema());
  ResponseTable t(s);
  REQUIRE(t.columns.size() == 7);
  ResponseRow a;
  a.response_id = "a";
  a.segments = {{"channel", "chat"}};
  a.answers = json{{"q_overall", 5}, {"q_resolved", "no"}, {"q_issues", {"refund"}}, {"q_wait", 12.5},
                   {"q_comment", "不错"}, {"q_age", "18_24"}};
  t.add(a);
  ResponseRow b;  // wrong types, out of range, unknown option and question: all missing
  b.response_id = "b";
  b.segments = {{"course", "数学"}, {"age_group", "ignored: a demographic question"}};
  b.answers = json{{"q_overall", 6}, {"q_resolved", "maybe"}, {"q_issues", "refund"}, {"q_wait", "12"},
                   {"q_nps", 9.5}, {"q_comment", 3}, {"q_unknown", 1}};
  t.add(b);
  REQUIRE(t.size() == 2);
  CHECK(t.column("q_overall")->num[0] == 5);
  CHECK(std::isnan(t.column("q_overall")->num[1]));
  CHECK(t.column("q_resolved")->code == std::vector<int32_t>{1, -1});
  CHECK(t.column("q_issues")->mask == std::vector<uint64_t>{2, 0});
  CHECK(std::isnan(t.column("q_wait")->num[1]));
  CHECK(std::isnan(t.column("q_nps")->num[1]));
  CHECK(t.column("q_comment")->text == std::vector<std::string>{"不错", ""});
  // A segment first seen in row 2 gets a column, missing in row 1.
  REQUIRE(t.segments.size() == 2);
  CHECK(t.segment("channel")->code == std::vector<int32_t>{0, -1});
  CHECK(t.segment("course")->code == std::vector<int32_t>{-1, 0});
  CHECK(t.segment("age_group") == nullptr);

  const ResponseRow back = t.row(0);
  CHECK(back.response_id == "a");
  CHECK(back.segments == a.segments);
  CHECK(back.answers == a.answers);
  CHECK(t.row(1).answers.empty());

  // Appending keeps the statistics equal to a fresh build from all rows.
  std::vector<ResponseRow> rows = {a, b};
  ResponseRow c = a;
  c.response_id = "c";
  c.answers["q_overall"] = 2;
  c.segments["course"] = "英语";
  t.add(c);
  rows.push_back(c);
  CHECK(survey_stats(s, t) == survey_stats(s, response_table(s, rows)));
  CHECK(survey_stats(s, t)["crosstab"]["age_group"]["q_overall"]["groups"]["18_24"]["n"] == 2);

  // A table for another schema is refused.
  ResponseTable other;
  CHECK(survey_stats(s, other).contains("error"));
}

TEST_CASE("survey stats: number questions list freq only up to 50 distinct values", "[survey]") {
  const SurveySchema s = schema_of(base_schema());
  std::vector<ResponseRow> rows;
  for (int i = 0; i < 60; ++i) {
    ResponseRow r;
    r.answers = json{{"q_wait", i % 51 + 0.5}};
    rows.push_back(r);
  }
  json out = survey_stats(s, rows)["questions"]["q_wait"];
  CHECK(out["distinct"] == 51);
  CHECK_FALSE(out.contains("freq"));
  rows.resize(50);
  out = survey_stats(s, rows)["questions"]["q_wait"];
  CHECK(out["distinct"] == 50);
  REQUIRE(out.contains("freq"));
  CHECK(out["freq"]["0.5"] == 1);
  CHECK(out["median"] == 25.0);
}
