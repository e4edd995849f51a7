#pragma once
// The portal's learner (issue 8): their requests and their status from
// /api/v1/learner/* with the learner token the portal passed. A request is kept in
// localStorage first and sent until the server has it (the same request id, so a resend
// is the same ticket); the last list is kept too, so the page shows it offline. Kept per
// customer, so two learners on one browser never see each other's requests.
#include <functional>
#include <string>

namespace edudesk::platform {

// `tickets` gets {tickets:[…], pending:[…], offline} whenever it changes; `status` the state
// of the last request: "saved" {request_id}, "sent" {ticket_id, number}, "refused" {error},
// "unauthorized" {error} (the token is not, or no longer, valid: ask the portal again).
// `created` is told of every request the server took ({ticket_id, number, request_id}).
void portal_start(const std::string& learner_token, std::function<void(const std::string& json)> tickets,
                  std::function<void(const std::string& code, const std::string& detail_json)> status,
                  std::function<void(const std::string& json)> created);
// Keeps {subject, text, order_id?, course_id?} with a fresh request id and sends it.
void portal_submit(const std::string& request_json);
// Asks for the list again (after a survey was answered).
void portal_refresh();

}  // namespace edudesk::platform
