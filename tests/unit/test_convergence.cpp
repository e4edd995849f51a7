// Convergence: three desks and the server, random changes on shared tickets, random
// delivery (dropped requests, lost answers, duplicated pushes, short pull pages),
// offline stretches, clocks up to a day wrong, and a server whose disk sometimes
// refuses a commit. Once every message flows, every desk equals the server.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "core/commands.h"
#include "core/rng.h"
#include "support.h"
#include "sync/client.h"
#include "sync/service.h"

using namespace edudesk;
using namespace edudesk::sync;
using namespace edudesk::test;
using nlohmann::json;

namespace {
std::vector<Op> seed_ops() {
  return {make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
          make("o1b", op_type::agent_created, {{"agent_id", "a-2"}, {"name", "李静"}, {"role", "junior"}}),
          make("o1c", op_type::agent_created, {{"agent_id", "a-3"}, {"name", "刘洋"}, {"role", "senior"}}),
          make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
          make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
}

struct Replica {
  State s;
  PrefixIds ids;
  HlcClock clock;
  SyncClient sync;
  std::string agent;
  int64_t skew;
  bool online = true;
  int64_t rejected = 0;
  Replica(int i, uint64_t seed, int64_t skew_ms)
      : ids("r" + std::to_string(i) + "-"), sync("r" + std::to_string(i), seed * 7 + static_cast<uint64_t>(i)),
        agent("a-" + std::to_string(i + 1)), skew(skew_ms) {}

  void take(const std::vector<PulledOp>& ops) {
    for (const PulledOp& p : ops) {
      Error e;
      clock.observe(p.op.hlc);
      REQUIRE(apply(s, p.op, e) != ApplyOutcome::rejected);
    }
  }
};

// One random change that a person could make on this desk right now.
json random_command(Rng& rng, const Replica& r) {
  const State& s = r.s;
  if (s.tickets.empty() || rng.chance(12)) {
    json c{{"type", "ticket.create"}, {"channel", "chat"}, {"subject", "回放打不开 " + std::to_string(rng.below(1000))},
           {"text", "第三讲回放一直转圈"}};
    if (rng.chance(30)) c["customer"] = {{"name", "新学员" + std::to_string(rng.below(100))}};
    else c["customer_id"] = s.customers[static_cast<size_t>(rng.below(static_cast<int64_t>(s.customers.size())))].id;
    return c;
  }
  const Ticket& t = s.tickets[static_cast<size_t>(rng.below(static_cast<int64_t>(s.tickets.size())))];
  switch (rng.below(7)) {
    case 0: return {{"type", "ticket.reply"}, {"ticket_id", t.id}, {"text", "您好，正在处理"}};
    case 1: return {{"type", "ticket.note"}, {"ticket_id", t.id}, {"text", "已转技术支持"}};
    case 2: return {{"type", "ticket.customer_message"}, {"ticket_id", t.id}, {"text", "还是不行"}};
    case 3: {
      for (int tries = 0; tries < 5; ++tries) {
        Status to = kStatuses[rng.below(5)];
        if (status_change_allowed(t.status, to))
          return {{"type", "ticket.set_status"}, {"ticket_id", t.id}, {"status", to_id(to)}, {"resolution", "explained"},
                  {"root_cause", "other"}};
      }
      return {{"type", "ticket.note"}, {"ticket_id", t.id}, {"text", "跟进"}};
    }
    case 4: return {{"type", "ticket.set_priority"}, {"ticket_id", t.id}, {"priority", to_id(kPriorities[rng.below(4)])}};
    case 5: return {{"type", "ticket.set_category"}, {"ticket_id", t.id}, {"category", to_id(kCategories[rng.below(6)])}};
    default: return {{"type", "ticket.assign"}, {"ticket_id", t.id}, {"agent_id", "a-" + std::to_string(1 + rng.below(3))}};
  }
}

struct World {
  MemoryLog log;
  SyncService server{log};
  std::vector<Replica> replicas;
  Rng rng;
  int64_t now = kT0;
  bool lossy = true;

  explicit World(uint64_t seed) : rng(seed) {
    std::string err;
    REQUIRE(server.open(err));
    REQUIRE(server.seed_if_empty(seed_ops(), err));
    for (int i = 0; i < 3; ++i) replicas.emplace_back(i, seed, rng.between(-86400000, 86400000));
    for (Replica& r : replicas) {  // each desk signs in once and pulls the agents and customers
      PullResponse resp;
      REQUIRE(server.pull(0, 1000, now, resp, err));
      r.take(resp.ops);
      r.sync.set_cursor(resp.cursor);
    }
  }

  void push(Replica& r) {
    if (r.sync.pending() == 0) return;
    if (!r.sync.may_try(now + r.skew) && lossy) return;
    PushRequest req = r.sync.next_push(1 + rng.below(8));
    if (lossy && rng.chance(15)) { r.sync.on_failure(now + r.skew); return; }  // never arrived
    if (lossy && rng.chance(5)) log.fail_next_commit = true;                  // the disk said no
    PushResponse resp;
    std::string err;
    bool ok = server.push(r.agent, req, {}, now, resp, err);
    if (ok && lossy && rng.chance(10)) {  // the same push again (a retry that crossed the answer)
      PushResponse again;
      REQUIRE(server.push(r.agent, req, {}, now, again, err));
      for (const PushResult& p : again.results) CHECK(p.verdict != Verdict::accepted);
    }
    if (!ok || (lossy && rng.chance(20))) { r.sync.on_failure(now + r.skew); return; }  // no answer heard
    PushOutcome out = r.sync.on_push_answer(req, resp);
    for (const PushResult& p : out.rejected) {
      ++r.rejected;
      unapply(r.s, p.id);
    }
    r.sync.on_success();
  }

  void pull(Replica& r) {
    PullResponse resp;
    std::string err;
    REQUIRE(server.pull(r.sync.cursor(), lossy ? 1 + rng.below(20) : 1000, now, resp, err));
    if (lossy && rng.chance(15)) return;  // the answer got lost: the cursor stays
    r.take(resp.ops);
    r.sync.set_cursor(resp.cursor);
  }

  void step() {
    now += rng.between(1, 120000);
    Replica& r = replicas[static_cast<size_t>(rng.below(3))];
    int64_t roll = rng.below(100);
    if (roll < 45) {
      Context ctx{now + r.skew, r.agent, &r.ids, &r.clock};
      Decision d;
      Error e;
      if (decide(r.s, random_command(rng, r), ctx, d, e)) {
        for (const Op& op : d.ops) {
          REQUIRE(apply(r.s, op, e) == ApplyOutcome::applied);
          r.sync.enqueue(op);
        }
      }
    } else if (roll < 70) {
      if (r.online) push(r);
    } else if (roll < 92) {
      if (r.online) pull(r);
    } else {
      r.online = !r.online;  // the link drops for a while, or comes back
    }
  }

  void settle() {
    lossy = false;
    for (int round = 0; round < 50; ++round) {
      bool busy = false;
      for (Replica& r : replicas) {
        r.online = true;
        while (r.sync.pending() > 0) { push(r); busy = true; }
      }
      for (Replica& r : replicas) {
        PullResponse resp;
        do { pull(r); std::string err; REQUIRE(server.pull(r.sync.cursor(), 1, now, resp, err)); } while (resp.more || !resp.ops.empty());
      }
      if (!busy) break;
    }
  }
};

// A server whose log holds the agents, the customer and the course.
struct SeededServer {
  MemoryLog log;
  SyncService server{log};
  std::string err;
  SeededServer() {
    REQUIRE(server.open(err));
    REQUIRE(server.seed_if_empty(seed_ops(), err));
  }
};

int cases() {
  const char* env = std::getenv("EDUDESK_CONVERGENCE_CASES");
  return env ? std::atoi(env) : 2000;  // EDUDESK_CONVERGENCE_CASES=100000 for the long run
}
}  // namespace

TEST_CASE("three desks and the server converge after random offline work, loss, duplication and skew") {
  int n = cases();
  int64_t total_ops = 0, conflicts = 0;
  for (uint64_t seed = 1; seed <= static_cast<uint64_t>(n); ++seed) {
    World w(seed);
    for (int i = 0; i < 150; ++i) w.step();
    w.settle();
    const std::string want = state_image(w.server.state()).dump();
    for (Replica& r : w.replicas) {
      INFO("seed " << seed << ", replica " << r.agent);
      REQUIRE(r.sync.pending() == 0);
      REQUIRE(r.rejected == 0);  // nothing here is invalid: nothing may be refused
      REQUIRE(state_image(r.s).dump() == want);
    }
    total_ops += w.server.last_seq();
    for (const Ticket& t : w.server.state().tickets) {
      for (const TimelineEntry& e : t.timeline) conflicts += e.conflict != Conflict::none;
    }
  }
  // The runs must exercise what they claim to: plenty of Ops and real conflicts.
  CHECK(total_ops > n * 30);
  CHECK(conflicts > n / 2);
  WARN(n << " cases, " << total_ops << " ops, " << conflicts << " concurrent changes resolved");
}

TEST_CASE("every op pushed is applied exactly once, whatever the retries") {
  World w(4242);
  for (int i = 0; i < 300; ++i) w.step();
  w.settle();
  std::vector<PulledOp> all;
  std::string err;
  REQUIRE(w.log.page(0, 1000000, all, err));
  std::set<std::string> ids;
  for (const PulledOp& p : all) CHECK(ids.insert(p.op.id).second);  // no Op twice in the log
  for (Replica& r : w.replicas)
    r.s.applied_ops.for_each([&](std::string_view id) { CHECK(ids.count(std::string(id)) == 1); });  // none lost
}

TEST_CASE_METHOD(SeededServer, "one invalid op inside a batch is refused alone and the rest apply") {
  Replica r(0, 1, 0);
  PullResponse pr;
  REQUIRE(server.pull(0, 100, kT0, pr, err));
  r.take(pr.ops);
  Context ctx{kT0, "a-1", &r.ids, &r.clock};
  Decision d;
  Error e;
  REQUIRE(decide(r.s, new_ticket_cmd(), ctx, d, e));
  for (const Op& op : d.ops) r.sync.enqueue(op);
  Op forged = d.ops[0];
  forged.id = "forged-1";
  forged.by = "a-3";  // pretending to be someone else
  forged.data["ticket_id"] = "t-forged";
  r.sync.enqueue(forged);
  REQUIRE(decide(r.s, {{"type", "customer.create"}, {"name", "王五"}}, ctx, d, e));
  for (const Op& op : d.ops) r.sync.enqueue(op);
  PushRequest req = r.sync.next_push();
  PushResponse resp;
  REQUIRE(server.push("a-1", req, {}, kT0, resp, err));
  PushOutcome out = r.sync.on_push_answer(req, resp);
  CHECK(out.acknowledged.size() == 2);
  REQUIRE(out.rejected.size() == 1);
  CHECK(out.rejected[0].id == "forged-1");
  CHECK(out.rejected[0].code == "forbidden");
  CHECK(r.sync.pending() == 0);  // the queue moves on
}

TEST_CASE_METHOD(SeededServer, "a commit the disk refuses acknowledges nothing and keeps the server's state") {
  std::string before = state_image(server.state()).dump();
  Replica r(0, 1, 0);
  r.s = base_state();
  Context ctx{kT0, "a-1", &r.ids, &r.clock};
  Decision d;
  Error e;
  REQUIRE(decide(r.s, new_ticket_cmd(), ctx, d, e));
  PushRequest req{"r0", "b1", d.ops};
  log.fail_next_commit = true;
  PushResponse resp;
  CHECK_FALSE(server.push("a-1", req, {}, kT0, resp, err));
  CHECK(err == "disk full");
  CHECK(state_image(server.state()).dump() == before);
  CHECK(server.push("a-1", req, {}, kT0, resp, err));  // the retry goes through
  CHECK(resp.results[0].verdict == Verdict::accepted);
}

TEST_CASE("backoff grows, is jittered, and resets on success") {
  SyncClient c("x", 7);
  c.on_failure(0);
  int64_t first = c.next_try();
  CHECK(first >= 500);
  CHECK(first <= 1000);
  for (int i = 0; i < 20; ++i) c.on_failure(0);
  CHECK(c.next_try() <= 300000);
  CHECK(c.next_try() >= 150000);
  CHECK_FALSE(c.may_try(1000));
  c.on_success();
  CHECK(c.may_try(0));
}

TEST_CASE_METHOD(SeededServer, "an op with an absurd clock counter is refused with bad_clock and moves no clock") {
  Replica r(0, 1, 0);
  r.s = base_state();
  Context ctx{kT0, "a-1", &r.ids, &r.clock};
  Decision d;
  Error e;
  REQUIRE(decide(r.s, new_ticket_cmd(), ctx, d, e));
  Op forged = d.ops[0];
  forged.id = "forged-counter";
  forged.data["ticket_id"] = "t-forged";
  forged.hlc = {kT0, INT64_MAX};  // the next tick in that millisecond would overflow
  PushResponse resp;
  REQUIRE(server.push("a-1", PushRequest{"r0", "b1", {d.ops[0], forged}}, {}, kT0, resp, err));
  REQUIRE(resp.results.size() == 2);
  CHECK(resp.results[0].verdict == Verdict::accepted);
  CHECK(resp.results[1].verdict == Verdict::rejected);
  CHECK(resp.results[1].code == "bad_clock");
  CHECK(server.state().ticket("t-forged") == nullptr);
  PullResponse pr;
  REQUIRE(server.pull(0, 1000, kT0, pr, err));
  for (const PulledOp& p : pr.ops) CHECK(p.op.hlc.counter < limits::max_hlc_counter);
}
