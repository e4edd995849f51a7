// Concurrent changes: every replica that holds the same Ops holds the same desk,
// whatever order the Ops arrived in, and a change that lost says so.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/commands.h"
#include "core/demo.h"
#include "core/rng.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
// An agent on one device: its own ids and clock, deciding against its own State.
struct Device {
  State s = base_state();
  PrefixIds ids;
  HlcClock clock;
  std::string actor;
  std::vector<Op> made;
  Device(const std::string& prefix, const std::string& who) : ids(prefix), actor(who) {}
  Decision run(const json& cmd, Millis now) {
    Context ctx{now, actor, &ids, &clock};
    Decision d;
    Error e;
    REQUIRE(decide(s, cmd, ctx, d, e));
    for (const Op& op : d.ops) {
      REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
      made.push_back(op);
    }
    return d;
  }
  void receive(const std::vector<Op>& ops) {
    Error e;
    for (const Op& op : ops) {
      clock.observe(op.hlc);
      REQUIRE(apply(s, op, e) != ApplyOutcome::rejected);
    }
  }
};

std::string image(const State& s) { return state_image(s).dump(); }
}  // namespace

TEST_CASE("concurrent priority changes: the later one wins everywhere and the loser is marked") {
  Device a("a-", "a-1"), b("b-", "a-1");
  Decision d = a.run(new_ticket_cmd(), kT0);
  std::string id = d.result["ticket_id"];
  b.receive(a.made);
  size_t shared = a.made.size();
  // Both offline: 王敏 sets P1, another agent a second later sets P4, neither seeing the other.
  a.run({{"type", "ticket.set_priority"}, {"ticket_id", id}, {"priority", "P1"}}, kT0 + 1000);
  b.run({{"type", "ticket.set_priority"}, {"ticket_id", id}, {"priority", "P4"}}, kT0 + 2000);
  std::vector<Op> from_a(a.made.begin() + shared, a.made.end());
  std::vector<Op> from_b = b.made;
  a.receive(from_b);
  b.receive(from_a);
  CHECK(image(a.s) == image(b.s));
  const Ticket* t = a.s.ticket(id);
  CHECK(t->priority == Priority::P4);
  const TimelineEntry& lost = t->timeline[t->timeline.size() - 2];
  CHECK(lost.value == "P1");
  CHECK(lost.conflict == Conflict::overwritten);
  CHECK(lost.kept_value == "P4");
}

TEST_CASE("a change made after seeing the other one is not a conflict") {
  Device a("a-", "a-1");
  std::string id = a.run(new_ticket_cmd(), kT0).result["ticket_id"];
  a.run({{"type", "ticket.set_priority"}, {"ticket_id", id}, {"priority", "P1"}}, kT0 + 1000);
  a.run({{"type", "ticket.set_priority"}, {"ticket_id", id}, {"priority", "P4"}}, kT0 + 2000);
  for (const TimelineEntry& e : a.s.ticket(id)->timeline) CHECK(e.conflict == Conflict::none);
}

TEST_CASE("two closes are one close, and a resolve after a concurrent close is ignored") {
  Device a("a-", "a-1"), b("b-", "a-1"), c("c-", "a-1");
  std::string id = a.run(new_ticket_cmd(), kT0).result["ticket_id"];
  b.receive(a.made);
  c.receive(a.made);
  size_t shared = a.made.size();
  a.run({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "explained"}}, kT0 + 1000);
  b.run({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "explained"}}, kT0 + 2000);
  c.run({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "resolved"}}, kT0 + 3000);
  std::vector<Op> all(a.made.begin() + shared, a.made.end());
  all.insert(all.end(), b.made.begin(), b.made.end());
  all.insert(all.end(), c.made.begin(), c.made.end());
  a.receive(all);
  b.receive(all);
  c.receive(all);
  CHECK(image(a.s) == image(b.s));
  CHECK(image(b.s) == image(c.s));
  const Ticket* t = a.s.ticket(id);
  CHECK(t->status == Status::closed);
  auto n = t->timeline.size();
  CHECK(t->timeline[n - 2].conflict == Conflict::duplicate);  // the second close
  CHECK(t->timeline[n - 1].conflict == Conflict::ignored);    // closed → resolved is not a move
  CHECK(t->timeline[n - 1].kept_value == "closed");
}

TEST_CASE("a customer message reopens a ticket closed at the same time") {
  Device a("a-", "a-1"), b("b-", "a-1");
  std::string id = a.run(new_ticket_cmd(), kT0).result["ticket_id"];
  b.receive(a.made);
  size_t shared = a.made.size();
  a.run({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "explained"}}, kT0 + 1000);
  b.run({{"type", "ticket.customer_message"}, {"ticket_id", id}, {"text", "还是不行"}}, kT0 + 2000);
  a.receive(b.made);
  b.receive({a.made.begin() + shared, a.made.end()});
  CHECK(image(a.s) == image(b.s));
  CHECK(a.s.ticket(id)->status == Status::open);
}

TEST_CASE("the demo desk is the same in any arrival order that keeps each ticket's creation first") {
  DemoOptions opt;
  opt.end = kT0;
  opt.tickets = 60;
  std::vector<Op> ops = demo_ops(opt);
  State in_order;
  Error e;
  for (const Op& op : ops) REQUIRE(apply(in_order, op, e) == ApplyOutcome::applied);
  const std::string want = image(in_order);
  // Shuffle the timeline Ops of every ticket and the events of every refund among
  // themselves (creations stay first: nobody can reply to a ticket, or approve a
  // refund, they have not seen).
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    Rng rng(seed);
    std::vector<Op> head, tail;
    for (const Op& op : ops) {
      bool creation = op.type == op_type::ticket_created || op.type == op_type::refund_quoted ||
                      op.type == op_type::task_created;
      bool event = op.data.contains("ticket_id") || op.data.contains("refund_id");
      (event && !creation ? tail : head).push_back(op);
    }
    for (size_t i = tail.size(); i > 1; --i) std::swap(tail[i - 1], tail[static_cast<size_t>(rng.below(static_cast<int64_t>(i)))]);
    State s;
    for (const Op& op : head) REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
    for (const Op& op : tail) REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
    INFO("seed " << seed);
    CHECK(image(s) == want);
  }
}

TEST_CASE("taking back a refused change refolds the ticket as if it never came") {
  Device a("a-", "a-1");
  std::string id = a.run(new_ticket_cmd(), kT0).result["ticket_id"];
  std::string before = image(a.s);
  Decision d = a.run({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "explained"}}, kT0 + 1000);
  CHECK(a.s.ticket(id)->status == Status::closed);
  REQUIRE(unapply(a.s, d.ops[0].id));
  CHECK(a.s.ticket(id)->status == Status::new_);
  CHECK(image(a.s) == before);
}

TEST_CASE("the clock stamps every new Op after everything it has seen") {
  HlcClock c;
  Hlc h1 = c.tick(1000);
  Hlc h2 = c.tick(1000);  // same millisecond
  CHECK(h1 < h2);
  c.observe({5000, 7});  // a stamp from a device whose clock runs ahead
  Hlc h3 = c.tick(2000);
  CHECK(Hlc{5000, 7} < h3);
}
