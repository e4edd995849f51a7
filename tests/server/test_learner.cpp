// The course portal's learner endpoints (issue 8) on the real `edudesk serve`: learner
// tokens issued to agents, a learner's request (once per request id, clear errors, limits),
// the learner's own tickets with public replies only, and the frame-ancestors policy.
#include <catch2/catch.hpp>

#include <thread>

#include "harness.h"

using namespace edudesk;
using namespace edudesk::servertest;
using nlohmann::json;

namespace {

struct Portal {
  TempDir dir;
  Server server;
  std::unique_ptr<httplib::Client> c;
  Desk desk{"a-wangmin", "devL"};

  explicit Portal(std::vector<std::string> args = {}) : server(dir, std::move(args)) {
    std::string why;
    if (!server.start(&why)) FAIL("the server did not start: " << why);
    c = client_for(server);
    REQUIRE(desk.login(*c));
    REQUIRE(desk.pull_all(*c));
  }
  static std::string code(const HttpResult& r) {
    if (!r.j.is_object() || !r.j.contains("error")) return "(no error object: " + r.body.substr(0, 200) + ")";
    CHECK(r.j["ok"] == false);
    CHECK(r.j["error"]["message"].is_string());
    return r.j["error"]["code"].get<std::string>();
  }
  static std::string field(const HttpResult& r) {
    return r.j.is_object() && r.j.contains("error") ? r.j["error"].value("field", "") : "";
  }
  // A learner token for the portal's learner `name`/`phone` (a new customer the first time).
  json token_for(const std::string& name, const std::string& phone) {
    HttpResult r = post(*c, "/api/v1/learner-token", json{{"customer", {{"name", name}, {"phone", phone}}}}.dump(), desk.token);
    REQUIRE(r.status == 200);
    return r.j;
  }
  HttpResult request(const std::string& token, const json& body) {
    return post(*c, "/api/v1/learner/request", body.dump(), token);
  }
};

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("learner token: an agent gets one per customer, by id or by name and phone, and a learner or nobody cannot") {
  Portal p;
  json a = p.token_for("李小明", "13800138000");
  std::string token = a["token"];
  CHECK(token.rfind("lt1.", 0) == 0);
  CHECK(a["name"] == "李小明");
  CHECK(a["expires_at"].get<int64_t>() > now_ms() + 29LL * 24 * 3600 * 1000);
  // Asking again finds the same customer (no duplicate customer is made).
  json again = p.token_for("李小明", "13800138000");
  CHECK(again["customer_id"] == a["customer_id"]);
  // By the desk's own customer id.
  REQUIRE(!p.desk.state.customers.empty());
  const Customer& known = p.desk.state.customers.front();
  HttpResult by_id = post(*p.c, "/api/v1/learner-token", json{{"customer_id", known.id}, {"ttl_hours", 2}}.dump(), p.desk.token);
  REQUIRE(by_id.status == 200);
  CHECK(by_id.j["customer_id"] == known.id);
  CHECK(by_id.j["expires_at"].get<int64_t>() < now_ms() + 3LL * 3600 * 1000);

  HttpResult none = post(*p.c, "/api/v1/learner-token", json{{"customer_id", known.id}}.dump());
  CHECK(none.status == 401);
  HttpResult as_learner = post(*p.c, "/api/v1/learner-token", json{{"customer_id", known.id}}.dump(), token);
  CHECK(as_learner.status == 401);  // a learner token is no agent's token
  HttpResult unknown = post(*p.c, "/api/v1/learner-token", json{{"customer_id", "c-nobody"}}.dump(), p.desk.token);
  CHECK(unknown.status == 404);
  HttpResult nameless = post(*p.c, "/api/v1/learner-token", json{{"customer", {{"phone", "1"}}}}.dump(), p.desk.token);
  CHECK(nameless.status == 400);
  CHECK(Portal::code(nameless) == "missing_field");
  CHECK(Portal::field(nameless) == "customer.name");
  HttpResult ttl = post(*p.c, "/api/v1/learner-token", json{{"customer_id", known.id}, {"ttl_hours", 0}}.dump(), p.desk.token);
  CHECK(ttl.status == 400);
  CHECK(Portal::field(ttl) == "ttl_hours");
}

TEST_CASE("learner endpoints: no, forged, tampered or an agent's token is 401 and a learner token opens nothing else") {
  Portal p;
  std::string token = p.token_for("王小红", "13900001111")["token"];
  json other = p.token_for("赵小刚", "13900002222");
  const std::string other_customer = other["customer_id"];
  int64_t before = last_seq(*p.c);
  json body{{"request_id", "rq-auth"}, {"subject", "课程回放打不开"}};
  // The signature covers the customer and the expiry: moving a token to another learner or
  // extending it breaks it.
  std::string moved = token;
  size_t a = moved.find('.'), b = moved.find('.', a + 1);
  moved.replace(a + 1, b - a - 1, other_customer);
  std::string extended = token;
  size_t c = extended.find('.', b + 1);
  extended.replace(b + 1, c - b - 1, "99999999999999");
  std::string flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  for (const std::string& bad : {std::string(""), std::string("lt1.x"), std::string("lt1.a.b.c"), moved, extended, flipped,
                                 p.desk.token}) {
    INFO("token " << bad);
    HttpResult r = p.request(bad, body);
    CHECK(r.status == 401);
    CHECK((Portal::code(r) == "unauthorized" || Portal::code(r) == "bad_token"));
    CHECK(get(*p.c, "/api/v1/learner/tickets", bad).status == 401);
  }
  // The learner token is not a desk session.
  CHECK(get(*p.c, "/api/v1/pull?after=0", token).status == 401);
  CHECK(post(*p.c, "/api/v1/push", p.desk.push_body("b-x", {}), token).status == 401);
  CHECK(last_seq(*p.c) == before);
}

TEST_CASE("learner request: it becomes the learner's web-form ticket, routed, and the same request id twice is one ticket") {
  Portal p;
  json t = p.token_for("李小明", "13800138000");
  const std::string token = t["token"];
  json body{{"request_id", "rq-0001"},
            {"subject", "直播课进不去"},
            {"text", "老师您好，今天晚上的直播课一直进不去，页面提示网络错误。"},
            {"course_id", "k-python"}};
  int64_t before = last_seq(*p.c);
  HttpResult first = p.request(token, body);
  REQUIRE(first.status == 200);
  CHECK(first.j["duplicate"] == false);
  const std::string ticket_id = first.j["ticket_id"];
  const int64_t number = first.j["number"];
  // A lost answer, a second tab, the offline queue: sent again, and at the same moment twice more.
  HttpResult second = p.request(token, body);
  REQUIRE(second.status == 200);
  CHECK(second.j["duplicate"] == true);
  CHECK(second.j["ticket_id"] == ticket_id);
  CHECK(second.j["number"] == number);
  std::vector<std::thread> racers;
  std::vector<HttpResult> raced(2);
  for (int i = 0; i < 2; ++i)
    racers.emplace_back([&, i] {
      auto c = client_for(p.server);
      raced[static_cast<size_t>(i)] = post(*c, "/api/v1/learner/request", body.dump(), token);
    });
  for (auto& th : racers) th.join();
  for (const HttpResult& r : raced) CHECK(r.j.value("ticket_id", "") == ticket_id);
  CHECK(last_seq(*p.c) == before + 1);  // one ticket.created, nothing else

  REQUIRE(p.desk.pull_all(*p.c));
  const Ticket* made = p.desk.state.ticket(ticket_id);
  REQUIRE(made != nullptr);
  CHECK(made->customer_id == t["customer_id"]);
  CHECK(made->number == number);
  CHECK(made->channel == Channel::web_form);
  CHECK(made->course_id == "k-python");
  CHECK(made->subject == "直播课进不去");
  CHECK(made->category == Category::technical);  // the desk's classifier read the words
  int same = 0;
  for (const Ticket& x : p.desk.state.tickets) same += x.subject == "直播课进不去" && x.customer_id == made->customer_id;
  CHECK(same == 1);
  // A different request id is a new request.
  body["request_id"] = "rq-0002";
  HttpResult third = p.request(token, body);
  REQUIRE(third.status == 200);
  CHECK(third.j["ticket_id"] != ticket_id);
}

TEST_CASE("learner request: a malformed body is 400 with a clear error, too long a field 422, too big a body 413") {
  Portal p;
  const std::string token = p.token_for("李小明", "13800138000")["token"];
  json other = p.token_for("赵小刚", "13900002222");
  int64_t before = last_seq(*p.c);
  struct Case {
    std::string body;
    int status;
    std::string code, field;
  };
  const std::string long_subject = repeat("长", 201), long_text = repeat("字", 10001);
  std::vector<Case> cases = {
      {"not json", 400, "bad_json", ""},
      {"[1,2]", 400, "bad_json", ""},
      {"{\"subject\":\"x\"", 400, "bad_json", ""},
      {json{{"subject", "回放打不开"}}.dump(), 400, "missing_field", "request_id"},
      {json{{"request_id", "has space"}, {"subject", "回放打不开"}}.dump(), 400, "bad_request", "request_id"},
      {json{{"request_id", 7}, {"subject", "回放打不开"}}.dump(), 400, "wrong_type", "request_id"},
      {json{{"request_id", "rq-1"}}.dump(), 400, "missing_field", "subject"},
      {json{{"request_id", "rq-1"}, {"subject", "   "}}.dump(), 400, "missing_field", "subject"},
      {json{{"request_id", "rq-1"}, {"subject", 5}}.dump(), 400, "wrong_type", "subject"},
      {json{{"request_id", "rq-1"}, {"subject", "回放"}, {"text", json::array()}}.dump(), 400, "wrong_type", "text"},
      {json{{"request_id", "rq-1"}, {"subject", long_subject}}.dump(), 422, "too_long", "subject"},
      {json{{"request_id", "rq-1"}, {"subject", "回放"}, {"text", long_text}}.dump(), 422, "too_long", "text"},
      {json{{"request_id", "rq-1"}, {"subject", "回放"}, {"course_id", "k-nothing"}}.dump(), 422, "not_found", "course_id"},
      {json{{"request_id", "rq-1"}, {"subject", "回放"}, {"text", repeat("字", 30000)}}.dump(), 413, "too_large", ""},
  };
  // An order that belongs to someone else is refused as not found.
  REQUIRE(!p.desk.state.orders.empty());
  cases.push_back({json{{"request_id", "rq-1"}, {"subject", "退款"}, {"order_id", p.desk.state.orders.front().id}}.dump(), 422,
                   "not_found", "order_id"});
  for (const Case& k : cases) {
    INFO("body " << k.body.substr(0, 120));
    HttpResult r = post(*p.c, "/api/v1/learner/request", k.body, token);
    CHECK(r.status == k.status);
    CHECK(Portal::code(r) == k.code);
    if (!k.field.empty()) CHECK(Portal::field(r) == k.field);
    if (k.code == "too_long") CHECK(r.j["error"]["message"].get<std::string>().find(k.field == "subject" ? "200" : "10000") !=
                                    std::string::npos);
  }
  CHECK(last_seq(*p.c) == before);  // nothing of any of them was stored
}

TEST_CASE("learner tickets: the learner's own requests with the agents' replies, never a note or another's ticket") {
  Portal p;
  json a = p.token_for("李小明", "13800138000");
  json b = p.token_for("赵小刚", "13900002222");
  HttpResult made = p.request(a["token"], {{"request_id", "rq-a"}, {"subject", "发票怎么开"}, {"text", "请问课程发票在哪里申请？"}});
  REQUIRE(made.status == 200);
  const std::string tid = made.j["ticket_id"];
  REQUIRE(p.desk.pull_all(*p.c));
  std::vector<Op> ops = p.desk.make({{"type", "ticket.reply"}, {"ticket_id", tid}, {"text", "您好，在订单页点击申请发票即可。"}});
  auto note = p.desk.make({{"type", "ticket.note"}, {"ticket_id", tid}, {"text", "内部备注：财务系统本周升级"}});
  ops.insert(ops.end(), note.begin(), note.end());
  auto send = p.desk.make({{"type", "survey.send"}, {"ticket_id", tid}, {"survey_id", "csat"}});
  REQUIRE(!send.empty());
  ops.insert(ops.end(), send.begin(), send.end());
  sync::PushResponse out;
  REQUIRE(p.desk.push(*p.c, "b-reply", ops, out));
  for (const auto& r : out.results) CHECK(r.verdict == sync::Verdict::accepted);

  HttpResult mine = get(*p.c, "/api/v1/learner/tickets", a["token"]);
  REQUIRE(mine.status == 200);
  CHECK(mine.j["customer_id"] == a["customer_id"]);
  REQUIRE(mine.j["tickets"].size() == 1);
  const json& t = mine.j["tickets"][0];
  CHECK(t["ticket_id"] == tid);
  CHECK(t["status"].is_string());
  REQUIRE(t["messages"].size() == 2);
  CHECK(t["messages"][0]["from"] == "me");
  CHECK(t["messages"][0]["text"] == "请问课程发票在哪里申请？");
  CHECK(t["messages"][1]["from"] == "agent");
  CHECK(t["messages"][1]["author"] == "王敏");
  CHECK(mine.body.find("内部备注") == std::string::npos);  // the note is nowhere in the answer
  CHECK(mine.body.find("assignee") == std::string::npos);
  // The survey of the ticket, with the key of its learner link: it opens.
  REQUIRE(t["surveys"].size() == 1);
  CHECK(t["surveys"][0]["answered"] == false);
  HttpResult open = post(*p.c, "/api/v1/learner/open",
                         json{{"send_id", t["surveys"][0]["send_id"]}, {"key", t["surveys"][0]["key"]}}.dump());
  CHECK(open.status == 200);

  HttpResult theirs = get(*p.c, "/api/v1/learner/tickets", b["token"]);
  REQUIRE(theirs.status == 200);
  CHECK(theirs.j["tickets"].empty());
  CHECK(theirs.body.find(tid) == std::string::npos);
}

TEST_CASE("embedding: only the desk itself and the --embed-origins may frame the web app") {
  Portal p({"--embed-origins", "https://portal.example.cn http://127.0.0.1:9"});
  auto r = p.c->Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Security-Policy") ==
        "frame-ancestors 'self' https://portal.example.cn http://127.0.0.1:9");
}

TEST_CASE("embedding: --embed-origins that are not origins stop the server at start") {
  TempDir dir;
  Server server(dir, {"--embed-origins", "https://ok.example 'unsafe-inline'"});
  std::string why;
  CHECK_FALSE(server.start(&why));
}
