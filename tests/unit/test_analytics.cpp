// Ticket analytics (docs/ANALYTICS.md): the columns, the CSV import and its errors, Q1 … Q5
// on small tables computed by hand, filters, and the incremental LiveAnalytics against a
// full recompute. The large-table agreement with four other implementations (DuckDB-WASM,
// Arquero, typed-array JavaScript) is bench/analytics/run.sh's job; the CLI's is a ctest.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/analytics.h"
#include "core/rng.h"

using namespace edudesk;
using nlohmann::json;

namespace {

constexpr int64_t kDay0 = 1735660800;  // 2025-01-01T00:00:00+08:00: analytics day 20089
constexpr int64_t kDay = 86400;
constexpr int32_t kMissing = kAnalyticsMissing;

// The expected JSON is written with the shortest decimal of each double the definitions give
// (IEEE division and square root are exact to the last bit on every platform), so answers are
// compared exactly.
#define CHECK_JSON(got, want)                             \
  do {                                                    \
    const json g_ = (got), w_ = (want);                   \
    INFO("got  " << g_.dump() << "\nwant " << w_.dump()); \
    CHECK(g_ == w_);                                      \
  } while (0)

TicketFacts facts(int64_t id, int64_t created, int32_t first, int32_t resolve, Category cat, Priority pri, Role tier,
                  const char* agent, const char* course, Channel chan, int32_t csat, int64_t refund = 0) {
  return TicketFacts{id, created, first, resolve, cat, pri, tier, agent, course, chan, csat, refund};
}

TicketColumns table_of(const std::vector<TicketFacts>& rows) {
  TicketColumns t;
  for (const TicketFacts& f : rows) {
    Error err;
    INFO(err.message);
    REQUIRE(t.append(f, err));
  }
  return t;
}

// Six tickets over three days; every number below is worked out by hand in the comments.
std::vector<TicketFacts> six() {
  using C = Category;
  using P = Priority;
  using R = Role;
  using H = Channel;
  return {
      facts(1, kDay0 + 100, 200, 1000, C::technical, P::P1, R::junior, "a1", "c1", H::chat, 5),
      facts(2, kDay0 + 200, 400, 2000, C::technical, P::P1, R::junior, "a1", "c1", H::phone, 4),
      facts(3, kDay0 + kDay, kMissing, 3000, C::technical, P::P2, R::mid, "a2", "c1", H::chat, 3),
      facts(4, kDay0 + kDay + 5, 1800, kMissing, C::course_quality, P::P2, R::mid, "a2", "c2", H::email, 0, 100),
      facts(5, kDay0 + 2 * kDay, 1801, 5000, C::technical, P::P2, R::junior, "a1", "c2", H::chat, 1),
      facts(6, kDay0 + 2 * kDay + 3600, 10, 4000, C::other, P::P4, R::senior, "a3", "c2", H::forum, 2),
  };
}

const char* kHeader = "id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,channel,csat,refund_fen\n";

json all_of(const TicketColumns& t, const RowMask* mask = nullptr) {
  json out;
  Error err;
  REQUIRE(analytics_json(t, "all", out, err, mask));
  return out;
}

json live_all(const LiveAnalytics& live, const TicketColumns& t) {
  return json{{"tickets", live.rows()},          {"q1", to_json(live.q1())},  {"q2", to_json(live.q2())},
              {"q3", to_json(live.q3())},        {"q4", to_json(live.q4(t))}, {"q5", to_json(live.q5(t))}};
}

// A seeded table: `n` tickets over ~40 days, some of every kind of missing value.
std::vector<TicketFacts> random_tickets(uint64_t seed, int n, int64_t first_id = 1) {
  Rng rng(seed);
  std::vector<TicketFacts> out;
  static const char* kAgents[] = {"a01", "a02", "a03", "a04", "a05", "a06", "a07"};
  static const char* kCourses[] = {"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "ielts"};
  for (int i = 0; i < n; ++i) {
    TicketFacts t;
    t.id = first_id + i;
    t.created_at = kDay0 + rng.below(40 * kDay);
    t.first_response_s = rng.chance(5) ? kMissing : static_cast<int32_t>(rng.below(100000));
    t.resolve_s = rng.chance(15) ? kMissing : static_cast<int32_t>(rng.below(2000000));
    t.category = rng.pick(kCategories);
    t.priority = rng.pick(kPriorities);
    t.tier = rng.pick(kRoles);
    t.agent_id = rng.pick(kAgents);
    t.course_id = rng.pick(kCourses);
    t.channel = rng.pick(kChannels);
    t.csat = rng.chance(30) ? static_cast<int32_t>(rng.between(1, 5)) : 0;
    t.refund_fen = rng.chance(5) ? rng.below(100000) : 0;
    out.push_back(t);
  }
  return out;
}

Error import_error(const std::string& csv) {
  TicketColumns t;
  Error err;
  CHECK_FALSE(import_tickets_csv(csv, t, err));
  CHECK(t.empty());
  return err;
}

}  // namespace

TEST_CASE("analytics: the day is the calendar day in UTC+8", "[analytics]") {
  CHECK(analytics_day(kDay0) == 20089);
  CHECK(analytics_day_label(20089) == "2025-01-01");
  CHECK(analytics_day(kDay0 - 1) == 20088);  // 2024-12-31T23:59:59+08:00 (15:59:59Z)
  CHECK(analytics_day_label(analytics_day(kDay0 - 1)) == "2024-12-31");
  CHECK(analytics_day(0) == 0);  // 1970-01-01T08:00+08:00
  CHECK(analytics_day_label(0) == "1970-01-01");
  CHECK(analytics_day_label(analytics_day(1740758400)) == "2025-03-01");  // 2025-02-28T16:00Z
  CHECK(analytics_day_label(analytics_day(1709222400)) == "2024-03-01");  // leap year: 02-29 was the day before
  CHECK(analytics_day_label(analytics_day(1709136000)) == "2024-02-29");
  CHECK(analytics_day_label(analytics_day(kAnalyticsMaxCreatedAt)) == "10000-01-01");
  CHECK(sla_target_s(Priority::P1) == 300);
  CHECK(sla_target_s(Priority::P2) == 1800);
  CHECK(sla_target_s(Priority::P3) == 14400);
  CHECK(sla_target_s(Priority::P4) == 86400);
}

TEST_CASE("analytics: Q1 per category, p90 interpolated between order statistics", "[analytics]") {
  const TicketColumns t = table_of(six());
  // technical: 1000, 2000, 3000, 5000 — position 0.9 × 3 = 2.7: 3000 + 0.7 × (5000 − 3000) = 4400.
  // course_quality: one unresolved ticket. other: one ticket, p90 = its value.
  CHECK_JSON(to_json(analytics_q1(t)), json::parse(R"([
    {"category":"course_quality","count":1,"resolved":0,"resolution_rate":0.0,"mean_resolve_s":null,"p90_resolve_s":null},
    {"category":"technical","count":4,"resolved":4,"resolution_rate":1.0,"mean_resolve_s":2750.0,"p90_resolve_s":4400.0},
    {"category":"other","count":1,"resolved":1,"resolution_rate":1.0,"mean_resolve_s":4000.0,"p90_resolve_s":4000.0}])"));
  const Q1Result r = analytics_q1(t);
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[1].resolve_sum_s == 11000);

  // numpy.percentile([10, 20, 30, …, 100], 90) = 91; ([7], 90) = 7; ([1, 2], 90) = 1.9.
  std::vector<TicketFacts> rows;
  for (int k = 10; k >= 1; --k)
    rows.push_back(facts(k, kDay0, 1, k * 10, Category::after_sales, Priority::P3, Role::mid, "a", "c", Channel::email, 0));
  CHECK(analytics_q1(table_of(rows)).rows[0].p90_resolve_s == Approx(91.0).epsilon(1e-15));
  rows.resize(2);  // 100, 90
  CHECK(analytics_q1(table_of(rows)).rows[0].p90_resolve_s == Approx(99.0).epsilon(1e-15));
  rows.resize(1);
  CHECK(analytics_q1(table_of(rows)).rows[0].p90_resolve_s == 100.0);
}

TEST_CASE("analytics: Q1 p90 equals sorting, with ties, the largest times and every category", "[analytics]") {
  // Against a plain sort; the histogram of top bits must not matter (ties, one huge value).
  Rng rng(21);
  for (int variant = 0; variant < 4; ++variant) {
    std::vector<TicketFacts> rows;
    std::vector<std::vector<int32_t>> by_cat(6);
    for (int i = 0; i < 6000; ++i) {
      int32_t r = static_cast<int32_t>(rng.below(10));                                       // heavy ties
      if (variant == 1) r = static_cast<int32_t>(rng.below(kAnalyticsMaxSeconds + int64_t{1}));  // the whole range
      if (variant == 2) r = rng.chance(50) ? 0 : kAnalyticsMaxSeconds;                        // two values
      if (variant == 3) r = static_cast<int32_t>(rng.below(5000)) + (i == 17 ? 2000000000 : 0);  // one far out
      TicketFacts f = facts(i + 1, kDay0, 1, rng.chance(10) ? kMissing : r, rng.pick(kCategories), Priority::P3,
                            Role::mid, "a", "c", Channel::chat, 0);
      if (f.resolve_s >= 0) by_cat[static_cast<size_t>(f.category)].push_back(f.resolve_s);
      rows.push_back(f);
    }
    const Q1Result q = analytics_q1(table_of(rows));
    REQUIRE(q.rows.size() == 6);
    for (const CategoryRow& row : q.rows) {
      std::vector<int32_t> v = by_cat[static_cast<size_t>(row.category)];
      std::sort(v.begin(), v.end());
      const size_t n = v.size(), k = 9 * (n - 1) / 10, m = 9 * (n - 1) % 10;
      const double want = m == 0 ? v[k] : v[k] + static_cast<double>(int64_t{v[k + 1]} - v[k]) * (m / 10.0);
      INFO("variant " << variant << ", " << to_id(row.category));
      CHECK(row.p90_resolve_s == want);
    }
  }
}

TEST_CASE("analytics: Q2 SLA breaches — a missing first response is a breach, the target itself is met",
          "[analytics]") {
  const TicketColumns t = table_of(six());
  // P1 junior: 200 met, 400 > 300 breached. P2 junior: 1801 > 1800. P2 mid: missing (breach), 1800 (met).
  CHECK_JSON(to_json(analytics_q2(t)), json::parse(R"([
    {"priority":"P1","tier":"junior","n":2,"breaches":1,"breach_rate":0.5},
    {"priority":"P2","tier":"junior","n":1,"breaches":1,"breach_rate":1.0},
    {"priority":"P2","tier":"mid","n":2,"breaches":1,"breach_rate":0.5},
    {"priority":"P4","tier":"senior","n":1,"breaches":0,"breach_rate":0.0}])"));
}

TEST_CASE("analytics: Q3 category × channel counts, zeros included", "[analytics]") {
  const Q3Result r = analytics_q3(table_of(six()));
  int64_t total = 0;
  for (const auto& row : r.counts)
    for (int64_t v : row) total += v;
  CHECK(total == 6);
  CHECK(r.counts[1][0] == 3);  // technical × chat
  CHECK(r.counts[1][1] == 1);  // technical × phone
  CHECK(r.counts[0][2] == 1);  // course_quality × email
  CHECK(r.counts[5][5] == 1);  // other × forum
  const json j = to_json(r);
  CHECK(j["categories"][3] == "after_sales");
  CHECK(j["channels"][3] == "web_form");
  CHECK(j["counts"].size() == 6);
  CHECK(j["counts"][1] == json::array({3, 1, 0, 0, 0, 0}));
}

TEST_CASE("analytics: Q4 CSAT mean, sample sd and Pearson r per agent", "[analytics]") {
  // a1: CSAT 5, 4, 1 — mean 10/3, sd √(13/3); resolve 1000, 2000, 5000 lie on y = 6 − x/1000: r = −1.
  // a2: one CSAT (3) and one pair: no sd, no r. a3 likewise.
  CHECK_JSON(to_json(analytics_q4(table_of(six()))), json::parse(R"([
    {"agent_id":"a1","tickets":3,"csat_n":3,"csat_mean":3.3333333333333335,"csat_sd":2.0816659994661326,"pairs":3,"r_resolve_csat":-1.0},
    {"agent_id":"a2","tickets":2,"csat_n":1,"csat_mean":3.0,"csat_sd":null,"pairs":1,"r_resolve_csat":null},
    {"agent_id":"a3","tickets":1,"csat_n":1,"csat_mean":2.0,"csat_sd":null,"pairs":1,"r_resolve_csat":null}])"));

  // x = 1 … 5, y = 2, 4, 5, 4, 5: Sxy = 6, Sxx = 10, Syy = 6, r = 6 / √60; sd(y) = √1.5. One more
  // CSAT without a resolution counts for the CSAT statistics but is not a pair.
  std::vector<TicketFacts> rows;
  const int y[] = {2, 4, 5, 4, 5};
  for (int k = 0; k < 5; ++k)
    rows.push_back(facts(k + 1, kDay0, 1, k + 1, Category::other, Priority::P3, Role::mid, "b", "c", Channel::chat, y[k]));
  const AgentRow a = analytics_q4(table_of(rows)).agents.at(0);
  CHECK(a.r_resolve_csat == Approx(6 / std::sqrt(60.0)).epsilon(1e-15));
  CHECK(a.csat_sd == Approx(std::sqrt(1.5)).epsilon(1e-15));
  rows.push_back(facts(6, kDay0, 1, kMissing, Category::other, Priority::P3, Role::mid, "b", "c", Channel::chat, 1));
  const AgentRow b = analytics_q4(table_of(rows)).agents.at(0);
  CHECK(b.csat_n == 6);
  CHECK(b.pairs == 5);
  CHECK(b.csat_mean == Approx(21.0 / 6).epsilon(1e-15));
  CHECK(b.r_resolve_csat == a.r_resolve_csat);

  // No spread in one variable: r is undefined (null), not 0 or NaN in the JSON.
  for (TicketFacts& f : rows) f.csat = 4;
  const json j = to_json(analytics_q4(table_of(rows)));
  CHECK(j[0]["r_resolve_csat"].is_null());
  CHECK(j[0]["csat_sd"] == 0.0);
}

TEST_CASE("analytics: Q4 with every CSAT missing", "[analytics]") {
  std::vector<TicketFacts> rows = six();
  for (TicketFacts& f : rows) f.csat = 0;
  const json j = to_json(analytics_q4(table_of(rows)));
  REQUIRE(j.size() == 3);
  for (const json& a : j) {
    CHECK(a["csat_n"] == 0);
    CHECK(a["pairs"] == 0);
    CHECK(a["csat_mean"].is_null());
    CHECK(a["csat_sd"].is_null());
    CHECK(a["r_resolve_csat"].is_null());
  }
  CHECK(j[0]["tickets"] == 3);
}

TEST_CASE("analytics: Q5 daily counts per course over the whole range, zeros included", "[analytics]") {
  const Q5Result r = analytics_q5(table_of(six()));
  // c1: 2, 1, 0 and c2: 0, 1, 2 over three days — mean 1, sd √((3·5 − 3²) / (3·2)) = 1.
  CHECK_JSON(to_json(r), json::parse(R"({"first_day":"2025-01-01","last_day":"2025-01-03","days":3,
    "courses":[{"course_id":"c1","tickets":3,"mean":1.0,"sd":1.0,"counts":[["2025-01-01",2],["2025-01-02",1]]},
               {"course_id":"c2","tickets":3,"mean":1.0,"sd":1.0,"counts":[["2025-01-02",1],["2025-01-03",2]]}],
    "spikes":[]})"));
  CHECK(r.days() == 3);
  REQUIRE(r.courses.size() == 2);
  CHECK(r.cells[r.courses[1].first_cell].day == 20090);
}

TEST_CASE("analytics: Q5 finds a spike above mean + 4 sd with at least 20 tickets", "[analytics]") {
  // Course "x": one ticket on each of days 0 … 28, `peak` on day 29; course "y": one ticket a day.
  auto build = [](int peak) {
    std::vector<TicketFacts> rows;
    int64_t id = 1;
    for (int d = 0; d < 30; ++d) {
      const int k = d == 29 ? peak : 1;
      for (int j = 0; j < k; ++j)
        rows.push_back(facts(id++, kDay0 + d * kDay + j, 1, 1, Category::other, Priority::P3, Role::mid, "a", "x",
                             Channel::chat, 0));
      rows.push_back(facts(id++, kDay0 + d * kDay, 1, 1, Category::other, Priority::P3, Role::mid, "a", "y", Channel::chat, 0));
    }
    return analytics_q5(table_of(rows));
  };
  // peak 25: S = 54, Q = 654, mean 1.8, sd √((30·654 − 54²) / (30·29)) = √19.2, threshold 19.33.
  const Q5Result r = build(25);
  REQUIRE(r.spikes.size() == 1);
  CHECK(r.spikes[0].course_id == "x");
  CHECK(analytics_day_label(r.spikes[0].day) == "2025-01-30");
  CHECK(r.spikes[0].n == 25);
  CHECK(r.spikes[0].mean == Approx(1.8).epsilon(1e-15));
  CHECK(r.spikes[0].sd == Approx(std::sqrt(19.2)).epsilon(1e-15));
  CHECK(r.spikes[0].threshold == Approx(1.8 + 4 * std::sqrt(19.2)).epsilon(1e-15));
  CHECK(r.courses[1].sd == 0.0);  // y: no spread, no spike
  // peak 19: above its threshold (14.75) but under 20 tickets: not a spike.
  CHECK(build(19).spikes.empty());
}

TEST_CASE("analytics: an empty table and a one-ticket table", "[analytics]") {
  const TicketColumns empty;
  const json e = all_of(empty);
  CHECK(e["tickets"] == 0);
  CHECK(e["q1"] == json::array());
  CHECK(e["q2"] == json::array());
  CHECK(e["q3"]["counts"][0] == json::array({0, 0, 0, 0, 0, 0}));
  CHECK(e["q4"] == json::array());
  CHECK(e["q5"] == json::parse(R"({"first_day":null,"last_day":null,"days":0,"courses":[],"spikes":[]})"));

  const TicketColumns one = table_of({six()[0]});
  const json o = all_of(one);
  CHECK(o["q1"][0]["p90_resolve_s"] == 1000.0);
  CHECK(o["q2"][0]["breaches"] == 0);
  CHECK(o["q4"][0]["csat_mean"] == 5.0);
  CHECK(o["q4"][0]["csat_sd"].is_null());
  CHECK(o["q5"]["days"] == 1);
  CHECK(o["q5"]["courses"][0]["sd"].is_null());  // one day: no sd, no spikes
  CHECK(o["q5"]["spikes"] == json::array());

  Error err;
  json out;
  CHECK_FALSE(analytics_json(one, "q6", out, err));
  CHECK(err.field == "query");
}

TEST_CASE("analytics: the CSV import reads every column, with a BOM, CRLF, quotes and blank lines", "[analytics]") {
  const std::string csv = std::string("\xEF\xBB\xBF") + kHeader +
                          "1,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,0\r\n"
                          "\r\n"
                          "2,1735661000,,,\"course_quality\",P4,supervisor,\"a2\",\"ielts 7\",forum,,250\n"
                          "3,1735661000, 7 ,,other,P2,tech_support,a1,c1,phone,1,0";
  TicketColumns t;
  Error err;
  INFO(err.message);
  REQUIRE(import_tickets_csv(csv, t, err));
  REQUIRE(t.size() == 3);
  CHECK(t.row(0) == facts(1, 1735660900, 200, 1000, Category::technical, Priority::P1, Role::junior, "a1", "c1",
                          Channel::chat, 5));
  CHECK(t.row(1).agent_id == "a2");
  CHECK(t.row(1).course_id == "ielts 7");
  CHECK(t.row(1).first_response_s == kMissing);
  CHECK(t.row(1).resolve_s == kMissing);
  CHECK(t.row(1).csat == 0);
  CHECK(t.row(1).refund_fen == 250);
  CHECK(t.row(1).tier == Role::supervisor);
  CHECK(t.row(2).first_response_s == 7);
  CHECK(t.agents().size() == 2);
  CHECK(t.day()[0] == 20089);
  int32_t first = 0, last = 0;
  REQUIRE(t.day_range(first, last));
  CHECK(first == 20089);
  CHECK(last == 20089);
}

TEST_CASE("analytics: tickets_csv and import_tickets_csv round trip", "[analytics]") {
  const TicketColumns t = table_of(random_tickets(7, 300));
  TicketColumns back;
  Error err;
  REQUIRE(import_tickets_csv(tickets_csv(t), back, err));
  REQUIRE(back.size() == t.size());
  for (size_t i = 0; i < t.size(); ++i) CHECK(back.row(i) == t.row(i));
  CHECK(all_of(back) == all_of(t));
}

TEST_CASE("analytics: a malformed CSV names the line and the column, and loads nothing", "[analytics]") {
  const std::string ok1 = "1,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,0\n";
  struct Case {
    std::string body, field, message;
  };
  const std::vector<Case> cases = {
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,chat,7,0\n", "csat", "line 3, column 'csat': '7' is too large (at most 5)"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,chat,0,0\n", "csat", "line 3, column 'csat': '0' is not an answer"},
      {ok1 + "2,yesterday,200,1000,technical,P1,junior,a1,c1,chat,5,0\n", "created_at", "line 3, column 'created_at': 'yesterday' is not a whole number"},
      {ok1 + "2,1735660900,-5,1000,technical,P1,junior,a1,c1,chat,5,0\n", "first_response_s", "line 3, column 'first_response_s': '-5' is not a whole number"},
      {ok1 + "2,1735660900,200,12.5,technical,P1,junior,a1,c1,chat,5,0\n", "resolve_s", "line 3, column 'resolve_s': '12.5' is not a whole number"},
      {ok1 + "2,1735660900,200,3000000000,technical,P1,junior,a1,c1,chat,5,0\n", "resolve_s", "line 3, column 'resolve_s': '3000000000' is too large"},
      {ok1 + "2,1735660900,200,1000,billing,P1,junior,a1,c1,chat,5,0\n", "category", "line 3, column 'category': 'billing' is not one of course_quality, technical, service_attitude, after_sales, account_security, other"},
      {ok1 + "2,1735660900,200,1000,technical,P0,junior,a1,c1,chat,5,0\n", "priority", "line 3, column 'priority': 'P0' is not one of P1, P2, P3, P4"},
      {ok1 + "2,1735660900,200,1000,technical,P1,intern,a1,c1,chat,5,0\n", "tier", "line 3, column 'tier': 'intern' is not one of junior"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,,c1,chat,5,0\n", "agent_id", "line 3, column 'agent_id': the id is empty"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,\"a,1\",c1,chat,5,0\n", "agent_id", "line 3, column 'agent_id': 'a,1' holds a comma"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,fax,5,0\n", "channel", "line 3, column 'channel': 'fax' is not one of chat"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,\n", "refund_fen", "line 3, column 'refund_fen': is empty"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5\n", "csv", "line 3: 11 fields; the header has 12"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,0,9\n", "csv", "line 3: 13 fields; the header has 12"},
      {ok1 + "\n1,1735660900,200,1000,technical,P1,junior,a1,c1,chat,5,0\n", "id", "line 4, column 'id': ticket id 1 is also on line 2"},
      {ok1 + "2,1735660900,200,1000,technical,P1,junior,\"a1,c1,chat,5,0\n", "agent_id", "line 3, column 'agent_id': a quoted field is not closed"},
      {ok1 + "2,1735660900,200,1000,tech\"nical,P1,junior,a1,c1,chat,5,0\n", "category", "line 3, column 'category': a quote inside a field"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    const Error err = import_error(kHeader + c.body);
    CHECK(err.field == c.field);
    CHECK(err.message.rfind(c.message, 0) == 0);
    INFO(err.message);
  }
  // The header: exact names in order.
  CHECK(import_error("").message.rfind("line 1: column 1 of the header is '', expected 'id'", 0) == 0);
  CHECK(import_error("id,created_at,resolve_s\n").message.rfind("line 1: column 3 of the header is 'resolve_s', expected 'first_response_s'", 0) == 0);
  CHECK(import_error("id,created_at,first_response_s\n").message.rfind("line 1: the header has 3 columns", 0) == 0);
  CHECK(import_error(std::string(kHeader).replace(std::string(kHeader).size() - 1, 1, ",extra\n")).message.rfind(
            "line 1: the header has more than 12 columns", 0) == 0);

  // Nothing half-loaded: a table that was there stays as it was.
  TicketColumns t = table_of(six());
  Error err;
  CHECK_FALSE(import_tickets_csv(kHeader + ok1 + "2,1,1,1,other,P1,mid,a,c,chat,9,0\n", t, err));
  CHECK(t.size() == 6);
  CHECK(t.row(5) == six()[5]);
}

TEST_CASE("analytics: append and set check the facts, and ids stay unique", "[analytics]") {
  TicketColumns t = table_of(six());
  Error err;
  TicketFacts f = six()[0];
  CHECK_FALSE(t.append(f, err));
  CHECK(err.code == "duplicate_id");
  f.id = 0;  // an id below the largest takes the lookup path
  f.csat = 6;
  CHECK_FALSE(t.append(f, err));
  CHECK(err.field == "csat");
  f.csat = 0;
  f.course_id = "";
  CHECK_FALSE(t.append(f, err));
  CHECK(err.field == "course_id");
  f.course_id = "c,1";
  CHECK_FALSE(t.append(f, err));
  f.course_id = "c1";
  f.created_at = -1;
  CHECK_FALSE(t.append(f, err));
  CHECK(err.field == "created_at");
  f.created_at = kDay0;
  f.resolve_s = -2;
  CHECK_FALSE(t.append(f, err));
  CHECK(err.field == "resolve_s");
  f.resolve_s = 5;
  CHECK(t.size() == 6);
  REQUIRE(t.append(f, err));  // id 0 is free
  CHECK(t.find_id(0) == 6);
  CHECK(t.find_id(4) == 3);
  CHECK(t.find_id(99) == -1);

  f.id = 2;  // set row 6 to the id of row 1: refused
  CHECK_FALSE(t.set(6, f, err));
  CHECK(err.code == "duplicate_id");
  f.id = 70;
  REQUIRE(t.set(6, f, err));
  CHECK(t.find_id(70) == 6);
  CHECK(t.find_id(0) == -1);
  CHECK_FALSE(t.set(99, f, err));
}

TEST_CASE("analytics: a filter mask gives the answers of the selected tickets alone", "[analytics]") {
  const std::vector<TicketFacts> rows = random_tickets(11, 2000);
  const TicketColumns t = table_of(rows);
  std::vector<AnalyticsFilter> filters(5);
  filters[0].from_day = 20089 + 10;
  filters[0].to_day = 20089 + 19;
  filters[1].category = Category::technical;
  filters[1].channel = Channel::chat;
  filters[2].course_id = "ielts";
  filters[2].tier = Role::senior;
  filters[3].agent_id = "a03";
  filters[3].priority = Priority::P1;
  filters[4].course_id = "no such course";
  for (const AnalyticsFilter& f : filters) {
    const RowMask m = analytics_mask(t, f);
    std::vector<TicketFacts> kept;
    for (size_t i = 0; i < rows.size(); ++i)
      if (m[i]) kept.push_back(rows[i]);
    const json got = all_of(t, &m), want = all_of(table_of(kept));
    // The full table's dictionaries hold every agent and course; the answers list only the
    // ones with a selected ticket, exactly as a table of the selected tickets would.
    CHECK(got == want);
  }
  const RowMask none = analytics_mask(t, filters[4]);
  CHECK(all_of(t, &none)["tickets"] == 0);
}

TEST_CASE("analytics: LiveAnalytics — appending tickets equals a full recompute", "[analytics]") {
  TicketColumns t;
  LiveAnalytics live;
  live.sync(t);
  CHECK(live_all(live, t) == all_of(t));
  Error err;
  const std::vector<TicketFacts> rows = random_tickets(3, 1500);
  // A first batch taken in at once, then one ticket at a time.
  for (size_t i = 0; i < 1000; ++i) REQUIRE(t.append(rows[i], err));
  live.sync(t);
  CHECK(live_all(live, t) == all_of(t));
  for (size_t i = 1000; i < rows.size(); ++i) {
    REQUIRE(t.append(rows[i], err));
    live.sync(t);
    if (i % 97 == 0) CHECK(live_all(live, t) == all_of(t));
  }
  CHECK(live.rows() == rows.size());
  CHECK(live_all(live, t) == all_of(t));
}

TEST_CASE("analytics: LiveAnalytics — a ticket that changes (resolved, rated, moved) updates in place",
          "[analytics]") {
  TicketColumns t = table_of(random_tickets(5, 800));
  LiveAnalytics live;
  live.sync(t);
  Error err;
  Rng rng(9);
  for (int k = 0; k < 300; ++k) {
    const size_t row = static_cast<size_t>(rng.below(static_cast<int64_t>(t.size())));
    TicketFacts f = t.row(row);
    switch (k % 5) {
      case 0: f.resolve_s = static_cast<int32_t>(rng.below(500000)); break;   // resolved
      case 1: f.csat = static_cast<int32_t>(rng.between(1, 5)); break;       // rated
      case 2: f.created_at = kDay0 + rng.below(60 * kDay); break;            // moved (range may grow or shrink)
      case 3: f.agent_id = "new-agent-" + std::to_string(k % 3); break;      // reassigned
      case 4: f.first_response_s = kMissing; f.course_id = "c" + std::to_string(k % 13); break;
    }
    REQUIRE(live.change(t, row, f, err));
  }
  CHECK(live_all(live, t) == all_of(t));

  // A refused change leaves the table and the answers as they were.
  const json before = live_all(live, t);
  TicketFacts bad = t.row(0);
  bad.csat = 9;
  CHECK_FALSE(live.change(t, 0, bad, err));
  CHECK(live_all(live, t) == before);
  CHECK(all_of(t) == before);

  // The first and last day move back when the tickets on them move away.
  TicketColumns u = table_of(six());
  LiveAnalytics lu;
  lu.sync(u);
  TicketFacts f = u.row(5);  // day 3 holds rows 4 and 5
  f.created_at = kDay0;
  REQUIRE(lu.change(u, 5, f, err));
  f = u.row(4);
  f.created_at = kDay0 + 3600;
  REQUIRE(lu.change(u, 4, f, err));
  CHECK(to_json(analytics_q5(u))["days"] == 2);
  CHECK(live_all(lu, u) == all_of(u));

  // A replaced table: reset, then sync from scratch.
  const TicketColumns w = table_of(random_tickets(6, 50));
  lu.reset();
  lu.sync(w);
  CHECK(live_all(lu, w) == all_of(w));
}
