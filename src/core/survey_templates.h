#pragma once
// The surveys the desk ships, in Chinese (survey_templates.cpp): "csat" (after a
// ticket), "full" (the seeds' satisfaction questionnaire), "callback" (回访 script) and
// "qa" (质检 checklist). Every template parses (a unit test checks it).
#include <vector>

#include "core/survey.h"

namespace edudesk {

extern const char* const kSurveyTemplates[];  // JSON texts, nullptr-terminated
std::vector<SurveySchema> survey_templates();

}  // namespace edudesk
