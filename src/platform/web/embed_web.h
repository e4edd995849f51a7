#pragma once
// The desk inside a course portal's iframe (issue 8, web/embed.js): the options the portal
// put in the address, and the postMessage bridge. Messages are taken only from the parent
// window and only when its origin is on the allow-list the portal gave (`embed_origins=`;
// the server's CSP frame-ancestors decides who may frame the desk at all); anything else
// is dropped unread. Events go back to the parent, addressed to an allowed origin only.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace edudesk::platform {

struct EmbedParams {
  bool embedded = false;      // inside another page's frame
  std::string mode = "agent"; // "agent" (the desk) or "learner" (the portal's learner)
  std::string token;          // agent mode: a bearer token from the portal's sign-in (optional)
  std::string learner_token;  // learner mode: from POST /api/v1/learner-token
};
EmbedParams embed_params();

// Listens for the portal's messages; `handle` gets each allowed one ({type:"edudesk.…", …}),
// the ones that came before embed_ready() in order once it is called.
void embed_install(std::function<void(const nlohmann::json& message)> handle);
// The desk is ready for messages: posts edudesk.ready {mode} and hands over the queue.
void embed_ready();
// Posts {type, …data} to the parent (nothing when not embedded or no origin is allowed).
void embed_post(const std::string& type, const nlohmann::json& data);

}  // namespace edudesk::platform
