#pragma once
// Learner mode (issue 5): the page opened from a survey link shows only that survey.
// It talks to /api/v1/learner/* with the link's key, keeps the survey and an unsent
// answer in localStorage so both survive going offline and reloading, and resends
// until the server has it. No agent account, no desk data, no sync of the op log.
#include <functional>
#include <string>

namespace edudesk::platform {

// {send_id, key} from the address (?learner=…&key=…), or empty when not a survey link.
std::string learner_params();
// Opens the survey (from the server, else the copy kept here); `opened` gets its JSON,
// `status` every change: "opened", "saved" (kept here, waiting for the network),
// "sent", "refused" (with the server's error JSON), "offline_first" (never opened online).
void learner_start(const std::string& send_id, const std::string& key, std::function<void(const std::string&)> opened,
                   std::function<void(const std::string& code, const std::string& detail)> status);
// Keeps {response_id, version_op, answers} here and sends it (again on reconnect).
void learner_submit(const std::string& body_json);

// For agents: asks the server for a send's learner link with the desk's bearer token and
// copies the full address to the clipboard; `done` gets (url, "") or ("", reason).
void request_survey_link(const std::string& token, const std::string& send_id,
                         std::function<void(const std::string& url, const std::string& error)> done);

}  // namespace edudesk::platform
