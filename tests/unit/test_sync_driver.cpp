// The desk's sync driver against the real SyncService through an in-process
// transport: the same answers `edudesk serve` gives, without sockets.
#include <catch2/catch.hpp>

#include "app/sync_driver.h"
#include "support.h"
#include "sync/service.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
// Routes requests straight into a SyncService; can play offline or a captive portal.
struct Loopback : Transport {
  sync::MemoryLog log;
  sync::SyncService server{log};
  Millis now = kT0;
  enum class Mode { normal, offline, portal } mode = Mode::normal;
  int64_t requests = 0, logins = 0;
  int generation = 1;  // tokens of older generations are expired
  std::string token_for(const std::string& agent) const { return "tok" + std::to_string(generation) + ":" + agent; }

  Loopback() {
    std::string err;
    REQUIRE(server.open(err));
    std::vector<Op> seed = {
        make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
        make("o1b", op_type::agent_created, {{"agent_id", "a-2"}, {"name", "李静"}, {"role", "junior"}}),
        make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
        make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
    REQUIRE(server.seed_if_empty(seed, err));
  }
  void send(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
            std::function<void(Response)> done) override {
    ++requests;
    if (mode == Mode::offline) return done({0, ""});
    if (mode == Mode::portal) return done({200, "<html><body>请登录 Wi-Fi</body></html>"});
    if (path == "/api/v1/login") {
      ++logins;
      json j = json::parse(body);
      if (j["password"] != "edudesk") return done({401, R"({"ok":false})"});
      return done({200, json{{"token", token_for(j["agent_id"])}, {"agent_id", j["agent_id"]}}.dump()});
    }
    std::string prefix = "tok" + std::to_string(generation) + ":";
    if (token.rfind(prefix, 0) != 0) return done({401, R"({"ok":false})"});
    std::string agent = token.substr(prefix.size());
    std::string err;
    if (path == "/api/v1/push") {
      sync::PushRequest req;
      std::vector<sync::PushResult> bad;
      Error e;
      if (!sync::parse_push_request(body, req, bad, e)) return done({400, "{}"});
      sync::PushResponse resp;
      if (!server.push(agent, req, bad, now, resp, err)) return done({503, "{}"});
      return done({200, sync::to_json(resp).dump()});
    }
    if (method == "GET" && path.rfind("/api/v1/pull?after=", 0) == 0) {
      int64_t after = std::stoll(path.substr(19));
      sync::PullResponse resp;
      REQUIRE(server.pull(after, 1000, now, resp, err));
      return done({200, sync::to_json(resp).dump()});
    }
    done({404, "{}"});
  }
};

struct Desktop {
  ManualStore store;
  Desk desk;
  SyncDriver driver;
  Desktop(Loopback& net, const std::string& prefix, const std::string& who)
      : desk(store, prefix), driver(desk, net) {
    store.desk = &desk;
    desk.sign_in(who);
    driver.set_credentials(who, "edudesk");
  }
  // Lets the driver run until it has nothing left to do, writing to the store as it goes.
  void run(Loopback& net, int rounds = 20) {
    for (int i = 0; i < rounds; ++i) {
      store.complete_all();
      driver.tick(net.now);
      store.complete_all();
    }
  }
};
}  // namespace

TEST_CASE("two desks exchange their tickets through the server") {
  Loopback net;
  Desktop a(net, "A-", "a-1"), b(net, "B-", "a-2");
  a.run(net);
  b.run(net);
  REQUIRE(a.desk.state().customers.size() == 1);  // pulled the server's desk
  Submitted s = a.desk.submit(new_ticket_cmd(), net.now);
  REQUIRE(s.ok);
  a.run(net);
  CHECK(a.driver.status().pending == 0);
  net.now += SyncDriver::kPullEvery;  // b pulls on its next period
  b.run(net);
  REQUIRE(b.desk.state().ticket(s.result["ticket_id"].get<std::string>()));
  CHECK(state_image(a.desk.state()) == state_image(b.desk.state()));
  CHECK(state_image(b.desk.state()) == state_image(net.server.state()));
}

// Holds every answer until flush(): a request under way while the test acts.
struct Held : Transport {
  Transport& inner;
  std::vector<std::function<void()>> answers;
  explicit Held(Transport& t) : inner(t) {}
  void send(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
            std::function<void(Response)> done) override {
    inner.send(method, path, body, token, [this, done](Response r) { answers.push_back([done, r] { done(r); }); });
  }
  void flush() {
    auto now = std::move(answers);
    answers.clear();
    for (auto& a : now) a();
  }
};

TEST_CASE("立即同步 pressed while a pull is under way pulls once more: the answer under way may predate the change") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  Held held(net);
  ManualStore store_b;
  Desk desk_b(store_b, "B-");
  store_b.desk = &desk_b;
  desk_b.sign_in("a-2");
  SyncDriver b(desk_b, held);
  b.set_credentials("a-2", "edudesk");
  auto run_b = [&] {
    for (int i = 0; i < 20; ++i) {
      store_b.complete_all();
      b.tick(net.now);
      held.flush();
      store_b.complete_all();
    }
  };
  a.run(net);
  run_b();
  REQUIRE(desk_b.state().customers.size() == 1);
  b.sync_now(net.now);  // a pull goes out; its answer (nothing new) waits
  REQUIRE(b.status().busy);
  Submitted s = a.desk.submit(new_ticket_cmd(), net.now);  // meanwhile A's ticket reaches the server
  REQUIRE(s.ok);
  a.run(net);
  REQUIRE(a.driver.status().pending == 0);
  b.sync_now(net.now);  // B's agent asks again, the first pull still under way
  run_b();              // no time passes: only the ask can bring the ticket
  CHECK(desk_b.state().ticket(s.result["ticket_id"].get<std::string>()) != nullptr);
}

TEST_CASE("offline, the desk keeps working and sends everything when the link returns") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.run(net);
  net.mode = Loopback::Mode::offline;
  a.driver.set_online(false, net.now);
  for (int i = 0; i < 5; ++i) REQUIRE(a.desk.submit(new_ticket_cmd(), net.now + i).ok);
  a.run(net);
  CHECK(a.driver.status().pending == 5);
  net.mode = Loopback::Mode::normal;
  a.driver.set_online(true, net.now);
  a.run(net);
  CHECK(a.driver.status().pending == 0);
  CHECK(net.server.state().tickets.size() == 5);
  CHECK(a.store.outbox.empty());
}

TEST_CASE("a captive portal's 200 page acknowledges nothing") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.run(net);
  REQUIRE(a.desk.submit(new_ticket_cmd(), net.now).ok);
  net.mode = Loopback::Mode::portal;
  a.run(net, 1);
  CHECK(a.driver.status().pending == 1);
  CHECK(a.driver.status().last_error == "not_json");
  CHECK(net.server.state().tickets.empty());
  net.mode = Loopback::Mode::normal;
  a.driver.sync_now(net.now);
  a.run(net);
  CHECK(a.driver.status().pending == 0);
  CHECK(net.server.state().tickets.size() == 1);
}

TEST_CASE("an expired token signs in again and the push goes through") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.run(net);
  REQUIRE(a.desk.submit(new_ticket_cmd(), net.now).ok);
  net.generation = 2;  // the server forgot the old token
  for (int i = 0; i < 10; ++i) {
    net.now += 600000;  // past any backoff
    a.run(net, 3);
  }
  CHECK(net.logins >= 2);
  CHECK(a.driver.status().pending == 0);
  CHECK(net.server.state().tickets.size() == 1);
}

TEST_CASE("a wrong password stops and says so instead of hammering the server") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.driver.set_credentials("a-1", "wrong");
  a.run(net, 30);
  CHECK(net.logins == 1);
  CHECK(a.driver.status().last_error == "bad_credentials");
}

TEST_CASE("a change the server refuses is taken back and listed with its reason") {
  Loopback net;
  Desktop a(net, "A-", "a-2");  // signed in to the server as 李静 …
  a.run(net);
  a.desk.sign_in("a-1");        // … while the desk writes as 王敏: not allowed
  Submitted bad = a.desk.submit(new_ticket_cmd(), net.now);
  REQUIRE(bad.ok);
  a.desk.sign_in("a-2");
  Submitted good = a.desk.submit({{"type", "customer.create"}, {"name", "王五"}}, net.now);
  REQUIRE(good.ok);
  a.run(net);
  CHECK(a.driver.status().pending == 0);  // the queue moved on
  CHECK(a.desk.state().ticket(bad.result["ticket_id"].get<std::string>()) == nullptr);
  REQUIRE(a.desk.rejected().size() == 1);
  CHECK(a.desk.rejected()[0].code == "forbidden");
  CHECK(a.store.rejected.size() == 1);
  CHECK(a.desk.state().customer(good.result["customer_id"].get<std::string>()) != nullptr);
  CHECK(net.server.state().customer(good.result["customer_id"].get<std::string>()) != nullptr);
}

TEST_CASE("backoff spaces out the retries while the server is unreachable") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.run(net);
  REQUIRE(a.desk.submit(new_ticket_cmd(), net.now).ok);
  net.mode = Loopback::Mode::offline;
  int64_t before = net.requests;
  for (int i = 0; i < 100; ++i) {
    net.now += 100;  // ten seconds in all
    a.run(net, 1);
  }
  CHECK(net.requests - before < 8);  // 1 s, 2 s, 4 s … not 100 tries
  CHECK(a.driver.status().last_error == "offline");
}

TEST_CASE("a change refused for a clock a year ahead does not hold the desk's clock there") {
  Loopback net;
  Desktop a(net, "A-", "a-1");
  a.run(net);
  Submitted bad = a.desk.submit(new_ticket_cmd(), net.now + 400LL * 24 * 3600 * 1000);
  REQUIRE(bad.ok);
  a.run(net);
  REQUIRE(a.desk.rejected().size() == 1);
  CHECK(a.desk.rejected()[0].code == "bad_clock");
  // The device's clock is put right: the next change carries today's time and is accepted.
  Submitted good = a.desk.submit(new_ticket_cmd(), net.now);
  REQUIRE(good.ok);
  a.run(net);
  CHECK(a.desk.rejected().size() == 1);
  CHECK(a.driver.status().pending == 0);
  const Ticket* t = net.server.state().ticket(good.result["ticket_id"].get<std::string>());
  REQUIRE(t);
  CHECK(t->created_hlc.ms == net.now);
}
