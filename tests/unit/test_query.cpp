#include <catch2/catch.hpp>

#include "core/commands.h"
#include "core/query.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
State desk_with_three() {
  State s = base_state();
  PrefixIds ids("q-");
  Error e;
  const char* subjects[] = {"回放视频打不开", "申请退款", "Login fails on iPad"};
  const char* cats[] = {"technical", "after_sales", "technical"};
  const char* pris[] = {"P2", "P1", "P3"};
  for (int i = 0; i < 3; ++i) {
    Context ctx{kT0 + i * 3600000, "a-1", &ids};
    Decision d;
    json c = new_ticket_cmd();
    c["subject"] = subjects[i];
    c["category"] = cats[i];
    c["priority"] = pris[i];
    REQUIRE(decide(s, c, ctx, d, e));
    for (auto& op : d.ops) REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
  }
  return s;
}
}  // namespace

TEST_CASE("the inbox lists the newest ticket first by default") {
  State s = desk_with_three();
  auto rows = list_tickets(s, {}, {});
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]->subject == "Login fails on iPad");
  CHECK(rows[2]->subject == "回放视频打不开");
}

TEST_CASE("the inbox sorts by priority both ways") {
  State s = desk_with_three();
  auto rows = list_tickets(s, {}, {SortKey::priority, false});
  CHECK(rows[0]->priority == Priority::P1);
  rows = list_tickets(s, {}, {SortKey::priority, true});
  CHECK(rows[0]->priority == Priority::P3);
}

TEST_CASE("the inbox filters by category and finds Chinese text and numbers") {
  State s = desk_with_three();
  TicketFilter f;
  f.category = Category::technical;
  CHECK(list_tickets(s, f, {}).size() == 2);
  f = {};
  f.search = "退款";
  REQUIRE(list_tickets(s, f, {}).size() == 1);
  f.search = "10002";
  REQUIRE(list_tickets(s, f, {}).size() == 1);
  f.search = "login";  // ASCII case does not matter
  CHECK(list_tickets(s, f, {}).size() == 1);
  f.search = "李小明";  // the customer's name
  CHECK(list_tickets(s, f, {}).size() == 3);
  f.search = "转圈";  // words from the customer's message
  CHECK(list_tickets(s, f, {}).size() == 3);
}

TEST_CASE("queries answer in JSON and refuse what they do not know") {
  State s = desk_with_three();
  json out;
  Error e;
  REQUIRE(run_query(s, {{"type", "tickets.list"}, {"search", "退款"}}, kT0, out, e));
  CHECK(out["total"] == 1);
  CHECK(out["tickets"][0]["subject"] == "申请退款");
  REQUIRE(run_query(s, {{"type", "ticket.get"}, {"number", 10001}}, kT0, out, e));
  CHECK(out["timeline"].size() == 1);
  CHECK_FALSE(run_query(s, {{"type", "tickets.list"}, {"sort", "shoe_size"}}, kT0, out, e));
  CHECK(e.code == "invalid_value");
  CHECK_FALSE(run_query(s, {{"type", "tickets.list"}, {"open_only", "yes"}}, kT0, out, e));
  CHECK(e.code == "wrong_type");
  CHECK_FALSE(run_query(s, {{"type", "tickets.burn"}}, kT0, out, e));
  CHECK(e.code == "unknown_type");
  CHECK_FALSE(run_query(s, {{"type", "ticket.get"}, {"number", 1}}, kT0, out, e));
  CHECK(e.code == "not_found");
}
