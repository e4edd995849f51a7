#pragma once
// Test harness for the real `edudesk serve` process (started by tests/support's
// ServerProcess): an HTTP client for it, and a small sync client built on the same
// core (`decide`, `apply`) and protocol code the desk uses.
#include <httplib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/commands.h"
#include "core/hlc.h"
#include "core/state.h"
#include "sync/protocol.h"
#include "../support/server_process.h"

namespace edudesk::servertest {

using nlohmann::json;

// The server process is the one both suites share (tests/support).
using testsupport::now_ms;
using testsupport::TempDir;
using Server = testsupport::ServerProcess;

// An HTTP client for the server's port (2 s to connect, 20 s to read or write).
std::unique_ptr<httplib::Client> client_for(const Server& server);

struct HttpResult {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  json j;          // the body parsed, or discarded
};

HttpResult get(httplib::Client& c, const std::string& path, const std::string& token = "");
HttpResult post(httplib::Client& c, const std::string& path, const std::string& body, const std::string& token = "");

// last_seq from /api/v1/health, -1 when there is no answer.
int64_t last_seq(httplib::Client& c);

// A desk the way the app has one: logged in, holding the server's ops, making new
// ones with `decide`.
struct Desk {
  std::string agent_id;
  std::string token;
  std::string client_id;
  State state;
  HlcClock clock;
  PrefixIds ids;
  int64_t cursor = 0;
  std::vector<sync::PulledOp> pulled;  // everything pulled so far, in order

  explicit Desk(std::string agent, std::string device_prefix);
  // POST /api/v1/login; fills token.
  bool login(httplib::Client& c, const std::string& password = "edudesk");
  // Pulls every page after `cursor` and applies it; `page` is the limit asked for.
  bool pull_all(httplib::Client& c, int64_t page = 1000, int* pages = nullptr);
  // Decides `cmd` as this agent now, applies it locally, returns its Ops.
  std::vector<Op> make(const json& cmd);
  // A new ticket and `replies` replies on it, each text about `text_bytes` bytes.
  std::vector<Op> ticket_with_replies(int replies, size_t text_bytes = 40);
  json last_result;  // the result of the last `make`
  // Makes a PushRequest body.
  std::string push_body(const std::string& batch_id, const std::vector<Op>& ops) const;
  // POSTs it and parses the answer strictly (as the client does).
  bool push(httplib::Client& c, const std::string& batch_id, const std::vector<Op>& ops, sync::PushResponse& out,
            HttpResult* raw = nullptr);
};

}  // namespace edudesk::servertest
