#pragma once
// The sync wire format (REST under /api/v1, JSON bodies). See docs/SYNC.md.
//   POST /api/v1/login  {agent_id, password}            → {token, agent_id, name, role, server_time}
//   POST /api/v1/push   {client_id, batch_id, ops:[Op]} → {batch_id, results:[PushResult], server_time}
//   GET  /api/v1/pull?after=SEQ&limit=N                 → {ops:[{seq, op}], cursor, more, server_time}
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/op.h"

namespace edudesk::sync {

// What the server did with one pushed Op.
enum class Verdict { accepted, duplicate, rejected };
const char* to_id(Verdict v);

struct PushResult {
  std::string id;
  Verdict verdict = Verdict::rejected;
  int64_t seq = 0;     // accepted or duplicate: its place in the server's log
  std::string code;    // rejected: machine-readable ("forbidden", "not_found", "bad_op", …)
  std::string reason;  // rejected: for people
  std::string field;   // rejected: the field (or survey question) at fault, when known
};

struct PushRequest {
  std::string client_id;
  std::string batch_id;
  std::vector<Op> ops;
};

struct PushResponse {
  std::string batch_id;
  std::vector<PushResult> results;
  int64_t server_time = 0;
};

struct PulledOp {
  int64_t seq = 0;
  Op op;
};

struct PullResponse {
  std::vector<PulledOp> ops;
  int64_t cursor = 0;  // the seq to ask after next time
  bool more = false;   // another page is waiting
  int64_t server_time = 0;
};

namespace limits {
constexpr int64_t max_body_bytes = 4 * 1024 * 1024;
constexpr int64_t max_batch_ops = 500;
constexpr int64_t max_pull_page = 1000;
constexpr int64_t max_json_depth = 16;
constexpr int64_t max_clock_skew_ms = 366LL * 24 * 3600 * 1000;  // beyond a year is not a clock, it is a bug
// An HLC counter counts Ops stamped within one millisecond; far beyond this it is forged
// or corrupt, and every replica that observed it would overflow its clock.
constexpr int64_t max_hlc_counter = 1LL << 32;
}  // namespace limits

nlohmann::json to_json(const PushRequest& r);
nlohmann::json to_json(const PushResponse& r);
nlohmann::json to_json(const PullResponse& r);
// Parsing for the client: anything else than the expected shape (a captive portal's
// HTML, a truncated body, another batch's answer) is refused, so nothing counts as
// acknowledged by accident.
bool parse_push_response(const std::string& body, const std::string& batch_id, PushResponse& out, std::string& why);
bool parse_pull_response(const std::string& body, PullResponse& out, std::string& why);
// Parsing for the server: shape, limits and per-Op validity (an invalid Op inside a
// valid batch is rejected alone, so `bad` collects those).
bool parse_push_request(const std::string& body, PushRequest& out, std::vector<PushResult>& bad, Error& err);

// Nesting depth of a JSON text without parsing it (a cheap guard before parsing).
int64_t json_depth(const std::string& body);

}  // namespace edudesk::sync
