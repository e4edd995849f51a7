// The course portal's learner endpoints (issue 8). A portal embeds the desk in learner
// mode for its signed-in learner; its server (or an agent's desk) asks for a learner token
// bound to one customer, and the learner uses it to submit requests and follow their own
// tickets. A token is signed, not stored: "lt1.<customer id>.<expires ms>.<HMAC-SHA256>"
// under a server secret (SQLite `secrets`, like the survey links' key), so it survives
// restarts, cannot be forged or moved to another customer, and a new secret revokes all.
// A learner sees their tickets' status, their own messages and the agents' replies, and
// the survey links of their tickets; never internal notes, assignments or anyone else's data.
#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "core/classify.h"
#include "core/commands.h"
#include "core/enums.h"
#include "core/fields.h"
#include "server/api.h"
#include "server/api_json.h"
#include "server/crypto.h"

namespace edudesk::server {
namespace {

using nlohmann::json;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr int64_t kDefaultTtlHours = 30 * 24;
constexpr int64_t kMaxTtlHours = 365 * 24;
constexpr size_t kMaxRequestBody = 64 * 1024;  // a request's subject and text fit many times over
constexpr size_t kMaxTicketsListed = 50;        // the newest; a learner rarely has more

// Ids the token carries between dots, and request ids: letters, digits, '-', '_' and ':'.
bool plain_id(const std::string& s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == ':'))
      return false;
  return true;
}

// Ids made from a fixed stem: a retried request makes the same ticket and Op ids, so the
// second submit is found (and, if it races the first, deduplicated by Op id).
class StemIds : public IdSource {
 public:
  explicit StemIds(std::string stem) : stem_(std::move(stem)) {}
  std::string next() override { return stem_ + "-" + std::to_string(++n_); }

 private:
  std::string stem_;
  int n_ = 0;
};

// Field errors of a body: a value too long is 422 (understood, refused), anything else 400.
int status_of(const Error& e) { return e.code == "too_long" ? 422 : 400; }

}  // namespace

std::string SyncApi::sign_learner_token(const std::string& customer_id, int64_t expires_at) const {
  std::string body = "lt1." + customer_id + "." + std::to_string(expires_at);
  return body + "." + hmac_sha256_hex(learner_secret_, "learner-token:" + body);
}

bool SyncApi::authenticate_learner(const httplib::Request& req, httplib::Response& res, std::string& customer_id) {
  const std::string h = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (h.compare(0, prefix.size(), prefix) != 0) {
    fail(res, 401, "unauthorized", "send the learner token as Authorization: Bearer <token> (POST /api/v1/learner-token)");
    res.set_header("WWW-Authenticate", "Bearer");
    return false;
  }
  const std::string token = h.substr(prefix.size());
  // lt1 . customer . expires . signature
  size_t a = token.find('.'), b = a == std::string::npos ? a : token.find('.', a + 1),
         c = b == std::string::npos ? b : token.find('.', b + 1);
  auto bad = [&res](const char* code, const char* message) {
    fail(res, 401, code, message);
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return false;
  };
  if (token.size() > 512 || c == std::string::npos || token.compare(0, a, "lt1") != 0)
    return bad("bad_token", "this is not a learner token");
  std::string customer = token.substr(a + 1, b - a - 1), expires = token.substr(b + 1, c - b - 1);
  char* end = nullptr;
  long long exp = std::strtoll(expires.c_str(), &end, 10);
  if (!plain_id(customer, limits::id) || expires.empty() || expires.size() > 15 || *end != 0 ||
      !equal_constant_time(token, sign_learner_token(customer, exp)))
    return bad("bad_token", "the learner token is not valid");
  if (exp < now_ms()) return bad("token_expired", "the learner token has expired; the portal asks for a new one");
  std::lock_guard<std::mutex> lock(mu_);
  if (!service_.state().customer(customer)) {
    fail(res, 403, "forbidden", "this learner is not known to the desk");
    return false;
  }
  customer_id = customer;
  return true;
}

void SyncApi::learner_token(const httplib::Request& req, httplib::Response& res) {
  std::string agent_id;
  if (!authenticate(req, res, agent_id)) return;
  json j;
  if (!parse_body(req, res, j)) return;
  Error e;
  std::string customer_id;
  int64_t ttl_hours = kDefaultTtlHours;
  if (!read_string(j, "customer_id", customer_id, e, limits::id, false) || !read_int(j, "ttl_hours", ttl_hours, e, false))
    return fail(res, status_of(e), e.code, e.message, e.field);
  if (ttl_hours < 1 || ttl_hours > kMaxTtlHours)
    return fail(res, 400, "invalid_value", "ttl_hours is from 1 to " + std::to_string(kMaxTtlHours), "ttl_hours");
  Millis now = now_ms();
  std::lock_guard<std::mutex> lock(mu_);
  const State& s = service_.state();
  if (customer_id.empty()) {
    // The portal's learner by name and phone: the desk's customer with both, else a new one,
    // made by this agent with ids from the name and phone (asking twice makes one customer).
    auto c = j.find("customer");
    if (c == j.end() || !c->is_object())
      return fail(res, 400, "missing_field", "give customer_id or customer {name, phone, is_parent}", "customer");
    std::string name, phone;
    if (!read_string(*c, "name", name, e, limits::name, true) || !read_string(*c, "phone", phone, e, limits::phone, false))
      return fail(res, status_of(e), e.code, e.message, "customer." + e.field);
    for (const Customer& x : s.customers)
      if (x.name == name && x.phone == phone && !phone.empty()) customer_id = x.id;
    if (customer_id.empty()) {
      StemIds ids("lt-" + sha256_hex(name + "\n" + phone).substr(0, 20));
      Context ctx{now, agent_id, &ids, nullptr};
      Decision d;
      json cmd = *c;
      cmd["type"] = "customer.create";
      if (!decide(s, cmd, ctx, d, e)) return fail(res, status_of(e), e.code, e.message, "customer." + e.field);
      customer_id = d.result["customer_id"].get<std::string>();
      if (!s.customer(customer_id)) {
        for (const Op& op : d.ops) {
          sync::PushResult r;
          std::string err;
          if (!service_.append(op, r, err)) {
            ++storage_failures_;
            return fail(res, 503, "storage_unavailable", err);
          }
          if (r.verdict == sync::Verdict::rejected) return fail(res, 422, r.code, r.reason, r.field);
        }
        last_seq_ = service_.last_seq();
      }
    }
  }
  const Customer* cust = s.customer(customer_id);
  if (!cust) return fail(res, 404, "not_found", "no customer " + customer_id + " on the server", "customer_id");
  if (!plain_id(customer_id, limits::id))
    return fail(res, 422, "invalid_value", "this customer's id cannot be put in a token", "customer_id");
  int64_t expires = now + ttl_hours * 3600 * 1000;
  reply(res, 200,
        {{"token", sign_learner_token(customer_id, expires)},
         {"customer_id", customer_id},
         {"name", cust->name},
         {"expires_at", expires}});
}

void SyncApi::learner_request(const httplib::Request& req, httplib::Response& res) {
  std::string customer_id;
  if (!authenticate_learner(req, res, customer_id)) return;
  json j;
  if (!parse_body(req, res, j, kMaxRequestBody)) return;
  Error e;
  std::string request_id, subject, text, order_id, course_id;
  if (!read_string(j, "request_id", request_id, e, limits::id, true))
    return fail(res, 400, e.code == "too_long" ? "bad_request" : e.code,
                "request_id (1 to 64 letters, digits, '-' or '_', made once per request) is required", "request_id");
  if (!plain_id(request_id, limits::id))
    return fail(res, 400, "bad_request", "request_id holds letters, digits, '-', '_' and ':' only", "request_id");
  if (!read_string(j, "subject", subject, e, limits::subject, true) ||
      !read_string(j, "text", text, e, limits::text, false) ||
      !read_string(j, "order_id", order_id, e, limits::id, false) ||
      !read_string(j, "course_id", course_id, e, limits::id, false)) {
    std::string message = e.code == "too_long" ? e.field + " is longer than " +
                                                     std::to_string(e.field == "subject" ? limits::subject : e.field == "text" ? limits::text : limits::id) +
                                                     " characters"
                                               : e.message;
    return fail(res, status_of(e), e.code, message, e.field);
  }
  const std::string stem = "lrq-" + sha256_hex(customer_id + "\n" + request_id).substr(0, 24);
  std::lock_guard<std::mutex> lock(mu_);
  const State& s = service_.state();
  // The same request again (a lost answer, a second tab, the offline queue): the same ticket.
  if (const Ticket* t = s.ticket("t-" + stem + "-1"))
    return reply(res, 200, {{"ticket_id", t->id}, {"number", t->number}, {"status", to_id(t->status)}, {"duplicate", true}});
  // Routed like any new ticket: the category and priority the desk's classifier reads from
  // the words, the web form channel; the learner is the author.
  Classification cls = classify(subject + "\n" + text);
  json cmd{{"type", "ticket.create"},   {"channel", "web_form"},           {"customer_id", customer_id},
           {"subject", subject},        {"text", text},                    {"category", to_id(cls.category)},
           {"priority", to_id(cls.priority)}};
  if (!order_id.empty()) cmd["order_id"] = order_id;
  if (!course_id.empty()) cmd["course_id"] = course_id;
  StemIds ids(stem);
  Context ctx{now_ms(), customer_id, &ids, nullptr, "portal"};
  Decision d;
  if (!decide(s, cmd, ctx, d, e)) {
    // An order or course that is not the learner's is understood and refused.
    int status = e.code == "not_found" || e.code == "too_long" ? 422 : 400;
    return fail(res, status, e.code, e.message, e.field);
  }
  for (const Op& op : d.ops) {
    sync::PushResult r;
    std::string err;
    if (!service_.append(op, r, err)) {
      ++storage_failures_;
      return fail(res, 503, "storage_unavailable", "your request was not stored, it will be sent again: " + err);
    }
    if (r.verdict == sync::Verdict::rejected) return fail(res, 422, r.code, r.reason, r.field);
  }
  last_seq_ = service_.last_seq();
  const Ticket* t = s.ticket(d.result["ticket_id"].get<std::string>());
  if (!t) return fail(res, 503, "storage_unavailable", "your request was not stored, it will be sent again");
  reply(res, 200, {{"ticket_id", t->id}, {"number", t->number}, {"status", to_id(t->status)}, {"duplicate", false}});
}

void SyncApi::learner_tickets(const httplib::Request& req, httplib::Response& res) {
  std::string customer_id;
  if (!authenticate_learner(req, res, customer_id)) return;
  std::lock_guard<std::mutex> lock(mu_);
  const State& s = service_.state();
  std::vector<const Ticket*> mine;
  for (const Ticket& t : s.tickets)
    if (t.customer_id == customer_id) mine.push_back(&t);
  std::sort(mine.begin(), mine.end(), [](const Ticket* a, const Ticket* b) { return a->created_at > b->created_at; });
  if (mine.size() > kMaxTicketsListed) mine.resize(kMaxTicketsListed);
  json list = json::array();
  for (const Ticket* t : mine) {
    // Only what was said to or by the learner: their messages and the agents' replies.
    // Notes, status reasons, assignments, tiers and field changes stay on the desk.
    json messages = json::array();
    for (const TimelineEntry& e : t->timeline) {
      if (e.kind != EntryKind::customer_message && e.kind != EntryKind::reply) continue;
      const Agent* a = e.kind == EntryKind::reply ? s.agent(e.author) : nullptr;
      messages.push_back({{"id", e.id},
                          {"from", e.kind == EntryKind::reply ? "agent" : "me"},
                          {"author", a ? a->name : ""},
                          {"at", e.at},
                          {"text", e.text}});
    }
    json surveys = json::array();
    for (const SurveySend& x : s.survey_sends) {
      if (x.ticket_id != t->id) continue;
      const PublishedSurvey* v = s.survey(x.survey_id);
      bool answered = false;
      for (const SurveyResponse& r : s.responses)
        if (r.current && r.ticket_id == t->id && r.survey_id == x.survey_id && r.mode == "portal") answered = true;
      // The send's own link key: the learner answers it through /api/v1/learner/answer.
      surveys.push_back({{"send_id", x.id},
                         {"key", link_key(x.id)},
                         {"title", v ? v->schema.title : ""},
                         {"answered", answered}});
    }
    const Course* k = s.course(t->course_id);
    list.push_back({{"ticket_id", t->id},
                    {"number", t->number},
                    {"subject", t->subject},
                    {"status", to_id(t->status)},
                    {"created_at", t->created_at},
                    {"updated_at", t->updated_at},
                    {"course", k ? k->name : ""},
                    {"order_id", t->order_id},
                    {"messages", messages},
                    {"surveys", surveys}});
  }
  const Customer* c = s.customer(customer_id);
  reply(res, 200, {{"customer_id", customer_id}, {"name", c ? c->name : ""}, {"server_time", now_ms()}, {"tickets", list}});
}

}  // namespace edudesk::server
