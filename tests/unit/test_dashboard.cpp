// The supervisor's dashboard (src/core/dashboard.h): its numbers on the seeded demo desk
// recomputed here independently from the State, the incremental path against a full
// recompute, the planted incident as a hot spot, drill-down rows against the aggregates,
// the sorted bag, filters, refund concentration, customer segments and churn warnings, and
// the bulk load from the analytics CSV. The 1,000,000-ticket timings are bench/dashboard/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/commands.h"
#include "core/dashboard.h"
#include "core/demo.h"
#include "core/rng.h"
#include "core/state.h"
#include "core/workflow.h"

using namespace edudesk;
using nlohmann::json;

namespace {

constexpr Millis kEnd = 1795000000000LL;  // 2026-11-18 19:06:40 UTC+8, the demo's "now"

DemoOptions options() {
  DemoOptions o;
  o.end = kEnd;
  return o;
}

const std::vector<Op>& demo() {
  static const std::vector<Op> ops = demo_ops(options());
  return ops;
}

void apply_ops(State& s, size_t from, size_t to) {
  const std::vector<Op>& ops = demo();
  for (size_t i = from; i < to && i < ops.size(); ++i) {
    Error err;
    apply(s, ops[i], err);
  }
}

const State& demo_state() {
  static const State s = [] {
    State st;
    apply_ops(st, 0, demo().size());
    return st;
  }();
  return s;
}

int32_t last_day() { return analytics_day(kEnd / 1000); }

AnalyticsFilter last_30_days() {
  AnalyticsFilter f;
  f.to_day = last_day();
  f.from_day = f.to_day - 29;
  return f;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// numpy.percentile's default (linear): sort, h = q (n − 1), x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
double np_percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double h = q * static_cast<double>(v.size() - 1);
  const size_t k = static_cast<size_t>(h);
  if (k + 1 >= v.size()) return static_cast<double>(v.back());
  return static_cast<double>(v[k]) + (h - static_cast<double>(k)) * static_cast<double>(v[k + 1] - v[k]);
}

int32_t day_of(const Ticket& t) { return analytics_day(t.created_at / 1000); }
bool resolved(const Ticket& t) { return t.status == Status::resolved || t.status == Status::closed; }

// The current CSAT "overall" answer of each ticket.
std::map<std::string, int> csat_by_ticket(const State& s) {
  std::map<std::string, int> out;
  for (const SurveyResponse& r : s.responses) {
    if (!r.current || r.survey_id != "csat" || r.ticket_id.empty()) continue;
    auto o = r.answers.find("overall");
    if (o != r.answers.end() && o->is_number_integer()) out[r.ticket_id] = o->get<int>();
  }
  return out;
}

// Every field two dashboards show, compared (counts exactly, doubles equal or both NaN).
void check_same_kpi(const char* name, const Kpi& a, const Kpi& b) {
  INFO(name << ": " << a.cur << " / " << b.cur << ", prev " << a.prev << " / " << b.prev);
  CHECK(same(a.cur, b.cur));
  CHECK(same(a.prev, b.prev));
}

void check_same_period(const PeriodStats& a, const PeriodStats& b) {
  CHECK(a.tickets == b.tickets);
  CHECK(a.resolved == b.resolved);
  CHECK(a.reopened == b.reopened);
  CHECK(a.complaints == b.complaints);
  CHECK(a.complaints_closed == b.complaints_closed);
  CHECK(a.frt_met == b.frt_met);
  CHECK(a.frt_late == b.frt_late);
  CHECK(a.res_met == b.res_met);
  CHECK(a.res_late == b.res_late);
  CHECK(a.frt.values() == b.frt.values());
  CHECK(a.resolve.values() == b.resolve.values());
  CHECK(a.frt_due.values() == b.frt_due.values());
  CHECK(a.res_due.values() == b.res_due.values());
  CHECK(a.csat_n == b.csat_n);
  CHECK(a.csat_sum == b.csat_sum);
  CHECK(a.csat_satisfied == b.csat_satisfied);
  CHECK(a.nps_n == b.nps_n);
  CHECK(a.promoters == b.promoters);
  CHECK(a.detractors == b.detractors);
  CHECK(a.refunds == b.refunds);
  CHECK(a.refund_fen == b.refund_fen);
  CHECK(a.by_channel == b.by_channel);
  CHECK(a.by_category == b.by_category);
}

void check_same_rows(const std::vector<GroupRow>& a, const std::vector<GroupRow>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("row " << i << " " << a[i].key);
    CHECK(a[i].key == b[i].key);
    CHECK(a[i].tickets == b[i].tickets);
    CHECK(a[i].resolved == b[i].resolved);
    CHECK(same(a[i].frt_median_s, b[i].frt_median_s));
    CHECK(same(a[i].resolve_median_s, b[i].resolve_median_s));
    CHECK(same(a[i].frt_compliance, b[i].frt_compliance));
    CHECK(same(a[i].csat_mean, b[i].csat_mean));
    CHECK(same(a[i].reopen_rate, b[i].reopen_rate));
    CHECK(a[i].csat_n == b[i].csat_n);
  }
}

// (course id × 8 + category) → its non-zero daily counts; dictionary codes may differ
// between two columns built in different orders, so compare by id.
std::map<std::pair<std::string, int>, std::vector<int32_t>> course_days(const DashboardAggregator& a,
                                                                        const DashboardColumns& c) {
  std::map<std::pair<std::string, int>, std::vector<int32_t>> out;
  for (const auto& [key, days] : a.course_category_days)
    if (std::any_of(days.begin(), days.end(), [](int32_t n) { return n != 0; }))
      out[{c.courses().value(key / 8), static_cast<int>(key % 8)}] = days;
  return out;
}

void check_same_dashboard(const DashboardAggregator& a, const DashboardColumns& ca, const DashboardAggregator& b,
                          const DashboardColumns& cb, Millis now) {
  CHECK(a.from_day() == b.from_day());
  CHECK(a.to_day() == b.to_day());
  {
    INFO("current period");
    check_same_period(a.cur, b.cur);
  }
  {
    INFO("previous period");
    check_same_period(a.prev, b.prev);
  }
  CHECK(a.day_channel == b.day_channel);
  CHECK(a.prev_day == b.prev_day);
  CHECK(a.day_category == b.day_category);
  CHECK(a.hour_week == b.hour_week);
  CHECK(a.resolve_hist == b.resolve_hist);
  CHECK(a.frt_hist == b.frt_hist);
  CHECK(a.backlog_created.values() == b.backlog_created.values());
  CHECK(course_days(a, ca) == course_days(b, cb));

  const DashboardKpis x = dashboard_kpis(a, now), y = dashboard_kpis(b, now);
  check_same_kpi("tickets", x.tickets, y.tickets);
  check_same_kpi("frt_median_s", x.frt_median_s, y.frt_median_s);
  check_same_kpi("frt_p90_s", x.frt_p90_s, y.frt_p90_s);
  check_same_kpi("resolve_median_s", x.resolve_median_s, y.resolve_median_s);
  check_same_kpi("resolve_p90_s", x.resolve_p90_s, y.resolve_p90_s);
  check_same_kpi("frt_compliance", x.frt_compliance, y.frt_compliance);
  check_same_kpi("res_compliance", x.res_compliance, y.res_compliance);
  check_same_kpi("resolution_rate", x.resolution_rate, y.resolution_rate);
  check_same_kpi("reopen_rate", x.reopen_rate, y.reopen_rate);
  check_same_kpi("complaint_closure", x.complaint_closure, y.complaint_closure);
  check_same_kpi("csat_mean", x.csat_mean, y.csat_mean);
  check_same_kpi("csat_satisfied", x.csat_satisfied, y.csat_satisfied);
  check_same_kpi("nps", x.nps, y.nps);
  check_same_kpi("refunds", x.refunds, y.refunds);
  check_same_kpi("refund_fen", x.refund_fen, y.refund_fen);
  check_same_kpi("refund_rate", x.refund_rate, y.refund_rate);
  CHECK(x.backlog == y.backlog);
  CHECK(same(x.backlog_median_age_s, y.backlog_median_age_s));
  CHECK(x.backlog_age == y.backlog_age);

  const std::vector<HotSpot> ha = dashboard_hot_spots(a), hb = dashboard_hot_spots(b);
  REQUIRE(ha.size() == hb.size());
  for (size_t i = 0; i < ha.size(); ++i) {
    CHECK(ca.courses().value(ha[i].course) == cb.courses().value(hb[i].course));
    CHECK(ha[i].category == hb[i].category);
    CHECK(ha[i].day == hb[i].day);
    CHECK(ha[i].n == hb[i].n);
    CHECK(ha[i].baseline_mean == hb[i].baseline_mean);
    CHECK(ha[i].baseline_sd == hb[i].baseline_sd);
    CHECK(ha[i].threshold == hb[i].threshold);
  }
  check_same_rows(agent_rows(a, ca), agent_rows(b, cb));
  check_same_rows(tier_rows(a), tier_rows(b));

  double avg_a = -1, avg_b = -2;
  const std::vector<CourseRefunds> ra = refund_concentration(a, avg_a), rb = refund_concentration(b, avg_b);
  CHECK(avg_a == avg_b);
  REQUIRE(ra.size() == rb.size());
  // Equal rates and refunds are ordered by course code, which may differ: compare as sets by id.
  std::map<std::string, const CourseRefunds*> by_id;
  for (const CourseRefunds& r : rb) by_id[cb.courses().value(r.course)] = &r;
  for (size_t i = 0; i < ra.size(); ++i) {
    const std::string id = ca.courses().value(ra[i].course);
    INFO("course " << id);
    REQUIRE(by_id.count(id));
    const CourseRefunds& r = *by_id[id];
    CHECK(ra[i].rate == rb[i].rate);  // the order by rate is the same
    CHECK(ra[i].tickets == r.tickets);
    CHECK(ra[i].refunds == r.refunds);
    CHECK(ra[i].refund_fen == r.refund_fen);
    CHECK(ra[i].rate == r.rate);
    CHECK(ra[i].ratio == r.ratio);
    CHECK(ra[i].concentrated == r.concentrated);
    CHECK(ra[i].reasons == r.reasons);
    CHECK(ra[i].root_causes == r.root_causes);
  }
}

// The dashboard of `s` computed from scratch.
struct Fresh {
  DashboardColumns cols;
  DashboardAggregator agg;
  Fresh(const State& s, const AnalyticsFilter& f, Millis now) {
    cols.sync(s, now);
    agg.compute(cols, f);
  }
};

// A command decided and applied on `s` (the demo's agents exist).
void run(State& s, const json& cmd, Millis now, const char* actor = "a-zhaolei") {
  static PrefixIds ids("test-dash-");
  Context ctx{now, actor, &ids};
  Decision d;
  Error err;
  INFO(cmd.dump());
  REQUIRE(decide(s, cmd, ctx, d, err));
  INFO(err.message);
  for (const Op& op : d.ops) REQUIRE(apply(s, op, err) == ApplyOutcome::applied);
}

}  // namespace

// ---- the demo desk, recomputed from the State ---------------------------------------------------

TEST_CASE("dashboard: the demo's KPIs equal numbers recomputed from the State", "[dashboard]") {
  const State& s = demo_state();
  const AnalyticsFilter f = last_30_days();
  Fresh d(s, f, kEnd);
  CHECK(d.cols.size() == s.tickets.size());
  CHECK(d.agg.days() == 30);
  const DashboardKpis k = dashboard_kpis(d.agg, kEnd);

  // Independently, from the tickets of the State.
  const std::map<std::string, int> csat = csat_by_ticket(s);
  std::set<std::string> refunded;
  for (const Refund& r : s.refunds)
    if (!r.ticket_id.empty() && (r.status == RefundStatus::approved || r.status == RefundStatus::paid))
      refunded.insert(r.ticket_id);
  int64_t tickets = 0, prev_tickets = 0, res = 0, complaints = 0, complaints_closed = 0, backlog = 0;
  int64_t csat_n = 0, csat_sum = 0, csat_happy = 0, refunds = 0;
  std::vector<int64_t> frt, prev_frt;
  for (const Ticket& t : s.tickets) {
    if (ticket_open(t)) ++backlog;
    if (!t.merged_into.empty()) continue;
    const int32_t day = day_of(t);
    if (day >= f.from_day - 30 && day < f.from_day) {
      ++prev_tickets;
      if (t.first_response_at > 0) prev_frt.push_back((t.first_response_at - t.created_at) / 1000);
    }
    if (day < f.from_day || day > f.to_day) continue;
    ++tickets;
    if (t.first_response_at > 0) frt.push_back((t.first_response_at - t.created_at) / 1000);
    if (resolved(t)) ++res;
    if (is_complaint(t.category)) {
      ++complaints;
      if (resolved(t)) ++complaints_closed;
    }
    auto c = csat.find(t.id);
    if (c != csat.end() && c->second >= 1 && c->second <= 5) {
      ++csat_n;
      csat_sum += c->second;
      if (c->second >= 4) ++csat_happy;
    }
    if (refunded.count(t.id)) ++refunds;
  }
  // the demo has enough of everything for these to mean something
  REQUIRE(tickets > 100);
  REQUIRE(prev_tickets > 0);
  REQUIRE(frt.size() > 50);
  REQUIRE(complaints > 3);
  REQUIRE(csat_n > 5);
  REQUIRE(backlog > 0);

  CHECK(k.tickets.cur == tickets);
  CHECK(k.tickets.prev == prev_tickets);
  CHECK(d.agg.cur.frt.size() == frt.size());
  CHECK(k.frt_median_s.cur == Approx(np_percentile(frt, 0.5)));
  CHECK(k.frt_p90_s.cur == Approx(np_percentile(frt, 0.9)));
  CHECK(k.frt_median_s.prev == Approx(np_percentile(prev_frt, 0.5)));
  CHECK(k.backlog == backlog);
  CHECK(k.backlog_age[0] + k.backlog_age[1] + k.backlog_age[2] + k.backlog_age[3] == backlog);
  CHECK(k.resolution_rate.cur == Approx(static_cast<double>(res) / static_cast<double>(tickets)));
  CHECK(k.complaint_closure.cur == Approx(static_cast<double>(complaints_closed) / static_cast<double>(complaints)));
  CHECK(k.csat_mean.cur == Approx(static_cast<double>(csat_sum) / static_cast<double>(csat_n)));
  CHECK(k.csat_satisfied.cur == Approx(static_cast<double>(csat_happy) / static_cast<double>(csat_n)));
  CHECK(k.refunds.cur == refunds);
  CHECK(k.refund_rate.cur == Approx(static_cast<double>(refunds) / static_cast<double>(tickets)));
  // rates are fractions; compliance is defined
  for (const Kpi* x : {&k.frt_compliance, &k.res_compliance, &k.resolution_rate, &k.reopen_rate, &k.csat_satisfied}) {
    CHECK(x->cur >= 0);
    CHECK(x->cur <= 1);
  }
  // per channel and per day: the same tickets
  int64_t by_channel = 0, by_day = 0;
  for (int64_t n : d.agg.cur.by_channel) by_channel += n;
  for (const auto& day : d.agg.day_channel)
    for (int32_t n : day) by_day += n;
  CHECK(by_channel == tickets);
  CHECK(by_day == tickets);
  // the previous period day by day: its tickets, day i beside day i of this period
  int64_t prev_days = 0;
  for (int32_t n : d.agg.prev_day) prev_days += n;
  CHECK(d.agg.prev_day.size() == static_cast<size_t>(d.agg.days()));
  CHECK(prev_days == d.agg.prev.tickets);
  int64_t agents = 0;
  for (const GroupRow& r : agent_rows(d.agg, d.cols)) agents += r.tickets;
  CHECK(agents == tickets);
  int64_t tiers = 0;
  for (const GroupRow& r : tier_rows(d.agg)) tiers += r.tickets;
  CHECK(tiers == tickets);
}

TEST_CASE("dashboard: the demo's planted incident is a hot spot on the last day", "[dashboard]") {
  Fresh d(demo_state(), last_30_days(), kEnd);
  const std::vector<HotSpot> spots = dashboard_hot_spots(d.agg);
  REQUIRE_FALSE(spots.empty());
  const HotSpot& h = spots.front();  // newest first
  CHECK(d.cols.courses().value(h.course) == "k-python");
  CHECK(h.category == Category::technical);
  CHECK(h.day == last_day());
  CHECK(h.n == 4);
  CHECK(static_cast<double>(h.n) > h.threshold);
  CHECK(h.threshold == Approx(h.baseline_mean + 3 * h.baseline_sd));
  for (size_t i = 1; i < spots.size(); ++i) CHECK(spots[i].day <= spots[i - 1].day);
}

TEST_CASE("dashboard: the planted incident is one day's hot spot at any hour, midnight too", "[dashboard]") {
  // CI once opened the demo shortly after midnight Beijing time: the burst of the last three hours fell on
  // two days and neither held the whole of it.
  constexpr Millis kHourMs = 3600 * 1000LL;
  const Millis local_midnight = (kEnd + 8 * kHourMs) / (24 * kHourMs) * (24 * kHourMs) - 8 * kHourMs;
  constexpr Millis kMinuteMs = 60 * 1000LL;
  for (Millis after : std::vector<Millis>{kMinuteMs, 40 * kMinuteMs, kHourMs + 30 * kMinuteMs, 2 * kHourMs + 59 * kMinuteMs,
                                          3 * kHourMs + 10 * kMinuteMs, 23 * kHourMs + 59 * kMinuteMs}) {
    DemoOptions o = options();
    o.end = local_midnight + 24 * kHourMs + after;
    INFO("the demo opened " << after / kMinuteMs << " minutes after midnight");
    State s;
    for (const Op& op : demo_ops(o)) {
      Error err;
      apply(s, op, err);
    }
    std::vector<const Ticket*> burst;
    for (const Ticket& t : s.tickets)
      if (t.subject == "Python视频黑屏播放不了") burst.push_back(&t);
    REQUIRE(burst.size() == 4);
    const int32_t today = analytics_day(o.end / 1000);
    for (const Ticket* t : burst) {
      CHECK(day_of(*t) == today);
      CHECK(t->created_at <= o.end);
    }
    AnalyticsFilter f;
    f.to_day = today;
    f.from_day = today - 29;
    Fresh d(s, f, o.end);
    const std::vector<HotSpot> spots = dashboard_hot_spots(d.agg);
    REQUIRE_FALSE(spots.empty());
    CHECK(d.cols.courses().value(spots.front().course) == "k-python");
    CHECK(spots.front().day == today);
    CHECK(spots.front().n >= 4);
  }
}

// ---- incremental == full ------------------------------------------------------------------------

TEST_CASE("dashboard: the incremental update equals a full recompute", "[dashboard]") {
  const size_t n = demo().size();
  const size_t cut = n * 85 / 100;
  AnalyticsFilter chat = last_30_days();
  chat.channel = Channel::chat;
  AnalyticsFilter course;
  course.course_id = "k-python";
  // "all days" is open at both ends: a ticket on a new day widens the range
  for (const AnalyticsFilter& f : {last_30_days(), AnalyticsFilter{}, chat, course}) {
    INFO("filter from " << f.from_day << " to " << f.to_day << " course '" << f.course_id << "'");
    State s;
    apply_ops(s, 0, cut);
    DashboardColumns cols;
    DashboardAggregator agg;
    cols.sync(s, kEnd);
    agg.compute(cols, f);
    const size_t rows_before = cols.size();
    apply_ops(s, cut, n);
    const DashboardColumns::SyncResult r = cols.sync(s, kEnd);
    REQUIRE_FALSE(r.rebuilt);
    size_t added = 0, changed = 0;
    for (const DashboardColumns::Change& c : r.changes) (c.added ? added : changed) += 1;
    CHECK(added == s.tickets.size() - rows_before);
    CHECK(added > 0);
    CHECK(changed > 0);
    agg.update(cols, r);
    Fresh fresh(s, f, kEnd);
    check_same_dashboard(agg, cols, fresh.agg, fresh.cols, kEnd);
    // nothing new: nothing changes
    CHECK(cols.sync(s, kEnd).changes.empty());
  }
}

TEST_CASE("dashboard: a reply, a resolution and a new ticket update it only through update()", "[dashboard]") {
  State s = demo_state();
  const AnalyticsFilter f = last_30_days();
  DashboardColumns cols;
  DashboardAggregator agg;
  cols.sync(s, kEnd);
  agg.compute(cols, f);
  const DashboardKpis before = dashboard_kpis(agg, kEnd);

  // an unanswered, open, non-complaint ticket of the period
  const Ticket* pick = nullptr;
  for (const Ticket& t : s.tickets)
    if (ticket_open(t) && t.first_response_at == 0 && !is_complaint(t.category) && day_of(t) >= f.from_day &&
        t.status == Status::new_)
      pick = &t;
  REQUIRE(pick);
  const std::string id = pick->id;
  const Millis at = std::max(pick->created_at, kEnd - 600000) + 1000;
  run(s, {{"type", "ticket.reply"}, {"ticket_id", id}, {"text", "您好，我们已经在处理了。"}}, at);
  run(s, {{"type", "ticket.set_status"}, {"ticket_id", id}, {"status", "resolved"}, {"resolution", "explained"}},
      at + 60000);
  run(s, {{"type", "ticket.create"}, {"customer_id", s.customers.front().id}, {"course_id", "k-python"},
          {"channel", "phone"}, {"subject", "回放打不开"}, {"text", "第三讲的回放一直在转圈"},
          {"category", "technical"}, {"priority", "P2"}},
      kEnd - 1000);

  // the aggregates do not move until update()
  CHECK(dashboard_kpis(agg, kEnd).tickets.cur == before.tickets.cur);
  const DashboardColumns::SyncResult r = cols.sync(s, kEnd);
  REQUIRE_FALSE(r.rebuilt);
  REQUIRE(r.changes.size() == 2);
  CHECK_FALSE(r.changes[0].added);
  CHECK(cols.ticket_id(r.changes[0].row) == id);
  CHECK(r.changes[1].added);
  CHECK(r.changes[1].row == s.tickets.size() - 1);
  CHECK(dashboard_kpis(agg, kEnd).backlog == before.backlog);
  agg.update(cols, r);

  const DashboardKpis after = dashboard_kpis(agg, kEnd);
  CHECK(after.tickets.cur == before.tickets.cur + 1);
  CHECK(after.backlog == before.backlog);  // one resolved, one new
  CHECK(agg.cur.resolved == Fresh(demo_state(), f, kEnd).agg.cur.resolved + 1);
  CHECK(agg.cur.by_channel[static_cast<size_t>(Channel::phone)] ==
        Fresh(demo_state(), f, kEnd).agg.cur.by_channel[static_cast<size_t>(Channel::phone)] + 1);
  const DashRow& row = cols.row(r.changes[0].row);
  CHECK(row.frt_s >= 0);
  CHECK(row.resolve_s >= 0);
  CHECK(row.open == 0);
  Fresh fresh(s, f, kEnd);
  check_same_dashboard(agg, cols, fresh.agg, fresh.cols, kEnd);
}

// ---- drill-down ---------------------------------------------------------------------------------

TEST_CASE("dashboard: the rows behind a chart element are as many as its count", "[dashboard]") {
  const AnalyticsFilter f = last_30_days();
  Fresh d(demo_state(), f, kEnd);
  const DashboardAggregator& a = d.agg;
  const size_t all = 1u << 30;
  auto rows = [&](const DashboardPick& p) { return dashboard_rows(d.cols, f, p, all).size(); };

  DashboardPick none;
  CHECK(rows(none) == static_cast<size_t>(a.cur.tickets));
  for (int32_t i = 0; i < a.days(); ++i) {
    DashboardPick p;
    p.day = a.from_day() + i;
    int64_t n = 0;
    for (int32_t c : a.day_channel[static_cast<size_t>(i)]) n += c;
    CHECK(rows(p) == static_cast<size_t>(n));
    p.channel = static_cast<int>(Channel::chat);
    CHECK(rows(p) == static_cast<size_t>(a.day_channel[static_cast<size_t>(i)][0]));
  }
  for (int c = 0; c < 6; ++c) {
    DashboardPick p;
    p.channel = c;
    CHECK(rows(p) == static_cast<size_t>(a.cur.by_channel[static_cast<size_t>(c)]));
    DashboardPick q;
    q.category = c;
    CHECK(rows(q) == static_cast<size_t>(a.cur.by_category[static_cast<size_t>(c)]));
  }
  for (int h = 0; h < 168; ++h) {
    DashboardPick p;
    p.hour_week = h;
    CHECK(rows(p) == static_cast<size_t>(a.hour_week[static_cast<size_t>(h)]));
  }
  for (int b = 0; b < kResolveBins; ++b) {
    DashboardPick p;
    p.resolve_bin = b;
    CHECK(rows(p) == static_cast<size_t>(a.resolve_hist[static_cast<size_t>(b)]));
  }
  for (int b = 0; b < kFrtBins; ++b) {
    DashboardPick p;
    p.frt_bin = b;
    CHECK(rows(p) == static_cast<size_t>(a.frt_hist[static_cast<size_t>(b)]));
  }
  for (const auto& [code, c] : a.courses) {
    DashboardPick p;
    p.course = code;
    CHECK(rows(p) == static_cast<size_t>(c.tickets));
  }
  for (const auto& [code, g] : a.agents) {
    DashboardPick p;
    p.agent = code;
    CHECK(rows(p) == static_cast<size_t>(g.tickets));
  }
  DashboardPick refunded;
  refunded.refunded = true;
  CHECK(rows(refunded) == static_cast<size_t>(a.cur.refunds));
  DashboardPick backlog;
  backlog.backlog = true;
  const int64_t open = dashboard_kpis(a, kEnd).backlog;
  CHECK(rows(backlog) == static_cast<size_t>(open));
  for (size_t i : dashboard_rows(d.cols, f, backlog, all)) CHECK(d.cols.row(i).open == 1);
  // newest first, at most `limit`
  const std::vector<size_t> ten = dashboard_rows(d.cols, f, none, 10);
  REQUIRE(ten.size() == 10);
  for (size_t i = 1; i < ten.size(); ++i) CHECK(ten[i] < ten[i - 1]);
}

// ---- the sorted bag -----------------------------------------------------------------------------

TEST_CASE("dashboard: SortedBag quantiles are numpy's linear ones", "[dashboard]") {
  auto bag_of = [](std::vector<int32_t> v) {
    SortedBag b;
    for (int32_t x : v) b.push(x);
    b.finish();
    return b;
  };
  const SortedBag a = bag_of({4, 1, 3, 2});
  CHECK(a.quantile(0.5) == Approx(2.5));
  CHECK(a.quantile(0.9) == Approx(3.7));
  CHECK(a.quantile(0.25) == Approx(1.75));
  CHECK(a.quantile(0) == 1);
  CHECK(a.quantile(1) == 4);
  const SortedBag b = bag_of({50, 10, 40, 20, 30});
  CHECK(b.quantile(0.25) == 20);
  CHECK(b.quantile(0.9) == Approx(46));
  CHECK(b.quantile(0.33) == Approx(23.2));
  CHECK(b.quantile(0.99) == Approx(49.6));
  const SortedBag c = bag_of({3, 1, 4, 1, 5, 9, 2, 6});
  CHECK(c.quantile(0.5) == Approx(3.5));
  CHECK(c.quantile(0.9) == Approx(6.9));
  CHECK(c.quantile(0.1) == Approx(1));
  CHECK(c.quantile(0.75) == Approx(5.25));
  CHECK(bag_of({7}).quantile(0.9) == 7);
  CHECK(std::isnan(SortedBag().quantile(0.5)));
  // count_le
  CHECK(c.count_le(0) == 0);
  CHECK(c.count_le(1) == 2);
  CHECK(c.count_le(5) == 6);
  CHECK(c.count_le(8) == 7);
  CHECK(c.count_le(int64_t{1} << 40) == 8);
  CHECK(c.count_le(-(int64_t{1} << 40)) == 0);
}

TEST_CASE("dashboard: SortedBag bulk radix sort equals std::sort; insert and erase keep it sorted", "[dashboard]") {
  Rng rng(61);
  for (int32_t top : {int32_t{2000}, int32_t{1} << 21, INT32_MAX}) {  // one, two and three digits
    INFO("values below " << top);
    std::vector<int32_t> v;
    SortedBag b;
    for (int i = 0; i < 100000; ++i) {
      const int32_t x = static_cast<int32_t>(rng.below(top));
      v.push_back(x);
      b.push(x);
    }
    v.push_back(top == INT32_MAX ? INT32_MAX : 0);
    b.push(v.back());
    b.finish();
    std::sort(v.begin(), v.end());
    CHECK(b.values() == v);
    CHECK(b.quantile(0.5) == Approx(np_percentile(std::vector<int64_t>(v.begin(), v.end()), 0.5)));
  }
  // one value at a time against a multiset
  SortedBag b;
  std::multiset<int32_t> m;
  for (int i = 0; i < 3000; ++i) {
    const int32_t x = static_cast<int32_t>(rng.below(500));
    if (rng.chance(35) && !m.empty()) {
      b.erase(x);  // may be absent: then nothing
      auto it = m.find(x);
      if (it != m.end()) m.erase(it);
    } else {
      b.insert(x);
      m.insert(x);
    }
  }
  CHECK(b.values() == std::vector<int32_t>(m.begin(), m.end()));
  CHECK(std::is_sorted(b.values().begin(), b.values().end()));
  const size_t le = b.count_le(250);
  CHECK(le == static_cast<size_t>(std::distance(m.begin(), m.upper_bound(250))));
  // pushed after sorted: insert sorts first
  b.push(1000);
  b.push(0);
  b.insert(7);
  CHECK(std::is_sorted(b.values().begin(), b.values().end()));
  CHECK(b.size() == m.size() + 3);
}

TEST_CASE("dashboard: histogram bins", "[dashboard]") {
  CHECK(resolve_bin(0) == 0);
  CHECK(resolve_bin(3599) == 0);
  CHECK(resolve_bin(3600) == 1);
  CHECK(resolve_bin(14 * 86400) == kResolveBins - 1);
  CHECK(resolve_bin(kAnalyticsMaxSeconds) == kResolveBins - 1);
  CHECK(frt_bin(299) == 0);
  CHECK(frt_bin(300) == 1);
  CHECK(frt_bin(86400) == kFrtBins - 1);
}

// ---- filters ------------------------------------------------------------------------------------

TEST_CASE("dashboard: filters keep their tickets only", "[dashboard]") {
  const State& s = demo_state();
  DashboardColumns cols;
  cols.sync(s, kEnd);
  const AnalyticsFilter f = last_30_days();
  DashboardAggregator all;
  all.compute(cols, f);
  REQUIRE(all.cur.tickets > 0);

  SECTION("a course or agent the table lacks: nothing, not everything") {
    AnalyticsFilter g = f;
    g.course_id = "k-no-such-course";
    DashboardAggregator a;
    a.compute(cols, g);
    CHECK(a.cur.tickets == 0);
    CHECK(a.prev.tickets == 0);
    CHECK(dashboard_kpis(a, kEnd).backlog == 0);
    CHECK(std::isnan(dashboard_kpis(a, kEnd).resolution_rate.cur));
    CHECK(dashboard_rows(cols, g, DashboardPick{}).empty());
    AnalyticsFilter h = f;
    h.agent_id = "a-nobody";
    a.compute(cols, h);
    CHECK(a.cur.tickets == 0);
    CHECK(agent_rows(a, cols).empty());
    CHECK(dashboard_rows(cols, h, DashboardPick{}).empty());
  }
  SECTION("by channel: the channels add up to all") {
    int64_t sum = 0;
    for (Channel c : kChannels) {
      AnalyticsFilter g = f;
      g.channel = c;
      DashboardAggregator a;
      a.compute(cols, g);
      CHECK(a.cur.tickets == all.cur.by_channel[static_cast<size_t>(c)]);
      CHECK(a.prev.tickets == all.prev.by_channel[static_cast<size_t>(c)]);
      sum += a.cur.tickets;
    }
    CHECK(sum == all.cur.tickets);
  }
  SECTION("a course and an agent: their own tickets") {
    AnalyticsFilter g = f;
    g.course_id = "k-python";
    DashboardAggregator a;
    a.compute(cols, g);
    int64_t n = 0;
    for (const Ticket& t : s.tickets)
      if (t.merged_into.empty() && t.course_id == "k-python" && day_of(t) >= f.from_day && day_of(t) <= f.to_day) ++n;
    CHECK(n > 0);
    CHECK(a.cur.tickets == n);
    CHECK(a.cur.tickets == all.courses.at(cols.courses().find("k-python")).tickets);
    AnalyticsFilter h = f;
    h.agent_id = "a-chenchen";
    a.compute(cols, h);
    CHECK(a.cur.tickets == all.agents.at(cols.agents().find("a-chenchen")).tickets);
    CHECK(a.cur.tickets > 0);
  }
}

// ---- refunds ------------------------------------------------------------------------------------

TEST_CASE("dashboard: refund concentration adds up, highest rate first", "[dashboard]") {
  AnalyticsFilter f;  // every day: more refunds
  Fresh d(demo_state(), f, kEnd);
  double average = -1;
  const std::vector<CourseRefunds> rows = refund_concentration(d.agg, average);
  REQUIRE(d.agg.cur.refunds > 0);
  REQUIRE_FALSE(rows.empty());
  int64_t refunds = 0, fen = 0, tickets = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const CourseRefunds& r = rows[i];
    refunds += r.refunds;
    fen += r.refund_fen;
    tickets += r.tickets;
    CHECK(r.tickets > 0);
    CHECK(r.rate == Approx(static_cast<double>(r.refunds) / static_cast<double>(r.tickets)));
    CHECK(r.ratio == Approx(r.rate / average));
    CHECK(r.concentrated == (r.ratio >= 1.5 && r.refunds >= 3));
    if (i > 0) CHECK(r.rate <= rows[i - 1].rate);
    int64_t reasons = 0;
    for (const auto& [reason, n] : r.reasons) reasons += n;
    CHECK(reasons == r.refunds);
    for (size_t j = 1; j < r.reasons.size(); ++j) CHECK(r.reasons[j].second <= r.reasons[j - 1].second);
  }
  CHECK(refunds == d.agg.cur.refunds);
  CHECK(fen == d.agg.cur.refund_fen);
  CHECK(tickets == d.agg.cur.tickets);
  CHECK(average == Approx(static_cast<double>(d.agg.cur.refunds) / static_cast<double>(d.agg.cur.tickets)));
  // the refunds of the State: approved or paid, on a ticket
  int64_t fen_state = 0;
  std::set<std::string> with_refund;
  for (const Refund& r : demo_state().refunds)
    if (!r.ticket_id.empty() && (r.status == RefundStatus::approved || r.status == RefundStatus::paid)) {
      const Ticket* t = demo_state().ticket(r.ticket_id);
      if (t && t->merged_into.empty()) {
        with_refund.insert(r.ticket_id);
        fen_state += r.refund_fen;
      }
    }
  CHECK(refunds == static_cast<int64_t>(with_refund.size()));
  CHECK(fen == fen_state);
}

// ---- customers ----------------------------------------------------------------------------------

TEST_CASE("dashboard: customer segments add up and churn warnings follow the customers' tickets", "[dashboard]") {
  const State& s = demo_state();
  const CustomerInsights ci = customer_insights(s, kEnd);
  REQUIRE(ci.customers.size() == s.customers.size());
  std::map<std::string, int64_t> per_dimension;
  for (const SegmentRow& r : ci.segments) {
    per_dimension[r.dimension] += r.customers;
    CHECK(r.customers > 0);
  }
  REQUIRE(per_dimension.size() == 3);
  for (const auto& [dim, n] : per_dimension) {
    INFO(dim);
    CHECK(n == static_cast<int64_t>(s.customers.size()));
  }

  const std::map<std::string, int> weight{{"repeated_complaints", 3}, {"low_csat", 2}, {"refund_requested", 3},
                                          {"study_time_falling", 2}, {"low_attendance", 1}};
  const Millis d90 = kEnd - 90 * kDayMs;
  std::set<std::string> reasons_seen;
  size_t at_risk = 0;
  for (const CustomerFacts& c : ci.customers) {
    INFO("customer " << c.customer_id);
    int64_t tickets = 0, complaints = 0, refunds = 0;
    for (const Ticket& t : s.tickets)
      if (t.customer_id == c.customer_id && t.merged_into.empty()) {
        ++tickets;
        if (is_complaint(t.category) && t.created_at >= d90) ++complaints;
      }
    for (const Refund& r : s.refunds)
      if (r.customer_id == c.customer_id && r.status != RefundStatus::withdrawn && r.quoted_at >= d90) ++refunds;
    CHECK(c.tickets == tickets);
    CHECK(c.complaints_90d == complaints);
    CHECK(c.refunds_requested == refunds);
    const auto has = [&](const char* r) { return std::find(c.risks.begin(), c.risks.end(), r) != c.risks.end(); };
    CHECK(has("repeated_complaints") == (complaints >= 2));
    CHECK(has("refund_requested") == (refunds > 0));
    CHECK(has("low_csat") == (c.csat_last >= 1 && c.csat_last <= 2));
    CHECK(has("low_attendance") == (c.attendance >= 0 && c.attendance < 0.3));
    int score = 0;
    for (const std::string& r : c.risks) {
      REQUIRE(weight.count(r));
      score += weight.at(r);
      reasons_seen.insert(r);
    }
    CHECK(c.risk_score == score);
    CHECK(c.band == spend_band(c.spent_fen));
  }
  // The warning list: highest score first, every one with a reason and a score of at least 2,
  // and exactly the customers at or above its threshold (whatever that is tuned to).
  REQUIRE_FALSE(ci.at_risk.empty());
  const std::set<size_t> listed(ci.at_risk.begin(), ci.at_risk.end());
  CHECK(listed.size() == ci.at_risk.size());
  int threshold = 1000;
  for (size_t i = 0; i < ci.at_risk.size(); ++i) {
    const CustomerFacts& c = ci.customers[ci.at_risk[i]];
    CHECK_FALSE(c.risks.empty());
    CHECK(c.risk_score >= 2);
    threshold = std::min(threshold, c.risk_score);
    if (i > 0) CHECK(c.risk_score <= ci.customers[ci.at_risk[i - 1]].risk_score);
  }
  for (size_t i = 0; i < ci.customers.size(); ++i) {
    if (ci.customers[i].risk_score >= threshold) ++at_risk;
    CHECK(listed.count(i) == (ci.customers[i].risk_score >= threshold ? 1u : 0u));
  }
  CHECK(ci.at_risk.size() == at_risk);
  std::map<std::string, int64_t> at_risk_per_dimension;
  for (const SegmentRow& r : ci.segments) at_risk_per_dimension[r.dimension] += r.at_risk;
  for (const auto& [dim, n] : at_risk_per_dimension) {
    INFO(dim);
    CHECK(n == static_cast<int64_t>(ci.at_risk.size()));
  }
  // the demo plants learners whose weekly study hours fall, and complaints and refunds
  CHECK(reasons_seen.count("study_time_falling"));
  CHECK(reasons_seen.count("refund_requested"));
}

TEST_CASE("dashboard: a course's need from its name, and spending bands", "[dashboard]") {
  CHECK(course_need("高中数学冲刺班") == Need::tutoring);
  CHECK(course_need("成人零基础钢琴课") == Need::hobby);
  CHECK(course_need("CPA会计实务") == Need::vocational);
  CHECK(course_need("Python零基础入门") == Need::vocational);
  CHECK(course_need("人生哲学漫谈") == Need::unknown);
  for (const Course& c : demo_state().courses) {
    INFO(c.name);
    CHECK(course_need(c.name) != Need::unknown);  // every demo course has a need
  }
  CHECK(spend_band(0) == SpendBand::low);
  CHECK(spend_band(99999) == SpendBand::low);
  CHECK(spend_band(100000) == SpendBand::mid);
  CHECK(spend_band(299999) == SpendBand::mid);
  CHECK(spend_band(300000) == SpendBand::high);
  CHECK(std::string(to_id(SpendBand::high)) == "high");
  CHECK(std::string(to_id(Need::vocational)) == "vocational");
  CHECK(std::string(to_id(AgeGroup::teen)) == "teen");
}

// ---- the bulk load from the analytics table -----------------------------------------------------

TEST_CASE("dashboard: columns loaded from the analytics CSV count as the analytics queries do", "[dashboard]") {
  const std::string csv =
      "id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,channel,csat,refund_fen\n"
      "1,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,0\n"
      "2,1735661000,400,2000,technical,P1,junior,a1,c1,phone,4,0\n"
      "3,1735747200,,3000,technical,P2,mid,a2,c1,chat,3,0\n"
      "4,1735747205,1800,,course_quality,P2,mid,a2,c2,email,,100\n"
      "5,1735833600,1801,5000,technical,P2,junior,a1,c2,chat,1,0\n"
      "6,1735837200,10,4000,other,P4,senior,a3,c2,forum,2,0\n"
      "7,1735840000,50,,service_attitude,P3,senior,a3,c3,social,,2500\n";
  TicketColumns t;
  Error err;
  REQUIRE(import_tickets_csv(csv, t, err));
  DashboardColumns cols;
  cols.load(t);
  REQUIRE(cols.size() == 7);
  DashboardAggregator a;
  a.compute(cols, AnalyticsFilter{});
  CHECK(a.days() == 3);
  const Q1Result q1 = analytics_q1(t);
  int64_t resolved = 0;
  for (const CategoryRow& r : q1.rows) {
    CHECK(a.cur.by_category[static_cast<size_t>(r.category)] == r.count);
    resolved += r.resolved;
  }
  CHECK(a.cur.tickets == 7);
  CHECK(a.cur.resolved == resolved);
  CHECK(a.cur.frt.size() == 6);
  CHECK(a.cur.refunds == 2);
  CHECK(a.cur.refund_fen == 2600);
  CHECK(a.cur.csat_n == 5);
  CHECK(a.cur.csat_sum == 15);
  CHECK(dashboard_kpis(a, 1735840000000LL).backlog == 2);
  CHECK(a.cur.complaints == 2);
  CHECK(a.cur.complaints_closed == 0);
  // per day of the range, and by filter
  CHECK(a.day_channel[0][static_cast<size_t>(Channel::chat)] == 1);
  CHECK(a.day_channel[0][static_cast<size_t>(Channel::phone)] == 1);
  AnalyticsFilter f;
  f.course_id = "c2";
  a.compute(cols, f);
  CHECK(a.cur.tickets == 3);
  const RowMask m = analytics_mask(t, f);
  CHECK(a.cur.tickets == std::count(m.begin(), m.end(), 1));
  CHECK(cols.ticket_id(6) == "7");
}

TEST_CASE("dashboard: the columns do not depend on when they were synced", "[dashboard]") {
  // A ticket waiting on the customer (pending) pauses its resolution clock: it is not
  // overdue however long it waits, whether the columns were synced then or now.
  State s = demo_state();
  int64_t pending = 0;
  for (const Ticket& t : s.tickets) pending += t.status == Status::pending && t.merged_into.empty();
  if (pending == 0) {
    for (const Ticket& t : s.tickets)
      if (ticket_open(t) && t.status == Status::open && analytics_day(t.created_at / 1000) >= last_day() - 29) {
        run(s, {{"type", "ticket.set_status"}, {"ticket_id", t.id}, {"status", "pending"}}, kEnd - 1000);
        ++pending;
        break;
      }
  }
  REQUIRE(pending > 0);
  const AnalyticsFilter f = last_30_days();
  const Millis later = kEnd + 20 * kDayMs;
  Fresh then(s, f, kEnd), now(s, f, later);
  check_same_dashboard(then.agg, then.cols, now.agg, now.cols, later);
}
