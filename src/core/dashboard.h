#pragma once
// The supervisor's dashboard (issue 6): the desk's tickets as analytics columns kept in step
// with the State, and every number of the dashboard computed from them for a date range and
// filters — volume, first-response and resolution times against the SLA, compliance,
// resolution, reopen and complaint-closure rates, backlog and its age, CSAT and NPS, refunds
// per course and reason, agent and tier performance, each with the previous period; hot
// spots per course × category against the course's own baseline; refund concentration;
// customer segments and churn warnings. Pure: "now" is a parameter, no I/O.
//
// Speed: a filter change is one pass over the columns (byte and int32 columns, a row mask)
// into accumulators; percentiles come from radix-sorted bags. A new or changed ticket goes
// in (and out) of the same accumulators one row at a time — no pass over the table.
// Definitions in docs/ANALYTICS.md ("The dashboard").
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/analytics.h"
#include "core/state.h"

namespace edudesk {

// ---- the columns, kept in step with the State -------------------------------------------------

constexpr uint8_t kNoCode = 0xFF;

// What the dashboard knows of one ticket beyond TicketFacts (plain numbers: one row).
struct DashRow {  // 48 bytes: a filter change reads every row, so every byte counts
  int32_t day = 0;            // analytics day (UTC+8) of creation
  int32_t sod = 0;            // its second within that local day, 0 … 86399
  int32_t frt_s = -1;         // seconds to the first public reply; -1 none
  int32_t resolve_s = -1;     // seconds to resolution; -1 unresolved
  int32_t frt_target_s = -1;  // the SLA's first-response due − creation (wall seconds); -1 no clock
  int32_t res_target_s = -1;  // the SLA's resolution due − creation; -1 no clock
  uint8_t category = 0, priority = 0, tier = 0, channel = 0;
  uint8_t csat = 0;           // 1 … 5 (the CSAT survey's overall answer); 0 none
  int8_t nps = -1;            // 0 … 10; -1 none
  uint8_t open = 0;           // in the backlog now (new, open, waiting)
  uint8_t merged = 0;         // merged into another ticket: a duplicate, left out of every number
  uint8_t reopens = 0;        // times a resolved or closed ticket was opened again (≤ 255)
  uint8_t refund = 0;         // 1: a refund approved or paid on it
  uint8_t refund_reason = kNoCode;  // RefundReason of that refund
  uint8_t root_cause = kNoCode;     // index in kRootCauses: the refund review's, else the closure's
  uint32_t agent = 0, course = 0;   // dictionary codes
  int32_t refund_fen = 0;     // refunded on the ticket (≤ ¥21 million)
  int64_t created_s() const { return int64_t{day} * 86400 + sod - 8 * 3600; }  // unix seconds
  void set_created(int64_t unix_s);
  uint8_t hour_week() const { return static_cast<uint8_t>((((day + 3) % 7 + 7) % 7) * 24 + sod / 3600); }
};
static_assert(sizeof(DashRow) == 48, "DashRow stays 48 bytes");

class DashboardColumns {
 public:
  // Brings the columns in step with `s`: tickets new since the last call are appended, those
  // whose facts changed are replaced; a removed ticket or a new SLA policy rebuilds them.
  // Returns what changed, so accumulators can take the old rows out and the new ones in.
  struct Change {
    size_t row = 0;
    bool added = false;
    DashRow before;  // when !added
  };
  struct SyncResult {
    bool rebuilt = false;
    std::vector<Change> changes;  // empty when rebuilt (recompute from the columns)
  };
  SyncResult sync(const State& s, Millis now);
  // Bulk load for benchmarks and tests: the analytics table (CSV) as rows, no State.
  void load(const TicketColumns& t);

  size_t size() const { return rows_.size(); }
  const DashRow& row(size_t i) const { return rows_[i]; }
  const std::vector<DashRow>& rows() const { return rows_; }
  const std::string& ticket_id(size_t i) const { return ticket_ids_[i]; }
  // Dictionaries: agents, courses (code → id).
  const StringDictionary& agents() const { return agents_; }
  const StringDictionary& courses() const { return courses_; }
  bool day_range(int32_t& first, int32_t& last) const;
  int64_t revision() const { return revision_; }

 private:
  DashRow facts(const State& s, const Ticket& t, Millis now);
  void build_side_tables(const State& s);
  std::vector<DashRow> rows_;
  std::vector<std::string> ticket_ids_;
  std::vector<uint64_t> fingerprints_;
  StringDictionary agents_, courses_;
  int64_t revision_ = -1;  // the State revision last synced
  std::string policy_stamp_;
  // per sync: the refunds and CSAT answers by ticket
  struct Side {
    int64_t refund_fen = 0;
    int refunds = 0;
    uint8_t reason = kNoCode, root_cause = kNoCode;
    uint8_t csat = 0;
    int8_t nps = -1;
    uint64_t sig = 0;
  };
  std::unordered_map<std::string, Side> side_;
};

// ---- the dashboard ----------------------------------------------------------------------------

// A sorted multiset of non-negative int32 (seconds): exact percentiles, O(log n) lookups;
// filled in bulk (radix sorted once) or one value at a time.
class SortedBag {
 public:
  void push(int32_t v) { v_.push_back(v); sorted_ = false; }  // bulk: call finish() after
  void finish();
  void insert(int32_t v);  // keeps it sorted
  void erase(int32_t v);   // one copy, when present
  size_t size() const { return v_.size(); }
  // Linear interpolation between order statistics (numpy's default); NaN when empty.
  double quantile(double q) const;
  // Values ≤ x.
  size_t count_le(int64_t x) const;
  const std::vector<int32_t>& values() const { return v_; }

 private:
  std::vector<int32_t> v_;
  bool sorted_ = true;
};

constexpr int kResolveBins = 8;  // <1 h, 1–4 h, 4–8 h, 8–24 h, 1–3 d, 3–7 d, 7–14 d, ≥14 d
constexpr int kFrtBins = 7;      // <5 min, 5–30 min, 30 min–1 h, 1–4 h, 4–8 h, 8–24 h, ≥24 h
int resolve_bin(int32_t s);
int frt_bin(int32_t s);
extern const int32_t kResolveBinEdges[kResolveBins - 1];  // seconds
extern const int32_t kFrtBinEdges[kFrtBins - 1];

// The tickets of one period: counts and the bags their rates and percentiles come from.
struct PeriodStats {
  int64_t tickets = 0, resolved = 0, reopened = 0, complaints = 0, complaints_closed = 0;
  int64_t frt_met = 0, frt_late = 0;  // answered within / after the SLA's first-response target
  int64_t res_met = 0, res_late = 0;  // resolved within / after the resolution target
  SortedBag frt, resolve;              // seconds, answered / resolved tickets
  SortedBag frt_due, res_due;          // unanswered / unresolved tickets: due time (unix s)
  int64_t csat_n = 0, csat_sum = 0, csat_satisfied = 0;  // satisfied: 4 or 5
  int64_t nps_n = 0, promoters = 0, detractors = 0;      // 9–10 / 0–6
  int64_t refunds = 0, refund_fen = 0;
  std::array<int64_t, 6> by_channel{}, by_category{};
};

// A group's performance (an agent or a tier) in the current period.
struct GroupStats {
  int64_t tickets = 0, resolved = 0, reopened = 0, frt_met = 0, answered = 0;
  SortedBag frt, resolve;
  int64_t csat_n = 0, csat_sum = 0;
};

struct CourseStats {
  int64_t tickets = 0, complaints = 0, refunds = 0, refund_fen = 0;
  std::array<int64_t, 4> reasons{};      // RefundReason
  std::array<int64_t, 7> root_causes{};  // kRootCauses
};

// Everything the dashboard draws, for a filter whose date range is the current period; the
// previous period is the same number of days just before it.
class DashboardAggregator {
 public:
  // Resets and takes in every row of `c` that `f` keeps (one pass).
  void compute(const DashboardColumns& c, const AnalyticsFilter& f);
  // One row in (+1) or out (−1), e.g. a ticket's old facts out and its new ones in.
  void add(const DashboardColumns& c, const DashRow& r, int sign);
  // Applies DashboardColumns::sync's result (recomputes when it rebuilt).
  void update(const DashboardColumns& c, const DashboardColumns::SyncResult& changes);
  const AnalyticsFilter& filter() const { return f_; }
  int32_t from_day() const { return from_; }
  int32_t to_day() const { return to_; }
  int32_t days() const { return to_ - from_ + 1; }

  PeriodStats cur, prev;
  // per day of the current period [from_day + i]: tickets by channel and by category
  std::vector<std::array<int32_t, 6>> day_channel, day_category;
  std::vector<int32_t> prev_day;  // tickets per day of the previous period, day i ↔ day i of this one
  std::array<int64_t, 168> hour_week{};          // weekday × 24 + hour
  std::array<int64_t, kResolveBins> resolve_hist{};
  std::array<int64_t, kFrtBins> frt_hist{};
  std::unordered_map<uint32_t, GroupStats> agents;  // by agent code
  std::array<GroupStats, 5> tiers;                  // by Role
  std::unordered_map<uint32_t, CourseStats> courses;
  SortedBag backlog_created;  // open tickets (any creation date, other filters apply): created_s
  // per (course code × 8 + category): tickets per day over [from_day − kBaselineDays, to_day]
  static constexpr int kBaselineDays = 28;
  std::unordered_map<uint32_t, std::vector<int32_t>> course_category_days;

 private:
  bool keeps(const DashRow& r) const {  // inline: called for every row of every filter change
    if (r.merged) return false;
    if (!narrowed_) return true;
    if (want_category_ >= 0 && r.category != want_category_) return false;
    if (want_priority_ >= 0 && r.priority != want_priority_) return false;
    if (want_tier_ >= 0 && r.tier != want_tier_) return false;
    if (want_channel_ >= 0 && r.channel != want_channel_) return false;
    if (want_agent_ && (agent_none_ || r.agent != agent_code_)) return false;
    if (want_course_ && (course_none_ || r.course != course_code_)) return false;
    return true;
  }
  void prepare_filter();
  int want_category_ = -1, want_priority_ = -1, want_tier_ = -1, want_channel_ = -1;
  bool want_agent_ = false, want_course_ = false, narrowed_ = false;
  AnalyticsFilter f_;
  uint32_t agent_code_ = 0, course_code_ = 0;
  bool agent_none_ = false, course_none_ = false;  // filter on an id the table lacks
  int32_t from_ = 0, to_ = -1;
};

// ---- what the dashboard shows, finished from the aggregates at "now" ---------------------------

struct Kpi {
  double cur = 0, prev = 0;  // NaN when undefined
};
struct DashboardKpis {
  Kpi tickets, frt_median_s, frt_p90_s, resolve_median_s, resolve_p90_s;
  Kpi frt_compliance, res_compliance;  // met / (met + late + overdue unanswered/unresolved)
  Kpi resolution_rate, reopen_rate, complaint_closure, csat_mean, csat_satisfied, nps;
  Kpi refunds, refund_fen, refund_rate;  // refund_rate: tickets with a refund / tickets
  int64_t backlog = 0;
  double backlog_median_age_s = 0;
  std::array<int64_t, 4> backlog_age{};  // < 1 day, 1–3 days, 3–7 days, ≥ 7 days
};
DashboardKpis dashboard_kpis(const DashboardAggregator& a, Millis now);
double compliance(const PeriodStats& p, bool first_response, Millis now);

struct HotSpot {
  uint32_t course = 0;
  Category category = Category::other;
  int32_t day = 0;
  int64_t n = 0;
  double baseline_mean = 0, baseline_sd = 0, threshold = 0;
};
// Days of the current period where a course × category had ≥ 4 tickets, more than
// mean + 3 sd of its previous 28 days and at least twice that mean. Newest first.
std::vector<HotSpot> dashboard_hot_spots(const DashboardAggregator& a);

struct CourseRefunds {
  uint32_t course = 0;
  int64_t tickets = 0, refunds = 0, refund_fen = 0;
  double rate = 0, ratio = 0;  // refunds / tickets; rate ÷ the average rate
  bool concentrated = false;   // ratio ≥ 1.5 and ≥ 3 refunds
  std::vector<std::pair<int, int64_t>> reasons, root_causes;  // (index, count), most first
};
// Courses with a ticket in the period, highest refund rate first; `average` gets the overall rate.
std::vector<CourseRefunds> refund_concentration(const DashboardAggregator& a, double& average);

struct GroupRow {
  std::string key;  // agent id, or the tier's role id
  int64_t tickets = 0, resolved = 0;
  double frt_median_s = 0, resolve_median_s = 0, frt_compliance = 0, csat_mean = 0, reopen_rate = 0;
  int64_t csat_n = 0;
};
std::vector<GroupRow> agent_rows(const DashboardAggregator& a, const DashboardColumns& c);  // most tickets first
std::vector<GroupRow> tier_rows(const DashboardAggregator& a);

// Clicking a chart element: which tickets stand behind it (the filter's rows in the current
// period, narrowed by what was clicked). -1 / empty = not narrowed.
struct DashboardPick {
  int32_t day = INT32_MIN;  // one day (else the whole period)
  int channel = -1, category = -1, tier = -1, hour_week = -1, resolve_bin = -1, frt_bin = -1;
  int64_t course = -1, agent = -1;
  bool backlog = false;  // open tickets, any creation date
  bool refunded = false;
};
std::vector<size_t> dashboard_rows(const DashboardColumns& c, const AnalyticsFilter& f, const DashboardPick& p,
                                   size_t limit = 500);

// ---- customers: segments and churn ------------------------------------------------------------

enum class AgeGroup { teen, adult, senior, unknown };
enum class Need { tutoring, vocational, hobby, unknown };
enum class SpendBand { high, mid, low };
const char* to_id(AgeGroup v);
const char* to_id(Need v);
const char* to_id(SpendBand v);
// A course's need from its name (学科辅导 / 职业 / 兴趣), by keywords.
Need course_need(const std::string& course_name);
SpendBand spend_band(int64_t spent_fen);  // high ≥ ¥3,000, mid ≥ ¥1,000

struct CustomerFacts {
  std::string customer_id;
  AgeGroup age = AgeGroup::unknown;
  Need need = Need::unknown;
  SpendBand band = SpendBand::low;
  int64_t spent_fen = 0, orders = 0, tickets = 0, complaints_90d = 0, refunds_requested = 0;
  double study_hours = -1;       // per week, the latest questionnaire answer; -1 unknown
  double attendance = -1;        // lessons attended / total over their orders; -1 none
  double csat_mean = -1;         // their CSAT answers; -1 none
  int csat_last = 0;             // the latest CSAT overall answer; 0 none
  // churn warning: the reasons (ids and weights: repeated_complaints 3, refund_requested 3,
  // low_csat 2, study_time_falling 2, low_attendance 1); at risk from a score of 3
  std::vector<std::string> risks;
  int risk_score = 0;
  std::string winback_task;  // an open win-back task for them, "" none
};
struct SegmentRow {
  std::string dimension, value;  // "age" / "need" / "spending" and the segment's id
  int64_t customers = 0;
  double spent_mean_fen = 0, study_hours_mean = 0, tickets_per_customer = 0, csat_mean = 0, refund_rate = 0;
  int64_t at_risk = 0;
};
struct CustomerInsights {
  std::vector<CustomerFacts> customers;  // every customer
  std::vector<SegmentRow> segments;      // age, then need, then spending
  std::vector<size_t> at_risk;           // indices into customers with a score ≥ 3, highest first
};
CustomerInsights customer_insights(const State& s, Millis now);

}  // namespace edudesk
