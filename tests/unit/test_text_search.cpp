// Chinese text search (docs/KB.md): normalisation, terms, TextIndex (AND search, BM25,
// incremental replace/remove) and TicketSearch over a State kept in step incrementally.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/demo.h"
#include "core/text_search.h"
#include "core/ticket_search.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;

namespace {

std::set<uint32_t> found(const TextIndex& ix, const char* query) {
  auto v = ix.search(query);
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("search: traditional and simplified, full-width and case normalise alike", "[search]") {
  CHECK(normalize_text("課程") == "课程");
  CHECK(normalize_text("帳號") == "账号");
  CHECK(normalize_text("帐号") == "账号");  // the variant simplified spelling too
  CHECK(normalize_text("退費還沒到賬") == "退费还没到账");
  CHECK(normalize_text("請問發票怎麼開") == "请问发票怎么开");
  CHECK(normalize_text("ＯＲＤＥＲ　Ｏ２０２６") == "order o2026");
  CHECK(normalize_codepoint(U'學') == U'学');
  CHECK(normalize_codepoint(U'学') == U'学');
  CHECK(trad_simp_pairs() >= 300);
}

TEST_CASE("search: terms are CJK bigrams, lone characters, words and 4-digit grams", "[search]") {
  CHECK(search_terms("我想退款") == std::vector<std::string>{"我想", "想退", "退款"});
  CHECK(search_terms("卡，") == std::vector<std::string>{"卡"});
  CHECK(search_terms("APP闪退") == std::vector<std::string>{"app", "闪退"});
  CHECK(search_terms("I can't log in") == std::vector<std::string>{"i", "cant", "log", "in"});
  CHECK(search_terms("第3节") == std::vector<std::string>{"第", "3", "节"});
  CHECK(search_terms("O2026110512") ==
        std::vector<std::string>{"o", "#2026", "#0261", "#2611", "#6110", "#1105", "#1051", "#0512"});
  CHECK(search_terms("，。！ ").empty());
}

TEST_CASE("search: a traditional query finds simplified text and back", "[search]") {
  TextIndex ix;
  ix.add(0, "我的账号登录不了，课程也看不到");
  ix.add(1, "我的帳號被盜了");
  ix.add(2, "退費申請已經提交");
  CHECK(found(ix, "帳號") == std::set<uint32_t>{0, 1});
  CHECK(found(ix, "账号") == std::set<uint32_t>{0, 1});
  CHECK(found(ix, "課程") == std::set<uint32_t>{0});
  CHECK(found(ix, "退费申请") == std::set<uint32_t>{2});
  CHECK(found(ix, "账号被盗") == std::set<uint32_t>{1});
}

TEST_CASE("search: English ignores case and matches word prefixes; mixed text works", "[search]") {
  TextIndex ix;
  ix.add(0, "My REFUND request is still pending");
  ix.add(1, "APP一直crash，更新之后闪退");
  ix.add(2, "Refunded already, thanks");
  CHECK(found(ix, "refund") == std::set<uint32_t>{0, 2});
  CHECK(found(ix, "Refund Request") == std::set<uint32_t>{0});
  CHECK(found(ix, "refu") == std::set<uint32_t>{0, 2});  // as typed
  CHECK(found(ix, "app 闪退") == std::set<uint32_t>{1});
  CHECK(found(ix, "CRASH更新") == std::set<uint32_t>{1});
  CHECK(found(ix, "crush").empty());
}

TEST_CASE("search: every query term must match (AND)", "[search]") {
  TextIndex ix;
  ix.add(0, "退款进度怎么样了");
  ix.add(1, "课程进度太快");
  ix.add(2, "退款还没到账");
  CHECK(found(ix, "进度") == std::set<uint32_t>{0, 1});
  CHECK(found(ix, "退款进度") == std::set<uint32_t>{0});
  CHECK(found(ix, "退款 课程").empty());
  CHECK(found(ix, "退款 到账") == std::set<uint32_t>{2});
  CHECK(found(ix, "退款发票").empty());  // 款发 and 发票 are in no document
  CHECK(found(ix, "").empty());
  CHECK(found(ix, "，。").empty());
}

TEST_CASE("search: a one-character query finds the character anywhere", "[search]") {
  TextIndex ix;
  ix.add(0, "视频很卡");
  ix.add(1, "卡");
  ix.add(2, "卡顿严重");
  ix.add(3, "声音断断续续");
  CHECK(found(ix, "卡") == std::set<uint32_t>{0, 1, 2});
  CHECK(found(ix, "卡 视频") == std::set<uint32_t>{0});
  CHECK(found(ix, "断") == std::set<uint32_t>{3});
  CHECK(found(ix, "猫").empty());
}

TEST_CASE("search: order and phone numbers are found by any 4+ digit part", "[search]") {
  TextIndex ix;
  ix.add(0, "订单号O2026110512，手机13800138000");
  ix.add(1, "订单号O2026110777，第3节课");
  ix.add(2, "工单 10234");
  CHECK(found(ix, "O2026110512") == std::set<uint32_t>{0});
  CHECK(found(ix, "o2026110512") == std::set<uint32_t>{0});
  CHECK(found(ix, "2026110512") == std::set<uint32_t>{0});
  CHECK(found(ix, "1105") == std::set<uint32_t>{0});
  CHECK(found(ix, "20261107") == std::set<uint32_t>{1});
  CHECK(found(ix, "2026") == std::set<uint32_t>{0, 1});
  CHECK(found(ix, "0013") == std::set<uint32_t>{0});
  CHECK(found(ix, "38000") == std::set<uint32_t>{0});
  CHECK(found(ix, "10234") == std::set<uint32_t>{2});
  CHECK(found(ix, "3") == std::set<uint32_t>{1});  // short numbers are whole words
  CHECK(found(ix, "99999").empty());
}

TEST_CASE("search: replace and remove are incremental and compaction keeps results", "[search]") {
  TextIndex ix;
  ix.add(7, "申请退款");
  ix.add(3, "发票抬头错了");
  CHECK(found(ix, "退款") == std::set<uint32_t>{7});
  ix.add(7, "申请开发票");  // replaced: the old text no longer matches
  CHECK(found(ix, "退款").empty());
  CHECK(found(ix, "发票") == std::set<uint32_t>{3, 7});
  CHECK(ix.size() == 2);
  ix.remove(3);
  CHECK_FALSE(ix.contains(3));
  CHECK(found(ix, "发票") == std::set<uint32_t>{7});
  ix.remove(3);  // twice is harmless
  CHECK(ix.size() == 1);
  CHECK(ix.stats().dead_postings > 0);
  ix.compact();
  CHECK(ix.stats().dead_postings == 0);
  CHECK(found(ix, "发票") == std::set<uint32_t>{7});
  CHECK(found(ix, "抬头").empty());

  // many replacements: compaction runs by itself and the index stays right
  TextIndex big;
  for (uint32_t round = 0; round < 40; ++round)
    for (uint32_t d = 0; d < 200; ++d)
      big.add(d, (d % 2 ? "视频卡顿 round " : "退款进度 round ") + std::to_string(round) + " doc" + std::to_string(d));
  CHECK(big.size() == 200);
  CHECK(big.stats().slots < 40 * 200);  // compacted along the way
  CHECK(big.search("退款进度").size() == 100);
  CHECK(big.search("round 39").size() == 200);
  CHECK(big.search("round 38") == std::vector<uint32_t>{38});  // "doc38" of round 39; round 38 is gone
}

TEST_CASE("search: most recent first, a limit and an allowed set", "[search]") {
  TextIndex ix;
  for (uint32_t d = 0; d < 5; ++d) ix.add(d, "回放打不开");
  ix.add(2, "回放打不开了");  // changed last
  CHECK(ix.search("回放") == std::vector<uint32_t>{2, 4, 3, 1, 0});
  CHECK(ix.search("回放", 2) == std::vector<uint32_t>{2, 4});
  std::vector<bool> allowed{true, false, false, true};  // doc 4 is beyond: not allowed
  CHECK(ix.search("回放", 0, &allowed) == std::vector<uint32_t>{3, 0});
}

TEST_CASE("search: best matches rank rarer and more terms higher", "[search]") {
  TextIndex ix(true);
  ix.add(0, "您好，请问有什么可以帮您");
  ix.add(1, "您好，退款将在7个工作日内原路退回");
  ix.add(2, "您好，电子发票会发送到您的邮箱");
  ix.add(3, "您好，课程退款按未上课时计算，退款原路退回");
  auto m = ix.best_matches("我想退款", 10);
  REQUIRE(m.size() == 2);
  CHECK(m[0].doc == 3);  // 退款 twice, in a document of similar length
  CHECK(m[1].doc == 1);
  CHECK(ix.best_matches("发票开到哪个邮箱", 1).at(0).doc == 2);
  CHECK(ix.best_matches("完全无关的话", 5).empty());
  std::vector<bool> allowed{true, true, false, false};
  CHECK(ix.best_matches("退款", 5, &allowed).size() == 1);
}

namespace {

// A desk with three tickets of two customers, built through apply.
State desk() {
  State s = base_state();
  Error e;
  apply(s, make("c2", op_type::customer_created, {{"customer_id", "c-2"}, {"name", "陳美玲"}, {"phone", "13912345678"}}), e);
  auto ticket = [&](const char* id, int64_t number, const char* customer, const char* subject, const char* text) {
    REQUIRE(apply(s, make(id, op_type::ticket_created,
                          {{"ticket_id", id}, {"number", number}, {"customer_id", customer}, {"course_id", "k-1"},
                           {"channel", "chat"}, {"subject", subject}, {"text", text}}),
                  e) == ApplyOutcome::applied);
  };
  ticket("t1", 10001, "c-1", "回放打不开", "第三讲的回放一直在转圈");
  ticket("t2", 10002, "c-2", "申請退費", "課程還沒開始，想退費");
  ticket("t3", 10003, "c-1", "发票抬头", "请帮我开电子发票");
  return s;
}

std::set<size_t> hits(const TicketSearch& ts, const char* q) {
  auto v = ts.search(q);
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("ticket search: number, subject, messages, customer and course", "[search]") {
  State s = desk();
  TicketSearch ts;
  CHECK(ts.update(s) == 3);
  CHECK(ts.update(s) == 0);  // nothing moved
  CHECK(hits(ts, "10002") == std::set<size_t>{1});
  CHECK(ts.search(" 10003 ").front() == 2);  // a ticket number comes first
  CHECK(hits(ts, "回放") == std::set<size_t>{0});
  CHECK(hits(ts, "转圈") == std::set<size_t>{0});
  CHECK(hits(ts, "退费") == std::set<size_t>{1});  // written in traditional
  CHECK(hits(ts, "陈美玲") == std::set<size_t>{1});
  CHECK(hits(ts, "李小明 发票") == std::set<size_t>{2});
  CHECK(hits(ts, "0013") == std::set<size_t>{0, 2});  // phone 13800138000
  CHECK(hits(ts, "数学") == std::set<size_t>{0, 1, 2});  // 高中数学冲刺班
  std::vector<bool> only_first{true};
  CHECK(ts.search("数学", 0, &only_first) == std::vector<size_t>{0});
}

TEST_CASE("ticket search: a new message, a new order and a taken-back ticket", "[search]") {
  State s = desk();
  TicketSearch ts;
  ts.update(s);
  Error e;
  REQUIRE(apply(s, make("m1", op_type::customer_message, {{"ticket_id", "t1"}, {"text", "换了浏览器还是黑屏"}}, kT0 + 1000),
                e) == ApplyOutcome::applied);
  CHECK(ts.update(s) == 1);  // only the ticket that changed
  CHECK(hits(ts, "黑屏") == std::set<size_t>{0});
  CHECK(ts.search("回放").front() == 0);

  REQUIRE(apply(s, make("ord", op_type::order_created,
                        {{"order_id", "O2026110512"}, {"customer_id", "c-2"}, {"course_id", "k-1"}, {"paid_fen", 298000},
                         {"paid_at", kT0 - 86400000}, {"lessons_total", 48}, {"lessons_attended", 0}}),
                e) == ApplyOutcome::applied);
  CHECK(ts.update(s) == 1);  // the one ticket of c-2
  CHECK(hits(ts, "2026110512") == std::set<size_t>{1});

  REQUIRE(unapply(s, "t1"));  // the server refused t1's creation: t2 and t3 move up
  ts.update(s);
  CHECK(ts.rebuilds() == 1);
  CHECK(hits(ts, "黑屏").empty());
  CHECK(hits(ts, "退费") == std::set<size_t>{0});
  CHECK(hits(ts, "发票") == std::set<size_t>{1});
}

TEST_CASE("ticket search: told which tickets changed, it looks at no other", "[search]") {
  State s = desk();
  TicketSearch ts;
  CHECK(ts.update_touched(s, {}) == 3);  // a first update indexes everything
  Error e;
  REQUIRE(apply(s, make("m1", op_type::ticket_noted, {{"ticket_id", "t3"}, {"text", "已开具电子发票，发到邮箱"}}, kT0 + 1000),
                e) == ApplyOutcome::applied);
  REQUIRE(apply(s, make("m2", op_type::customer_message, {{"ticket_id", "t1"}, {"text", "还是黑屏"}}, kT0 + 2000), e) ==
          ApplyOutcome::applied);
  REQUIRE(apply(s, make("t4", op_type::ticket_created,
                        {{"ticket_id", "t4"}, {"number", 10004}, {"customer_id", "c-2"}, {"channel", "phone"},
                         {"subject", "密码忘了"}, {"text", "怎么重置密码"}}),
                e) == ApplyOutcome::applied);
  CHECK(ts.update_touched(s, {"t3"}) == 2);  // t3 as told, and t4, which is new; t1 was not named
  CHECK(hits(ts, "邮箱") == std::set<size_t>{2});
  CHECK(hits(ts, "密码") == std::set<size_t>{3});
  CHECK(hits(ts, "黑屏").empty());
  CHECK(ts.update(s) == 0);  // nothing moved since: t1 waits for its next change
  REQUIRE(apply(s, make("m3", op_type::ticket_replied, {{"ticket_id", "t1"}, {"text", "请换个浏览器试试"}}, kT0 + 3000), e) ==
          ApplyOutcome::applied);
  CHECK(ts.update_touched(s, {"t1", "no-such-ticket"}) == 1);
  CHECK(hits(ts, "黑屏 浏览器") == std::set<size_t>{0});
}

TEST_CASE("ticket search: a first build in steps, with a change during the pass", "[search]") {
  State s = desk();
  TicketSearch ts;
  CHECK(ts.update_step(s, 2) == 2);
  CHECK(ts.indexing());
  CHECK(hits(ts, "发票").empty());  // t3 is not indexed yet; the others are searchable
  CHECK(hits(ts, "回放") == std::set<size_t>{0});
  Error e;
  REQUIRE(apply(s, make("m1", op_type::customer_message, {{"ticket_id", "t1"}, {"text", "还是黑屏"}}, kT0 + 1000), e) ==
          ApplyOutcome::applied);
  CHECK(ts.update_step(s, 2) == 1);  // t3 ends the pass; t1 changed behind the cursor
  CHECK(ts.indexing());         // so one more pass
  CHECK(ts.update_step(s, 2) == 1);  // finds t1
  CHECK_FALSE(ts.indexing());
  CHECK(hits(ts, "黑屏") == std::set<size_t>{0});
  CHECK(hits(ts, "发票") == std::set<size_t>{2});
  CHECK(ts.update_step(s, 2) == 0);
}

TEST_CASE("ticket search: two-character queries find exactly the tickets holding them", "[search]") {
  // On the demo desk, a bigram query is exact: the same tickets as a substring scan of
  // the normalised text (and so is a 4-digit query).
  DemoOptions opt;
  opt.end = kT0;
  State s;
  Error e;
  for (const Op& op : demo_ops(opt)) apply(s, op, e);
  TicketSearch ts;
  REQUIRE(ts.update(s) == s.tickets.size());
  std::vector<std::string> norm;
  for (const Ticket& t : s.tickets) {
    std::vector<const Order*> orders;
    for (const Order& o : s.orders)
      if (o.customer_id == t.customer_id) orders.push_back(&o);
    norm.push_back(normalize_text(ticket_search_text(s, t, orders)));
  }
  for (const char* q : {"退款", "回放", "老師", "发票", "密码", "卡顿", "2025", "1000"}) {
    const std::string nq = normalize_text(q);
    std::set<size_t> want;
    for (size_t i = 0; i < norm.size(); ++i)
      if (norm[i].find(nq) != std::string::npos) want.insert(i);
    INFO(q);
    CHECK(hits(ts, q) == want);
    CHECK_FALSE(want.empty());
  }
}
