// Fault tests of the whole sync path: the app's Desk and SyncDriver, real HTTP, a
// fault-injecting proxy and the real `edudesk serve` process (killed, restarted,
// starved of disk). Each test ends with require_delivered_once: every op a desk
// made is in the server's log exactly once (or was refused and listed), and every
// desk equals a fresh desk that pulled everything.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_set>

#include "support.h"

using namespace edudesk;
using namespace edudesk::faulttest;
using Mode = FaultProxy::Mode;
using nlohmann::json;

namespace {

// A desk signed in through the proxy that holds the server's whole log.
std::unique_ptr<DeskClient> online_desk(Rig& rig, const std::string& prefix, const std::string& agent = "a-wangmin",
                                        Millis clock_offset = 0, uint64_t jitter_seed = 1) {
  auto d = std::make_unique<DeskClient>(rig.proxy->port(), prefix, agent, clock_offset, jitter_seed);
  d->sync();
  REQUIRE(d->last_error() == "");
  REQUIRE(d->driver.token() != "");
  REQUIRE(d->desk.state().tickets.size() > 100);  // the demo desk
  return d;
}

std::string new_ticket(DeskClient& d, const std::string& subject = "回放视频打不开") {
  return d.submit(new_ticket_cmd(d.desk.state(), subject)).result["ticket_id"].get<std::string>();
}

json reply(const std::string& ticket_id, const std::string& text) {
  return {{"type", "ticket.reply"}, {"ticket_id", ticket_id}, {"text", text}};
}

int64_t metric(const std::string& metrics, const std::string& name) {
  size_t p = metrics.find("\n" + name + " ");
  if (p == std::string::npos) return -1;
  return std::stoll(metrics.substr(p + name.size() + 2));
}
int64_t duplicates(Rig& rig) { return metric(rig.metrics(), "edudesk_push_ops_total{verdict=\"duplicate\"}"); }
int64_t accepted(Rig& rig) { return metric(rig.metrics(), "edudesk_push_ops_total{verdict=\"accepted\"}"); }

// How many entries of `kind` with `text` (or any text when empty) the ticket has.
int entries(const State& s, const std::string& ticket_id, EntryKind kind, const std::string& text = "") {
  const Ticket* t = s.ticket(ticket_id);
  if (!t) return -1;
  int n = 0;
  for (const TimelineEntry& e : t->timeline)
    if (e.kind == kind && (text.empty() || e.text == text)) ++n;
  return n;
}

// Ops in the server's log with this id prefix, in log order.
std::vector<sync::PulledOp> logged_with_prefix(Rig& rig, const std::string& prefix) {
  std::vector<sync::PulledOp> out;
  for (const sync::PulledOp& p : server_log(rig.server.port()))
    if (p.op.id.rfind(prefix, 0) == 0) out.push_back(p);
  return out;
}

// A raw HTTP request, for bodies no desk would send.
std::string raw_post(const std::string& path, const std::string& body, const std::string& token) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

int64_t after_param(const std::string& path) {
  size_t p = path.find("after=");
  return p == std::string::npos ? -1 : std::stoll(path.substr(p + 6));
}

}  // namespace

// ---- 1. killed after the commit, before the answer ----------------------------------------

TEST_CASE("kill -9 after the commit, before the desk heard the answer: the retry is all duplicate, nothing doubled") {
  Rig rig;
  auto d = online_desk(rig, "K-");
  std::string tid = new_ticket(*d);
  d->submit(reply(tid, "您好，请清除浏览器缓存后重试"));
  d->submit({{"type", "ticket.set_status"}, {"ticket_id", tid}, {"status", "pending"}});
  const int64_t before = rig.last_seq();

  rig.proxy->once(Mode::drop_response, "/api/v1/push");
  d->sync();
  CHECK(d->last_error() == "offline");
  CHECK(d->pending() == 3);
  CHECK(d->store.outbox_size() == 3);
  CHECK(rig.last_seq() == before + 3);  // the server committed …
  rig.kill9();                          // … and died before anyone heard of it

  d->retry();  // the server is down: nothing
  CHECK(d->last_error() == "offline");
  CHECK(d->pending() == 3);

  rig.start();
  CHECK(rig.last_seq() == before + 3);  // durable across kill -9
  d->retry();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == before + 3);  // the retry added nothing
  CHECK(duplicates(rig) == 3);          // counters restart with the process: these are the retry's
  CHECK(accepted(rig) == 0);
  CHECK(entries(d->desk.state(), tid, EntryKind::reply) == 1);
  CHECK(entries(d->desk.state(), tid, EntryKind::status_change) == 1);
  require_delivered_once(rig, {d.get()});
}

// ---- 2. restarted mid-pull -----------------------------------------------------------------

TEST_CASE("restarted and killed mid-pull: the cursor resumes without gaps or duplicates") {
  Rig rig;
  const int64_t last = rig.last_seq();
  REQUIRE(last > 2000);  // the demo desk: at least three pages of 1000
  DeskClient d(rig.proxy->port(), "P-", "a-wangmin");
  d.driver.tick(d.now);  // sign in
  REQUIRE(d.driver.token() != "");
  d.driver.tick(d.now);  // page 1
  CHECK(d.store.cursor == 1000);

  rig.restart();         // SIGTERM and start again between pages
  d.driver.tick(d.now);  // page 2, from the new process with the old token
  CHECK(d.last_error() == "");
  CHECK(d.store.cursor == 2000);

  rig.kill9();  // between pages 2 and 3
  d.sync();
  CHECK(d.last_error() == "offline");
  CHECK(d.store.cursor == 2000);
  rig.start();
  rig.proxy->once(Mode::drop_response, "/api/v1/pull");  // page 3 served, never heard
  d.retry();
  CHECK(d.last_error() == "offline");
  CHECK(d.store.cursor == 2000);
  rig.proxy->once(Mode::cut_response, "/api/v1/pull");  // page 3 cut off mid-body
  d.retry();
  CHECK(d.last_error() == "offline");
  CHECK(d.store.cursor == 2000);
  rig.proxy->once(Mode::portal, "/api/v1/pull");  // page 3 replaced by a portal's page
  d.retry();
  CHECK(d.last_error() == "not_json");
  CHECK(d.store.cursor == 2000);
  d.retry();
  CHECK(d.last_error() == "");
  CHECK(d.store.cursor == last);

  // The pages asked for: each starts where the last one the desk stored ended.
  std::vector<int64_t> afters;
  for (const auto& s : rig.proxy->seen())
    if (s.path.rfind("/api/v1/pull", 0) == 0) afters.push_back(after_param(s.path));
  std::vector<int64_t> want{0, 1000, 2000, 2000, 2000, 2000, 2000};
  for (int64_t after = 3000; after < last; after += 1000) want.push_back(after);
  CHECK(afters == want);
  // The desk stored the server's log exactly, in its order.
  std::vector<sync::PulledOp> log = server_log(rig.server.port());
  REQUIRE(d.store.durable.size() == log.size());
  int64_t out_of_place = 0;
  for (size_t i = 0; i < log.size(); ++i)
    if (d.store.durable[i].id != log[i].op.id) ++out_of_place;
  CHECK(out_of_place == 0);
  require_delivered_once(rig, {&d});
}

// ---- 3. truncated, corrupted, oversized and replayed requests ---------------------------------

TEST_CASE("truncated, corrupted, oversized and replayed pushes: nothing half-applied, every op delivered once") {
  Rig rig;
  auto d = online_desk(rig, "T-");
  std::string tid = new_ticket(*d);
  for (int i = 1; i < 150; ++i) d->submit(reply(tid, "第 " + std::to_string(i) + " 次回复：请重新登录后再试"));
  const int64_t base = rig.last_seq();
  REQUIRE(d->pending() == 150);

  // The connection cut mid-body: the server applies nothing and answers nothing.
  rig.proxy->once(Mode::cut_request, "/api/v1/push");
  d->retry();
  CHECK(rig.proxy->seen().back().mode == Mode::cut_request);
  CHECK(rig.proxy->seen().back().upstream_status == 0);
  CHECK(d->last_error() == "offline");
  CHECK(d->pending() == 150);
  CHECK(d->store.outbox_size() == 150);
  CHECK(rig.last_seq() == base);
  // A truncated body that arrives as if whole, then bytes overwritten: 400, nothing
  // applied, the outbox kept.
  for (Mode m : {Mode::truncate, Mode::corrupt}) {
    INFO(FaultProxy::name(m));
    rig.proxy->once(m, "/api/v1/push");
    d->retry();
    CHECK(rig.proxy->seen().back().upstream_status == 400);
    CHECK(d->last_error() == "http_400");
    CHECK(d->pending() == 150);
    CHECK(d->store.outbox_size() == 150);
    CHECK(rig.last_seq() == base);
  }
  // Beyond 4 MiB: 413, nothing applied, and the desk splits its batches.
  rig.proxy->once(Mode::inflate, "/api/v1/push");
  d->retry();
  CHECK(rig.proxy->seen().back().upstream_status == 413);
  CHECK(d->last_error() == "batch_too_large");
  CHECK(d->pending() == 150);
  CHECK(rig.last_seq() == base);
  rig.proxy->clear_seen();
  d->retry();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 150);
  for (const auto& s : rig.proxy->seen())
    if (s.path == "/api/v1/push") CHECK(s.upstream_status == 200);
  CHECK(rig.proxy->count("/api/v1/push") == 2);  // 100 + 50 after the split (200 before)
  CHECK(json::parse(http_body(rig.proxy->last_request("/api/v1/push")))["ops"].size() == 50);

  // Replayed: the same push reaches the server twice; the desk hears the second answer.
  d->submit({{"type", "ticket.set_status"}, {"ticket_id", tid}, {"status", "pending"}});
  d->submit(reply(tid, "问题已解决，如有疑问请随时联系"));
  const int64_t dup_before = duplicates(rig);
  rig.proxy->once(Mode::replay, "/api/v1/push");
  d->retry();
  CHECK(d->pending() == 0);
  CHECK(d->last_error() == "");
  CHECK(rig.last_seq() == base + 152);
  CHECK(duplicates(rig) == dup_before + 2);

  // Replayed much later (a retransmission after the ticket moved on): all duplicate,
  // nothing goes back.
  const std::string old = rig.proxy->last_request("/api/v1/push");
  d->submit({{"type", "ticket.set_status"}, {"ticket_id", tid}, {"status", "closed"}, {"resolution", "fixed_by_tech"}});
  d->retry();
  CHECK(d->pending() == 0);
  std::string answer = rig.proxy->send_upstream(old);
  REQUIRE(http_status(answer) == 200);
  json results = json::parse(http_body(answer))["results"];
  REQUIRE(results.size() == 2);
  for (const json& r : results) CHECK(r["verdict"] == "duplicate");
  CHECK(rig.last_seq() == base + 153);
  CHECK(d->desk.state().ticket(tid)->status == Status::closed);
  CHECK(entries(d->desk.state(), tid, EntryKind::reply) == 150);
  require_delivered_once(rig, {d.get()});
}

// ---- 4. 30 days offline, 10,000 ops -----------------------------------------------------------

TEST_CASE("30 days offline with 10,000 pending ops: all arrive, in order, in batches, in seconds") {
  Rig rig;
  // The device's clock is 30 days behind the server's (the server admits a year).
  auto d = online_desk(rig, "M-", "a-wangmin", -30 * kDay);
  d->driver.set_online(false, d->now);
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < 1000; ++t) {
    std::string tid = new_ticket(*d, "离线工单 " + std::to_string(t));
    for (int r = 0; r < 9; ++r) d->submit(reply(tid, "离线回复 " + std::to_string(t) + "-" + std::to_string(r)));
    d->now += 2000;
  }
  double made_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(d->pending() == 10000);
  CHECK(rig.proxy->count("/api/v1/push") == 0);
  const int64_t base = rig.last_seq();

  rig.proxy->clear_seen();
  t0 = std::chrono::steady_clock::now();
  d->driver.set_online(true, d->now);
  d->sync();
  double sync_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int pushes = rig.proxy->count("/api/v1/push"), pulls = rig.proxy->count("/api/v1/pull");
  std::printf("30 days offline, 10,000 ops: made in %.2f s; pushed in %d batches and pulled back in %d pages in "
              "%.2f s (%.0f ops/s); server peak RSS %lld MiB\n",
              made_s, pushes, pulls, sync_s, 10000 / sync_s,
              static_cast<long long>(rig.server.peak_rss_kib() / 1024));
  CHECK(d->pending() == 0);
  CHECK(d->last_error() == "");
  CHECK(rig.last_seq() == base + 10000);
  CHECK(pushes == 50);  // 200 ops a batch
  CHECK(sync_s < 30);
  CHECK(rig.server.peak_rss_kib() < 512 * 1024);

  // In order: the log holds them in the order they were made, with rising HLCs.
  std::vector<sync::PulledOp> mine = logged_with_prefix(rig, "M-");
  REQUIRE(mine.size() == 10000);
  int64_t out_of_order = 0, hlc_back = 0;
  for (size_t i = 0; i < mine.size(); ++i) {
    if (mine[i].op.id != d->store.local[i].id) ++out_of_order;
    if (i > 0 && !(mine[i - 1].op.hlc < mine[i].op.hlc)) ++hlc_back;
  }
  CHECK(out_of_order == 0);
  CHECK(hlc_back == 0);
  CHECK(mine.front().op.at < now_ms() - 29 * kDay);  // made with the slow clock
  require_delivered_once(rig, {d.get()});
}

// ---- 5. clocks a day wrong ------------------------------------------------------------------

TEST_CASE("clocks a day ahead and a day behind edit one ticket: both desks converge, the order follows the HLC") {
  Rig rig;
  auto ahead = online_desk(rig, "F-", "a-wangmin", +kDay);
  auto behind = online_desk(rig, "B-", "a-lijing", -kDay);
  std::string tid = new_ticket(*ahead);
  ahead->sync();
  behind->retry();
  REQUIRE(behind->desk.state().ticket(tid) != nullptr);

  // Both offline, both reply and change the priority (P2 at creation).
  ahead->driver.set_online(false, ahead->now);
  behind->driver.set_online(false, behind->now);
  ahead->now += 60000;
  ahead->submit(reply(tid, "明天上午十点给您回电"));
  ahead->submit({{"type", "ticket.set_priority"}, {"ticket_id", tid}, {"priority", "P1"}});
  behind->submit(reply(tid, "已转技术支持处理"));
  behind->submit({{"type", "ticket.set_priority"}, {"ticket_id", tid}, {"priority", "P4"}});

  // Back online, the one two days behind first.
  behind->driver.set_online(true, behind->now);
  behind->sync();
  ahead->driver.set_online(true, ahead->now);
  ahead->sync();
  behind->retry();
  CHECK(ahead->pending() == 0);
  CHECK(behind->pending() == 0);
  CHECK(state_image(ahead->desk.state()) == state_image(behind->desk.state()));

  const Ticket* t = behind->desk.state().ticket(tid);
  REQUIRE(t);
  CHECK(std::is_sorted(t->timeline.begin(), t->timeline.end(),
                       [](const TimelineEntry& a, const TimelineEntry& b) { return a.stamp() < b.stamp(); }));
  // The behind desk's entries follow the creation they saw, although its clock put
  // them two days earlier.
  int behind_entries = 0;
  for (const TimelineEntry& e : t->timeline)
    if (e.author == "a-lijing") {
      ++behind_entries;
      CHECK(e.at < t->created_at - kDay);
      CHECK(t->created_hlc < e.hlc);
    }
  CHECK(behind_entries == 2);
  // The concurrent priorities: the later HLC (ahead's) wins everywhere, the other is marked.
  CHECK(t->priority == Priority::P1);
  int overwritten = 0;
  for (const TimelineEntry& e : t->timeline)
    if (e.kind == EntryKind::field_change && e.value == "P4") {
      CHECK(e.conflict == Conflict::overwritten);
      ++overwritten;
    }
  CHECK(overwritten == 1);

  // Having seen P1, the desk two days behind changes it again: its HLC is past
  // ahead's, so it wins everywhere although its wall clock is two days earlier.
  behind->submit({{"type", "ticket.set_priority"}, {"ticket_id", tid}, {"priority", "P3"}});
  behind->sync();
  ahead->retry();
  for (DeskClient* d : {ahead.get(), behind.get()}) {
    const Ticket* x = d->desk.state().ticket(tid);
    REQUIRE(x);
    CHECK(x->priority == Priority::P3);
    CHECK(x->timeline.back().value == "P3");
    CHECK(x->timeline.back().conflict == Conflict::none);
    CHECK(x->timeline.back().at < x->created_at);
  }
  require_delivered_once(rig, {ahead.get(), behind.get()});
}

TEST_CASE("two desks offline on one ticket: different fields both kept, one winner for the same field, close vs reopen flagged") {
  Rig rig;
  auto a = online_desk(rig, "G1-", "a-wangmin");
  auto b = online_desk(rig, "G2-", "a-lijing");
  std::string t1 = new_ticket(*a, "不同字段"), t2 = new_ticket(*a, "同一字段"), t3 = new_ticket(*a, "关闭与重开");
  a->submit({{"type", "ticket.set_status"}, {"ticket_id", t3}, {"status", "resolved"}});
  a->sync();
  b->retry();
  REQUIRE(b->desk.state().ticket(t3) != nullptr);
  REQUIRE(b->desk.state().ticket(t3)->status == Status::resolved);

  a->driver.set_online(false, a->now);
  b->driver.set_online(false, b->now);
  const Millis t = std::max(a->now, b->now) + 1000;
  b->now = t;         // 李静 first …
  a->now = t + 1000;  // … 王敏 a second later; neither sees the other
  a->submit({{"type", "ticket.set_priority"}, {"ticket_id", t1}, {"priority", "P1"}});
  b->submit({{"type", "ticket.set_category"}, {"ticket_id", t1}, {"category", "after_sales"}});
  a->submit({{"type", "ticket.assign"}, {"ticket_id", t2}, {"agent_id", "a-zhaolei"}});
  b->submit({{"type", "ticket.assign"}, {"ticket_id", t2}, {"agent_id", ""}});  // routing gave it to a-chenchen
  a->submit({{"type", "ticket.set_status"}, {"ticket_id", t3}, {"status", "closed"}, {"resolution", "fixed_by_tech"}});
  b->submit({{"type", "ticket.set_status"}, {"ticket_id", t3}, {"status", "open"}});

  b->driver.set_online(true, b->now);
  b->sync();
  a->driver.set_online(true, a->now);
  a->sync();
  b->retry();
  CHECK(state_image(a->desk.state()) == state_image(b->desk.state()));
  for (DeskClient* d : {a.get(), b.get()}) {
    INFO("desk " << d->desk.actor());
    const State& s = d->desk.state();
    // Different fields: both kept, no conflict.
    CHECK(s.ticket(t1)->priority == Priority::P1);
    CHECK(s.ticket(t1)->category == Category::after_sales);
    for (const TimelineEntry& e : s.ticket(t1)->timeline) CHECK(e.conflict == Conflict::none);
    // The same field: the later stamp wins everywhere, the other says it lost.
    CHECK(s.ticket(t2)->assignee == "a-zhaolei");
    int lost = 0;
    for (const TimelineEntry& e : s.ticket(t2)->timeline)
      if (e.field == "assignee" && e.value.empty()) {
        ++lost;
        CHECK(e.conflict == Conflict::overwritten);
        CHECK(e.kept_value == "a-zhaolei");
      }
    CHECK(lost == 1);
    // Close vs reopen: both in the timeline, the reopen flagged as overwritten by the later close.
    CHECK(s.ticket(t3)->status == Status::closed);
    int closes = 0, reopens = 0;
    for (const TimelineEntry& e : s.ticket(t3)->timeline) {
      if (e.kind != EntryKind::status_change) continue;
      if (e.status_to == Status::closed) {
        ++closes;
        CHECK(e.conflict == Conflict::none);
      }
      if (e.status_to == Status::open) {
        ++reopens;
        CHECK(e.conflict == Conflict::overwritten);
      }
    }
    CHECK(closes == 1);
    CHECK(reopens == 1);
  }
  require_delivered_once(rig, {a.get(), b.get()});
}

// ---- 6. a lost acknowledgement --------------------------------------------------------------

TEST_CASE("a lost acknowledgement: the retry is answered duplicate, the reply and the status change count once") {
  Rig rig;
  auto d = online_desk(rig, "A-");
  std::string tid = new_ticket(*d);
  d->sync();
  const std::string text = "请在「设置-存储」里清除缓存，然后重新打开回放";
  d->submit(reply(tid, text));
  d->submit({{"type", "ticket.set_status"}, {"ticket_id", tid}, {"status", "pending"}});
  const int64_t base = rig.last_seq();
  const int64_t dup_before = duplicates(rig);

  rig.proxy->once(Mode::drop_response, "/api/v1/push");
  d->sync();
  CHECK(d->last_error() == "offline");
  CHECK(d->pending() == 2);  // nothing counts as acknowledged …
  CHECK(rig.last_seq() == base + 2);  // … though the server has it
  d->retry();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 2);
  CHECK(duplicates(rig) == dup_before + 2);

  int replies = 0, status_changes = 0;
  for (const sync::PulledOp& p : server_log(rig.server.port())) {
    if (p.op.type == op_type::ticket_replied && p.op.data.value("text", "") == text) ++replies;
    if (p.op.type == op_type::status_set && p.op.data.value("ticket_id", "") == tid) ++status_changes;
  }
  CHECK(replies == 1);
  CHECK(status_changes == 1);
  CHECK(entries(d->desk.state(), tid, EntryKind::reply, text) == 1);
  CHECK(entries(d->desk.state(), tid, EntryKind::status_change) == 1);
  CHECK(d->desk.state().ticket(tid)->status == Status::pending);
  require_delivered_once(rig, {d.get()});
}

TEST_CASE("a lost acknowledgement, then the tab closed: the reloaded desk resends and it applies once") {
  Rig rig;
  auto d = online_desk(rig, "R1-");
  std::string tid = new_ticket(*d);
  d->submit(reply(tid, "稍后给您回电"));
  const int64_t base = rig.last_seq();
  rig.proxy->once(Mode::drop_response, "/api/v1/push");
  d->sync();
  CHECK(d->pending() == 2);
  CHECK(rig.last_seq() == base + 2);
  // The tab closes; a new one loads the stored op log, outbox and cursor.
  DeskClient reloaded(rig.proxy->port(), "R2-", "a-wangmin", d->store, d->now + 5000);
  d.reset();
  CHECK(reloaded.pending() == 2);
  reloaded.sync();
  CHECK(reloaded.pending() == 0);
  CHECK(rig.last_seq() == base + 2);
  CHECK(duplicates(rig) == 2);
  CHECK(entries(reloaded.desk.state(), tid, EntryKind::reply) == 1);
  require_delivered_once(rig, {&reloaded});
}

TEST_CASE("a slow link: an answer that comes after the desk gave up is a lost acknowledgement, the retry is duplicate") {
  Rig rig;
  auto d = online_desk(rig, "S-");
  std::string tid = new_ticket(*d);
  d->submit(reply(tid, "已收到，正在排查"));
  const int64_t base = rig.last_seq();
  d->net.set_read_timeout_ms(300);
  rig.proxy->set_delay_ms(800);
  rig.proxy->once(Mode::delay, "/api/v1/push");
  d->sync();
  CHECK(d->last_error() == "offline");
  CHECK(d->pending() == 2);
  // The proxy delivers the push after the desk gave up.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (rig.last_seq() != base + 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(rig.last_seq() == base + 2);
  d->net.set_read_timeout_ms(5000);
  d->retry();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 2);
  CHECK(duplicates(rig) == 2);
  require_delivered_once(rig, {d.get()});
}

// ---- 7. a captive portal --------------------------------------------------------------------

TEST_CASE("a captive portal answering 200 with HTML acknowledges nothing, later real sync delivers everything once") {
  Rig rig;
  auto d = online_desk(rig, "C-");
  auto reader = online_desk(rig, "C2-", "a-lijing");
  std::string tid = new_ticket(*d);
  d->submit(reply(tid, "您好，请问是哪一讲的回放？"));
  d->submit({{"type", "ticket.set_priority"}, {"ticket_id", tid}, {"priority", "P1"}});
  const std::vector<std::string> outbox = d->store.outbox();
  const int64_t base = rig.last_seq(), cursor = reader->store.cursor;

  rig.proxy->set_default(Mode::portal);
  for (int i = 0; i < 3; ++i) {
    d->retry();
    CHECK(d->last_error() == "not_json");
    CHECK(d->pending() == 3);
    CHECK(d->store.outbox() == outbox);
    reader->retry();  // a pull through the portal
    CHECK(reader->last_error() == "not_json");
    CHECK(reader->store.cursor == cursor);
  }
  // Signing in through it fails too, and gets no token.
  DeskClient newcomer(rig.proxy->port(), "C3-", "a-liuyang");
  newcomer.sync();
  CHECK(newcomer.last_error() == "login_failed");
  CHECK(newcomer.driver.token() == "");
  for (const auto& s : rig.proxy->seen())
    if (s.mode == Mode::portal) CHECK(s.upstream_status == 0);  // never reached the server
  CHECK(rig.last_seq() == base);

  rig.proxy->set_default(Mode::pass);
  d->driver.sync_now(d->now);
  d->sync();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 3);
  CHECK(duplicates(rig) == 0);
  reader->retry();
  CHECK(reader->desk.state().ticket(tid) != nullptr);
  newcomer.retry();
  CHECK(newcomer.last_error() == "");
  require_delivered_once(rig, {d.get(), reader.get(), &newcomer});
}

// ---- 8. one permanently invalid op inside a batch -------------------------------------------

TEST_CASE("one permanently invalid op inside a batch: the rest apply, it is flagged, the queue moves on") {
  Rig rig;
  auto d = online_desk(rig, "I-");  // signed in to the server as 王敏
  std::string tid = new_ticket(*d);
  d->sync();
  const int64_t base = rig.last_seq();
  std::string bad_id;
  for (int i = 1; i <= 100; ++i) {
    if (i == 37) d->desk.sign_in("a-lijing");  // written as 李静 by 王敏's desk: forbidden
    Submitted s = d->submit(reply(tid, "第 " + std::to_string(i) + " 条"));
    if (i == 37) {
      bad_id = s.result["entry_id"].get<std::string>();
      d->desk.sign_in("a-wangmin");
    }
  }
  rig.proxy->clear_seen();
  d->sync();
  CHECK(rig.proxy->count("/api/v1/push") == 1);  // one batch of 100
  CHECK(d->pending() == 0);
  CHECK(d->last_error() == "");
  CHECK(rig.last_seq() == base + 99);
  REQUIRE(d->desk.rejected().size() == 1);
  CHECK(d->desk.rejected()[0].op.id == bad_id);
  CHECK(d->desk.rejected()[0].code == "forbidden");
  CHECK(d->store.rejected.size() == 1);
  CHECK(entries(d->desk.state(), tid, EntryKind::reply) == 99);
  CHECK(entries(d->desk.state(), tid, EntryKind::reply, "第 37 条") == 0);
  // The queue moves on.
  d->submit(reply(tid, "第 101 条"));
  d->sync();
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 100);
  require_delivered_once(rig, {d.get()});
}

// ---- 9. the server unreachable ---------------------------------------------------------------

TEST_CASE("the server unreachable for half an hour: backoff spaces the attempts, delivery when it returns") {
  Rig rig;
  auto a = online_desk(rig, "U1-", "a-wangmin", 0, 11);
  auto b = online_desk(rig, "U2-", "a-lijing", 0, 22);
  new_ticket(*a);
  new_ticket(*b);
  const int64_t base = rig.last_seq();
  rig.proxy->set_default(Mode::drop_request);
  rig.proxy->clear_seen();
  // Half an hour of a tick every second (the clocks are simulated: no waiting).
  std::vector<Millis> ta, tb;
  const Millis start = a->now;
  b->now = start;
  for (int s = 0; s < 1800; ++s) {
    for (auto [d, at] : {std::pair{a.get(), &ta}, std::pair{b.get(), &tb}}) {
      int64_t before = d->net.requests();
      d->driver.tick(d->now);
      if (d->net.requests() > before) at->push_back(d->now - start);
      d->now += 1000;
    }
  }
  auto gaps = [](const std::vector<Millis>& t) {
    std::vector<Millis> g;
    for (size_t i = 1; i < t.size(); ++i) g.push_back(t[i] - t[i - 1]);
    return g;
  };
  std::vector<Millis> ga = gaps(ta), gb = gaps(tb);
  std::string line;
  for (Millis g : ga) line += " " + std::to_string(g / 1000);
  std::printf("server unreachable 30 min: desk 1 tried %zu times, desk 2 %zu times (ticks: 1800 each); gaps (s):%s\n",
              ta.size(), tb.size(), line.c_str());
  for (const auto* g : {&ga, &gb}) {
    CHECK(g->size() + 1 >= 10);
    CHECK(g->size() + 1 <= 24);
    CHECK(std::is_sorted(g->begin(), g->begin() + 8));  // 1 s, 2 s, 4 s … each at least the last
    CHECK(*std::max_element(g->begin(), g->end()) <= 301000);  // capped at 5 minutes
    CHECK(g->back() >= 149000);
  }
  CHECK(ta != tb);  // jitter: two desks do not retry in step
  CHECK(a->last_error() == "offline");
  CHECK(a->pending() == 1);
  CHECK(rig.last_seq() == base);
  for (const auto& s : rig.proxy->seen()) CHECK(s.upstream_status == 0);

  // The link returns: the next scheduled attempt (no "sync now") delivers.
  rig.proxy->set_default(Mode::pass);
  const Millis back = a->now;
  while (a->pending() > 0 && a->now - back < 301000) {
    a->driver.tick(a->now);
    a->now += 1000;
  }
  CHECK(a->pending() == 0);
  CHECK(a->now - back <= 301000);
  b->driver.set_online(true, b->now);  // the browser's `online` event: at once
  CHECK(b->pending() == 0);
  require_delivered_once(rig, {a.get(), b.get()});
}

// ---- 10. disk full on the server --------------------------------------------------------------

TEST_CASE("disk full on the server: 503 acknowledges nothing, the desk retries and delivers once space returns") {
  Rig rig;
  auto d = online_desk(rig, "D-");  // signed in while there was room (a login writes a token)
  rig.restart({"--max-db-mb", "1"});  // the demo desk fills ~0.9 MB
  std::string tid = new_ticket(*d);
  std::string long_text;
  while (long_text.size() < 6000) long_text += "回放加载失败，错误代码 0x80070005。";
  for (int i = 0; i < 60; ++i) d->submit(reply(tid, long_text + std::to_string(i)));
  const int64_t base = rig.last_seq();
  const std::vector<std::string> outbox = d->store.outbox();

  d->sync();
  CHECK(d->last_error() == "http_503");
  CHECK(rig.proxy->seen().back().upstream_status == 503);
  CHECK(d->pending() == 61);
  CHECK(d->store.outbox() == outbox);
  CHECK(rig.last_seq() == base);
  const Millis wait1 = d->driver.status().next_try - d->now;
  d->retry();
  CHECK(d->last_error() == "http_503");
  CHECK(d->pending() == 61);
  CHECK(rig.last_seq() == base);
  const Millis wait2 = d->driver.status().next_try - d->now;
  CHECK(wait2 >= wait1);  // backing off
  CHECK(metric(rig.metrics(), "edudesk_storage_failures_total") == 2);

  rig.restart({});  // room again
  d->retry();
  CHECK(d->last_error() == "");
  CHECK(d->pending() == 0);
  CHECK(rig.last_seq() == base + 61);
  CHECK(duplicates(rig) == 0);
  require_delivered_once(rig, {d.get()});
}

// ---- more of the notes' reliability cases ------------------------------------------------------

TEST_CASE("the same outbox pushed from two tabs at once: each op applied once") {
  Rig rig;
  // The tabs talk to the server directly (the proxy takes one connection at a time).
  auto a = online_desk(rig, "W1-");
  a->net.set_port(rig.server.port());
  const int64_t base = rig.last_seq();
  int64_t made = 0;
  for (int round = 0; round < 5; ++round) {
    std::string tid = new_ticket(*a);
    for (int i = 0; i < 39; ++i) a->submit(reply(tid, "第 " + std::to_string(i) + " 条"));
    made += 40;
    // A second tab holding the same outbox (every tab mirrors it).
    DeskClient b(rig.server.port(), "W2-" + std::to_string(round) + "-", "a-wangmin", a->store, a->now);
    REQUIRE(b.pending() == 40);
    std::thread tb([&] { b.sync(); });
    a->sync();
    tb.join();
    CHECK(a->pending() == 0);
    CHECK(b.pending() == 0);
    CHECK(b.last_error() == "");
    CHECK(rig.last_seq() == base + made);
  }
  CHECK(accepted(rig) == made);
  CHECK(duplicates(rig) == made);  // every op: once accepted, once duplicate
  require_delivered_once(rig, {a.get()});
}

TEST_CASE("a device clock more than a year ahead: its ops are refused with bad_clock, nobody's order moves, it recovers") {
  Rig rig;
  auto wrong = online_desk(rig, "Y-", "a-lijing", 400 * kDay);
  auto right = online_desk(rig, "N-", "a-wangmin");
  const int64_t base = rig.last_seq();
  std::string tid = new_ticket(*wrong);
  wrong->sync();
  CHECK(wrong->pending() == 0);
  REQUIRE(wrong->desk.rejected().size() == 1);
  CHECK(wrong->desk.rejected()[0].code == "bad_clock");
  CHECK(wrong->desk.state().ticket(tid) == nullptr);  // taken back
  CHECK(rig.last_seq() == base);
  // The other desk's new ops keep today's time in their HLC.
  std::string mine = new_ticket(*right);
  right->sync();
  right->retry();
  const Ticket* t = right->desk.state().ticket(mine);
  REQUIRE(t);
  CHECK(t->created_hlc.ms < now_ms() + 60000);
  // The device's clock is put right: its next change is accepted (the refused
  // change's stamp does not hold the desk's clock a year ahead).
  wrong->now = now_ms();
  std::string again = new_ticket(*wrong, "时间校正后的工单");
  wrong->sync();
  CHECK(wrong->desk.rejected().size() == 1);
  CHECK(wrong->desk.state().ticket(again) != nullptr);
  CHECK(rig.last_seq() == base + 2);
  require_delivered_once(rig, {wrong.get(), right.get()});
}

TEST_CASE("bad inputs: an unknown op type or an absurd clock counter is refused alone, NaN and Infinity are bad JSON, the server lives on") {
  Rig rig;
  auto d = online_desk(rig, "V1-");
  std::string tid = new_ticket(*d);
  d->submit(reply(tid, "新版本之前写的回复"));
  // An outbox written by a newer version of the app holds an op of a type this one
  // does not know; the desk is reloaded with it.
  Op future{"V1-future-1", "ticket.survey_sent", d->now, "a-wangmin", {{"ticket_id", tid}, {"survey", "csat"}},
            Hlc{d->now, 99}};
  d->store.append(StoreBatch{9999, {future}, true, -1});
  DeskClient v2(rig.proxy->port(), "V2-", "a-wangmin", d->store, d->now + 1000);
  d.reset();
  CHECK(v2.desk.load_rejected() == 1);  // not applied here …
  CHECK(v2.pending() == 3);             // … but still owed to the server
  v2.submit(reply(tid, "新版本之后写的回复"));
  const int64_t base = rig.last_seq();
  v2.sync();
  CHECK(v2.pending() == 0);
  REQUIRE(v2.desk.rejected().size() == 1);
  CHECK(v2.desk.rejected()[0].op.id == "V1-future-1");
  CHECK(v2.desk.rejected()[0].code == "unknown_type");
  CHECK(rig.last_seq() == base + 3);  // the other three applied

  // Bodies no desk sends: non-JSON numbers are refused whole, out-of-range numbers
  // and absurd clocks refuse their op alone.
  const std::string token = v2.driver.token();
  auto push_raw = [&](const std::string& body) { return rig.proxy->send_upstream(raw_post("/api/v1/push", body, token)); };
  json good = op_to_json(Op{"V2-raw-ok", op_type::ticket_noted, now_ms(), "a-wangmin",
                            {{"ticket_id", tid}, {"text", "原始请求写的备注"}}, Hlc{now_ms(), 0}});
  std::string head = R"({"client_id":"raw","batch_id":"raw-1","ops":[)";
  for (const char* number : {"NaN", "Infinity", "-Infinity", "nan"}) {
    INFO(number);
    std::string body = head + R"({"id":"V2-nan","type":"ticket.noted","at":)" + number +
                       R"(,"by":"a-wangmin","data":{"ticket_id":")" + tid + R"(","text":"x"}}]})";
    std::string answer = push_raw(body);
    CHECK(http_status(answer) == 400);
    CHECK(json::parse(http_body(answer))["error"]["code"] == "bad_json");
  }
  json huge_at = good;
  huge_at["id"] = "V2-raw-huge-at";
  std::string huge_body = head + huge_at.dump() + "]}";
  huge_body.replace(huge_body.find(std::to_string(huge_at["at"].get<int64_t>())), 13, "1e400");
  json huge_counter = good;
  huge_counter["id"] = "V2-raw-huge-counter";
  huge_counter["hlc"] = {now_ms(), INT64_MAX};
  std::string body = head + good.dump() + "," + huge_counter.dump() + "]}";
  std::string answer = push_raw(huge_body);  // a number beyond double: the parser refuses it
  CHECK(http_status(answer) == 400);
  CHECK(json::parse(http_body(answer))["error"]["code"] == "bad_json");
  answer = push_raw(body);
  REQUIRE(http_status(answer) == 200);
  const json verdicts = json::parse(http_body(answer));
  REQUIRE(verdicts["results"].size() == 2);
  for (const json& r : verdicts["results"]) {
    INFO(r.dump());
    if (r["id"] == "V2-raw-ok") CHECK(r["verdict"] == "accepted");
    else CHECK(r["verdict"] == "rejected");
  }
  CHECK(rig.last_seq() == base + 4);
  CHECK(rig.server.running());
  v2.retry();
  require_delivered_once(rig, {&v2});
}
