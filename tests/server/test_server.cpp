// Tests of the real `edudesk serve` process (fork/exec, HTTP on loopback, SQLite on
// disk): login, push/pull, dedup, per-op rejection, limits, kill -9, SIGTERM,
// restarts, paging, metrics, a full disk, a locked database and concurrent desks.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/query.h"
#include "harness.h"

using namespace edudesk;
using namespace edudesk::servertest;
using nlohmann::json;

namespace {

// A started server with a logged-in desk (王敏) that holds the whole log.
struct Running {
  TempDir dir;
  Server server;
  std::unique_ptr<httplib::Client> c;
  Desk desk{"a-wangmin", "devA"};

  explicit Running(std::vector<std::string> args = {}, bool login = true) : server(dir, std::move(args)) {
    std::string why;
    if (!server.start(&why)) FAIL("the server did not start: " << why);
    c = client_for(server);
    if (login) {
      REQUIRE(desk.login(*c));
      REQUIRE(desk.pull_all(*c));
    }
  }
  void restart(std::vector<std::string> args = {}) {
    if (server.running()) REQUIRE(server.stop(SIGTERM) == 0);
    server.set_args(std::move(args));
    std::string why;
    if (!server.start(&why)) FAIL("the server did not restart: " << why);
    c = client_for(server);
  }
  // The error code of a JSON error answer.
  static std::string code(const HttpResult& r) {
    if (!r.j.is_object() || !r.j.contains("error")) return "(no error object: " + r.body.substr(0, 200) + ")";
    CHECK(r.j["ok"] == false);
    CHECK(r.j["error"]["message"].is_string());
    return r.j["error"]["code"].get<std::string>();
  }
  // Nothing after `seq` in the log.
  void require_log_ends_at(int64_t seq) {
    CHECK(last_seq(*c) == seq);
    HttpResult r = get(*c, "/api/v1/pull?after=" + std::to_string(seq), desk.token);
    REQUIRE(r.status == 200);
    CHECK(r.j["ops"].empty());
  }
};

std::set<std::string> pulled_ids(const Desk& d) {
  std::set<std::string> s;
  for (const auto& p : d.pulled) s.insert(p.op.id);
  return s;
}

// The log is 1, 2, …, n with every op id once.
void require_gap_free(const Desk& d) {
  std::set<std::string> seen;
  for (size_t i = 0; i < d.pulled.size(); ++i) {
    REQUIRE(d.pulled[i].seq == static_cast<int64_t>(i + 1));
    REQUIRE(seen.insert(d.pulled[i].op.id).second);
  }
}

// Sends `head` and `first` on a raw connection, then `rest` after `pause()` returns;
// answers the status code of the response (0 if none).
int raw_request(int port, const std::string& head, const std::string& first, const std::function<void()>& pause,
                const std::string& rest, std::string* response = nullptr) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return ::close(s), 0;
  auto send_all = [&](const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(s, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  };
  bool ok = send_all(head) && send_all(first);
  pause();
  ok = ok && send_all(rest);
  std::string got;
  char buf[65536];
  for (;;) {
    pollfd p{s, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    ssize_t n = ::recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  ::close(s);
  if (response) *response = got;
  if (got.compare(0, 9, "HTTP/1.1 ") != 0 || got.size() < 12) return 0;
  return std::stoi(got.substr(9, 3));
}

}  // namespace

// ---- login -------------------------------------------------------------------------

TEST_CASE("login: a demo agent gets a token, name and role, a wrong password or an unknown agent gets 401") {
  Running r({}, false);
  HttpResult ok = post(*r.c, "/api/v1/login", R"({"agent_id":"a-wangmin","password":"edudesk"})");
  REQUIRE(ok.status == 200);
  CHECK(ok.j["agent_id"] == "a-wangmin");
  CHECK(ok.j["name"] == "王敏");
  CHECK(ok.j["role"] == "mid");
  CHECK(ok.j["token"].get<std::string>().size() == 64);
  CHECK(std::llabs(ok.j["server_time"].get<int64_t>() - now_ms()) < 60000);
  HttpResult sup = post(*r.c, "/api/v1/login", R"({"agent_id":"a-zhaolei","password":"edudesk"})");
  REQUIRE(sup.status == 200);
  CHECK(sup.j["role"] == "supervisor");
  CHECK(sup.j["token"] != ok.j["token"]);

  HttpResult bad = post(*r.c, "/api/v1/login", R"({"agent_id":"a-wangmin","password":"edudesk!"})");
  CHECK(bad.status == 401);
  CHECK(Running::code(bad) == "bad_credentials");
  HttpResult unknown = post(*r.c, "/api/v1/login", R"({"agent_id":"a-nobody","password":"edudesk"})");
  CHECK(unknown.status == 401);
  CHECK(Running::code(unknown) == "bad_credentials");
  HttpResult garbage = post(*r.c, "/api/v1/login", R"({"agent_id":"a-wangmin")");
  CHECK(garbage.status == 400);
  CHECK(Running::code(garbage) == "bad_json");
  HttpResult shape = post(*r.c, "/api/v1/login", R"({"agent_id":"a-wangmin","password":7})");
  CHECK(shape.status == 400);
  CHECK(Running::code(shape) == "bad_request");
}

TEST_CASE("login: --demo-password sets the demo accounts' password, --no-demo starts with an empty log") {
  {
    Running r({"--demo-password", "s3cret-密码"}, false);
    Desk d("a-liuyang", "devX");
    CHECK_FALSE(d.login(*r.c, "edudesk"));
    CHECK(d.login(*r.c, "s3cret-密码"));
  }
  {
    Running r({"--no-demo"}, false);
    CHECK(last_seq(*r.c) == 0);
    Desk d("a-wangmin", "devY");
    CHECK_FALSE(d.login(*r.c));
  }
}

// ---- push and pull -------------------------------------------------------------------

TEST_CASE("push and pull: ops made by decide round-trip and a second desk converges") {
  Running r;
  int64_t before = last_seq(*r.c);
  REQUIRE(before > 1000);  // the demo desk
  std::vector<Op> ops = r.desk.ticket_with_replies(3);
  REQUIRE(ops.size() == 4);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "b-1", ops, res));
  REQUIRE(res.results.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(res.results[i].id == ops[i].id);
    CHECK(res.results[i].verdict == sync::Verdict::accepted);
    CHECK(res.results[i].seq == before + 1 + static_cast<int64_t>(i));
  }
  CHECK(last_seq(*r.c) == before + 4);

  Desk other("a-lijing", "devB");
  REQUIRE(other.login(*r.c));
  REQUIRE(other.pull_all(*r.c));
  REQUIRE(r.desk.pull_all(*r.c));
  const Ticket* t = other.state.ticket(r.desk.last_result.is_object() ? ops[0].data["ticket_id"].get<std::string>() : "");
  REQUIRE(t);
  CHECK(t->subject == "回放视频打不开");
  CHECK(t->timeline.size() == 4);
  CHECK(state_image(other.state) == state_image(r.desk.state));
  require_gap_free(other);
}

TEST_CASE("push: a retried identical batch is all duplicate and the log is unchanged") {
  Running r;
  std::vector<Op> ops = r.desk.ticket_with_replies(2);
  sync::PushResponse first, again;
  REQUIRE(r.desk.push(*r.c, "b-1", ops, first));
  int64_t seq = last_seq(*r.c);
  REQUIRE(r.desk.push(*r.c, "b-1", ops, again));
  REQUIRE(again.results.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    CHECK(again.results[i].verdict == sync::Verdict::duplicate);
    CHECK(again.results[i].seq == first.results[i].seq);  // the same place in the log
  }
  // Under another batch id, from another tab: still duplicates.
  REQUIRE(r.desk.push(*r.c, "b-1-other-tab", ops, again));
  for (const auto& res : again.results) CHECK(res.verdict == sync::Verdict::duplicate);
  r.require_log_ends_at(seq);
}

TEST_CASE("push: an op by another agent is rejected alone with forbidden, the rest are accepted") {
  Running r;
  Desk other("a-lijing", "devB");
  REQUIRE(other.login(*r.c));
  REQUIRE(other.pull_all(*r.c));
  std::vector<Op> mine = r.desk.ticket_with_replies(1);
  std::vector<Op> theirs = other.make({{"type", "ticket.note"},
                                       {"ticket_id", other.state.tickets.front().id},
                                       {"text", "这条是李静写的"}});
  REQUIRE(theirs.size() == 1);
  std::vector<Op> more = r.desk.make({{"type", "ticket.note"},
                                      {"ticket_id", mine[0].data["ticket_id"]},
                                      {"text", "已转技术支持"}});
  std::vector<Op> batch = mine;
  batch.push_back(theirs[0]);  // 王敏 pushes 李静's op: forbidden
  batch.insert(batch.end(), more.begin(), more.end());
  int64_t before = last_seq(*r.c);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "b-mixed", batch, res));
  REQUIRE(res.results.size() == batch.size());
  CHECK(res.results[0].verdict == sync::Verdict::accepted);
  CHECK(res.results[1].verdict == sync::Verdict::accepted);
  CHECK(res.results[2].verdict == sync::Verdict::rejected);
  CHECK(res.results[2].code == "forbidden");
  CHECK_FALSE(res.results[2].reason.empty());
  CHECK(res.results[3].verdict == sync::Verdict::accepted);
  CHECK(res.results[3].seq == before + 3);  // a rejected op takes no place in the log
  REQUIRE(r.desk.pull_all(*r.c));
  CHECK(pulled_ids(r.desk).count(theirs[0].id) == 0);
  r.require_log_ends_at(before + 3);

  // An op that does not even parse is rejected alone too.
  json body = json::parse(r.desk.push_body("b-bad", r.desk.ticket_with_replies(0)));
  body["ops"].push_back({{"id", "broken-1"}, {"type", "ticket.replied"}});
  HttpResult raw = post(*r.c, "/api/v1/push", body.dump(), r.desk.token);
  REQUIRE(raw.status == 200);
  REQUIRE(raw.j["results"].size() == 2);
  std::map<std::string, json> by_id;
  for (const json& x : raw.j["results"]) by_id[x["id"].get<std::string>()] = x;
  REQUIRE(by_id.count("broken-1"));
  CHECK(by_id["broken-1"]["verdict"] == "rejected");
  CHECK(by_id["broken-1"]["code"].is_string());
  CHECK(by_id[body["ops"][0]["id"].get<std::string>()]["verdict"] == "accepted");
}

// ---- limits: each leaves the store untouched --------------------------------------------

TEST_CASE("limits: an oversized body is 413 too_large and the log is unchanged") {
  Running r;
  int64_t before = last_seq(*r.c);
  // Far beyond the limit (refused by Content-Length) and just beyond it (counted while read).
  for (int64_t size : {sync::limits::max_body_bytes + 2 * 1024 * 1024, sync::limits::max_body_bytes + 100}) {
    // A valid push whose one note is padded with spaces the JSON allows.
    std::string body = r.desk.push_body("b-big", r.desk.ticket_with_replies(0));
    body.insert(body.size() - 1, std::string(static_cast<size_t>(size) - body.size(), ' '));
    REQUIRE(static_cast<int64_t>(body.size()) == size);
    HttpResult res = post(*r.c, "/api/v1/push", body, r.desk.token);
    CHECK(res.status == 413);
    CHECK(Running::code(res) == "too_large");
  }
  r.require_log_ends_at(before);
  // The same ops in a small body go through.
  sync::PushResponse ok;
  REQUIRE(r.desk.push(*r.c, "b-small", r.desk.ticket_with_replies(1), ok));
}

TEST_CASE("limits: JSON nested too deep is 400 too_deep and the log is unchanged") {
  Running r;
  int64_t before = last_seq(*r.c);
  json body = json::parse(r.desk.push_body("b-deep", r.desk.ticket_with_replies(0)));
  json deep = json::array();
  for (int i = 0; i < 40; ++i) deep = json::array({deep});
  body["ops"][0]["data"]["extra"] = deep;
  HttpResult res = post(*r.c, "/api/v1/push", body.dump(), r.desk.token);
  CHECK(res.status == 400);
  CHECK(Running::code(res) == "too_deep");
  r.require_log_ends_at(before);
}

TEST_CASE("limits: too many ops in a batch is 413 too_many_ops and the log is unchanged") {
  Running r;
  int64_t before = last_seq(*r.c);
  std::vector<Op> ops = r.desk.ticket_with_replies(static_cast<int>(sync::limits::max_batch_ops));  // one too many
  REQUIRE(static_cast<int64_t>(ops.size()) == sync::limits::max_batch_ops + 1);
  sync::PushResponse res;
  HttpResult raw;
  CHECK_FALSE(r.desk.push(*r.c, "b-many", ops, res, &raw));
  CHECK(raw.status == 413);
  CHECK(Running::code(raw) == "too_many_ops");
  r.require_log_ends_at(before);
  // Split in two, it goes through.
  std::vector<Op> a(ops.begin(), ops.begin() + 250), b(ops.begin() + 250, ops.end());
  REQUIRE(r.desk.push(*r.c, "b-many-1", a, res));
  REQUIRE(r.desk.push(*r.c, "b-many-2", b, res));
  CHECK(last_seq(*r.c) == before + static_cast<int64_t>(ops.size()));
}

TEST_CASE("limits: truncated or corrupted JSON is 400 bad_json and the log is unchanged") {
  Running r;
  int64_t before = last_seq(*r.c);
  std::string body = r.desk.push_body("b-1", r.desk.ticket_with_replies(2));
  std::string corrupted = body;
  corrupted[corrupted.size() / 2] = '\x01';
  std::string bad_utf8 = body;
  size_t pos = bad_utf8.find("回放");
  REQUIRE(pos != std::string::npos);
  bad_utf8[pos] = '\xff';
  for (const std::string& b : {body.substr(0, body.size() / 2), body.substr(0, body.size() - 1), corrupted,
                               std::string("<html><body>Welcome to the hotel Wi-Fi</body></html>"),
                               std::string(""), std::string("[]")}) {
    HttpResult res = post(*r.c, "/api/v1/push", b, r.desk.token);
    CHECK(res.status == 400);
    CHECK(Running::code(res) == "bad_json");
  }
  // Invalid UTF-8 inside a string: the JSON parser refuses the whole body.
  HttpResult res = post(*r.c, "/api/v1/push", bad_utf8, r.desk.token);
  CHECK(res.status == 400);
  HttpResult shape = post(*r.c, "/api/v1/push", R"({"client_id":"x","ops":[]})", r.desk.token);
  CHECK(shape.status == 400);
  CHECK(Running::code(shape) == "bad_request");
  r.require_log_ends_at(before);
  // The intact body still goes through afterwards.
  HttpResult ok = post(*r.c, "/api/v1/push", body, r.desk.token);
  CHECK(ok.status == 200);
  CHECK(last_seq(*r.c) == before + 3);
}

TEST_CASE("auth: a push or pull without a token or with an unknown token is 401 and the log is unchanged") {
  Running r;
  int64_t before = last_seq(*r.c);
  std::string body = r.desk.push_body("b-1", r.desk.ticket_with_replies(1));
  for (const std::string& token : {std::string(""), std::string("0123456789abcdef"), r.desk.token + "0"}) {
    HttpResult push = post(*r.c, "/api/v1/push", body, token);
    CHECK(push.status == 401);
    CHECK(Running::code(push) == "unauthorized");
    HttpResult pull = get(*r.c, "/api/v1/pull?after=0", token);
    CHECK(pull.status == 401);
  }
  auto raw = r.c->Post("/api/v1/push", {{"Authorization", "Basic YTpi"}}, body, "application/json");
  REQUIRE(raw);
  CHECK(raw->status == 401);
  r.require_log_ends_at(before);
}

// ---- crashes, shutdown, restarts --------------------------------------------------------

TEST_CASE("crash: kill -9 right after a push's 200 loses nothing, the retry is all duplicate") {
  Running r;
  std::vector<Op> ops = r.desk.ticket_with_replies(20, 500);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "b-1", ops, res));
  int rc = r.server.kill9();
  CHECK(rc == 128 + SIGKILL);
  r.restart();
  Desk fresh("a-wangmin", "devC");
  REQUIRE(fresh.login(*r.c));
  REQUIRE(fresh.pull_all(*r.c));
  std::set<std::string> in_log = pulled_ids(fresh);
  for (const Op& op : ops) CHECK(in_log.count(op.id) == 1);
  require_gap_free(fresh);
  sync::PushResponse again;
  REQUIRE(r.desk.push(*r.c, "b-1", ops, again));
  for (size_t i = 0; i < ops.size(); ++i) {
    CHECK(again.results[i].verdict == sync::Verdict::duplicate);
    CHECK(again.results[i].seq == res.results[i].seq);
  }
  CHECK(last_seq(*r.c) == fresh.cursor);
}

TEST_CASE("crash: kill -9 at random moments under a stream of pushes loses no acknowledged op") {
  Running r;
  std::mt19937 rng(20261124);
  std::set<std::string> acknowledged;
  std::vector<std::pair<std::string, std::vector<Op>>> unanswered;  // batches whose answer never came
  int batches = 0;
  for (int round = 0; round < 4; ++round) {
    std::atomic<bool> stop{false};
    auto client = client_for(r.server);
    std::thread pusher([&] {
      while (!stop) {
        std::string batch_id = "b-" + std::to_string(++batches);
        std::vector<Op> ops = r.desk.ticket_with_replies(4, 200);
        sync::PushResponse res;
        HttpResult raw;
        if (r.desk.push(*client, batch_id, ops, res, &raw)) {
          for (const auto& x : res.results) {
            REQUIRE(x.verdict == sync::Verdict::accepted);
            acknowledged.insert(x.id);
          }
        } else {
          REQUIRE(raw.status == 0);  // no answer at all, never a half answer
          unanswered.emplace_back(batch_id, ops);
          return;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 250)(rng)));
    CHECK(r.server.kill9() == 128 + SIGKILL);
    stop = true;
    pusher.join();
    r.restart();
  }
  REQUIRE(acknowledged.size() > 20);
  Desk check("a-wangmin", "devC");
  REQUIRE(check.login(*r.c));
  REQUIRE(check.pull_all(*r.c));
  require_gap_free(check);
  std::set<std::string> in_log = pulled_ids(check);
  for (const std::string& id : acknowledged) REQUIRE(in_log.count(id) == 1);
  // The batches that got no answer: retried, each op lands exactly once.
  for (auto& [batch_id, ops] : unanswered) {
    sync::PushResponse res;
    REQUIRE(r.desk.push(*r.c, batch_id, ops, res));
    for (const auto& x : res.results) CHECK(x.verdict != sync::Verdict::rejected);
  }
  Desk after("a-wangmin", "devD");
  REQUIRE(after.login(*r.c));
  REQUIRE(after.pull_all(*r.c));
  require_gap_free(after);
}

TEST_CASE("shutdown: SIGTERM finishes the in-flight push and exits 0") {
  Running r;
  std::vector<Op> ops = r.desk.ticket_with_replies(30, 300);
  std::string body = r.desk.push_body("b-inflight", ops);
  std::string head = "POST /api/v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + r.desk.token +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n";
  int exit_code = -1;
  std::thread stopper;
  std::string response;
  // Half of the body is sent, the server is reading the rest when SIGTERM arrives.
  int status = raw_request(
      r.server.port(), head, body.substr(0, body.size() / 2),
      [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stopper = std::thread([&] { exit_code = r.server.stop(SIGTERM); });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      },
      body.substr(body.size() / 2), &response);
  stopper.join();
  CHECK(status == 200);
  CHECK(exit_code == 0);
  CHECK(r.server.log().find("finishing in-flight requests") != std::string::npos);
  r.restart();
  REQUIRE(r.desk.pull_all(*r.c));
  std::set<std::string> in_log = pulled_ids(r.desk);
  for (const Op& op : ops) CHECK(in_log.count(op.id) == 1);
  // And an idle server stops at once with 0 too.
  auto t0 = std::chrono::steady_clock::now();
  CHECK(r.server.stop(SIGINT) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
}

TEST_CASE("restart: tokens stay valid and the log is the same") {
  Running r;
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "b-1", r.desk.ticket_with_replies(2), res));
  int64_t seq = last_seq(*r.c);
  r.restart();
  CHECK(last_seq(*r.c) == seq);
  // The old token still works for pull and push, without logging in again.
  HttpResult pull = get(*r.c, "/api/v1/pull?after=" + std::to_string(seq - 3), r.desk.token);
  REQUIRE(pull.status == 200);
  CHECK(pull.j["ops"].size() == 3);
  REQUIRE(r.desk.push(*r.c, "b-2", r.desk.ticket_with_replies(1), res));
  CHECK(res.results[0].verdict == sync::Verdict::accepted);
  CHECK(res.results[0].seq == seq + 1);
  // The demo desk is not seeded twice, the accounts keep their password.
  Desk again("a-wangmin", "devE");
  CHECK(again.login(*r.c));
}

// ---- pull, metrics, health ----------------------------------------------------------------

TEST_CASE("pull: pages of limit ops with more until the cursor reaches last_seq, bad params are 400") {
  Running r;
  int64_t total = last_seq(*r.c);
  Desk pager("a-lijing", "devP");
  REQUIRE(pager.login(*r.c));
  int pages = 0;
  REQUIRE(pager.pull_all(*r.c, 700, &pages));
  CHECK(pages == static_cast<int>((total + 699) / 700));
  CHECK(pager.cursor == total);
  CHECK(static_cast<int64_t>(pager.pulled.size()) == total);
  require_gap_free(pager);
  CHECK(state_image(pager.state) == state_image(r.desk.state));

  HttpResult first = get(*r.c, "/api/v1/pull?after=0&limit=10", pager.token);
  REQUIRE(first.status == 200);
  CHECK(first.j["ops"].size() == 10);
  CHECK(first.j["cursor"] == 10);
  CHECK(first.j["more"] == true);
  HttpResult last = get(*r.c, "/api/v1/pull?after=" + std::to_string(total - 1) + "&limit=10", pager.token);
  CHECK(last.j["ops"].size() == 1);
  CHECK(last.j["more"] == false);
  HttpResult end = get(*r.c, "/api/v1/pull?after=" + std::to_string(total), pager.token);
  CHECK(end.j["ops"].empty());
  CHECK(end.j["cursor"] == total);
  HttpResult capped = get(*r.c, "/api/v1/pull?after=0&limit=1000000", pager.token);
  CHECK(static_cast<int64_t>(capped.j["ops"].size()) == std::min<int64_t>(total, sync::limits::max_pull_page));

  for (const char* q : {"after=-1", "after=abc", "after=1e3", "limit=0", "limit=-5", "limit=x", "after=",
                        "after=99999999999999999999"}) {
    HttpResult bad = get(*r.c, std::string("/api/v1/pull?") + q, pager.token);
    CHECK(bad.status == 400);
    CHECK(Running::code(bad) == "bad_params");
  }
}

TEST_CASE("metrics: requests by route and status, push verdicts and last_seq") {
  Running r;
  std::vector<Op> ops = r.desk.ticket_with_replies(2);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "b-1", ops, res));
  REQUIRE(r.desk.push(*r.c, "b-1", ops, res));
  post(*r.c, "/api/v1/push", "{", r.desk.token);
  auto m = r.c->Get("/api/v1/metrics");
  REQUIRE(m);
  REQUIRE(m->status == 200);
  CHECK(m->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
  const std::string& t = m->body;
  CHECK(t.find("edudesk_push_ops_total{verdict=\"accepted\"} 3\n") != std::string::npos);
  CHECK(t.find("edudesk_push_ops_total{verdict=\"duplicate\"} 3\n") != std::string::npos);
  CHECK(t.find("edudesk_push_ops_total{verdict=\"rejected\"} 0\n") != std::string::npos);
  CHECK(t.find("edudesk_last_seq " + std::to_string(last_seq(*r.c)) + "\n") != std::string::npos);
  CHECK(t.find("edudesk_http_requests_total{route=\"/api/v1/push\",status=\"200\"} 2\n") != std::string::npos);
  CHECK(t.find("edudesk_http_requests_total{route=\"/api/v1/push\",status=\"400\"} 1\n") != std::string::npos);
  CHECK(t.find("edudesk_http_requests_total{route=\"/api/v1/login\",status=\"200\"} 1\n") != std::string::npos);
  CHECK(t.find("edudesk_http_request_duration_seconds_bucket{route=\"/api/v1/push\",le=\"+Inf\"} 3\n") !=
        std::string::npos);
  CHECK(t.find("edudesk_http_request_duration_seconds_count{route=\"/api/v1/pull\"}") != std::string::npos);
  CHECK(t.find("# TYPE edudesk_http_request_duration_seconds histogram") != std::string::npos);
}

TEST_CASE("health: /api/v1/health and /api/health report last_seq, the web app is still served") {
  Running r({}, false);
  for (const char* path : {"/api/v1/health", "/api/health"}) {
    HttpResult h = get(*r.c, path);
    REQUIRE(h.status == 200);
    CHECK(h.j["ok"] == true);
    CHECK(h.j["service"] == "edudesk");
    CHECK(h.j["uptime_s"].is_number_integer());
    CHECK(h.j["last_seq"].get<int64_t>() > 1000);
    CHECK(h.j["time"].get<std::string>().size() == 20);
  }
  auto page = r.c->Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("edudesk test") != std::string::npos);
  HttpResult missing = get(*r.c, "/api/v1/nothing");
  CHECK(missing.status == 404);
  CHECK(Running::code(missing) == "not_found");
}

// ---- storage ----------------------------------------------------------------------------

TEST_CASE("storage: a full disk answers 503 storage_unavailable and acknowledges nothing, the next push succeeds") {
  Running r;
  // A cap 1-2 MB above what the demo desk fills: room for a small batch, not a 2.4 MB one.
  REQUIRE(r.server.stop(SIGTERM) == 0);
  const int64_t used_mb = static_cast<int64_t>(std::filesystem::file_size(r.server.db()) / (1024 * 1024));
  r.restart({"--max-db-mb", std::to_string(used_mb + 2)});
  int64_t before = last_seq(*r.c);
  std::vector<Op> big = r.desk.ticket_with_replies(300, 8000);
  sync::PushResponse res;
  HttpResult raw;
  CHECK_FALSE(r.desk.push(*r.c, "b-big", big, res, &raw));
  CHECK(raw.status == 503);
  CHECK(Running::code(raw) == "storage_unavailable");
  CHECK(raw.body.find("disk full") != std::string::npos);
  r.require_log_ends_at(before);
  // Retried, it fails the same way: nothing half-stored, nothing duplicate.
  CHECK_FALSE(r.desk.push(*r.c, "b-big", big, res, &raw));
  CHECK(raw.status == 503);
  r.require_log_ends_at(before);
  // A small batch still fits.
  std::vector<Op> small = r.desk.ticket_with_replies(1);
  REQUIRE(r.desk.push(*r.c, "b-small", small, res));
  for (const auto& x : res.results) CHECK(x.verdict == sync::Verdict::accepted);
  auto m = r.c->Get("/api/v1/metrics");
  REQUIRE(m);
  CHECK(m->body.find("edudesk_storage_failures_total 2\n") != std::string::npos);
  // With room again, the big batch goes through whole.
  r.restart();
  REQUIRE(r.desk.push(*r.c, "b-big", big, res));
  for (const auto& x : res.results) CHECK(x.verdict == sync::Verdict::accepted);
}

TEST_CASE("storage: a second server on the same database file refuses to start") {
  Running r({}, false);
  TempDir other_dir;
  Server second(other_dir, {"--db", r.server.db()});
  std::string why;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(second.start(&why));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(why.find("locked") != std::string::npos);
  CHECK(last_seq(*r.c) > 1000);  // the first one is unharmed
}

// ---- concurrency ------------------------------------------------------------------------

TEST_CASE("concurrency: four desks pushing at once get every op accepted once, in one gap-free log") {
  Running r;
  const char* agents[] = {"a-wangmin", "a-lijing", "a-zhangwei", "a-liuyang"};
  std::vector<std::unique_ptr<Desk>> desks;
  for (int i = 0; i < 4; ++i) {
    desks.push_back(std::make_unique<Desk>(agents[i], "devT" + std::to_string(i)));
    REQUIRE(desks.back()->login(*r.c));
    REQUIRE(desks.back()->pull_all(*r.c));
  }
  std::mutex mu;
  std::set<std::string> pushed;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto client = client_for(r.server);
      Desk& d = *desks[i];
      for (int b = 0; b < 10; ++b) {
        std::vector<Op> ops = d.ticket_with_replies(5, 100);
        sync::PushResponse res;
        if (!d.push(*client, "b-" + std::to_string(b), ops, res)) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& x : res.results) {
          if (x.verdict != sync::Verdict::accepted) ++failures;
          pushed.insert(x.id);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(pushed.size() == 4 * 10 * 6);
  Desk all("a-zhaolei", "devAll");
  REQUIRE(all.login(*r.c));
  REQUIRE(all.pull_all(*r.c));
  require_gap_free(all);
  std::set<std::string> in_log = pulled_ids(all);
  for (const std::string& id : pushed) CHECK(in_log.count(id) == 1);
  // Every desk ends with the same tickets (the server renumbered the colliding
  // offline ticket numbers), equal to the one that only pulled.
  for (auto& d : desks) {
    REQUIRE(d->pull_all(*r.c));
    CHECK(state_image(d->state) == state_image(all.state));
  }
}

// ---- refunds: the payment worker (issue 4) ------------------------------------------------

namespace {
// An order of 王敏's ticket's customer without a refund; quotes and approves it as `desk`.
std::string approve_a_refund(Running& r, std::vector<Op>& ops) {
  const State& s = r.desk.state;
  for (const Ticket& t : s.tickets) {
    for (const Order& o : s.orders) {
      if (o.customer_id != t.customer_id || !o.refunded_by.empty()) continue;
      bool taken = false;
      for (const Refund& x : s.refunds) taken = taken || x.order_id == o.id;
      if (taken) continue;
      json q{{"type", "refund.quote"}, {"ticket_id", t.id}, {"order_id", o.id}, {"reason", "personal"}};
      json preview, pq = q;
      pq["type"] = "refund.preview";
      pq["agent_id"] = r.desk.agent_id;
      Error e;
      if (!run_query(s, pq, now_ms(), preview, e) || preview["needs_approval"] == true) continue;
      ops = r.desk.make(q);
      std::string id = r.desk.last_result["refund_id"];
      for (const Op& op : r.desk.make({{"type", "refund.approve"}, {"refund_id", id}})) ops.push_back(op);
      return id;
    }
  }
  FAIL("no order to refund in the demo desk");
  return "";
}

// Pulls until the refund has a refund.paid (or the time is up); returns how many it saw.
int wait_paid(Running& r, const std::string& refund_id, int ms) {
  for (int waited = 0;; waited += 100) {
    REQUIRE(r.desk.pull_all(*r.c));
    int n = 0;
    for (const auto& p : r.desk.pulled)
      if (p.op.type == op_type::refund_paid && p.op.data["refund_id"] == refund_id) ++n;
    if (n > 0 || waited >= ms) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int64_t metric(Running& r, const std::string& name) {
  HttpResult m = get(*r.c, "/api/v1/metrics");
  auto at = m.body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(m.body.substr(at + name.size() + 2));
}
}  // namespace

TEST_CASE("refunds: an approved refund is paid by the server once; an unreachable provider is retried") {
  Running r({"--fake-pay-fail", "2"});
  // The demo's approved refunds are paid at start, after the two simulated failures.
  std::vector<Op> ops;
  std::string id = approve_a_refund(r, ops);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "refund-1", ops, res));
  for (const auto& x : res.results) REQUIRE(x.verdict == sync::Verdict::accepted);
  REQUIRE(wait_paid(r, id, 15000) == 1);
  const Refund* paid = r.desk.state.refund(id);
  REQUIRE(paid);
  CHECK(paid->status == RefundStatus::paid);
  CHECK(paid->payment_ref.rfind("FAKEPAY-", 0) == 0);
  CHECK(metric(r, "edudesk_refunds_waiting_for_provider") == 0);
  // Pushing the approval again (a lost answer) pays nothing more.
  REQUIRE(r.desk.push(*r.c, "refund-1", ops, res));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(wait_paid(r, id, 0) == 1);
}

TEST_CASE("refunds: an approval the server took but could not pay yet is paid after a restart, once") {
  Running r({"--fake-pay-fail", "1000000"});  // the provider is unreachable for this whole run
  std::vector<Op> ops;
  std::string id = approve_a_refund(r, ops);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "refund-2", ops, res));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(wait_paid(r, id, 0) == 0);
  CHECK(metric(r, "edudesk_refunds_waiting_for_provider") >= 1);
  r.restart();  // the provider is back
  REQUIRE(wait_paid(r, id, 15000) == 1);
  r.restart();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(wait_paid(r, id, 0) == 1);  // the second start paid nothing again
  CHECK(metric(r, "edudesk_refund_outcomes_total") == 0);
}

TEST_CASE("refunds: a client cannot push a payment, nor an approval above its authority") {
  Running r;
  Desk junior("a-lijing", "devJ");
  REQUIRE(junior.login(*r.c));
  REQUIRE(junior.pull_all(*r.c));
  std::vector<Op> ops;
  std::string id = approve_a_refund(r, ops);
  sync::PushResponse res;
  REQUIRE(r.desk.push(*r.c, "q", {ops[0]}, res));  // the quote only
  REQUIRE(junior.pull_all(*r.c));
  const Refund* q = junior.state.refund(id);
  REQUIRE(q);
  Op forged{"devJ-forged", op_type::refund_approved, now_ms(), "a-lijing", {{"refund_id", id}}, Hlc{now_ms(), 0}};
  Op paid{"devJ-paid", op_type::refund_paid, now_ms(), "a-lijing",
          {{"refund_id", id}, {"payment_ref", "X"}, {"approval_op", "devJ-forged"}}, Hlc{now_ms(), 1}};
  REQUIRE(junior.push(*r.c, "forged", {forged, paid}, res));
  REQUIRE(res.results.size() == 2);
  CHECK(res.results[0].verdict == sync::Verdict::rejected);
  CHECK(res.results[0].code == "above_authority");  // a junior may not approve a personal-reason refund
  CHECK(res.results[1].verdict == sync::Verdict::rejected);
  CHECK(res.results[1].code == "forbidden");
}
