#pragma once
// What the State holds of surveys (issue 5): every published version, the sends
// scheduled after tickets, and the responses with their history.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hlc.h"
#include "core/model.h"
#include "core/survey.h"

namespace edudesk {

struct PublishedSurvey {
  SurveySchema schema;  // schema.version: 1, 2, … per survey id in (hlc, op id) order
  std::string op_id;    // the survey.published Op: what a response names as its version
  std::string by;
  Millis at = 0;
  Hlc hlc;
  Stamp stamp() const { return {hlc, op_id}; }
};

struct SurveySend {
  std::string id;  // the survey.sent Op
  std::string survey_id, ticket_id, customer_id;
  Channel channel = Channel::chat;
  Millis at = 0;
  Millis opened_at = 0;  // when the learner first opened the link (0: not yet)
};

struct SurveyResponse {
  std::string op_id;        // the survey.responded Op
  std::string response_id;  // given when the survey opens; a resend carries the same one
  std::string survey_id, version_op;
  std::string ticket_id, customer_id;
  std::string mode;  // "portal" (the learner), "phone" (a call-back), "desk" (typed by an agent)
  nlohmann::json answers = nlohmann::json::object();
  std::string by;
  Millis at = 0;
  Hlc hlc;
  // derived: one response counts per ticket and survey (or per response id without a ticket)
  bool current = true;
  bool resent = false;  // the same response id and answers again: not counted twice
  Stamp stamp() const { return {hlc, op_id}; }
};

}  // namespace edudesk
