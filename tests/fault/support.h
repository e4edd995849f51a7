#pragma once
// The pieces every fault test uses: a memory OpStore that completes writes at once,
// a desk (Desk + store + HTTP transport + SyncDriver) with its own clock, a rig
// (temporary folder, the real server process, the fault proxy in front of it), and
// the closing check: every op a desk made is in the server's log exactly once, and
// every desk equals a fresh desk that pulled everything.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/desk.h"
#include "app/sync_driver.h"
#include "../support/server_process.h"
#include "http_transport.h"
#include "proxy.h"
#include "sync/protocol.h"

namespace edudesk::faulttest {

// The server process is the one both suites share (tests/support).
using testsupport::now_ms;
using testsupport::ServerProcess;
using testsupport::TempDir;

using nlohmann::json;

constexpr Millis kDay = 24LL * 3600 * 1000;
constexpr const char* kSupervisor = "a-zhaolei";
constexpr const char* kPassword = "edudesk";

// Writes complete at once (the browser's IndexedDB does it later; the desk's data
// path is the same either way).
class MemoryStore : public OpStore {
 public:
  Desk* desk = nullptr;
  std::vector<Op> durable;                 // every op stored, in arrival order
  std::vector<Op> local;                   // the ops made on this desk, in order
  std::vector<RejectedRecord> rejected;    // set aside by settle
  int64_t cursor = 0;
  int64_t appends = 0;

  void append(const StoreBatch& b) override;
  void settle(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& refused) override;
  std::vector<std::string> outbox() const;  // ids in order
  size_t outbox_size() const { return outbox_pos_.size(); }
  Restored restored() const { return Restored{durable, outbox(), rejected, cursor, {}, {}}; }

 private:
  std::map<int64_t, std::string> outbox_;
  std::unordered_map<std::string, int64_t> outbox_pos_;
  int64_t next_pos_ = 0;
};

// One device: a Desk signed in as `agent`, syncing over HTTP to `port`.
struct DeskClient {
  MemoryStore store;
  Desk desk;
  HttpTransport net;
  SyncDriver driver;
  Millis now;  // this device's clock (tests move it; it may be skewed against the server's)

  DeskClient(int port, const std::string& prefix, const std::string& agent, Millis clock_offset = 0,
             uint64_t jitter_seed = 1);
  // A reload or a second tab: a new desk loaded from a copy of what `from` holds
  // (op log, outbox, rejected, cursor; `local` carries over so the checks know
  // which ops it is responsible for).
  DeskClient(int port, const std::string& prefix, const std::string& agent, const MemoryStore& from, Millis now);

  // Ticks until the desk has nothing to do right now (done, or waiting out a
  // backoff). Returns the number of requests made.
  int sync(int max_requests = 100000);
  // Moves the clock to the end of the backoff (and past the pull period) and syncs.
  int retry();
  // submit at this desk's clock; REQUIREs success.
  Submitted submit(const json& cmd);
  int64_t pending() { return driver.status().pending; }
  std::string last_error() { return driver.status().last_error; }
};

// A temporary folder, the real `edudesk serve` and a fault proxy in front of it.
struct Rig {
  TempDir dir;
  ServerProcess server;
  std::unique_ptr<FaultProxy> proxy;

  explicit Rig(std::vector<std::string> args = {});
  // Stops the server with `sig` (SIGTERM, SIGKILL), starts it again on the same
  // database with `args`, and points the proxy at it.
  void restart(std::vector<std::string> args = {}, int sig = 15);
  void kill9();                 // SIGKILL, no restart
  void start();                 // after kill9
  int64_t last_seq() const;     // from /api/v1/health, -1 when it does not answer
  std::string metrics() const;  // GET /api/v1/metrics
};

// The whole log, pulled directly from the server with a supervisor's token.
std::vector<sync::PulledOp> server_log(int port);

// The closing check of every fault test (see the top of this file). The proxy is
// set to pass and every desk syncs (twice) first, as it would once the link is healthy.
void require_delivered_once(Rig& rig, const std::vector<DeskClient*>& desks);

// A short description of where two state images differ ("" when equal).
std::string image_diff(const json& a, const json& b);

// A new ticket for the desk's first customer and course (the demo desk has them).
json new_ticket_cmd(const State& s, const std::string& subject = "回放视频打不开");

}  // namespace edudesk::faulttest
