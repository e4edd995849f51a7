#pragma once
// The sync API under /api/v1 (docs/SYNC.md): login, push, pull, health, metrics.
// HTTP in, SyncService and SqliteLog behind one mutex (SyncService is not
// thread-safe and SQLite has one writer anyway); httplib's thread pool calls in.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

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
  ~SyncApi();

  // Rebuilds the desk from the log; with `demo`, seeds an empty log with the demo
  // desk and gives every demo agent an account with `demo_password`. Loads sessions.
  bool open(bool demo, const std::string& demo_password, std::string& err);
  // Pays approved refunds through `provider` on a thread of its own: woken by every
  // push, retrying an unavailable provider with backoff (1 s doubling to 30 s).
  void start_payments(sync::PaymentProvider& provider);
  void stop_payments();
  int64_t payments_recorded() const { return payments_recorded_.load(); }
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
  // Learners' survey links (issue 5): an agent asks for a send's link; the learner opens
  // it and answers with the link's key, without an account and without seeing the desk.
  void survey_link(const httplib::Request& req, httplib::Response& res);
  void learner_open(const httplib::Request& req, httplib::Response& res);
  void learner_answer(const httplib::Request& req, httplib::Response& res);
  // The course portal (issue 8, learner_api.cpp): an agent (the portal's service account)
  // asks for a learner token bound to one customer; with it the learner submits requests
  // and follows their own tickets (public messages only), and nothing else.
  void learner_token(const httplib::Request& req, httplib::Response& res);
  void learner_request(const httplib::Request& req, httplib::Response& res);
  void learner_tickets(const httplib::Request& req, httplib::Response& res);
  // The customer behind the request's learner token; fills a 401/403 and returns false otherwise.
  bool authenticate_learner(const httplib::Request& req, httplib::Response& res, std::string& customer_id);
  std::string sign_learner_token(const std::string& customer_id, int64_t expires_at) const;
  // The send behind {send_id, key}; fills a 403/404 and returns nullptr otherwise (holds mu_).
  const SurveySend* learner_send(const nlohmann::json& body, httplib::Response& res);
  std::string link_key(const std::string& send_id) const;
  void render_metrics(httplib::Response& res);
  // The agent behind the request's bearer token; fills a 401 and returns false otherwise.
  bool authenticate(const httplib::Request& req, httplib::Response& res, std::string& agent_id);

  void payment_loop();
  // One pass over the due payments; the number still waiting for the provider (-1: the log failed).
  int64_t settle_now();
  void wake_payments();

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
  std::string link_secret_;     // the key of survey links (secrets table)
  std::string learner_secret_;  // the key of learner tokens (secrets table; a new one revokes all)
  // the payment worker
  sync::PaymentProvider* provider_ = nullptr;
  std::thread payer_;
  std::mutex pay_mu_;
  std::condition_variable pay_cv_;
  bool pay_wake_ = false, pay_stop_ = false;
  std::atomic<int64_t> payments_recorded_{0}, payments_waiting_{0};
};

}  // namespace edudesk::server
