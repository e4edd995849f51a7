#pragma once
// The survey workflow (issue 5) on top of the schema and statistics (survey.h): how
// its Ops apply, which Commands make them, what the page asks of it. state.cpp,
// commands.cpp and query.cpp dispatch here.
#include <optional>
#include <unordered_set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/commands.h"
#include "core/state.h"

namespace edudesk {

// ---- apply ------------------------------------------------------------------------------------
bool apply_survey_published(State& s, const Op& op, Error& err);
bool apply_survey_sent(State& s, const Op& op, Error& err);
bool apply_survey_responded(State& s, const Op& op, Error& err);
bool apply_survey_opened(State& s, const Op& op, Error& err);
bool apply_survey_timing(State& s, const Op& op, Error& err);
bool unapply_survey_op(State& s, const std::string& op_id);
void add_surveys_image(const State& s, nlohmann::json& img);

// ---- decide -----------------------------------------------------------------------------------
// survey.publish {survey}, survey.send {ticket_id, survey_id}, survey.respond
// {survey_id, answers, response_id?, ticket_id?, mode?}, survey.set_timing {csat_timing}.
// `known` is false for other types.
bool decide_survey_command(const State& s, const std::string& type, const nlohmann::json& cmd, Context& ctx,
                           Decision& out, Error& err, bool& known);
// The survey.sent Op that resolving `t` schedules (the CSAT, once per ticket), if any.
std::optional<Op> csat_send_on_resolve(const State& s, const Ticket& t, Context& ctx);

// ---- analysis -----------------------------------------------------------------------------------
struct SurveyFilter {
  std::string survey_id;
  Millis from = 0, to = 0;  // 0 = open
  std::string course_id, channel, tier, mode;
  std::string customer;  // "learner" or "parent" (the customer segment); "" = both
};
// The counted responses of `f` as rows with their segments: channel, course, tier (the
// ticket assignee's role), mode, and the survey's demographic answers.
std::vector<ResponseRow> survey_rows(const State& s, const SurveyFilter& f);
// One counted response as a statistics row (segments as survey_rows gives them); false
// when it does not pass `f` or is not counted.
bool response_row(const State& s, const SurveyResponse& r, const SurveyFilter& f, ResponseRow& out);

// The rows of `t` where keep[i] is true, as a table of their own (a filter over columns).
ResponseTable select_rows(const ResponseTable& t, const std::vector<bool>& keep);

// A survey's counted responses kept as columns in step with the State, so the analytics
// recompute over columns without going back through every response: new responses are
// appended; a replacement or a taken-back response rebuilds. Segments are the ticket's
// facts when the response arrived. Filters select rows over the columns.
class SurveyColumns {
 public:
  // Brings the table up to date with `s` for `survey_id`; cheap when nothing changed.
  void sync(const State& s, const std::string& survey_id);
  // Statistics of the rows passing `f` (survey_id ignored; channel, tier, course, from, to, mode).
  nlohmann::json stats(const State& s, const SurveyFilter& f) const;
  const ResponseTable& table() const { return table_; }
  int64_t rebuilds() const { return rebuilds_; }

 private:
  void rebuild(const State& s, const std::string& survey_id);
  std::string survey_id_, version_op_;
  size_t seen_ = 0;              // responses of the State looked at
  std::vector<Millis> at_;       // per row: when it was answered
  std::vector<std::string> course_id_;
  std::unordered_set<std::string> groups_;  // tickets (or response ids) with a row
  ResponseTable table_;
  int64_t rebuilds_ = 0;
};

// The rows as the CSV of docs/SURVEYS.md (the one parse_responses_csv reads): UTF-8 with a
// BOM so Excel opens Chinese correctly, header response_id, the segment columns (sorted),
// then one column per question in schema order; multiple choice as "a;b".
std::string survey_csv(const SurveySchema& s, const std::vector<ResponseRow>& rows);
// sent / answered per channel for a survey (response rates; the denominator is "sent").
nlohmann::json survey_rates(const State& s, const std::string& survey_id);

// ---- queries ------------------------------------------------------------------------------------
// surveys.list, survey.get {survey_id, version?}, survey.responses {survey_id, ticket_id?},
// survey.stats {survey_id, from?, to?, course_id?, channel?, tier?, mode?},
// survey.export {same filters, format: "csv"|"json"} → {filename, mime, text}. `known` false otherwise.
bool run_survey_query(const State& s, const nlohmann::json& q, Millis now, nlohmann::json& out, Error& err,
                      bool& known);

}  // namespace edudesk
