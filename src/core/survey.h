#pragma once
// Surveys (issue 5): a versioned schema of sections and questions, answers checked
// against it (ranges, required, skip logic), and the statistics of a set of
// responses. Pure: the desk, the server and `edudesk survey-stats` share it.
// The formats are documented in docs/SURVEYS.md.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/error.h"

namespace edudesk {

// likert5: 非常满意 5 … 非常不满意 1; nps: 0..10; rating: 1..5; number: any number in
// [min, max]; single: one option value; multiple: a list of option values; text: free text.
enum class QuestionType { likert5, nps, single, multiple, rating, number, text };
constexpr QuestionType kQuestionTypes[] = {QuestionType::likert5, QuestionType::nps,    QuestionType::single,
                                           QuestionType::multiple, QuestionType::rating, QuestionType::number,
                                           QuestionType::text};
const char* to_id(QuestionType t);
std::optional<QuestionType> parse_question_type(std::string_view s);
// Numeric items (the ones with mean, sd, median, correlations): likert5, nps, rating, number.
bool is_numeric(QuestionType t);

struct SurveyOption {
  std::string value;  // stable id stored in answers ("male", "18_24" …)
  std::string label;  // shown text
};

// Skip logic: the question is shown only when the answer to `question` is one of
// `in` (numbers compare as numbers, option values as strings; for a multiple-choice
// source, when any chosen value is in the list).
struct ShowIf {
  std::string question;
  std::vector<nlohmann::json> in;
};

struct Question {
  std::string id;  // [a-z0-9_]{1,32}, unique in the survey
  QuestionType type = QuestionType::likert5;
  std::string text;
  bool required = false;
  std::vector<SurveyOption> options;  // single / multiple
  double min = 0, max = 0;            // number (max >= min); text: max = max length (0 = 2000)
  std::string demographic;            // "", "age_group", "gender", "occupation" (segments for cross analysis)
  std::optional<ShowIf> show_if;      // refers to an earlier question only
};

struct SurveySection {
  std::string title;
  std::vector<Question> questions;
};

struct SurveySchema {
  std::string id;         // the survey's stable id ("csat", "full", "callback", "qa")
  std::string title;
  int64_t version = 1;    // set by the desk when published (1, 2, …)
  std::string kind = "survey";  // "survey" or "qa_review" (internal quality review checklist)
  std::vector<SurveySection> sections;

  const Question* question(const std::string& id) const;
  std::vector<const Question*> all_questions() const;  // in order
};

// Reads a schema (docs/SURVEYS.md). Error.field names the offending part, e.g.
// "sections[1].questions[0].options".
bool parse_survey_schema(const nlohmann::json& j, SurveySchema& out, Error& err);
nlohmann::json survey_schema_json(const SurveySchema& s);

// Is `q` shown, given the answers so far? (no show_if: always)
bool is_shown(const SurveySchema& s, const Question& q, const nlohmann::json& answers);

// Checks a response's answers ({question id: value}) against the schema: every value
// in range and of its type, required questions answered when shown, no answer to a
// question hidden by skip logic, no unknown question ids. Error.field is the question
// id; Error.message names the question's text.
bool validate_answers(const SurveySchema& s, const nlohmann::json& answers, Error& err);

// ---- statistics ---------------------------------------------------------------------------

// One response as the statistics see it: answers by question id (missing = absent or
// null) and segment values by segment name ("channel", "course", "age_group", …).
struct ResponseRow {
  std::string response_id;
  std::map<std::string, std::string> segments;
  nlohmann::json answers = nlohmann::json::object();
};

// The `edudesk survey-stats` JSON (issue 5):
// {"n", "questions":{qid:{"n","mean","sd","median","freq":{value:count},"top2box"?,"nps"?}},
//  "correlation":{"pearson":{"qa|qb":r},"spearman":{…}},
//  "crosstab":{segment:{qid:{"groups":{value:{"n","mean"}},"chi2","df","p"}}}}
nlohmann::json survey_stats(const SurveySchema& s, const std::vector<ResponseRow>& rows);

// The CSV of the CLI: header `response_id`, segment columns, one column per question id;
// empty cells are missing; multiple choice as "a;b". UTF-8, an optional BOM, RFC 4180 quoting.
bool parse_responses_csv(const SurveySchema& s, std::string_view csv, std::vector<ResponseRow>& out, Error& err);

// ---- additions for the statistics (issue 5, "Analyse") ------------------------------------

// Field-by-field equality (parse(json(s)) == s holds for every parsed schema).
bool operator==(const SurveyOption& a, const SurveyOption& b);
bool operator==(const ShowIf& a, const ShowIf& b);
bool operator==(const Question& a, const Question& b);
bool operator==(const SurveySection& a, const SurveySection& b);
bool operator==(const SurveySchema& a, const SurveySchema& b);
inline bool operator!=(const SurveySchema& a, const SurveySchema& b) { return !(a == b); }

// The segment columns a responses CSV may carry besides `response_id` and the question ids
// (facts of the ticket the survey followed): channel, course, agent, category, priority.
// Demographic questions (Question::demographic) are segments too, named by their demographic.
const std::vector<std::string>& survey_segment_names();

// The responses by column, for statistics over many responses (200,000 × 20 in < 200 ms in
// the browser). Row i of every column is response i. The app keeps one in step with its
// state: one `add` per new response.
struct ResponseColumn {
  std::string question;              // question id
  QuestionType type = QuestionType::likert5;
  std::string demographic;           // the question's demographic ("" for most): a segment as well
  std::vector<std::string> options;  // single / multiple: option values, in schema order
  double min = 0, max = 0;           // number: the accepted range; text: max length (0 = 2000)
  std::vector<double> num;           // likert5, nps, rating, number: the answer; NaN = missing
  std::vector<int32_t> code;         // single: index into `options`; -1 = missing
  std::vector<uint64_t> mask;        // multiple: bit k = options[k] chosen; 0 = missing (≤ 50 options)
  std::vector<std::string> text;     // text: the answer; "" = missing
};

struct SegmentColumn {
  std::string name;                  // "channel", "course", …
  std::vector<int32_t> code;         // index into `values`; -1 = missing
  std::vector<std::string> values;   // the dictionary, in order of first appearance
  std::unordered_map<std::string, int32_t> index;  // value → code
  int32_t code_of(const std::string& value);       // adds the value when new; "" → -1
};

struct ResponseTable {
  ResponseTable() = default;
  explicit ResponseTable(const SurveySchema& s);  // no rows; one column per question, schema order

  std::vector<std::string> ids;          // response_id per row
  std::vector<ResponseColumn> columns;   // one per question, in schema order
  std::vector<SegmentColumn> segments;   // in order of first appearance

  size_t size() const { return ids.size(); }
  const ResponseColumn* column(const std::string& question) const;
  const SegmentColumn* segment(const std::string& name) const;
  // Appends one response. Rows are checked before (validate_answers); here an answer of the
  // wrong type or out of range, an unknown option, an unknown question id and invalid UTF-8
  // count as missing, and a segment named like a demographic question is ignored.
  // A segment seen for the first time gets a column (missing in the earlier rows).
  void add(const ResponseRow& r);
  ResponseRow row(size_t i) const;      // back to a row (numbers as integers when whole)
};

ResponseTable response_table(const SurveySchema& s, const std::vector<ResponseRow>& rows);

// The statistics over columns (the JSON of `survey_stats` above; docs/SURVEYS.md has every
// definition). `t` must have been built for `s` (same questions in the same order); otherwise
// the answer is {"error": "…"}.
nlohmann::json survey_stats(const SurveySchema& s, const ResponseTable& t);

// The same CSV straight into columns. Error.field is the column (or "csv"); the message
// names the line, e.g. "line 12, column 'q_nps': 'abc' is not a number".
bool parse_responses_csv(const SurveySchema& s, std::string_view csv, ResponseTable& out, Error& err);

// The upper tail of the chi-square distribution, P(X ≥ x) for df degrees of freedom
// (the regularized incomplete gamma function Q(df/2, x/2)).
double chi_square_upper_tail(double x, double df);

}  // namespace edudesk
