// bench/dashboard/dashboard_bench.cpp: the supervisor's dashboard (src/core/dashboard.h) over a
// CSV of bench/analytics/generate.mjs, natively (bench/CMakeLists.txt: edudesk_dashboard_bench)
// and as WASM under node (cmake/WebApp.cmake: edudesk_dashboard_bench.js, the same code).
//   edudesk_dashboard_bench --tickets FILE.csv [--runs 5]
// Not timed: reading the file, the import into TicketColumns, DashboardColumns::load. Timed
// (median of `runs` after one warm-up run), for each filter the dashboard sets:
//   compute  DashboardAggregator::compute (one pass over the columns, bags sorted)
//   finish   dashboard_kpis + dashboard_hot_spots + refund_concentration + agent_rows + tier_rows
//   total    both, one after the other (what a filter change costs)
// then the incremental path on the "last 30 days" dashboard: one new ticket (aggregator.add +1
// of its row) and one changed ticket (its old row −1, its new row +1), each followed by the
// finishing, checked against a full compute over columns holding the new and changed tickets.
// Prints one JSON line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

#include "../bench_util.h"
#include "core/dashboard.h"

namespace {

using nlohmann::json;
using namespace edudesk::bench;
using namespace edudesk;

double round6(double v) { return std::round(v * 1e6) / 1e6; }  // the incremental steps: µs

// Everything the dashboard draws, finished from the aggregates.
struct Finished {
  DashboardKpis kpis;
  std::vector<HotSpot> spots;
  std::vector<CourseRefunds> refunds;
  double refund_average = 0;
  std::vector<GroupRow> agents, tiers;
};
void finish(const DashboardAggregator& a, const DashboardColumns& c, Millis now, Finished& out) {
  out.kpis = dashboard_kpis(a, now);
  out.spots = dashboard_hot_spots(a);
  out.refunds = refund_concentration(a, out.refund_average);
  out.agents = agent_rows(a, c);
  out.tiers = tier_rows(a);
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
bool same(const Kpi& a, const Kpi& b) { return same(a.cur, b.cur) && same(a.prev, b.prev); }
// The incremental dashboard against a full compute (both over columns with the same codes).
bool same(const Finished& x, const Finished& y) {
  const DashboardKpis &a = x.kpis, &b = y.kpis;
  bool ok = same(a.tickets, b.tickets) && same(a.frt_median_s, b.frt_median_s) && same(a.frt_p90_s, b.frt_p90_s) &&
            same(a.resolve_median_s, b.resolve_median_s) && same(a.resolve_p90_s, b.resolve_p90_s) &&
            same(a.frt_compliance, b.frt_compliance) && same(a.res_compliance, b.res_compliance) &&
            same(a.resolution_rate, b.resolution_rate) && same(a.reopen_rate, b.reopen_rate) &&
            same(a.complaint_closure, b.complaint_closure) && same(a.csat_mean, b.csat_mean) &&
            same(a.csat_satisfied, b.csat_satisfied) && same(a.nps, b.nps) && same(a.refunds, b.refunds) &&
            same(a.refund_fen, b.refund_fen) && same(a.refund_rate, b.refund_rate) && a.backlog == b.backlog &&
            same(a.backlog_median_age_s, b.backlog_median_age_s) && a.backlog_age == b.backlog_age;
  ok = ok && x.spots.size() == y.spots.size() && x.refunds.size() == y.refunds.size() &&
       x.agents.size() == y.agents.size() && x.tiers.size() == y.tiers.size() &&
       same(x.refund_average, y.refund_average);
  for (size_t i = 0; ok && i < x.spots.size(); ++i)
    ok = x.spots[i].course == y.spots[i].course && x.spots[i].day == y.spots[i].day && x.spots[i].n == y.spots[i].n &&
         x.spots[i].category == y.spots[i].category;
  for (size_t i = 0; ok && i < x.refunds.size(); ++i)
    ok = x.refunds[i].course == y.refunds[i].course && x.refunds[i].refunds == y.refunds[i].refunds &&
         x.refunds[i].tickets == y.refunds[i].tickets;
  for (size_t i = 0; ok && i < x.agents.size(); ++i)
    ok = x.agents[i].key == y.agents[i].key && x.agents[i].tickets == y.agents[i].tickets &&
         same(x.agents[i].frt_median_s, y.agents[i].frt_median_s) &&
         same(x.agents[i].resolve_median_s, y.agents[i].resolve_median_s) &&
         same(x.agents[i].csat_mean, y.agents[i].csat_mean);
  for (size_t i = 0; ok && i < x.tiers.size(); ++i)
    ok = x.tiers[i].key == y.tiers[i].key && x.tiers[i].tickets == y.tiers[i].tickets &&
         same(x.tiers[i].resolve_median_s, y.tiers[i].resolve_median_s);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tickets") == 0) path = argv[i + 1];
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  if (!path || runs < 1) {
    std::fprintf(stderr, "usage: edudesk_dashboard_bench --tickets FILE.csv [--runs 5]\n");
    return 2;
  }
  TicketColumns t;
  {
    std::string csv;
    if (!read_file(path, csv)) {
      std::fprintf(stderr, "dashboard bench: cannot read '%s'\n", path);
      return 2;
    }
    Error err;
    if (!import_tickets_csv(csv, t, err)) {
      std::fprintf(stderr, "dashboard bench: %s: %s\n", path, err.message.c_str());
      return 1;
    }
  }
  DashboardColumns cols;
  const auto tl = Clock::now();
  cols.load(t);
  const double load_ms = ms_since(tl);
  int32_t first = 0, last = 0;
  cols.day_range(first, last);
  const Millis now = (t.created_at().back() + 3600) * 1000;  // an hour after the newest ticket

  // ---- filter changes: each a full compute, then the finishing ----
  struct Case {
    const char* name;
    AnalyticsFilter f;
  };
  std::vector<Case> cases;
  AnalyticsFilter last30;
  last30.from_day = last - 29;
  last30.to_day = last;
  cases.push_back({"last_30_days", last30});
  cases.push_back({"all_days", AnalyticsFilter{}});
  AnalyticsFilter phone = last30;
  phone.channel = Channel::phone;
  cases.push_back({"last_30_days_phone", phone});
  AnalyticsFilter course = last30;
  course.course_id = "c0005";
  cases.push_back({"last_30_days_course", course});
  AnalyticsFilter agent = AnalyticsFilter{};
  agent.agent_id = "a0001";
  cases.push_back({"all_days_agent", agent});

  json filters = json::array();
  double worst_total = 0;
  Finished fin;
  for (const Case& c : cases) {
    DashboardAggregator a;
    double fastest = 0;
    const double compute_ms = time_median(runs, [&] { a.compute(cols, c.f); });
    const double finish_ms = time_median(runs, [&] { finish(a, cols, now, fin); });
    const double total_ms = time_median(runs, [&] {
      a.compute(cols, c.f);
      finish(a, cols, now, fin);
    }, &fastest);
    worst_total = std::max(worst_total, total_ms);
    filters.push_back({{"filter", c.name},
                       {"tickets", a.cur.tickets},
                       {"days", a.days()},
                       {"hot_spots", fin.spots.size()},
                       {"compute_ms", round3(compute_ms)},
                       {"finish_ms", round3(finish_ms)},
                       {"total_ms", round3(total_ms)},
                       {"fastest_total_ms", round3(fastest)}});
  }

  // ---- incremental: new and changed tickets into the "last 30 days" dashboard ----
  // The new rows come from columns loaded with the extra tickets appended and the changed ones
  // set (same dictionary codes: no new agent or course); only the aggregator's work is timed.
  TicketColumns t2 = t;
  std::vector<size_t> changed;
  {
    Error err;
    TicketFacts next = t.row(t.size() - 1);
    for (int k = 0; k < runs + 1; ++k) {
      next.id = t2.id().back() + 1;
      next.created_at += 60;
      next.first_response_s = 120 + k;
      next.resolve_s = -1;
      next.csat = 0;
      if (!t2.append(next, err)) {
        std::fprintf(stderr, "dashboard bench: append: %s\n", err.message.c_str());
        return 1;
      }
    }
    // unresolved tickets of the period get resolved and rated
    for (size_t i = t.size(); i-- > 0 && changed.size() < static_cast<size_t>(runs + 1);) {
      if (t.resolve_s()[i] >= 0 || t.day()[i] < last30.from_day) continue;
      TicketFacts f = t.row(i);
      f.resolve_s = static_cast<int32_t>(std::max<int64_t>(f.first_response_s, 0) + 7200);
      f.csat = 4;
      if (!t2.set(i, f, err)) {
        std::fprintf(stderr, "dashboard bench: set: %s\n", err.message.c_str());
        return 1;
      }
      changed.push_back(i);
    }
  }
  DashboardColumns cols2;
  cols2.load(t2);
  DashboardAggregator live;
  live.compute(cols, last30);
  std::vector<double> add_ms, add_finish_ms, change_ms, change_finish_ms;
  for (int k = 0; k < runs + 1; ++k) {
    auto t0 = Clock::now();
    live.add(cols, cols2.row(t.size() + static_cast<size_t>(k)), +1);
    const double a = ms_since(t0);
    t0 = Clock::now();
    finish(live, cols, now, fin);
    const double af = ms_since(t0);
    const size_t row = changed[static_cast<size_t>(k)];
    t0 = Clock::now();
    live.add(cols, cols.row(row), -1);
    live.add(cols, cols2.row(row), +1);
    const double c = ms_since(t0);
    t0 = Clock::now();
    finish(live, cols, now, fin);
    const double cf = ms_since(t0);
    if (k == 0) continue;  // warm-up
    add_ms.push_back(a);
    add_finish_ms.push_back(af);
    change_ms.push_back(c);
    change_finish_ms.push_back(cf);
  }
  DashboardAggregator full;
  full.compute(cols2, last30);
  Finished want;
  finish(full, cols2, now, want);
  if (!same(fin, want)) {
    std::fprintf(stderr, "dashboard bench: the incremental dashboard differs from a full compute\n");
    return 1;
  }

#ifdef __EMSCRIPTEN__
  const char* engine = "cpp-wasm";
  const double heap_mb = static_cast<double>(emscripten_get_heap_size()) / 1048576;
#else
  const char* engine = "cpp-native";
  const double heap_mb = -1;
#endif
  const double rows_mb = static_cast<double>(cols.size() * sizeof(DashRow)) / 1048576;
  // rows + the ticket ids (std::string, short ids inline) + the fingerprints
  const double columns_mb =
      static_cast<double>(cols.size() * (sizeof(DashRow) + sizeof(std::string) + sizeof(uint64_t))) / 1048576;
  json line{{"engine", engine},
            {"tickets", cols.size()},
            {"days", last - first + 1},
            {"load_ms", round3(load_ms)},
            {"filters", filters},
            {"worst_total_ms", round3(worst_total)},
            {"new_ticket_ms", round6(median(add_ms))},
            {"new_ticket_finish_ms", round3(median(add_finish_ms))},
            {"changed_ticket_ms", round6(median(change_ms))},
            {"changed_ticket_finish_ms", round3(median(change_finish_ms))},
            {"incremental_checked", true},
            {"row_bytes", sizeof(DashRow)},
            {"rows_mb", round3(rows_mb)},
            {"columns_mb", round3(columns_mb)},
            {"peak_rss_mb", round3(peak_rss_mb())}};
  if (heap_mb > 0) line["wasm_heap_mb"] = round3(heap_mb);
  std::printf("%s\n", line.dump().c_str());
  return 0;
}
