// The binary snapshot of the State (core/snapshot.h): a restored State is the replayed one,
// byte for byte; replay goes on from it; damaged bytes are refused, never trusted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/demo.h"
#include "core/kb.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "support.h"

using namespace edudesk;
using edudesk::test::make;
using edudesk::test::replay;
using edudesk::test::run_command;

namespace {

const std::vector<Op>& demo() {
  static const std::vector<Op> ops = [] {
    DemoOptions o;
    o.end = 1795000000000LL;  // 2026-11-18, a fixed "now"
    return demo_ops(o);
  }();
  return ops;
}

State replayed(const std::vector<Op>& ops) {
  State s;
  REQUIRE(replay(ops, s) == 0);
  return s;
}

// What state_image leaves out: the bookkeeping replay rebuilds besides the records.
void same_bookkeeping(const State& a, const State& b) {
  CHECK(a.applied_ops == b.applied_ops);
  CHECK(a.op_ticket == b.op_ticket);
  CHECK(a.op_refund == b.op_refund);
  CHECK(a.op_task == b.op_task);
  CHECK(a.op_incident == b.op_incident);
  CHECK(a.response_groups == b.response_groups);
  CHECK(a.agent_index == b.agent_index);
  CHECK(a.customer_index == b.customer_index);
  CHECK(a.course_index == b.course_index);
  CHECK(a.ticket_index == b.ticket_index);
  CHECK(a.order_index == b.order_index);
  CHECK(a.refund_index == b.refund_index);
  CHECK(a.task_index == b.task_index);
  CHECK(a.incident_index == b.incident_index);
  CHECK(a.revision == b.revision);
  CHECK(a.kb_revision == b.kb_revision);
  CHECK(a.max_ticket_number == b.max_ticket_number);
}

// Writes `a`, reads it back and checks the copy is `a` in every respect.
State round_trip(const State& a) {
  const std::string bytes = snapshot_write(a);
  State b;
  std::string err;
  const bool ok = snapshot_read(bytes.data(), bytes.size(), b, err);
  INFO(err);
  REQUIRE(ok);
  CHECK(state_image(b) == state_image(a));
  CHECK(snapshot_write(b) == bytes);  // every member the field lists hold, to the byte
  same_bookkeeping(a, b);
  return b;
}

// A refused snapshot: false, one line that says why, and a default State.
void refused(const std::string& bytes, const char* why) {
  State out = replayed({demo().begin(), demo().begin() + 20});  // something to be replaced
  std::string err;
  INFO("expected: " << why);
  CHECK_FALSE(snapshot_read(bytes.data(), bytes.size(), out, err));
  INFO("err: " << err);
  CHECK(err.rfind("snapshot: ", 0) == 0);
  CHECK(err.find(why) != std::string::npos);
  CHECK(err.find('\n') == std::string::npos);
  CHECK(out.agents.empty());
  CHECK(out.applied_ops.empty());
  CHECK(out.agent_index.empty());
  CHECK(out.revision == 0);
  CHECK(state_image(out) == state_image(State{}));
}

// The header: "EDSNAP", the format version (4 bytes), the fingerprint (a length byte and its
// characters), the payload's size (8 bytes).
size_t header_size() {
  const size_t fp = std::strlen(snapshot_fingerprint());
  REQUIRE(fp < 128);  // its length prefix is one byte
  return 6 + 4 + 1 + fp + 8;
}

// `bytes` cut to `size`, the header saying so, so that the reader meets the end inside the data.
std::string cut_consistently(std::string bytes, size_t size) {
  bytes.resize(size);
  const uint64_t payload = size - header_size();
  std::memcpy(&bytes[header_size() - 8], &payload, 8);
  return bytes;
}

}  // namespace

TEST_CASE("a snapshot of the demo desk restores the replayed State", "[snapshot]") {
  const State a = replayed(demo());
  const State b = round_trip(a);
  CHECK(snapshot_write(a) == snapshot_write(a));
  // lookups by id work on the restored State
  CHECK(b.agent(kDemoAgentId) != nullptr);
  CHECK(b.ticket(a.tickets.back().id)->number == a.tickets.back().number);
  CHECK(b.ticket_by_number(a.tickets.front().number) != nullptr);
  CHECK(b.customer(a.customers[7].id)->name == a.customers[7].name);
  CHECK(b.refund(a.refunds.back().id)->refund_fen == a.refunds.back().refund_fen);
  CHECK(b.task(a.tasks.back().id)->title == a.tasks.back().title);
  CHECK(b.order(a.orders.back().id) != nullptr);
  CHECK(b.survey("csat") != nullptr);
}

TEST_CASE("replay goes on from a restored snapshot as if it had never stopped", "[snapshot]") {
  const std::vector<Op>& ops = demo();
  const size_t cut = ops.size() * 7 / 10;
  const State a = replayed(ops);

  const std::string bytes = snapshot_write(replayed({ops.begin(), ops.begin() + static_cast<std::ptrdiff_t>(cut)}));
  State b;
  std::string err;
  REQUIRE(snapshot_read(bytes.data(), bytes.size(), b, err));
  REQUIRE(replay({ops.begin() + static_cast<std::ptrdiff_t>(cut), ops.end()}, b) == 0);

  CHECK(state_image(a) == state_image(b));
  CHECK(snapshot_write(a) == snapshot_write(b));
  same_bookkeeping(a, b);
  // the idempotency set survived: an Op from before the snapshot is a duplicate
  for (size_t i : {size_t{0}, cut / 2, cut - 1, cut, ops.size() - 1}) {
    Error e;
    INFO("op " << ops[i].id);
    CHECK(apply(b, ops[i], e) == ApplyOutcome::duplicate);
  }
  // records made before the snapshot are found by id
  const Ticket& first = a.tickets.front();
  REQUIRE(b.ticket(first.id) != nullptr);
  CHECK(b.ticket(first.id)->timeline.size() == first.timeline.size());
  CHECK(b.customer(a.customers.front().id) != nullptr);
  CHECK(b.refund(a.refunds.front().id) != nullptr);
  CHECK(b.task(a.tasks.front().id) != nullptr);
  CHECK(b.course(a.courses.front().id) != nullptr);
}

TEST_CASE("every kind of record and derived value survives a snapshot", "[snapshot]") {
  State s = replayed(demo());
  PrefixIds ids("snap-");
  HlcClock clock;
  const Millis now = 1795000000000LL;
  Error err;
  auto run = [&](const json& cmd, const char* actor, Decision* d = nullptr) {
    Context ctx{now, actor, &ids, &clock, "Chrome · Android"};
    const bool ok = run_command(s, cmd, ctx, err, d);
    INFO(cmd.dump() << " by " << actor << ": " << err.message);
    REQUIRE(ok);
  };
  std::vector<std::string> open;
  for (const Ticket& k : s.tickets)
    if (k.status == Status::open && k.merged_into.empty()) open.push_back(k.id);
  REQUIRE(open.size() >= 2);
  const std::string t = open[0], u = open[1];
  // the demo has none of these: incidents with a checklist and a review, edited and removed
  // answers, goodwill, a new refund policy and SLA policy, the CSAT timing, a merge
  run({{"type", "ticket.merge"}, {"ticket_id", u}, {"into", t}}, "a-zhaolei");
  Decision d;
  run({{"type", "incident.create"}, {"incident_type", "technical"}, {"title", "视频黑屏"}, {"ticket_ids", {t}}},
      "a-chenchen", &d);
  const std::string inc = d.result["incident_id"];
  run({{"type", "incident.check"}, {"incident_id", inc}, {"item", "notify_tech"}}, "a-chenchen");
  run({{"type", "incident.resolve"}, {"incident_id", inc}, {"reply", "已修复，请刷新后重试。"}}, "a-chenchen");
  run({{"type", "incident.review"}, {"incident_id", inc}, {"review", "CDN 证书过期"}, {"root_cause", "technical"}},
      "a-zhaolei");
  json entry = kb_entry_to_json(builtin_kb_entries()[0]);
  entry["title"] = "退款须知（新）";
  run({{"type", "kb.set_entry"}, {"entry", entry}}, "a-zhaolei");
  run({{"type", "kb.remove_entry"}, {"id", builtin_kb_entries()[1].id}}, "a-zhaolei");
  run({{"type", "goodwill.offer"}, {"ticket_id", u}, {"kind", "coupon"}, {"amount_fen", 2000},
       {"expires_at", now + 30 * kDayMs}, {"note", "补偿"}},
      "a-wangmin");
  run({{"type", "policy.set"}, {"policy", {{"cooling_off_hours", 72}}}}, "a-zhaolei");
  run({{"type", "sla.set_policy"}, {"policy", sla_policy_to_json(sla_weekdays_policy())}}, "a-zhaolei");
  run({{"type", "survey.set_timing"}, {"csat_timing", "with_callback"}}, "a-zhaolei");
  // two concurrent changes of one field: the loser keeps a conflict and the value that stayed
  const json unseen = json::array({0, 0, ""});
  auto field = [&](const char* id, Millis at, const char* value) {
    Error e;
    REQUIRE(apply(s, make(id, op_type::field_set, {{"ticket_id", t}, {"field", "priority"}, {"value", value}, {"prev", unseen}},
                          at, "a-wangmin"), e) == ApplyOutcome::applied);
  };
  field("race-1", now + 1, "P1");
  field("race-2", now + 2, "P4");
  {
    Error e;
    REQUIRE(apply(s, make("renumber", op_type::numbered, {{"ticket_id", t}, {"number", 99999}}, now + 3, "system"), e) ==
            ApplyOutcome::applied);
  }
  REQUIRE(s.incidents.size() == 1);
  REQUIRE(s.incidents[0].checklist.size() == 1);
  REQUIRE(s.kb_edits.size() == 2);
  REQUIRE(s.policies.size() == 2);
  REQUIRE(s.goodwill.size() == 1);
  REQUIRE(s.sla_policy.name == "weekdays");

  const State b = round_trip(s);
  CHECK(b.incidents[0].review == "CDN 证书过期");
  CHECK(b.incidents[0].checklist[0].done);
  CHECK(b.kb_edits.at(entry["id"].get<std::string>()).entry->title == "退款须知（新）");
  CHECK_FALSE(b.kb_edits.at(builtin_kb_entries()[1].id).entry.has_value());
  CHECK(b.current_policy().cooling_off_hours == 72);
  CHECK(b.policy_stamps.size() == 2);
  CHECK(b.sla_policy.name == "weekdays");
  CHECK(b.sla_policy.holidays == s.sla_policy.holidays);
  CHECK(b.csat_timing == "with_callback");
  CHECK(b.goodwill[0].note == "补偿");
  CHECK(b.max_ticket_number == 99999);
  const Ticket& bt = *b.ticket(t);
  CHECK(bt.priority == Priority::P4);
  CHECK(bt.stamp_of(bt.priority_by).op_id == "race-2");
  CHECK(bt.priority_by.entry == s.ticket(t)->priority_by.entry);
  const auto lost = std::find_if(bt.timeline.begin(), bt.timeline.end(), [](const TimelineEntry& e) { return e.id == "race-1"; });
  REQUIRE(lost != bt.timeline.end());
  CHECK(lost->conflict == Conflict::overwritten);
  CHECK(lost->kept_value == "P4");
  CHECK(b.ticket(u)->merged_into == t);
  CHECK(b.surveys[0].schema == s.surveys[0].schema);  // skip logic with JSON values
  CHECK(b.responses.back().answers == s.responses.back().answers);
}

TEST_CASE("a damaged snapshot is refused and leaves a default State", "[snapshot]") {
  const std::string good = snapshot_write(replayed(demo()));
  const size_t header = header_size();
  REQUIRE(good.size() > header + 1000);

  refused("", "empty");
  {
    State out = replayed({demo().begin(), demo().begin() + 5});
    std::string err;
    CHECK_FALSE(snapshot_read(nullptr, 0, out, err));
    CHECK(out.agents.empty());
  }
  std::string bad = good;
  bad[0] = 'X';
  refused(bad, "bad magic");
  refused("EDS", "bad magic");
  bad = good;
  bad[6] = 99;
  refused(bad, "format version 99");
  bad = good;
  bad[11] ^= 1;  // a character of the fingerprint
  refused(bad, "another build of the core");
  refused(good.substr(0, 8), "truncated header");
  refused(good + "x", "1 bytes after the end");

  // cut anywhere: the payload's size says it at once
  for (size_t n = 1; n < good.size(); n += 997) {
    INFO("cut at " << n);
    refused(good.substr(0, n), n < 6 ? "bad magic" : n < header ? "truncated header" : "truncated: ");
  }
  // cut, with the header made to agree: the reader meets the end inside a value
  for (size_t n = header; n < good.size(); n += good.size() / 37 + 1) {
    INFO("cut at " << n);
    refused(cut_consistently(good, n), "at byte");
  }
  refused(cut_consistently(good + std::string(5, '\0'), good.size() + 5), "unread bytes after the State");

  // huge counts and lengths never reserve what the bytes cannot hold
  const std::string head = good.substr(0, header);
  // the payload's first part (its 8-byte length, then its bytes: agents first)
  auto with_payload = [&](const std::string& part) {
    std::string payload(8, '\0');
    const uint64_t n = part.size();
    std::memcpy(&payload[0], &n, 8);
    payload += part;
    return cut_consistently(head + payload, header + payload.size());
  };
  refused(with_payload(std::string(9, '\xff') + '\x01'), "overruns the data");  // 2^63 agents
  refused(with_payload(std::string(10, '\xff') + '\x01'), "malformed length");
  refused(with_payload("\x01\xff\xff\xff\xff\x0f"), "a string of 4294967295 bytes overruns");  // one agent, a 4 GB id
  refused(with_payload("\x01\x02" "a1\x02" "b1\x07"), "enum value out of range");  // role 7

  // bytes flipped here and there: refused, or read; never a crash
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 60; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    bad = good;
    const size_t at = header + x % (good.size() - header);
    bad[at] = static_cast<char>(bad[at] ^ (1 + x % 255));
    State out;
    std::string err;
    if (!snapshot_read(bad.data(), bad.size(), out, err)) {
      INFO("flipped byte " << at << ": " << err);
      CHECK(out.tickets.empty());
      CHECK(out.applied_ops.empty());
    }
  }
}

TEST_CASE("a snapshot read while its bytes arrive shows the newest tickets first, then is the whole State", "[snapshot]") {
  DemoOptions o;
  o.end = 1795000000000LL;
  o.tickets = 2500;  // three slices of tickets
  const State a = replayed(demo_ops(o));
  REQUIRE(a.tickets.size() >= 2500);
  const std::string bytes = snapshot_write(a);

  State b = replayed({demo().begin(), demo().begin() + 20});  // something to be replaced
  SnapshotLoader loader;
  loader.start(b, bytes.data(), bytes.size());
  CHECK(b.tickets.empty());
  CHECK_FALSE(loader.showable());
  // the bytes come in pieces of 64 KB; each step reads what they allow, 200 tickets' worth
  size_t available = 0, steps = 0, shown_at = 0;
  std::vector<int64_t> revisions;
  SnapshotLoader::Step st = SnapshotLoader::Step::more;
  while (st == SnapshotLoader::Step::more || st == SnapshotLoader::Step::wait) {
    REQUIRE(++steps < 10000);
    available = std::min(bytes.size(), available + 65536);
    st = loader.step(available, 200);
    if (st == SnapshotLoader::Step::done || st == SnapshotLoader::Step::failed || !loader.showable()) continue;
    if (!shown_at) shown_at = available;
    revisions.push_back(b.revision);
    CHECK(b.revision >= SnapshotLoader::kArrivingRevision);
    CHECK(loader.tickets_total() == a.tickets.size());
    // what is there is the newest tickets, each findable by its id, and everything small
    const size_t n = b.tickets.size();
    REQUIRE(n == loader.tickets_read());
    REQUIRE(n <= a.tickets.size());
    for (size_t i = 0; i < n; i += 97) {
      const Ticket& t = a.tickets[a.tickets.size() - 1 - i];
      REQUIRE(b.ticket(t.id) != nullptr);
      CHECK(b.ticket(t.id)->number == t.number);
      CHECK(b.ticket(t.id)->timeline.size() == t.timeline.size());
    }
    CHECK(b.customers.size() == a.customers.size());  // the inbox's names
    CHECK(b.customer(a.customers.back().id) != nullptr);
    CHECK(b.incidents.size() == a.incidents.size());
    CHECK(b.sla_policy.name == a.sla_policy.name);
  }
  REQUIRE(st == SnapshotLoader::Step::done);
  // shown long before the last byte: the part before the tickets is small
  CHECK(shown_at < bytes.size() / 4);
  CHECK(std::adjacent_find(revisions.begin(), revisions.end(), std::greater<int64_t>()) == revisions.end());
  CHECK(revisions.front() < revisions.back());  // every slice is a change the views see
  CHECK(state_image(b) == state_image(a));
  same_bookkeeping(a, b);
  CHECK(snapshot_write(b) == bytes);

  // cut in the middle (the header made to agree), found while the bytes arrive: the newest
  // tickets were shown, then the loader fails and empties the State
  const std::string cut = cut_consistently(bytes, bytes.size() * 6 / 10);
  State c;
  loader.start(c, cut.data(), cut.size());
  available = 0;
  bool shown = false;
  st = SnapshotLoader::Step::more;
  for (steps = 0; (st == SnapshotLoader::Step::more || st == SnapshotLoader::Step::wait) && steps < 10000; ++steps) {
    available = std::min(cut.size(), available + 65536);
    st = loader.step(available, 200);
    shown = shown || (st != SnapshotLoader::Step::failed && loader.showable() && !c.tickets.empty());
  }
  CHECK(shown);
  REQUIRE(st == SnapshotLoader::Step::failed);
  CHECK(loader.error().find("overruns the data") != std::string::npos);
  CHECK(c.tickets.empty());
  CHECK(c.ticket_index.empty());
  CHECK(c.revision == 0);
  CHECK_FALSE(loader.showable());
}
