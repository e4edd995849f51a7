#pragma once
// The sync API under /api/v1 (docs/SYNC.md): login, push, pull, health, metrics.
// HTTP in, SyncService and SqliteLog behind one mutex (SyncService is not
// thread-safe and SQLite has one writer anyway); httplib's thread pool calls in.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/metrics.h"
#include "server/sqlite_log.h"
#include "sync/service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace edudesk::server {

// "2026-11-24T03:20:00Z": the request log's and health's notion of now.
std::string utc_now();

class SyncApi {
 public:
  explicit SyncApi(SqliteLog& log);

  // Rebuilds the desk from the log; with `demo`, seeds an empty log with the demo
  // desk and gives every demo agent an account with `demo_password`. Loads sessions.
  bool open(bool demo, const std::string& demo_password, std::string& err);
  // Registers the /api routes.
  void install(httplib::Server& svr);

  // For the request log and metrics: the route label of a path (never the raw path).
  static std::string route_of(const std::string& method, const std::string& path);
  Metrics& metrics() { return metrics_; }
  int64_t last_seq() const { return last_seq_.load(); }
  int64_t op_count_at_open() const { return opened_with_; }
  bool created_demo_accounts() const { return created_demo_accounts_; }

 private:
  void login(const httplib::Request& req, httplib::Response& res);
  void push(const httplib::Request& req, httplib::Response& res, const std::string& body);
  void pull(const httplib::Request& req, httplib::Response& res);
  void health(httplib::Response& res);
  void render_metrics(httplib::Response& res);
  // The agent behind the request's bearer token; fills a 401 and returns false otherwise.
  bool authenticate(const httplib::Request& req, httplib::Response& res, std::string& agent_id);

  SqliteLog& log_;
  sync::SyncService service_;
  std::mutex mu_;                                           // guards service_, log_, sessions_
  std::unordered_map<std::string, std::string> sessions_;  // SHA-256(token) → agent id
  std::atomic<int64_t> last_seq_{0};
  std::atomic<int64_t> storage_failures_{0};
  int64_t opened_with_ = 0;
  bool created_demo_accounts_ = false;
  std::chrono::steady_clock::time_point started_;
  Metrics metrics_;
};

}  // namespace edudesk::server
