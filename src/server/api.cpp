#include "server/api.h"

#include <httplib.h>

#include <cstdlib>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/demo.h"
#include "core/enums.h"
#include "server/api_json.h"
#include "server/crypto.h"
#include "sync/protocol.h"

namespace edudesk::server {
namespace {

using nlohmann::json;
namespace limits = sync::limits;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int status_for(const std::string& parse_code) {
  if (parse_code == "too_large" || parse_code == "too_many_ops") return 413;
  return 400;  // too_deep, bad_json, bad_request
}

bool parse_param(const httplib::Request& req, const char* name, int64_t fallback, int64_t& out) {
  if (!req.has_param(name)) return out = fallback, true;
  std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 19) return false;
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (*end != 0) return false;
  out = n;
  return true;
}

// Limits of the login body's fields (the push limits are in sync/protocol.h).
constexpr size_t kMaxAgentId = 128;
constexpr size_t kMaxPassword = 1024;

}  // namespace

SyncApi::SyncApi(SqliteLog& log) : log_(log), service_(log), started_(std::chrono::steady_clock::now()) {}

SyncApi::~SyncApi() { stop_payments(); }

void SyncApi::start_payments(sync::PaymentProvider& provider) {
  provider_ = &provider;
  // Approvals that waited while the server was down are settled before it answers
  // anyone, so a fresh start is deterministic; what the provider cannot take yet is
  // left to the worker's retries.
  pay_stop_ = false;
  pay_wake_ = settle_now() != 0;
  payer_ = std::thread([this] { payment_loop(); });
}

void SyncApi::stop_payments() {
  if (!payer_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(pay_mu_);
    pay_stop_ = true;
  }
  pay_cv_.notify_all();
  payer_.join();
}

void SyncApi::wake_payments() {
  if (!provider_) return;
  {
    std::lock_guard<std::mutex> l(pay_mu_);
    pay_wake_ = true;
  }
  pay_cv_.notify_all();
}

int64_t SyncApi::settle_now() {
  int64_t waiting = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    std::string err;
    int64_t before = service_.last_seq();
    waiting = service_.settle_payments(*provider_, now_ms(), err, &lock);
    if (waiting < 0) {
      ++storage_failures_;
      std::fprintf(stderr, "edudesk: recording a payment failed, will retry: %s\n", err.c_str());
    }
    payments_recorded_ += service_.last_seq() - before;
    last_seq_ = service_.last_seq();
  }
  payments_waiting_ = waiting < 0 ? 1 : waiting;
  return waiting;
}

void SyncApi::payment_loop() {
  std::chrono::milliseconds backoff{0};
  std::unique_lock<std::mutex> wl(pay_mu_);
  while (!pay_stop_) {
    auto ready = [this] { return pay_wake_ || pay_stop_; };
    if (backoff.count() > 0) pay_cv_.wait_for(wl, backoff, ready);
    else pay_cv_.wait(wl, ready);
    if (pay_stop_) break;
    pay_wake_ = false;
    wl.unlock();
    int64_t waiting = settle_now();
    wl.lock();
    backoff = waiting == 0 ? std::chrono::milliseconds(0)
                           : std::min<std::chrono::milliseconds>(
                                 std::chrono::milliseconds(30000),
                                 backoff.count() ? backoff * 2 : std::chrono::milliseconds(1000));
  }
}

bool SyncApi::open(bool demo, const std::string& demo_password, std::string& err) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!service_.open(err)) return false;
  opened_with_ = service_.last_seq();
  if (demo) {
    DemoOptions opt;
    opt.end = now_ms();
    std::vector<Op> ops = demo_ops(opt);
    if (!service_.seed_if_empty(ops, err)) return err = "seeding the demo desk failed: " + err, false;
    int64_t accounts = 0;
    if (!log_.account_count(accounts, err)) return false;
    if (accounts == 0) {
      // The demo agents, as the demo desk creates them; also after a crash between
      // seeding and this step.
      for (const Op& op : ops) {
        if (op.type != op_type::agent_created) continue;
        std::string id = op.data.value("agent_id", std::string());
        if (!service_.state().agent(id)) continue;
        std::string hash = hash_password(demo_password);
        if (hash.empty()) return err = "no randomness for password salts (/dev/urandom)", false;
        if (!log_.put_account(id, hash, err)) return false;
        created_demo_accounts_ = true;
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> tokens;
  if (!log_.load_tokens(tokens, err)) return false;
  sessions_.clear();
  for (auto& [hash, agent] : tokens) sessions_[hash] = agent;
  if (!log_.secret("survey_links", link_secret_, err)) return false;
  if (!log_.secret("learner_tokens", learner_secret_, err)) return false;
  last_seq_ = service_.last_seq();
  return true;
}

std::string SyncApi::route_of(const std::string& method, const std::string& path) {
  static const char* const kRoutes[] = {"/api/v1/login",  "/api/v1/push",    "/api/v1/pull",
                                        "/api/v1/health", "/api/v1/metrics", "/api/health",
                                        "/api/v1/survey-link", "/api/v1/learner/open", "/api/v1/learner/answer",
                                        "/api/v1/learner-token", "/api/v1/learner/request", "/api/v1/learner/tickets"};
  for (const char* r : kRoutes)
    if (path == r) return r;
  if (path.rfind("/api/", 0) == 0) return "/api/other";
  return method == "GET" || method == "HEAD" ? "static" : "other";
}

bool SyncApi::authenticate(const httplib::Request& req, httplib::Response& res, std::string& agent_id) {
  const std::string h = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) {
    fail(res, 401, "unauthorized", "log in first: send Authorization: Bearer <token> from POST /api/v1/login");
    res.set_header("WWW-Authenticate", "Bearer");
    return false;
  }
  std::string hash = sha256_hex(h.substr(prefix.size()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(hash);
    if (it != sessions_.end()) {
      agent_id = it->second;
      return true;
    }
  }
  fail(res, 401, "unauthorized", "the token is unknown or expired; log in again");
  res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return false;
}

void SyncApi::login(const httplib::Request& req, httplib::Response& res) {
  if (sync::json_depth(req.body) > limits::max_json_depth)
    return fail(res, 400, "too_deep", "the JSON nests too deep");
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(res, 400, "bad_json", "the body is not a JSON object");
  auto a = j.find("agent_id");
  auto p = j.find("password");
  if (a == j.end() || !a->is_string() || p == j.end() || !p->is_string())
    return fail(res, 400, "bad_request", "a login needs agent_id and password (strings)");
  std::string agent_id = a->get<std::string>(), password = p->get<std::string>();
  if (agent_id.size() > kMaxAgentId || password.size() > kMaxPassword)
    return fail(res, 400, "too_long", "agent_id or password is too long");

  std::string stored, err;
  bool found = false, storage_ok;
  {
    std::lock_guard<std::mutex> lock(mu_);
    storage_ok = log_.get_account(agent_id, stored, found, err);
  }
  if (!storage_ok) {
    ++storage_failures_;
    return fail(res, 503, "storage_unavailable", err);
  }
  // The slow hash runs outside the lock; an unknown agent costs the same time.
  static const std::string kDummy = hash_password("not a password");
  bool ok = verify_password(password, found ? stored : kDummy) && found;
  const char* bad = "unknown agent or wrong password";
  if (!ok) return fail(res, 401, "bad_credentials", bad);

  std::string token = random_hex(32);
  if (token.empty()) return fail(res, 503, "no_randomness", "the server cannot read /dev/urandom");
  Millis now = now_ms();
  std::lock_guard<std::mutex> lock(mu_);
  const Agent* agent = service_.state().agent(agent_id);
  if (!agent) return fail(res, 401, "bad_credentials", bad);
  std::string hash = sha256_hex(token);
  if (!log_.put_token(hash, agent_id, now, err)) {
    ++storage_failures_;
    return fail(res, 503, "storage_unavailable", err);
  }
  sessions_[hash] = agent_id;
  reply(res, 200,
        {{"token", token}, {"agent_id", agent->id}, {"name", agent->name}, {"role", to_id(agent->role)},
         {"server_time", now}});
}

void SyncApi::push(const httplib::Request& req, httplib::Response& res, const std::string& body) {
  std::string agent_id;
  if (!authenticate(req, res, agent_id)) return;
  sync::PushRequest pr;
  std::vector<sync::PushResult> bad;
  Error perr;
  if (!sync::parse_push_request(body, pr, bad, perr)) return fail(res, status_for(perr.code), perr.code, perr.message);

  sync::PushResponse out;
  std::string err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!service_.push(agent_id, pr, bad, now_ms(), out, err)) {
      ++storage_failures_;
      return fail(res, 503, "storage_unavailable", "nothing of this batch was stored, retry later: " + err);
    }
    last_seq_ = service_.last_seq();
  }
  wake_payments();  // an approval may have come in
  // The batch is durable (fsynced) before this answer is written.
  reply(res, 200, sync::to_json(out));
}

void SyncApi::pull(const httplib::Request& req, httplib::Response& res) {
  std::string agent_id;
  if (!authenticate(req, res, agent_id)) return;
  int64_t after = 0, limit = 0;
  if (!parse_param(req, "after", 0, after) || after < 0)
    return fail(res, 400, "bad_params", "after must be a sequence number >= 0");
  if (!parse_param(req, "limit", limits::max_pull_page, limit) || limit < 1)
    return fail(res, 400, "bad_params",
                "limit must be a number from 1 to " + std::to_string(limits::max_pull_page) + " (larger is capped)");
  sync::PullResponse out;
  std::string err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!service_.pull(after, limit, now_ms(), out, err)) {
      ++storage_failures_;
      return fail(res, 503, "storage_unavailable", err);
    }
  }
  reply(res, 200, sync::to_json(out));
}

void SyncApi::health(httplib::Response& res) {
  auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  reply(res, 200,
        {{"ok", true}, {"service", "edudesk"}, {"uptime_s", up}, {"last_seq", last_seq_.load()}, {"time", utc_now()}});
}

void SyncApi::render_metrics(httplib::Response& res) {
  sync::PushStats st;
  size_t sessions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    st = service_.stats();
    sessions = sessions_.size();
  }
  auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  std::string out;
  out += "# HELP edudesk_push_ops_total Ops received by push since start, by verdict.\n"
         "# TYPE edudesk_push_ops_total counter\n";
  out += "edudesk_push_ops_total{verdict=\"accepted\"} " + std::to_string(st.accepted) + "\n";
  out += "edudesk_push_ops_total{verdict=\"duplicate\"} " + std::to_string(st.duplicate) + "\n";
  out += "edudesk_push_ops_total{verdict=\"rejected\"} " + std::to_string(st.rejected) + "\n";
  // One gauge or counter: its help line, its type and its value.
  auto metric = [&out](const char* name, const char* type, const char* help, int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  metric("edudesk_storage_failures_total", "counter",
         "Requests answered 503 because the store refused a read or write.", storage_failures_.load());
  metric("edudesk_last_seq", "gauge", "The sequence number of the newest op in the log.", last_seq_.load());
  metric("edudesk_sessions", "gauge", "Bearer tokens the server accepts.", static_cast<int64_t>(sessions));
  metric("edudesk_uptime_seconds", "gauge", "Seconds since the server started.", up);
  metric("edudesk_refund_outcomes_total", "counter", "Refund payments and blocks the server recorded since start.",
         payments_recorded_.load());
  metric("edudesk_refunds_waiting_for_provider", "gauge", "Approved refunds the provider could not take yet.",
         payments_waiting_.load());
  out += metrics_.render();
  res.set_header("Cache-Control", "no-store");
  res.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
}

// ---- learners' survey links ------------------------------------------------------------

std::string SyncApi::link_key(const std::string& send_id) const {
  return hmac_sha256_hex(link_secret_, "survey-link:" + send_id).substr(0, 32);
}

void SyncApi::survey_link(const httplib::Request& req, httplib::Response& res) {
  std::string agent_id;
  if (!authenticate(req, res, agent_id)) return;
  json j;
  if (!parse_body(req, res, j)) return;
  std::string send_id = j.value("send_id", "");
  std::lock_guard<std::mutex> lock(mu_);
  for (const SurveySend& x : service_.state().survey_sends)
    if (x.id == send_id) {
      std::string key = link_key(send_id);
      return reply(res, 200, {{"send_id", send_id}, {"key", key}, {"path", "/?learner=" + send_id + "&key=" + key}});
    }
  fail(res, 404, "not_found", "no survey send '" + send_id + "' on the server (sync first?)");
}

const SurveySend* SyncApi::learner_send(const json& j, httplib::Response& res) {
  auto sid = j.find("send_id");
  auto key = j.find("key");
  if (sid == j.end() || !sid->is_string() || key == j.end() || !key->is_string()) {
    fail(res, 400, "bad_request", "send_id and key (strings) are required");
    return nullptr;
  }
  const std::string send_id = sid->get<std::string>();
  if (!equal_constant_time(key->get<std::string>(), link_key(send_id))) {
    fail(res, 403, "bad_link", "this survey link is not valid");
    return nullptr;
  }
  for (const SurveySend& x : service_.state().survey_sends)
    if (x.id == send_id) return &x;
  fail(res, 404, "not_found", "this survey is no longer available");
  return nullptr;
}

void SyncApi::learner_open(const httplib::Request& req, httplib::Response& res) {
  json j;
  if (!parse_body(req, res, j)) return;
  std::lock_guard<std::mutex> lock(mu_);
  const SurveySend* x = learner_send(j, res);
  if (!x) return;
  const State& s = service_.state();
  const PublishedSurvey* v = s.survey(x->survey_id);
  const Ticket* t = s.ticket(x->ticket_id);
  if (!v || !t) return fail(res, 404, "not_found", "this survey is no longer available");
  // Only what the learner needs: the survey and which request it follows; no desk data.
  const Course* k = s.course(t->course_id);
  json out{{"send_id", x->id},
           {"survey", survey_schema_json(v->schema)},
           {"version_op", v->op_id},
           {"ticket_number", t->number},
           {"subject", t->subject},
           {"course", k ? k->name : ""},
           {"answered", false}};
  for (const SurveyResponse& r : s.responses)
    if (r.current && r.ticket_id == t->id && r.survey_id == x->survey_id && r.mode == "portal") out["answered"] = true;
  if (x->opened_at == 0) {  // the first open counts for the response rate
    Op op{"srv-open-" + x->id, op_type::survey_opened, now_ms(), "system", {{"send_id", x->id}}, {}};
    sync::PushResult r;
    std::string err;
    if (!service_.append(op, r, err)) ++storage_failures_;
    last_seq_ = service_.last_seq();
  }
  reply(res, 200, out);
}

void SyncApi::learner_answer(const httplib::Request& req, httplib::Response& res) {
  json j;
  if (!parse_body(req, res, j)) return;
  std::lock_guard<std::mutex> lock(mu_);
  const SurveySend* x = learner_send(j, res);
  if (!x) return;
  auto rid = j.find("response_id");
  auto vop = j.find("version_op");
  auto answers = j.find("answers");
  if (rid == j.end() || !rid->is_string() || rid->get<std::string>().empty() || rid->get<std::string>().size() > 64 ||
      vop == j.end() || !vop->is_string() || answers == j.end() || !answers->is_object())
    return fail(res, 400, "bad_request", "response_id, version_op and answers are required");
  const Ticket* t = service_.state().ticket(x->ticket_id);
  if (!t) return fail(res, 404, "not_found", "this survey is no longer available");
  // The Op is the server's, on the learner's behalf: the same response id and answers give
  // the same Op id, so a resend is a duplicate, never a second count.
  std::string content = x->id + "|" + rid->get<std::string>() + "|" + answers->dump();
  Op op{"lrn-" + sha256_hex(content).substr(0, 32), op_type::survey_responded, now_ms(), t->customer_id,
        {{"response_id", *rid}, {"version_op", *vop}, {"ticket_id", t->id}, {"mode", "portal"}, {"answers", *answers}},
        {}};
  sync::PushResult r;
  std::string err;
  if (!service_.append(op, r, err)) {
    ++storage_failures_;
    return fail(res, 503, "storage_unavailable", "your answers were not stored, they will be sent again: " + err);
  }
  last_seq_ = service_.last_seq();
  if (r.verdict == sync::Verdict::rejected) {
    res.status = 422;
    res.set_content(json{{"ok", false}, {"error", {{"code", r.code}, {"field", r.field}, {"message", r.reason}}}}.dump(
                        -1, ' ', false, json::error_handler_t::replace),
                    "application/json");
    return;
  }
  reply(res, 200, {{"response_id", *rid}, {"duplicate", r.verdict == sync::Verdict::duplicate}});
}

void SyncApi::install(httplib::Server& svr) {
  svr.Post("/api/v1/login", [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
  // The push body is read through a receiver so the cap also holds for chunked or
  // compressed bodies (Content-Length beyond the cap is refused by httplib unread).
  svr.Post("/api/v1/push",
           [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
             std::string body;
             bool too_large = false;
             size_t total = 0;
             const size_t cap = static_cast<size_t>(limits::max_body_bytes);
             bool read = reader([&](const char* data, size_t len) {
               total += len;
               if (total > 2 * cap) return false;  // abuse: stop reading, the connection is dropped
               if (total > cap) {
                 too_large = true;  // keep reading (and discarding) so the answer arrives cleanly
                 body.clear();
                 body.shrink_to_fit();
                 return true;
               }
               body.append(data, len);
               return true;
             });
             if (!read || too_large) {
               if (res.status == 413 || total > cap) {
                 res.set_header("Connection", "close");
                 return fail(res, 413, "too_large",
                             "the request body exceeds " + std::to_string(limits::max_body_bytes) +
                                 " bytes; split the batch");
               }
               return fail(res, 400, "bad_body", "the request body could not be read (truncated?)");
             }
             push(req, res, body);
           });
  svr.Get("/api/v1/pull", [this](const httplib::Request& req, httplib::Response& res) { pull(req, res); });
  svr.Get("/api/v1/health", [this](const httplib::Request&, httplib::Response& res) { health(res); });
  svr.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) { health(res); });
  svr.Get("/api/v1/metrics", [this](const httplib::Request&, httplib::Response& res) { render_metrics(res); });
  svr.Post("/api/v1/survey-link", [this](const httplib::Request& req, httplib::Response& res) { survey_link(req, res); });
  svr.Post("/api/v1/learner/open", [this](const httplib::Request& req, httplib::Response& res) { learner_open(req, res); });
  svr.Post("/api/v1/learner/answer",
           [this](const httplib::Request& req, httplib::Response& res) { learner_answer(req, res); });
  svr.Post("/api/v1/learner-token", [this](const httplib::Request& req, httplib::Response& res) { learner_token(req, res); });
  svr.Post("/api/v1/learner/request",
           [this](const httplib::Request& req, httplib::Response& res) { learner_request(req, res); });
  svr.Get("/api/v1/learner/tickets",
          [this](const httplib::Request& req, httplib::Response& res) { learner_tickets(req, res); });
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace edudesk::server
