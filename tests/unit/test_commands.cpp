#include <catch2/catch.hpp>

#include "core/commands.h"
#include "core/query.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
struct Run {
  State s = base_state();
  PrefixIds ids{"dev-"};
  Context ctx{kT0, "a-1", &ids};
  Error err;
  Decision d;
  bool decide_and_apply(const json& cmd) {
    if (!decide(s, cmd, ctx, d, err)) return false;
    for (const Op& op : d.ops) REQUIRE(apply(s, op, err) == ApplyOutcome::applied);
    return true;
  }
};
}  // namespace

TEST_CASE("creating a ticket for a known customer makes one op and the ticket") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  REQUIRE(r.d.ops.size() == 1);
  const Ticket* t = r.s.ticket(r.d.result["ticket_id"].get<std::string>());
  REQUIRE(t);
  CHECK(t->number == 10001);
  CHECK(t->subject == "回放视频打不开");
  CHECK(t->status == Status::new_);
  CHECK(t->category == Category::technical);
  CHECK(t->priority == Priority::P2);
  REQUIRE(t->timeline.size() == 1);
  CHECK(t->timeline[0].kind == EntryKind::customer_message);
  CHECK(t->timeline[0].text == "第三讲的回放一直在转圈");
}

TEST_CASE("creating a ticket for a new customer creates the customer first") {
  Run r;
  json cmd = new_ticket_cmd();
  cmd.erase("customer_id");
  cmd["customer"] = {{"name", "张家长"}, {"phone", "139-0000-1111"}, {"is_parent", true}};
  REQUIRE(r.decide_and_apply(cmd));
  REQUIRE(r.d.ops.size() == 2);
  CHECK(r.d.ops[0].type == op_type::customer_created);
  const Customer* c = r.s.customer(r.d.result["customer_id"].get<std::string>());
  REQUIRE(c);
  CHECK(c->name == "张家长");
  CHECK(c->is_parent);
}

TEST_CASE("ticket numbers count up from the highest known number") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  CHECK(r.d.result["number"] == 10002);
}

TEST_CASE("a reply is recorded, answers the ticket and takes a new ticket into work") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  std::string id = r.d.result["ticket_id"];
  r.ctx.now = kT0 + 60000;
  REQUIRE(r.decide_and_apply({{"type", "ticket.reply"}, {"ticket_id", id}, {"text", "您好，我们马上为您排查。"}}));
  const Ticket* t = r.s.ticket(id);
  CHECK(t->status == Status::open);
  CHECK(t->first_response_at == kT0 + 60000);
  CHECK(t->timeline.back().kind == EntryKind::reply);
}

TEST_CASE("an internal note does not count as a response") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  std::string id = r.d.result["ticket_id"];
  REQUIRE(r.decide_and_apply({{"type", "ticket.note"}, {"ticket_id", id}, {"text", "已转技术支持"}}));
  CHECK(r.s.ticket(id)->first_response_at == 0);
  CHECK(r.s.ticket(id)->status == Status::new_);
  CHECK(r.s.ticket(id)->timeline.back().kind == EntryKind::note);
}

TEST_CASE("status changes follow the allowed transitions") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  std::string id = r.d.result["ticket_id"];
  // closing needs a resolution code, and changes nothing without one
  CHECK_FALSE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}}));
  CHECK(r.err.code == "missing_field");
  CHECK(r.err.field == "resolution");
  CHECK(r.s.ticket(id)->status == Status::new_);
  CHECK_FALSE(r.decide_and_apply(
      {{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "magic"}}));
  CHECK(r.err.field == "resolution");
  REQUIRE(r.decide_and_apply(
      {{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "closed"}, {"resolution", "explained"}}));
  CHECK(r.s.ticket(id)->status == Status::closed);
  CHECK(r.s.ticket(id)->resolution == "explained");
  // closed → resolved is not a thing; closed → open (reopen) is
  CHECK_FALSE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "resolved"}}));
  CHECK(r.err.code == "transition_not_allowed");
  REQUIRE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "open"}}));
  CHECK_FALSE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "open"}}));
  CHECK_FALSE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "new"}}));
}

TEST_CASE("a customer writing to a resolved ticket reopens it") {
  Run r;
  REQUIRE(r.decide_and_apply(new_ticket_cmd()));
  std::string id = r.d.result["ticket_id"];
  REQUIRE(r.decide_and_apply({{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "resolved"}}));
  REQUIRE(r.decide_and_apply({{"type", "ticket.customer_message"}, {"ticket_id", id}, {"text", "还是打不开"}}));
  CHECK(r.s.ticket(id)->status == Status::open);
  CHECK(r.s.ticket(id)->timeline.back().author == "c-1");  // logged by an agent, said by the customer
}

// ---- bad input: a clear error, nothing changed -----------------------------------

namespace {
void check_refused(const json& cmd, const std::string& code, const std::string& field) {
  Run r;
  int64_t rev = r.s.revision;
  size_t tickets = r.s.tickets.size(), customers = r.s.customers.size();
  INFO(cmd.dump(-1, ' ', false, json::error_handler_t::replace));
  CHECK_FALSE(decide(r.s, cmd, r.ctx, r.d, r.err));
  CHECK(r.err.code == code);
  CHECK(r.err.field == field);
  CHECK_FALSE(r.err.message.empty());
  CHECK(r.d.ops.empty());
  CHECK(r.s.revision == rev);
  CHECK(r.s.tickets.size() == tickets);
  CHECK(r.s.customers.size() == customers);
}
}  // namespace

TEST_CASE("a command missing a required field is refused with the field named") {
  json c = new_ticket_cmd();
  c.erase("subject");
  check_refused(c, "missing_field", "subject");
  c = new_ticket_cmd();
  c["subject"] = "   ";
  check_refused(c, "missing_field", "subject");
  c = new_ticket_cmd();
  c.erase("channel");
  check_refused(c, "missing_field", "channel");
  c = new_ticket_cmd();
  c.erase("customer_id");
  check_refused(c, "missing_field", "customer");
  check_refused({{"type", "ticket.reply"}, {"text", "hi"}}, "missing_field", "ticket_id");
  check_refused({{"subject", "x"}}, "missing_field", "type");
}

TEST_CASE("over-long fields are refused, counted in characters not bytes") {
  json c = new_ticket_cmd();
  std::string s200;
  for (int i = 0; i < 200; ++i) s200 += "课";  // 200 characters, 600 bytes: allowed
  c["subject"] = s200;
  Run ok;
  CHECK(decide(ok.s, c, ok.ctx, ok.d, ok.err));
  c["subject"] = s200 + "课";
  check_refused(c, "too_long", "subject");
  c = new_ticket_cmd();
  c["text"] = std::string(10001, 'a');
  check_refused(c, "too_long", "text");
  c = new_ticket_cmd();
  c.erase("customer_id");
  c["customer"] = {{"name", std::string(65, 'x')}};
  check_refused(c, "too_long", "customer.name");
}

TEST_CASE("unknown command types and malformed commands are refused") {
  check_refused({{"type", "ticket.delete_everything"}}, "unknown_type", "type");
  check_refused(json::array({1, 2}), "bad_command", "");
  check_refused("ticket.create", "bad_command", "");
  check_refused({{"type", 42}}, "wrong_type", "type");
  json c = new_ticket_cmd();
  c["channel"] = "carrier_pigeon";
  check_refused(c, "invalid_value", "channel");
  c = new_ticket_cmd();
  c["subject"] = 12;
  check_refused(c, "wrong_type", "subject");
  c = new_ticket_cmd();
  c["customer_id"] = "c-nobody";
  check_refused(c, "not_found", "customer_id");
  c = new_ticket_cmd();
  c.erase("customer_id");
  c["customer"] = {{"name", "王五"}, {"phone", "call me maybe"}};
  check_refused(c, "invalid_value", "customer.phone");
  check_refused({{"type", "ticket.reply"}, {"ticket_id", "t-none"}, {"text", "hi"}}, "not_found", "ticket_id");
}

TEST_CASE("text that is not valid UTF-8 is refused") {
  json c = new_ticket_cmd();
  c["subject"] = std::string("bad \xC3\x28 bytes");
  check_refused(c, "invalid_utf8", "subject");
  c = new_ticket_cmd();
  c["text"] = std::string("\xED\xA0\x80 surrogate");
  check_refused(c, "invalid_utf8", "text");
  c = new_ticket_cmd();
  c["subject"] = std::string("truncated \xE5\xAD");
  check_refused(c, "invalid_utf8", "subject");
}

TEST_CASE("a command without a signed-in agent is refused") {
  Run r;
  r.ctx.actor.clear();
  CHECK_FALSE(decide(r.s, new_ticket_cmd(), r.ctx, r.d, r.err));
  CHECK(r.err.code == "no_actor");
}
