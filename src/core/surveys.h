#pragma once
// The survey workflow (issue 5) on top of the schema and statistics (survey.h): how
// its Ops apply, which Commands make them, what the page asks of it. state.cpp,
// commands.cpp and query.cpp dispatch here.
#include <optional>
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
bool unapply_survey_op(State& s, const std::string& op_id);
void add_surveys_image(const State& s, nlohmann::json& img);

// ---- decide -----------------------------------------------------------------------------------
// survey.publish {survey}, survey.send {ticket_id, survey_id}, survey.respond
// {survey_id, answers, response_id?, ticket_id?, mode?}. `known` is false for other types.
bool decide_survey_command(const State& s, const std::string& type, const nlohmann::json& cmd, Context& ctx,
                           Decision& out, Error& err, bool& known);
// The survey.sent Op that resolving `t` schedules (the CSAT, once per ticket), if any.
std::optional<Op> csat_send_on_resolve(const State& s, const Ticket& t, Context& ctx);

// ---- analysis -----------------------------------------------------------------------------------
struct SurveyFilter {
  std::string survey_id;
  Millis from = 0, to = 0;  // 0 = open
  std::string course_id, channel, tier, mode;
};
// The counted responses of `f` as rows with their segments: channel, course, tier (the
// ticket assignee's role), mode, and the survey's demographic answers.
std::vector<ResponseRow> survey_rows(const State& s, const SurveyFilter& f);
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
