#include <catch2/catch.hpp>

#include "app/desk.h"
#include "app/i18n.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {
struct Fixture {
  ManualStore store;
  Desk desk{store, "dev-"};
  Fixture() {
    store.desk = &desk;
    Restored r;
    r.ops = {make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
             make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
             make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
    desk.load(r);
    desk.sign_in("a-1");
  }
};
}  // namespace

TEST_CASE("a change is pending until the store says it is durable") {
  Fixture f;
  Submitted s = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(s.ok);
  CHECK(f.desk.pending_count() == 1);
  CHECK(f.desk.state().tickets.size() == 1);  // the next command can already see it
  bool acknowledged = false;
  f.desk.on_batch_done = [&](int64_t b, bool ok, const std::string&) { acknowledged = ok && b == s.batch; };
  f.store.complete_all();
  CHECK(acknowledged);
  CHECK(f.desk.pending_count() == 0);
  CHECK(f.store.durable.size() == 1);
}

TEST_CASE("a failed write keeps the change pending in memory, reports it, and a retry stores it") {
  Fixture f;
  REQUIRE(f.desk.submit(new_ticket_cmd(), kT0).ok);
  f.store.fail_all("QuotaExceededError");
  CHECK(f.desk.storage_error() == "QuotaExceededError");
  CHECK(f.desk.pending_count() == 1);
  CHECK(f.desk.failed_batches() == 1);
  CHECK(f.desk.state().tickets.size() == 1);  // not lost
  f.desk.retry_failed();
  f.store.complete_all();
  CHECK(f.desk.storage_error().empty());
  CHECK(f.desk.pending_count() == 0);
  CHECK(f.store.durable.size() == 1);
}

TEST_CASE("a refused command reaches neither the state nor the store") {
  Fixture f;
  json c = new_ticket_cmd();
  c["subject"] = std::string(201, 'x');
  Submitted s = f.desk.submit(c, kT0);
  CHECK_FALSE(s.ok);
  CHECK(s.error.code == "too_long");
  CHECK(f.store.waiting.empty());
  CHECK(f.desk.state().tickets.empty());
}

TEST_CASE("reloading from the stored op log gives the same desk") {
  Fixture f;
  Submitted s = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(f.desk.submit({{"type", "ticket.reply"}, {"ticket_id", s.result["ticket_id"]}, {"text", "好的"}}, kT0 + 1).ok);
  f.store.complete_all();
  ManualStore store2;
  Desk again(store2, "dev2-");
  std::vector<Op> log = {
      make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
      make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
      make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
  log.insert(log.end(), f.store.durable.begin(), f.store.durable.end());
  Restored r;
  r.ops = log;
  again.load(r);
  REQUIRE(again.state().tickets.size() == 1);
  CHECK(again.state().tickets[0].timeline.size() == 2);
  CHECK(again.load_rejected() == 0);
}

TEST_CASE("a log loaded a page at a time gives the same desk, outbox and refused Ops") {
  Fixture f;
  Submitted s = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(f.desk.submit({{"type", "ticket.reply"}, {"ticket_id", s.result["ticket_id"]}, {"text", "好的"}}, kT0 + 1).ok);
  f.store.complete_all();
  std::vector<Op> log = {
      make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
      make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
      make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
  log.insert(log.end(), f.store.durable.begin(), f.store.durable.end());
  Restored head;  // what the browser reads first: outbox, refused, cursor; the Ops follow in pages
  head.outbox = {log[3].id};
  head.rejected = {{log.back().id, "forbidden", "不允许"}};
  head.cursor = 7;
  ManualStore store2;
  Desk paged(store2, "dev2-");
  paged.load_begin(head);
  for (const Op& op : log) paged.load_op(op);
  paged.load_end();
  Restored whole = head;
  whole.ops = log;
  ManualStore store3;
  Desk at_once(store3, "dev3-");
  at_once.load(whole);
  for (Desk* d : {&paged, &at_once}) {
    REQUIRE(d->state().tickets.size() == 1);
    CHECK(d->state().tickets[0].timeline.size() == 1);  // the refused reply stays out of the State
    CHECK(d->rejected().size() == 1);
    CHECK(d->sync().cursor() == 7);
    CHECK(d->sync().outbox().size() == 1);
  }
}

TEST_CASE("a desk restored from a snapshot and the newer Ops equals one that replays the whole log") {
  Fixture f;
  Submitted t = f.desk.submit(new_ticket_cmd(), kT0);
  json id = t.result["ticket_id"];
  auto reply = [&](const char* text, Millis at) {
    REQUIRE(f.desk.submit({{"type", "ticket.reply"}, {"ticket_id", id}, {"text", text}}, at).ok);
  };
  reply("好的", kT0 + 1);
  reply("稍等", kT0 + 2);  // the server refuses this one after the snapshot was written
  f.store.complete_all();
  reply("已处理", kT0 + 3);
  CHECK(f.desk.make_snapshot().empty());  // a change still being written is never in a snapshot
  f.store.complete_all();
  const std::string snap = f.desk.make_snapshot();
  REQUIRE_FALSE(snap.empty());
  CHECK(f.desk.stored_ops() == 7);
  reply("请查收", kT0 + 4);  // after the snapshot: only in the log
  f.store.complete_all();
  const std::vector<Op>& mine = f.store.durable;  // T, R1, R2, R3, R4
  REQUIRE(mine.size() == 5);
  std::vector<Op> log = {
      make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}),
      make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}),
      make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}})};
  log.insert(log.end(), mine.begin(), mine.end());
  Restored head;  // the creation was acknowledged, R2 refused; R1, R3 and R4 wait for the server
  head.outbox = {mine[1].id, mine[3].id, mine[4].id};
  head.rejected = {{mine[2].id, "forbidden", "不允许"}};
  head.cursor = 9;

  ManualStore s1, s2;
  Desk whole(s1, "w-"), fast(s2, "f-");
  Restored all = head;
  all.ops = log;
  whole.load(all);
  std::string err;
  REQUIRE(fast.restore_snapshot(snap.data(), snap.size(), err));
  CHECK(fast.snapshot_covers() == 7);
  Restored rest = head;  // what the browser reads: the outbox and refused Ops the snapshot covers
  rest.outbox_ops = {mine[1], mine[3]};
  rest.rejected_ops = {mine[2]};
  fast.load_begin(rest);
  fast.load_op(mine[4]);
  fast.load_end();

  CHECK(state_image(fast.state()) == state_image(whole.state()));
  // The snapshot holds its outbox and refused Ops itself: a start that looks none of them up by
  // id (what the browser does now) makes the same desk.
  ManualStore s3;
  Desk held(s3, "h-");
  REQUIRE(held.restore_snapshot(snap.data(), snap.size(), err));
  for (const Op& op : {mine[0], mine[1], mine[2], mine[3]}) CHECK(held.snapshot_holds(op.id));
  CHECK_FALSE(held.snapshot_holds(mine[4].id));  // after the snapshot: the pages bring it
  held.load_begin(head);
  held.load_op(mine[4]);
  held.load_end();
  CHECK(state_image(held.state()) == state_image(whole.state()));
  REQUIRE(held.sync().outbox().size() == 3);
  CHECK(held.sync().outbox()[0].id == mine[1].id);
  CHECK(held.sync().outbox()[1].id == mine[3].id);
  CHECK(held.sync().outbox()[2].id == mine[4].id);
  REQUIRE(held.rejected().size() == 1);
  CHECK(held.rejected()[0].op.id == mine[2].id);
  CHECK(held.rejected()[0].code == "forbidden");
  // the characters of the text come back with it, so the glyphs they need are fetched at once
  for (uint32_t cp : whole.text_codepoints().all()) CHECK(fast.text_codepoints().seen(cp));
  CHECK(fast.text_codepoints().seen(0x8BF7));  // 请, from the reply after the snapshot
  CHECK(fast.text_codepoints().seen(0x51B2));  // 冲, from the course before it
  CHECK(fast.state().tickets.at(0).timeline.size() == 4);  // the message, R1, R3, R4: the refused R2 left
  CHECK(fast.stored_ops() == 8);
  CHECK(whole.stored_ops() == 8);
  for (Desk* d : {&whole, &fast}) {
    REQUIRE(d->sync().outbox().size() == 3);
    CHECK(d->sync().outbox()[0].id == mine[1].id);  // in the order they were made
    CHECK(d->sync().outbox()[2].id == mine[4].id);
    REQUIRE(d->rejected().size() == 1);
    CHECK(d->rejected()[0].op.id == mine[2].id);
    CHECK(d->sync().cursor() == 9);
  }
  // The clock came back too: a new change is stamped after everything restored.
  fast.sign_in("a-1");
  Submitted next = fast.submit({{"type", "ticket.reply"}, {"ticket_id", id}, {"text", "再见"}}, kT0);
  REQUIRE(next.ok);
  CHECK(mine[4].hlc < fast.state().tickets.at(0).timeline.back().hlc);
}

TEST_CASE("a desk restored in steps while the bytes arrive shows the State and decides nothing until it is whole") {
  Fixture f;
  Submitted t = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(t.ok);
  REQUIRE(f.desk.submit({{"type", "ticket.reply"}, {"ticket_id", t.result["ticket_id"]}, {"text", "好的"}}, kT0 + 1).ok);
  f.store.complete_all();
  const std::string snap = f.desk.make_snapshot();
  REQUIRE_FALSE(snap.empty());

  ManualStore s;
  Desk d(s, "d-");
  d.sign_in(f.desk.actor());
  CHECK(d.showable());
  CHECK_FALSE(d.loading());
  d.restore_snapshot_begin(snap.data(), snap.size());
  CHECK(d.restoring());
  CHECK(d.loading());
  std::string err;
  size_t available = 0;
  bool seen_showable = false;
  Desk::RestoreStep st = Desk::RestoreStep::more;
  int waits = 0;
  while (st == Desk::RestoreStep::more || st == Desk::RestoreStep::wait) {
    REQUIRE(available < snap.size() + 64);
    available += 64;  // 64 bytes at a time: every part waits for its bytes at least once
    st = d.restore_snapshot_step(available, 1, err);
    waits += st == Desk::RestoreStep::wait;
    if (st == Desk::RestoreStep::done || st == Desk::RestoreStep::failed) break;
    if (d.showable()) {
      seen_showable = true;
      CHECK(d.restore_progress() <= 1.0);
    } else {
      CHECK(d.state().tickets.empty());
    }
    // nothing is decided on part of the State
    Submitted refused = d.submit(new_ticket_cmd(), kT0 + 5);
    CHECK_FALSE(refused.ok);
    CHECK(refused.error.code == "loading");
  }
  REQUIRE(st == Desk::RestoreStep::done);
  CHECK(waits > 10);
  CHECK(seen_showable);
  CHECK_FALSE(d.restoring());
  CHECK(d.restore_progress() == 1.0);
  CHECK(state_image(d.state()) == state_image(f.desk.state()));
  CHECK(d.state().revision == f.desk.state().revision);
  CHECK(d.loading());  // until the newer Ops are in
  CHECK(d.submit(new_ticket_cmd(), kT0 + 5).error.code == "loading");
  d.load_begin(Restored{});
  d.load_end();
  CHECK_FALSE(d.loading());
  Submitted ok = d.submit(new_ticket_cmd(), kT0 + 5);
  CHECK(ok.ok);
  CHECK(d.state().tickets.size() == 2);

  // bytes that stop coming halfway: the restore is called off and the State is empty again
  ManualStore s2;
  Desk e(s2, "e-");
  e.restore_snapshot_begin(snap.data(), snap.size());
  CHECK(e.restore_snapshot_step(snap.size() - 10, SIZE_MAX, err) == Desk::RestoreStep::wait);
  CHECK(e.showable());
  CHECK_FALSE(e.state().tickets.empty());
  e.restore_snapshot_cancel("read failed");
  CHECK_FALSE(e.restoring());
  CHECK(e.state().tickets.empty());
  CHECK(e.state().revision == 0);
}

TEST_CASE("a snapshot's many waiting Ops are read a few at a time, after the State, in their order") {
  Fixture f;
  Submitted t = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(t.ok);
  for (int i = 0; i < 150; ++i)  // made offline: all wait for the server
    REQUIRE(f.desk.submit({{"type", "ticket.reply"}, {"ticket_id", t.result["ticket_id"]}, {"text", "回复 " + std::to_string(i)}},
                          kT0 + 1 + i).ok);
  f.store.complete_all();
  REQUIRE(f.desk.sync().outbox().size() == 151);
  const std::string snap = f.desk.make_snapshot();
  ManualStore s;
  Desk d(s, "d-");
  d.restore_snapshot_begin(snap.data(), snap.size());
  std::string err;
  int steps_after_state = 0;
  Desk::RestoreStep st = Desk::RestoreStep::more;
  while (st == Desk::RestoreStep::more || st == Desk::RestoreStep::wait) {
    const bool whole = d.state().tickets.size() == 1 && d.state().tickets[0].timeline.size() == 151 && d.state().revision == f.desk.state().revision;
    st = d.restore_snapshot_step(snap.size(), 1, err);
    steps_after_state += whole;
  }
  REQUIRE(st == Desk::RestoreStep::done);
  CHECK(steps_after_state >= 3);  // 151 Ops, at most 64 a step
  for (const Op& op : f.desk.sync().outbox()) CHECK(d.snapshot_holds(op.id));
  Restored head;
  for (const Op& op : f.desk.sync().outbox()) head.outbox.push_back(op.id);
  d.load_begin(head);
  d.load_end();
  REQUIRE(d.sync().outbox().size() == 151);
  for (size_t i = 0; i < 151; ++i) CHECK(d.sync().outbox()[i].id == f.desk.sync().outbox()[i].id);
  CHECK(state_image(d.state()) == state_image(f.desk.state()));

  // one waiting Op's length damaged: refused, the State empty again
  std::string bad = snap;
  const size_t at = bad.find("回复 77");
  REQUIRE(at != std::string::npos);
  bad.replace(at, 3, "\xff\xff\xff");  // invalid UTF-8 inside the Op's text
  ManualStore s2;
  Desk e(s2, "e-");
  CHECK_FALSE(e.restore_snapshot(bad.data(), bad.size(), err));
  CHECK(err == "snapshot's waiting Ops damaged");
  CHECK(e.state().tickets.empty());
}

TEST_CASE("a damaged snapshot is refused and leaves the desk as it was") {
  Fixture f;
  REQUIRE(f.desk.submit(new_ticket_cmd(), kT0).ok);
  f.store.complete_all();
  std::string snap = f.desk.make_snapshot();
  REQUIRE(snap.size() > 64);
  ManualStore s;
  Desk d(s, "d-");
  std::string err;
  for (size_t cut : {size_t{0}, size_t{10}, snap.size() / 2, snap.size() - 1}) {
    CHECK_FALSE(d.restore_snapshot(snap.data(), cut, err));
    CHECK_FALSE(err.empty());
  }
  std::string bad = snap;
  bad[0] = 'X';
  CHECK_FALSE(d.restore_snapshot(bad.data(), bad.size(), err));
  CHECK(err == "not a desk snapshot");
  CHECK(d.state().tickets.empty());
  CHECK(d.stored_ops() == 0);
  REQUIRE(d.restore_snapshot(snap.data(), snap.size(), err));
  CHECK(d.state().tickets.size() == 1);
}

TEST_CASE("every UI string exists in all three languages") {
  // gen_i18n.py refuses to build with a gap; this checks the compiled table itself.
  REQUIRE(kI18nRowCount > 50);
  for (int64_t i = 0; i < kI18nRowCount; ++i)
    for (int l = 0; l < 3; ++l) {
      INFO(kI18nRows[i].key << " in language " << l);
      CHECK(std::string(kI18nRows[i].text[l]).size() > 0);
    }
  for (Status s : kStatuses) CHECK(has_key((std::string("status.") + to_id(s)).c_str()));
  for (Category c : kCategories) CHECK(has_key((std::string("category.") + to_id(c)).c_str()));
  for (Channel c : kChannels) CHECK(has_key((std::string("channel.") + to_id(c)).c_str()));
  for (Priority p : kPriorities) CHECK(has_key((std::string("priority.") + to_id(p)).c_str()));
  for (Role r : kRoles) CHECK(has_key((std::string("role.") + to_id(r)).c_str()));
}

TEST_CASE("the language switch changes the words and ages read naturally") {
  set_lang(Lang::zh_Hans);
  CHECK(std::string(tr("status.open")) == "处理中");
  CHECK(format_age(3 * 86400000LL) == "3 天");
  set_lang(Lang::zh_Hant);
  CHECK(std::string(tr("category.account_security")) == "帳號安全");
  set_lang(Lang::en);
  CHECK(format_age(5 * 60000) == "5 min");
  set_lang(Lang::zh_Hans);
  CHECK(format_time(kT0) == "2025-11-25 00:00");  // UTC+8
}

TEST_CASE("a second tab mirrors the first tab's changes and its outbox") {
  Fixture one, two;
  Submitted s = one.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(s.ok);
  one.store.complete_all();
  two.desk.receive_peer(one.store.durable, /*local=*/true, -1);
  CHECK(two.desk.state().ticket(s.result["ticket_id"].get<std::string>()) != nullptr);
  CHECK(two.desk.sync().pending() == 1);  // it would push it if it became the syncing tab
  two.desk.settle_peer({one.store.durable[0].id}, {});
  CHECK(two.desk.sync().pending() == 0);
}

TEST_CASE("a tab that hears the server's verdict before the change itself does not queue it again") {
  Fixture one, two;
  Submitted ok = one.desk.submit(new_ticket_cmd(), kT0);
  Submitted bad = one.desk.submit({{"type", "customer.create"}, {"name", "王五"}}, kT0);
  REQUIRE(ok.ok);
  REQUIRE(bad.ok);
  one.store.complete_all();
  const Op& first = one.store.durable[0];
  const Op& second = one.store.durable[1];
  two.desk.settle_peer({first.id}, {{second.id, "forbidden", "not yours"}});  // the verdicts arrive first …
  two.desk.receive_peer(one.store.durable, /*local=*/true, -1);               // … then the changes
  CHECK(two.desk.sync().pending() == 0);
  CHECK(two.desk.state().ticket(ok.result["ticket_id"].get<std::string>()) != nullptr);
  CHECK(two.desk.state().customer(bad.result["customer_id"].get<std::string>()) == nullptr);  // refused: never applied
  REQUIRE(two.desk.rejected().size() == 1);
  CHECK(two.desk.rejected()[0].code == "forbidden");
}

TEST_CASE("a change the server acknowledged before its local write landed leaves no outbox entry behind") {
  Fixture f;
  Submitted s = f.desk.submit(new_ticket_cmd(), kT0);
  REQUIRE(s.ok);
  sync::PushRequest req = f.desk.sync().next_push();
  sync::PushResponse resp{req.batch_id, {{req.ops[0].id, sync::Verdict::accepted, 1, "", ""}}, kT0};
  f.desk.on_push_answer(req, resp);  // the server answered first …
  f.store.complete_all();            // … then IndexedDB finished writing the op and its outbox entry
  CHECK(f.store.outbox.empty());
  CHECK(f.desk.sync().pending() == 0);
}
