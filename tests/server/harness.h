#pragma once
// Test harness for the real `edudesk serve` process: a temporary folder (database,
// a stand-in web app, the server's log), fork/exec on a free port, SIGTERM/SIGKILL,
// and a small sync client built on the same core (`decide`, `apply`) and protocol
// code the desk uses.
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

namespace edudesk::servertest {

using nlohmann::json;

Millis now_ms();

// A fresh folder under $TMPDIR, removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// One `edudesk serve` child process. The database and its log live in `dir`.
class Server {
 public:
  explicit Server(const TempDir& dir, std::vector<std::string> extra_args = {});
  ~Server();  // kills a still running server (SIGKILL) and reaps it

  // Starts on a free port and waits until /api/v1/health answers. The port is kept
  // across restarts when it is still free.
  bool start(std::string* why = nullptr);
  // Sends `sig` and waits; returns the exit code, or 128 + signal when killed.
  int stop(int sig);
  int kill9() { return stop(9); }
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string db() const { return dir_.file("desk.sqlite"); }
  std::string log() const;  // what the server wrote to stderr so far
  void set_args(std::vector<std::string> extra) { extra_ = std::move(extra); }

  std::unique_ptr<httplib::Client> client() const;

 private:
  const TempDir& dir_;
  std::vector<std::string> extra_;
  int port_ = 0;
  int pid_ = -1;
};

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
