#include "support.h"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <signal.h>

#include <unordered_set>

namespace edudesk::faulttest {

// ---- MemoryStore -------------------------------------------------------------------------

void MemoryStore::append(const StoreBatch& b) {
  // Copy first: on_stored drops the desk's in-flight batch that `b` refers to.
  const int64_t id = b.id;
  for (const Op& op : b.ops) {
    durable.push_back(op);
    if (b.local) {
      local.push_back(op);
      if (!outbox_pos_.count(op.id)) {
        outbox_[next_pos_] = op.id;
        outbox_pos_[op.id] = next_pos_++;
      }
    }
  }
  if (b.cursor >= 0) cursor = b.cursor;
  ++appends;
  desk->on_stored(id, true, "");
}

void MemoryStore::settle(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& refused) {
  auto drop = [&](const std::string& id) {
    auto it = outbox_pos_.find(id);
    if (it == outbox_pos_.end()) return;
    outbox_.erase(it->second);
    outbox_pos_.erase(it);
  };
  for (const std::string& id : acknowledged) drop(id);
  for (const RejectedRecord& r : refused) {
    drop(r.id);
    rejected.push_back(r);
  }
}

std::vector<std::string> MemoryStore::outbox() const {
  std::vector<std::string> out;
  for (const auto& [pos, id] : outbox_) out.push_back(id);
  return out;
}

// ---- DeskClient --------------------------------------------------------------------------

DeskClient::DeskClient(int port, const std::string& prefix, const std::string& agent, Millis clock_offset,
                       uint64_t jitter_seed)
    : desk(store, prefix, jitter_seed), net("127.0.0.1", port), driver(desk, net), now(now_ms() + clock_offset) {
  store.desk = &desk;
  desk.sign_in(agent);
  driver.set_credentials(agent, kPassword);
}

DeskClient::DeskClient(int port, const std::string& prefix, const std::string& agent, const MemoryStore& from,
                       Millis at)
    : store(from), desk(store, prefix), net("127.0.0.1", port), driver(desk, net), now(at) {
  store.desk = &desk;
  desk.load(store.restored());
  desk.sign_in(agent);
  driver.set_credentials(agent, kPassword);
}

int DeskClient::sync(int max_requests) {
  int n = 0;
  while (n < max_requests) {
    int64_t before = net.requests();
    driver.tick(now);
    if (net.requests() == before) break;
    ++n;
  }
  return n;
}

int DeskClient::retry() {
  now = std::max(now + SyncDriver::kPullEvery, driver.status().next_try);
  return sync();
}

Submitted DeskClient::submit(const json& cmd) {
  Submitted s = desk.submit(cmd, now);
  INFO(cmd.dump() << " → " << s.error.code << " " << s.error.message);
  REQUIRE(s.ok);
  return s;
}

// ---- Rig ---------------------------------------------------------------------------------

Rig::Rig(std::vector<std::string> args) : server(dir, std::move(args)) {
  std::string why;
  if (!server.start(&why)) FAIL("the server did not start: " << why);
  proxy = std::make_unique<FaultProxy>(server.port());
}

void Rig::restart(std::vector<std::string> args, int sig) {
  std::string why;
  if (!server.restart(std::move(args), sig, &why)) FAIL("the server did not restart: " << why);
  proxy->set_upstream(server.port());
}

void Rig::kill9() { REQUIRE(server.kill9() == 128 + SIGKILL); }

void Rig::start() {
  std::string why;
  if (!server.start(&why)) FAIL("the server did not start again: " << why);
  proxy->set_upstream(server.port());
}

int64_t Rig::last_seq() const {
  httplib::Client c("127.0.0.1", server.port());
  c.set_connection_timeout(1, 0);
  auto r = c.Get("/api/v1/health");
  if (!r || r->status != 200) return -1;
  json j = json::parse(r->body, nullptr, false);
  return j.is_object() && j.contains("last_seq") ? j["last_seq"].get<int64_t>() : -1;
}

std::string Rig::metrics() const {
  httplib::Client c("127.0.0.1", server.port());
  auto r = c.Get("/api/v1/metrics");
  return r ? r->body : "";
}

// ---- checks ------------------------------------------------------------------------------

std::vector<sync::PulledOp> server_log(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(20, 0);
  auto login = c.Post("/api/v1/login", json{{"agent_id", kSupervisor}, {"password", kPassword}}.dump(),
                      "application/json");
  REQUIRE(login);
  REQUIRE(login->status == 200);
  std::string token = json::parse(login->body)["token"].get<std::string>();
  httplib::Headers auth{{"Authorization", "Bearer " + token}};
  std::vector<sync::PulledOp> all;
  int64_t cursor = 0;
  for (;;) {
    auto r = c.Get(("/api/v1/pull?after=" + std::to_string(cursor) + "&limit=1000").c_str(), auth);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    sync::PullResponse page;
    std::string why;
    REQUIRE(sync::parse_pull_response(r->body, page, why));
    all.insert(all.end(), page.ops.begin(), page.ops.end());
    REQUIRE(page.cursor >= cursor);
    cursor = page.cursor;
    if (!page.more) break;
    REQUIRE(!page.ops.empty());
  }
  return all;
}

std::string image_diff(const json& a, const json& b) {
  if (a == b) return "";
  for (const char* part : {"agents", "customers", "courses", "tickets"}) {
    const json& x = a[part];
    const json& y = b[part];
    if (x == y) continue;
    std::string out = std::string(part) + ": " + std::to_string(x.size()) + " vs " + std::to_string(y.size());
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
      if (x[i] != y[i]) {
        out += "; first difference at " + std::to_string(i) + ":\n  " + x[i].dump().substr(0, 600) + "\n  " +
               y[i].dump().substr(0, 600);
        break;
      }
    return out;
  }
  return "differ";
}

void require_delivered_once(Rig& rig, const std::vector<DeskClient*>& desks) {
  // The link is healthy again: every desk syncs twice (the second round pulls what
  // the others pushed in the first).
  rig.proxy->set_default(FaultProxy::Mode::pass);
  for (int round = 0; round < 2; ++round)
    for (DeskClient* d : desks) {
      d->net.set_port(rig.proxy->port());
      d->retry();
    }
  const std::vector<sync::PulledOp> log = server_log(rig.server.port());
  // The log is 1, 2, …, n with every op id once.
  std::unordered_map<std::string, int> in_log;
  int64_t gaps = 0, doubled = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].seq != static_cast<int64_t>(i + 1)) ++gaps;
    if (++in_log[log[i].op.id] == 2) ++doubled;
  }
  CHECK(gaps == 0);
  CHECK(doubled == 0);

  // Every desk holds exactly what a fresh desk that pulled everything holds.
  DeskClient fresh(rig.server.port(), "fresh-", kSupervisor);
  fresh.sync();
  REQUIRE(fresh.last_error() == "");
  REQUIRE(fresh.store.cursor == static_cast<int64_t>(log.size()));
  const json want = state_image(fresh.desk.state());
  for (DeskClient* d : desks) {
    INFO("desk " << d->desk.actor());
    CHECK(d->last_error() == "");
    CHECK(d->pending() == 0);
    CHECK(d->store.outbox_size() == 0);
    std::unordered_set<std::string> refused;
    for (const auto& r : d->desk.rejected()) refused.insert(r.op.id);
    int64_t missing = 0, twice = 0, refused_but_logged = 0;
    for (const Op& op : d->store.local) {
      int n = in_log.count(op.id) ? in_log[op.id] : 0;
      if (refused.count(op.id)) {
        if (n != 0) ++refused_but_logged;
      } else if (n == 0) {
        ++missing;
      } else if (n > 1) {
        ++twice;
      }
    }
    CHECK(missing == 0);
    CHECK(twice == 0);
    CHECK(refused_but_logged == 0);
    // Nothing doubled in the desk's own store either.
    std::unordered_set<std::string> stored;
    int64_t stored_twice = 0;
    for (const Op& op : d->store.durable)
      if (!stored.insert(op.id).second) ++stored_twice;
    CHECK(stored_twice == 0);
    CHECK(d->store.cursor == static_cast<int64_t>(log.size()));
    std::string diff = image_diff(state_image(d->desk.state()), want);
    INFO(diff);
    CHECK(diff.empty());
  }
}

json new_ticket_cmd(const State& s, const std::string& subject) {
  REQUIRE(!s.customers.empty());
  REQUIRE(!s.courses.empty());
  return {{"type", "ticket.create"}, {"customer_id", s.customers.front().id}, {"course_id", s.courses.front().id},
          {"channel", "chat"}, {"subject", subject}, {"text", "第三讲的回放一直在转圈"}, {"category", "technical"},
          {"priority", "P2"}};
}

}  // namespace edudesk::faulttest
