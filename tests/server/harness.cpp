#include "harness.h"

#include <memory>
#include <string>

namespace edudesk::servertest {

std::unique_ptr<httplib::Client> client_for(const Server& server) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", server.port());
  c->set_connection_timeout(2, 0);
  c->set_read_timeout(20, 0);
  c->set_write_timeout(20, 0);
  return c;
}

namespace {
HttpResult to_result(const httplib::Result& r) {
  HttpResult out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.j = json::parse(out.body, nullptr, false);
  return out;
}
httplib::Headers auth(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}
}  // namespace

HttpResult get(httplib::Client& c, const std::string& path, const std::string& token) {
  return to_result(c.Get(path.c_str(), auth(token)));
}

HttpResult post(httplib::Client& c, const std::string& path, const std::string& body, const std::string& token) {
  return to_result(c.Post(path.c_str(), auth(token), body, "application/json"));
}

int64_t last_seq(httplib::Client& c) {
  HttpResult r = get(c, "/api/v1/health");
  if (r.status != 200 || !r.j.is_object() || !r.j.contains("last_seq")) return -1;
  return r.j["last_seq"].get<int64_t>();
}

Desk::Desk(std::string agent, std::string device_prefix)
    : agent_id(std::move(agent)), client_id(device_prefix), ids(device_prefix + "-") {}

bool Desk::login(httplib::Client& c, const std::string& password) {
  HttpResult r = post(c, "/api/v1/login", json{{"agent_id", agent_id}, {"password", password}}.dump());
  if (r.status != 200 || !r.j.is_object() || !r.j.contains("token")) return false;
  token = r.j["token"].get<std::string>();
  return true;
}

bool Desk::pull_all(httplib::Client& c, int64_t page, int* pages) {
  if (pages) *pages = 0;
  for (;;) {
    HttpResult r = get(c, "/api/v1/pull?after=" + std::to_string(cursor) + "&limit=" + std::to_string(page), token);
    if (r.status != 200) return false;
    sync::PullResponse pr;
    std::string why;
    if (!sync::parse_pull_response(r.body, pr, why)) return false;
    for (const sync::PulledOp& p : pr.ops) {
      Error e;
      apply(state, p.op, e);
      clock.observe(p.op.hlc);
      pulled.push_back(p);
    }
    if (pages) ++*pages;
    if (pr.cursor < cursor) return false;  // a cursor never goes back
    cursor = pr.cursor;
    if (!pr.more) return true;
    if (pr.ops.empty()) return false;  // "more" without progress would loop forever
  }
}

std::vector<Op> Desk::make(const json& cmd) {
  Context ctx{now_ms(), agent_id, &ids, &clock};
  Decision d;
  Error err;
  if (!decide(state, cmd, ctx, d, err)) return {};
  for (const Op& op : d.ops) apply(state, op, err);
  last_result = d.result;
  return d.ops;
}

std::vector<Op> Desk::ticket_with_replies(int replies, size_t text_bytes) {
  std::vector<Op> out;
  if (state.customers.empty() || state.courses.empty()) return out;
  out = make({{"type", "ticket.create"},
              {"customer_id", state.customers.front().id},
              {"course_id", state.courses.front().id},
              {"channel", "chat"},
              {"subject", "回放视频打不开"},
              {"text", "第三讲的回放一直在转圈"},
              {"category", "technical"},
              {"priority", "P2"}});
  if (out.empty()) return out;
  std::string ticket_id = last_result["ticket_id"].get<std::string>();
  std::string text;
  while (text.size() + 3 <= text_bytes) text += "好";
  if (text.empty()) text = "ok";
  for (int i = 0; i < replies; ++i) {
    auto ops = make({{"type", "ticket.reply"}, {"ticket_id", ticket_id}, {"text", text}});
    if (ops.empty()) return {};
    out.insert(out.end(), ops.begin(), ops.end());
  }
  return out;
}

std::string Desk::push_body(const std::string& batch_id, const std::vector<Op>& ops) const {
  return sync::to_json(sync::PushRequest{client_id, batch_id, ops}).dump();
}

bool Desk::push(httplib::Client& c, const std::string& batch_id, const std::vector<Op>& ops, sync::PushResponse& out,
                HttpResult* raw) {
  HttpResult r = post(c, "/api/v1/push", push_body(batch_id, ops), token);
  if (raw) *raw = r;
  std::string why;
  return r.status == 200 && sync::parse_push_response(r.body, batch_id, out, why);
}

}  // namespace edudesk::servertest
