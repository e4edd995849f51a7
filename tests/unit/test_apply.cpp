#include <catch2/catch.hpp>

#include "core/op.h"
#include "core/state.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

TEST_CASE("an op applied twice changes the state once") {
  State s = base_state();
  Op op = make("t1", op_type::ticket_created,
               {{"ticket_id", "t-1"}, {"number", 10001}, {"customer_id", "c-1"}, {"channel", "phone"}, {"subject", "退款"}});
  Error e;
  REQUIRE(apply(s, op, e) == ApplyOutcome::applied);
  int64_t rev = s.revision;
  CHECK(apply(s, op, e) == ApplyOutcome::duplicate);
  CHECK(s.revision == rev);
  CHECK(s.tickets.size() == 1);
  Op reply = make("r1", op_type::ticket_replied, {{"ticket_id", "t-1"}, {"text", "您好"}});
  REQUIRE(apply(s, reply, e) == ApplyOutcome::applied);
  CHECK(apply(s, reply, e) == ApplyOutcome::duplicate);
  CHECK(s.ticket("t-1")->timeline.size() == 1);
}

TEST_CASE("a rejected op leaves the state exactly as it was") {
  State s = base_state();
  int64_t rev = s.revision;
  Error e;
  CHECK(apply(s, make("x1", op_type::ticket_replied, {{"ticket_id", "t-none"}, {"text", "hi"}}), e) ==
        ApplyOutcome::rejected);
  CHECK(e.code == "not_found");
  CHECK(apply(s, make("x2", "ticket.exploded", json::object()), e) == ApplyOutcome::rejected);
  CHECK(e.code == "unknown_type");
  CHECK(apply(s, make("x3", op_type::ticket_created, {{"ticket_id", "t-2"}, {"number", 5}, {"customer_id", "c-nobody"},
                                                      {"channel", "chat"}, {"subject", "s"}}), e) == ApplyOutcome::rejected);
  CHECK(e.code == "not_found");
  CHECK(s.revision == rev);
  CHECK(s.tickets.empty());
  CHECK(s.applied_ops.count("x1") == 0);  // a rejected op may still arrive valid later
}

TEST_CASE("an op round-trips through its JSON form") {
  Op op = make("dev-1", op_type::ticket_noted, {{"ticket_id", "t-1"}, {"text", "已核实订单"}}, kT0, "a-1");
  Op back;
  Error e;
  REQUIRE(op_from_json(json::parse(op_to_json(op).dump()), back, e));
  CHECK(back.id == op.id);
  CHECK(back.type == op.type);
  CHECK(back.at == op.at);
  CHECK(back.by == op.by);
  CHECK(back.data == op.data);
}

TEST_CASE("malformed stored ops are refused with a reason") {
  Op out;
  Error e;
  CHECK_FALSE(op_from_json(json::parse(R"({"id":"","type":"x","at":1,"by":"a","data":{}})"), out, e));
  CHECK(e.field == "id");
  CHECK_FALSE(op_from_json(json::parse(R"({"id":"1","type":"x","at":"yesterday","by":"a","data":{}})"), out, e));
  CHECK(e.field == "at");
  CHECK_FALSE(op_from_json(json::parse(R"({"id":"1","type":"x","at":1,"by":"a","data":[]})"), out, e));
  CHECK(e.field == "data");
  CHECK_FALSE(op_from_json(json::parse("[1]"), out, e));
}

TEST_CASE("timestamps and money keep 64 bits on every platform") {
  // 2286-11-20 in ms does not fit 32 bits; wasm32 has a 32-bit long and size_t.
  State s = base_state();
  Error e;
  Millis far = 9999999999999;
  REQUIRE(apply(s, make("t9", op_type::ticket_created, {{"ticket_id", "t-9"}, {"number", 3000000000LL},
                                                        {"customer_id", "c-1"}, {"channel", "email"}, {"subject", "x"}},
                        far), e) == ApplyOutcome::applied);
  CHECK(s.ticket("t-9")->created_at == far);
  CHECK(s.max_ticket_number == 3000000000LL);
  REQUIRE(apply(s, make("k9", op_type::course_created, {{"course_id", "k-9"}, {"name", "贵"}, {"price_fen", 500000000000LL}}), e) ==
          ApplyOutcome::applied);
  CHECK(s.course("k-9")->price_fen == 500000000000LL);
}
