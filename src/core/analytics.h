#pragma once
// Ticket analytics (the dashboard issue): the tickets as columns kept in step with the
// state, a fast CSV import into them, and five queries over the columns:
//   Q1 per category: count, mean and p90 of resolve_s, resolution rate
//   Q2 first-response SLA breach rate by priority × tier
//   Q3 category × channel counts
//   Q4 per agent: CSAT n, mean, sample sd, and Pearson r of resolve_s and CSAT
//   Q5 per course per day counts, and the (course, day) spikes above mean + 4 sd
// Every query takes an optional row mask (a filter: date range, course, category …);
// LiveAnalytics keeps the unfiltered answers up to date one ticket at a time.
// Pure: no clock, no I/O. Every definition (CSV, day, p90, sd, r, Q5) is in docs/ANALYTICS.md;
// the benchmark (bench/analytics/) checks four other implementations against these.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/error.h"

namespace edudesk {

// ---- one ticket ------------------------------------------------------------------------------

constexpr int32_t kAnalyticsMissing = -1;        // a missing first_response_s / resolve_s
constexpr int32_t kAnalyticsMaxSeconds = 2147483646;
constexpr int64_t kAnalyticsMaxCreatedAt = 253402300799;  // 9999-12-31T23:59:59Z
constexpr size_t kAnalyticsMaxIdBytes = 64;      // agent_id, course_id

// One ticket as the analytics see it (one line of the CSV).
struct TicketFacts {
  int64_t id = 0;                                  // unique in the table
  int64_t created_at = 0;                          // unix seconds, UTC, 0 … kAnalyticsMaxCreatedAt
  int32_t first_response_s = kAnalyticsMissing;    // seconds to the first answer; -1 = none yet
  int32_t resolve_s = kAnalyticsMissing;           // seconds to resolution; -1 = unresolved
  Category category = Category::other;
  Priority priority = Priority::P3;
  Role tier = Role::junior;                        // the tier of the agent on the ticket
  std::string agent_id;                            // non-empty, ≤ 64 bytes, no comma/quote/line break
  std::string course_id;                           // same rules
  Channel channel = Channel::chat;
  int32_t csat = 0;                                // 1 … 5; 0 = no answer
  int64_t refund_fen = 0;                          // ≥ 0
};
bool operator==(const TicketFacts& a, const TicketFacts& b);

// The analytics day of a timestamp: the calendar day in UTC+8, as days since 1970-01-01.
int32_t analytics_day(int64_t created_at);
// "2025-03-01" for an analytics day.
std::string analytics_day_label(int32_t day);
// The first-response target of a priority in seconds: P1 300, P2 1800, P3 14400, P4 86400.
int32_t sla_target_s(Priority p);

// ---- the columns -----------------------------------------------------------------------------

// Strings ↔ dense codes 0, 1, 2 … in order of first appearance.
class StringDictionary {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  uint32_t code_of(std::string_view s);      // adds s when new
  uint32_t find(std::string_view s) const;   // kNone when absent
  const std::string& value(uint32_t code) const { return values_[code]; }
  size_t size() const { return values_.size(); }
  const std::vector<std::string>& values() const { return values_; }
  // The codes ordered by their strings (byte order): the order of Q4 and Q5.
  std::vector<uint32_t> sorted_codes() const;

 private:
  size_t slot(std::string_view s, uint64_t h) const;
  void grow();
  std::vector<std::string> values_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> table_;  // code + 1; 0 = empty (open addressing)
};

// The tickets by column: row i of every column is ticket i. Low-cardinality facts are
// byte codes (the enum's index: Category, Priority, Role, Channel as in core/enums.h),
// agents and courses dictionary codes. Grows by append; a changed ticket is `set`.
class TicketColumns {
 public:
  size_t size() const { return id_.size(); }
  bool empty() const { return id_.empty(); }
  void reserve(size_t rows);

  // Adds one ticket; false (nothing changed) when a field is out of range or the id is taken.
  bool append(const TicketFacts& t, Error& err);
  // Replaces ticket `row` (a resolution, a CSAT answer, a reassignment …); the id may not
  // change to one another row holds.
  bool set(size_t row, const TicketFacts& t, Error& err);
  TicketFacts row(size_t i) const;
  // The row of a ticket id, or -1.
  int64_t find_id(int64_t id) const;
  // The first and last analytics day of the table; false when it is empty.
  bool day_range(int32_t& first, int32_t& last) const;
  // At least the largest resolve_s of the table (exact until a change lowers one).
  int32_t max_resolve_s() const { return max_resolve_s_; }

  const std::vector<int64_t>& id() const { return id_; }
  const std::vector<int64_t>& created_at() const { return created_at_; }
  const std::vector<int32_t>& day() const { return day_; }  // analytics_day(created_at)
  const std::vector<int32_t>& first_response_s() const { return first_response_s_; }  // -1 missing
  const std::vector<int32_t>& resolve_s() const { return resolve_s_; }                // -1 missing
  const std::vector<uint8_t>& category() const { return category_; }
  const std::vector<uint8_t>& priority() const { return priority_; }
  const std::vector<uint8_t>& tier() const { return tier_; }
  const std::vector<uint8_t>& channel() const { return channel_; }
  const std::vector<uint8_t>& csat() const { return csat_; }  // 0 missing
  const std::vector<uint32_t>& agent() const { return agent_; }
  const std::vector<uint32_t>& course() const { return course_; }
  const std::vector<int64_t>& refund_fen() const { return refund_fen_; }
  const StringDictionary& agents() const { return agents_; }
  const StringDictionary& courses() const { return courses_; }
  // Bytes held by the columns and dictionaries (capacity, not size).
  size_t memory_bytes() const;

 private:
  friend class TicketCsvReader;  // analytics.cpp: the CSV import writes the columns directly
  bool id_taken(int64_t id, size_t except_row) const;
  void index_ids() const;
  std::vector<int64_t> id_, created_at_, refund_fen_;
  std::vector<int32_t> day_, first_response_s_, resolve_s_;
  std::vector<uint8_t> category_, priority_, tier_, channel_, csat_;
  std::vector<uint32_t> agent_, course_;
  StringDictionary agents_, courses_;
  void note_day(int32_t day) {
    first_day_ = std::min(first_day_, day);
    last_day_ = std::max(last_day_, day);
  }
  int64_t max_id_ = INT64_MIN;  // ids arriving in increasing order need no lookup
  int32_t max_resolve_s_ = 0;
  mutable int32_t first_day_ = INT32_MAX, last_day_ = INT32_MIN;
  mutable bool days_stale_ = false;  // a change moved a ticket off the first or last day
  mutable std::vector<int64_t> id_slots_;  // open-addressing set of row + 1, built on the first out-of-order id
  mutable size_t id_indexed_ = 0;
};

// The CSV of docs/ANALYTICS.md into fresh columns: header
// id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,channel,csat,refund_fen
// then one ticket per line. On an error nothing is loaded (`out` is untouched) and
// err.message names the line and the column, e.g. "line 12, column 'csat': '7' is too large
// (at most 5)" or "line 3: 11 fields; the header has 12".
bool import_tickets_csv(std::string_view csv, TicketColumns& out, Error& err);
// The table as that CSV (a round trip of import_tickets_csv).
std::string tickets_csv(const TicketColumns& t);

// ---- filters ---------------------------------------------------------------------------------

// A row mask: mask[i] != 0 keeps row i; size() == the table's size. nullptr = every row.
using RowMask = std::vector<uint8_t>;

// What the dashboard filters on; every field left at its default keeps every row.
struct AnalyticsFilter {
  int32_t from_day = INT32_MIN, to_day = INT32_MAX;  // analytics days, inclusive
  std::optional<Category> category;
  std::optional<Priority> priority;
  std::optional<Role> tier;
  std::optional<Channel> channel;
  std::string agent_id, course_id;                   // "" = any
};
RowMask analytics_mask(const TicketColumns& t, const AnalyticsFilter& f);

// ---- the queries -----------------------------------------------------------------------------
// Doubles are NaN where the value is undefined (no resolved ticket, n < 2, no spread);
// to_json writes them as null.

struct CategoryRow {  // Q1
  Category category = Category::other;
  int64_t count = 0, resolved = 0, resolve_sum_s = 0;
  double resolution_rate = 0;  // resolved / count
  double mean_resolve_s = 0;   // over resolved tickets
  double p90_resolve_s = 0;    // linear interpolation between order statistics (numpy's default)
};
struct Q1Result {
  std::vector<CategoryRow> rows;  // categories with ≥ 1 ticket, in enum order
};

struct SlaCell {  // Q2
  Priority priority = Priority::P1;
  Role tier = Role::junior;
  int64_t n = 0, breaches = 0;  // breach: no first response, or first_response_s > target
  double breach_rate = 0;
};
struct Q2Result {
  std::vector<SlaCell> cells;  // cells with ≥ 1 ticket, priority then tier in enum order
};

struct Q3Result {
  std::array<std::array<int64_t, 6>, 6> counts{};  // [category][channel], enum order
};

struct AgentRow {  // Q4
  std::string agent_id;
  int64_t tickets = 0, csat_n = 0;
  double csat_mean = 0, csat_sd = 0;  // sample sd (n − 1)
  int64_t pairs = 0;                  // tickets with both resolve_s and csat
  double r_resolve_csat = 0;          // Pearson r over those pairs
};
struct Q4Result {
  std::vector<AgentRow> agents;  // agents with ≥ 1 ticket, by agent_id (byte order)
};

struct DayCount {
  int32_t day = 0;  // analytics day
  uint32_t n = 0;
};
struct CourseRow {  // Q5
  std::string course_id;
  int64_t tickets = 0;
  double mean = 0, sd = 0;  // per day over every day of [first_day, last_day], zeros included
  size_t first_cell = 0, cell_count = 0;  // its days with tickets: Q5Result::cells[first_cell …)
};
struct Spike {
  std::string course_id;
  int32_t day = 0;
  int64_t n = 0;
  double mean = 0, sd = 0, threshold = 0;  // threshold = mean + 4 sd; a spike has n > threshold and n ≥ 20
};
struct Q5Result {
  int32_t first_day = 0, last_day = -1;  // the days of the selected tickets; none: last < first
  std::vector<CourseRow> courses;        // courses with ≥ 1 ticket, by course_id (byte order)
  std::vector<DayCount> cells;           // the non-zero (course, day) counts, course by course, by day
  std::vector<Spike> spikes;             // by course_id, then day
  int64_t days() const { return last_day >= first_day ? int64_t{last_day} - first_day + 1 : 0; }
};

Q1Result analytics_q1(const TicketColumns& t, const RowMask* mask = nullptr);
Q2Result analytics_q2(const TicketColumns& t, const RowMask* mask = nullptr);
Q3Result analytics_q3(const TicketColumns& t, const RowMask* mask = nullptr);
Q4Result analytics_q4(const TicketColumns& t, const RowMask* mask = nullptr);
Q5Result analytics_q5(const TicketColumns& t, const RowMask* mask = nullptr);

nlohmann::json to_json(const Q1Result& r);
nlohmann::json to_json(const Q2Result& r);
nlohmann::json to_json(const Q3Result& r);
nlohmann::json to_json(const Q4Result& r);
nlohmann::json to_json(const Q5Result& r);
// `edudesk analytics`: {"tickets": selected rows, "q1": …} for query "q1" … "q5", or all five
// for "all"; false (err.field "query") for another name.
bool analytics_json(const TicketColumns& t, std::string_view query, nlohmann::json& out, Error& err,
                    const RowMask* mask = nullptr);

// ---- incremental ------------------------------------------------------------------------------

// The unfiltered answers of Q1 … Q5 kept up to date as tickets arrive or change, without a
// pass over the table: counts, sums (exact integers) and the per-category sorted resolve
// times (for p90) are updated per ticket; the results are finished from them on demand
// (Q5: O(courses × days)). Answers equal the full queries' exactly.
class LiveAnalytics {
 public:
  // Takes in the rows appended to `t` since the last call (all of them the first time).
  void sync(const TicketColumns& t);
  // Forgets everything (before syncing with another table).
  void reset() { *this = LiveAnalytics(); }
  // Changes ticket `row` of `t` to `now` and updates the answers (one ticket out, one in).
  bool change(TicketColumns& t, size_t row, const TicketFacts& now, Error& err);
  size_t rows() const { return seen_; }

  Q1Result q1() const;
  Q2Result q2() const;
  Q3Result q3() const;
  Q4Result q4(const TicketColumns& t) const;
  Q5Result q5(const TicketColumns& t) const;

  // The per-group sums (shared with the full queries, which fill the same structures).
  struct CategorySums {
    int64_t count = 0, resolved = 0, resolve_sum = 0;
  };
  struct AgentSums {
    int64_t tickets = 0, csat_n = 0, csat_sum = 0, csat_sq = 0;
    int64_t pairs = 0, x_sum = 0, y_sum = 0, y_sq = 0;  // x = resolve_s, y = csat, over pairs
    __extension__ __int128 x_sq = 0, xy = 0;
  };

 private:
  void add(const TicketColumns& t, size_t i, int sign);
  void merge_resolve_times(const std::array<size_t, 6>& sorted_upto);
  size_t seen_ = 0;
  std::array<CategorySums, 6> cat_{};
  std::array<std::vector<int32_t>, 6> sorted_resolve_;
  std::array<std::array<int64_t, 5>, 4> sla_n_{}, sla_breach_{};
  std::array<std::array<int64_t, 6>, 6> cat_chan_{};
  std::vector<AgentSums> agents_;                 // by agent code
  std::map<int32_t, int64_t> day_total_;          // tickets per day (for the range)
  std::vector<std::vector<DayCount>> course_day_; // [course code]: its days with tickets, by day
};

}  // namespace edudesk
