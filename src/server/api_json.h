#pragma once
// JSON answers and bodies of the /api handlers (api.cpp, learner_api.cpp): one shape for
// every error, `{"ok": false, "error": {"code", "message"[, "field"]}}`, never cached.
#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "sync/protocol.h"

namespace edudesk::server {

inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline void reply(httplib::Response& res, int status, const nlohmann::json& j) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(dump(j), "application/json");
}

inline void fail(httplib::Response& res, int status, const std::string& code, const std::string& message,
                 const std::string& field = "") {
  nlohmann::json e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  reply(res, status, {{"ok", false}, {"error", e}});
}

// The body as a JSON object, at most `max_bytes`; fills a 413/400 and returns false otherwise.
inline bool parse_body(const httplib::Request& req, httplib::Response& res, nlohmann::json& j,
                       size_t max_bytes = 256 * 1024) {
  if (req.body.size() > max_bytes)
    return fail(res, 413, "too_large", "the body exceeds " + std::to_string(max_bytes) + " bytes"), false;
  if (sync::json_depth(req.body) > sync::limits::max_json_depth)
    return fail(res, 400, "too_deep", "the JSON nests too deep"), false;
  j = nlohmann::json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(res, 400, "bad_json", "the body is not a JSON object"), false;
  return true;
}

}  // namespace edudesk::server
