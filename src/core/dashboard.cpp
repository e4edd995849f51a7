// The supervisor's dashboard: columns kept in step with the State, accumulators over them,
// and the numbers finished from those at "now". See dashboard.h and docs/ANALYTICS.md.
#include "core/dashboard.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "core/orders.h"
#include "core/refund_policy.h"
#include "core/sla.h"
#include "core/workflow.h"

namespace edudesk {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kUtc8 = 8 * 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kHotSpotMinTickets = 4;
// at risk: a refund asked for or repeated complaints (3 each), or two weaker signals
constexpr int kChurnRiskScore = 3;

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h;
}
uint64_t mix(uint64_t h, const std::string& s) {
  uint64_t x = 1469598103934665603ull;
  for (unsigned char c : s) x = (x ^ c) * 1099511628211ull;
  return mix(h, x);
}

int32_t clamp_s(int64_t ms) {
  if (ms < 0) return -1;
  return static_cast<int32_t>(std::min<int64_t>(ms / 1000, kAnalyticsMaxSeconds));
}

int root_index(const std::string& cause) {
  for (int i = 0; kRootCauses[i]; ++i)
    if (cause == kRootCauses[i]) return i;
  return -1;
}

bool resolved_status(Status s) { return s == Status::resolved || s == Status::closed; }

// LSD radix sort of non-negative int32; small inputs use std::sort. One pass counts every
// digit at once; the digits are as wide as the largest value needs (seconds of a few weeks fit
// two 12-bit digits), narrower for small bags (their counts stay in the cache); a digit every
// value shares is skipped.
void radix_sort(std::vector<int32_t>& v) {
  const size_t n = v.size();
  if (n < 512) {
    std::sort(v.begin(), v.end());
    return;
  }
  if (std::is_sorted(v.begin(), v.end())) return;  // e.g. filled in order by compute
  uint32_t any = 0;
  for (int32_t x : v) any |= static_cast<uint32_t>(x);
  int bits = 0;
  while (bits < 32 && (any >> bits) != 0) ++bits;
  if (bits == 0) return;  // all zero
  const int widest = n >= 65536 ? 12 : 8;
  const int passes = (bits + widest - 1) / widest;
  const int width = (bits + passes - 1) / passes;
  const uint32_t buckets = 1u << width, mask = buckets - 1;
  std::vector<uint32_t> count(static_cast<size_t>(passes) * buckets, 0);
  for (int32_t x : v) {
    const uint32_t u = static_cast<uint32_t>(x);
    for (int p = 0; p < passes; ++p) ++count[static_cast<size_t>(p) * buckets + ((u >> (p * width)) & mask)];
  }
  std::unique_ptr<int32_t[]> tmp(new int32_t[n]);
  int32_t* a = v.data();
  int32_t* b = tmp.get();
  for (int p = 0; p < passes; ++p) {
    uint32_t* c = count.data() + static_cast<size_t>(p) * buckets;
    const int shift = p * width;
    if (c[(static_cast<uint32_t>(a[0]) >> shift) & mask] == n) continue;  // every value has this digit
    uint32_t sum = 0;
    for (uint32_t d = 0; d < buckets; ++d) {
      const uint32_t k = c[d];
      c[d] = sum;
      sum += k;
    }
    for (size_t i = 0; i < n; ++i) b[c[(static_cast<uint32_t>(a[i]) >> shift) & mask]++] = a[i];
    std::swap(a, b);
  }
  if (a != v.data()) std::memcpy(v.data(), a, n * sizeof(int32_t));
}

// The same for 64-bit items sorted by their high 32 bits (a non-negative int32 value; the low
// bits say whose it is). Two or three passes of up to 12-bit digits.
void radix_sort_high(std::vector<uint64_t>& v) {
  const size_t n = v.size();
  if (n < 2) return;
  uint32_t any = 0;
  for (uint64_t x : v) any |= static_cast<uint32_t>(x >> 32);
  int bits = 0;
  while (bits < 32 && (any >> bits) != 0) ++bits;
  if (bits == 0) return;
  const int passes = (bits + 11) / 12;
  const int width = (bits + passes - 1) / passes;
  const uint32_t buckets = 1u << width, mask = buckets - 1;
  std::vector<uint32_t> count(static_cast<size_t>(passes) * buckets, 0);
  for (uint64_t x : v) {
    const uint32_t u = static_cast<uint32_t>(x >> 32);
    for (int p = 0; p < passes; ++p) ++count[static_cast<size_t>(p) * buckets + ((u >> (p * width)) & mask)];
  }
  std::unique_ptr<uint64_t[]> tmp(new uint64_t[n]);
  uint64_t* a = v.data();
  uint64_t* b = tmp.get();
  for (int p = 0; p < passes; ++p) {
    uint32_t* c = count.data() + static_cast<size_t>(p) * buckets;
    const int shift = 32 + p * width;
    if (c[(a[0] >> shift) & mask] == n) continue;
    uint32_t sum = 0;
    for (uint32_t d = 0; d < buckets; ++d) {
      const uint32_t k = c[d];
      c[d] = sum;
      sum += k;
    }
    for (size_t i = 0; i < n; ++i) b[c[(a[i] >> shift) & mask]++] = a[i];
    std::swap(a, b);
  }
  if (a != v.data()) std::memcpy(v.data(), a, n * sizeof(uint64_t));
}

}  // namespace

void DashRow::set_created(int64_t unix_s) {
  day = analytics_day(unix_s);
  sod = static_cast<int32_t>(unix_s + kUtc8 - int64_t{day} * kDay);
}

// ---- columns -------------------------------------------------------------------------------------

void DashboardColumns::build_side_tables(const State& s) {
  side_.clear();
  for (const Refund& r : s.refunds) {
    if (r.ticket_id.empty()) continue;
    Side& x = side_[r.ticket_id];
    x.sig = mix(mix(x.sig, static_cast<uint64_t>(r.status)), static_cast<uint64_t>(r.refund_fen));
    x.sig = mix(x.sig, r.root_cause);
    if (r.status != RefundStatus::approved && r.status != RefundStatus::paid) continue;
    ++x.refunds;
    x.refund_fen += r.refund_fen;
    x.reason = static_cast<uint8_t>(r.facts.reason);
    int rc = root_index(r.root_cause);
    if (rc >= 0) x.root_cause = static_cast<uint8_t>(rc);
  }
  for (const SurveyResponse& r : s.responses) {
    if (!r.current || r.ticket_id.empty() || r.survey_id != "csat") continue;
    Side& x = side_[r.ticket_id];
    auto o = r.answers.find("overall");
    if (o != r.answers.end() && o->is_number_integer()) {
      int v = o->get<int>();
      if (v >= 1 && v <= 5) x.csat = static_cast<uint8_t>(v);
    }
    auto p = r.answers.find("nps");
    if (p != r.answers.end() && p->is_number_integer()) {
      int v = p->get<int>();
      if (v >= 0 && v <= 10) x.nps = static_cast<int8_t>(v);
    }
    x.sig = mix(mix(x.sig, x.csat), static_cast<uint64_t>(x.nps + 1));
  }
}

DashRow DashboardColumns::facts(const State& s, const Ticket& t, Millis now) {
  DashRow r;
  r.set_created(t.created_at / 1000);
  r.frt_s = t.first_response_at > 0 ? clamp_s(t.first_response_at - t.created_at) : -1;
  r.category = static_cast<uint8_t>(t.category);
  r.priority = static_cast<uint8_t>(t.priority);
  r.tier = static_cast<uint8_t>(t.tier);
  r.channel = static_cast<uint8_t>(t.channel);
  r.open = ticket_open(t) ? 1 : 0;
  r.merged = t.merged_into.empty() ? 0 : 1;
  // Walk the timeline as the fold does: reopenings and the latest resolution.
  Status st = Status::new_;
  Millis resolved_at = 0;
  int reopens = 0;
  for (const TimelineEntry& e : t.timeline) {
    if (e.kind == EntryKind::customer_message) {
      if (e.id == t.origin_op) continue;
      if (resolved_status(st)) ++reopens;
      if (resolved_status(st) || st == Status::pending) st = Status::open;
    } else if (e.kind == EntryKind::reply) {
      if (st == Status::new_) st = Status::open;
    } else if (e.kind == EntryKind::status_change) {
      if (e.conflict == Conflict::ignored || e.conflict == Conflict::duplicate) continue;
      if (resolved_status(st) && !resolved_status(e.status_to)) ++reopens;
      if (!resolved_status(st) && resolved_status(e.status_to)) resolved_at = e.at;
      st = e.status_to;
    }
  }
  r.reopens = static_cast<uint8_t>(std::min(reopens, 255));
  if (resolved_status(t.status) && resolved_at > 0) r.resolve_s = clamp_s(resolved_at - t.created_at);
  const TicketSla sla = compute_sla(s.sla_policy, t, now);
  if (sla.first_response.due > 0) r.frt_target_s = clamp_s(sla.first_response.due - t.created_at);
  // A paused resolution clock (waiting on the customer) is not running towards a due: its
  // "due" is now + the time left, which would go stale in the columns and later count the
  // ticket as overdue. Left out until the clock runs again (a change of the ticket).
  if (sla.resolution.due > 0 && sla.resolution.state != SlaClockState::paused)
    r.res_target_s = clamp_s(sla.resolution.due - t.created_at);
  int rc = root_index(t.root_cause);
  if (rc >= 0) r.root_cause = static_cast<uint8_t>(rc);
  auto side = side_.find(t.id);
  if (side != side_.end()) {
    const Side& x = side->second;
    r.csat = x.csat;
    r.nps = x.nps;
    if (x.refunds > 0) {
      r.refund = 1;
      r.refund_fen = static_cast<int32_t>(std::min<int64_t>(x.refund_fen, INT32_MAX));
      r.refund_reason = x.reason;
      if (x.root_cause != kNoCode) r.root_cause = x.root_cause;
    }
  }
  r.agent = agents_.code_of(t.assignee.empty() ? std::string_view("-") : std::string_view(t.assignee));
  r.course = courses_.code_of(t.course_id.empty() ? std::string_view("-") : std::string_view(t.course_id));
  return r;
}

DashboardColumns::SyncResult DashboardColumns::sync(const State& s, Millis now) {
  SyncResult out;
  if (s.revision == revision_) return out;
  std::string stamp = s.sla_policy_by.op_id;
  bool rebuild = stamp != policy_stamp_ || s.tickets.size() < rows_.size();
  for (size_t i = 0; !rebuild && i < rows_.size(); ++i) rebuild = s.tickets[i].id != ticket_ids_[i];
  build_side_tables(s);
  if (rebuild) {
    *this = DashboardColumns();
    build_side_tables(s);
    out.rebuilt = true;
  }
  policy_stamp_ = stamp;
  revision_ = s.revision;
  rows_.reserve(s.tickets.size());
  for (size_t i = 0; i < s.tickets.size(); ++i) {
    const Ticket& t = s.tickets[i];
    uint64_t fp = mix(mix(mix(0, t.timeline.size()), static_cast<uint64_t>(t.status)), t.assignee);
    fp = mix(mix(mix(fp, static_cast<uint64_t>(t.category)), static_cast<uint64_t>(t.priority)),
             static_cast<uint64_t>(t.tier));
    fp = mix(mix(fp, t.merged_into), t.root_cause);
    auto side = side_.find(t.id);
    if (side != side_.end()) fp = mix(fp, side->second.sig);
    if (i < rows_.size()) {
      if (fingerprints_[i] == fp) continue;
      Change c{i, false, rows_[i]};
      rows_[i] = facts(s, t, now);
      fingerprints_[i] = fp;
      out.changes.push_back(c);
    } else {
      rows_.push_back(facts(s, t, now));
      ticket_ids_.push_back(t.id);
      fingerprints_.push_back(fp);
      if (!out.rebuilt) out.changes.push_back(Change{i, true, {}});
    }
  }
  return out;
}

void DashboardColumns::load(const TicketColumns& t) {
  *this = DashboardColumns();
  rows_.resize(t.size());
  ticket_ids_.resize(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    DashRow& r = rows_[i];
    r.set_created(t.created_at()[i]);
    r.frt_s = t.first_response_s()[i];
    r.resolve_s = t.resolve_s()[i];
    r.category = t.category()[i];
    r.priority = t.priority()[i];
    r.tier = t.tier()[i];
    r.channel = t.channel()[i];
    r.csat = t.csat()[i];
    r.frt_target_s = sla_target_s(static_cast<Priority>(r.priority));
    r.res_target_s = r.frt_target_s * 12;
    r.open = r.resolve_s < 0 ? 1 : 0;
    r.refund_fen = static_cast<int32_t>(std::min<int64_t>(t.refund_fen()[i], INT32_MAX));
    r.refund = r.refund_fen > 0 ? 1 : 0;
    r.agent = agents_.code_of(t.agents().value(t.agent()[i]));
    r.course = courses_.code_of(t.courses().value(t.course()[i]));
    ticket_ids_[i] = std::to_string(t.id()[i]);
  }
  fingerprints_.assign(t.size(), 0);
  revision_ = -1;
}

bool DashboardColumns::day_range(int32_t& first, int32_t& last) const {
  if (rows_.empty()) return false;
  first = INT32_MAX;
  last = INT32_MIN;
  for (const DashRow& r : rows_) {
    first = std::min(first, r.day);
    last = std::max(last, r.day);
  }
  return true;
}

// ---- the sorted bag ------------------------------------------------------------------------------

void SortedBag::finish() {
  if (!sorted_) radix_sort(v_);
  sorted_ = true;
}
void SortedBag::insert(int32_t v) {
  finish();
  v_.insert(std::upper_bound(v_.begin(), v_.end(), v), v);
}
void SortedBag::erase(int32_t v) {
  finish();
  auto it = std::lower_bound(v_.begin(), v_.end(), v);
  if (it != v_.end() && *it == v) v_.erase(it);
}
double SortedBag::quantile(double q) const {
  if (v_.empty()) return kNaN;
  const double pos = q * static_cast<double>(v_.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v_.size() - 1);
  return v_[lo] + (pos - static_cast<double>(lo)) * (v_[hi] - v_[lo]);
}
size_t SortedBag::count_le(int64_t x) const {
  if (x >= INT32_MAX) return v_.size();
  if (x < INT32_MIN) return 0;
  return static_cast<size_t>(std::upper_bound(v_.begin(), v_.end(), static_cast<int32_t>(x)) - v_.begin());
}

const int32_t kResolveBinEdges[kResolveBins - 1] = {3600, 4 * 3600, 8 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400};
const int32_t kFrtBinEdges[kFrtBins - 1] = {300, 1800, 3600, 4 * 3600, 8 * 3600, 86400};
// The number of edges ≤ s (as upper_bound), without branches.
int resolve_bin(int32_t s) {
  int b = 0;
  for (int32_t e : kResolveBinEdges) b += s >= e;
  return b;
}
int frt_bin(int32_t s) {
  int b = 0;
  for (int32_t e : kFrtBinEdges) b += s >= e;
  return b;
}

// ---- the aggregator ------------------------------------------------------------------------------

void DashboardAggregator::prepare_filter() {
  // The filter as plain bytes, so the per-row test is a few compares (no optionals, strings).
  want_category_ = f_.category ? static_cast<int>(*f_.category) : -1;
  want_priority_ = f_.priority ? static_cast<int>(*f_.priority) : -1;
  want_tier_ = f_.tier ? static_cast<int>(*f_.tier) : -1;
  want_channel_ = f_.channel ? static_cast<int>(*f_.channel) : -1;
  want_agent_ = !f_.agent_id.empty();
  want_course_ = !f_.course_id.empty();
  narrowed_ = want_category_ >= 0 || want_priority_ >= 0 || want_tier_ >= 0 || want_channel_ >= 0 || want_agent_ || want_course_;
}

namespace {

// One row into (sign +1) or out of (−1) a period; `bulk`: values are pushed, sorted later.
// `times`: false leaves the frt and resolve bags to the caller (compute sorts them once for
// the period, its agents and tiers together).
void add_period(PeriodStats& p, const DashRow& r, int sign, bool bulk, bool times = true) {
  auto bag = [&](SortedBag& b, int32_t v) {
    if (sign > 0) bulk ? b.push(v) : b.insert(v);
    else b.erase(v);
  };
  p.tickets += sign;
  p.by_channel[r.channel] += sign;
  p.by_category[r.category] += sign;
  if (r.reopens > 0) p.reopened += sign;
  if (is_complaint(static_cast<Category>(r.category))) {
    p.complaints += sign;
    if (r.resolve_s >= 0) p.complaints_closed += sign;
  }
  if (r.frt_s >= 0) {
    if (times) bag(p.frt, r.frt_s);
    if (r.frt_target_s < 0 || r.frt_s <= r.frt_target_s) p.frt_met += sign;
    else p.frt_late += sign;
  } else if (r.frt_target_s >= 0 && r.open) {
    bag(p.frt_due, static_cast<int32_t>(std::min<int64_t>(r.created_s() + r.frt_target_s, INT32_MAX)));
  }
  if (r.resolve_s >= 0) {
    p.resolved += sign;
    if (times) bag(p.resolve, r.resolve_s);
    if (r.res_target_s < 0 || r.resolve_s <= r.res_target_s) p.res_met += sign;
    else p.res_late += sign;
  } else if (r.res_target_s >= 0 && r.open) {
    bag(p.res_due, static_cast<int32_t>(std::min<int64_t>(r.created_s() + r.res_target_s, INT32_MAX)));
  }
  if (r.csat > 0) {
    p.csat_n += sign;
    p.csat_sum += sign * r.csat;
    if (r.csat >= 4) p.csat_satisfied += sign;
  }
  if (r.nps >= 0) {
    p.nps_n += sign;
    if (r.nps >= 9) p.promoters += sign;
    else if (r.nps <= 6) p.detractors += sign;
  }
  if (r.refund) {
    p.refunds += sign;
    p.refund_fen += sign * r.refund_fen;
  }
}

void add_group(GroupStats& g, const DashRow& r, int sign, bool bulk, bool times = true) {
  auto bag = [&](SortedBag& b, int32_t v) {
    if (sign > 0) bulk ? b.push(v) : b.insert(v);
    else b.erase(v);
  };
  g.tickets += sign;
  if (r.reopens > 0) g.reopened += sign;
  if (r.frt_s >= 0) {
    g.answered += sign;
    if (times) bag(g.frt, r.frt_s);
    if (r.frt_target_s < 0 || r.frt_s <= r.frt_target_s) g.frt_met += sign;
  }
  if (r.resolve_s >= 0) {
    g.resolved += sign;
    if (times) bag(g.resolve, r.resolve_s);
  }
  if (r.csat > 0) {
    g.csat_n += sign;
    g.csat_sum += sign * r.csat;
  }
}

void finish_period(PeriodStats& p) {
  p.frt.finish();
  p.resolve.finish();
  p.frt_due.finish();
  p.res_due.finish();
}

}  // namespace

void DashboardAggregator::add(const DashboardColumns&, const DashRow& r, int sign) {
  if (!keeps(r)) return;
  const bool bulk = false;
  if (r.open) {
    if (sign > 0) backlog_created.insert(static_cast<int32_t>(std::min<int64_t>(r.created_s(), INT32_MAX)));
    else backlog_created.erase(static_cast<int32_t>(std::min<int64_t>(r.created_s(), INT32_MAX)));
  }
  const int32_t len = days();
  if (r.day >= from_ - kBaselineDays && r.day <= to_) {
    auto& v = course_category_days[r.course * 8 + r.category];
    if (v.empty()) v.assign(static_cast<size_t>(len + kBaselineDays), 0);
    v[static_cast<size_t>(r.day - (from_ - kBaselineDays))] += sign;
  }
  if (r.day >= from_ && r.day <= to_) {
    add_period(cur, r, sign, bulk);
    const size_t d = static_cast<size_t>(r.day - from_);
    day_channel[d][r.channel] += sign;
    day_category[d][r.category] += sign;
    hour_week[r.hour_week()] += sign;
    if (r.resolve_s >= 0) resolve_hist[static_cast<size_t>(resolve_bin(r.resolve_s))] += sign;
    if (r.frt_s >= 0) frt_hist[static_cast<size_t>(frt_bin(r.frt_s))] += sign;
    add_group(agents[r.agent], r, sign, bulk);
    add_group(tiers[r.tier], r, sign, bulk);
    CourseStats& c = courses[r.course];
    c.tickets += sign;
    if (is_complaint(static_cast<Category>(r.category))) c.complaints += sign;
    if (r.refund) {
      c.refunds += sign;
      c.refund_fen += sign * r.refund_fen;
      if (r.refund_reason < c.reasons.size()) c.reasons[r.refund_reason] += sign;
    }
    if (r.root_cause < c.root_causes.size() && (r.refund || is_complaint(static_cast<Category>(r.category))))
      c.root_causes[r.root_cause] += sign;
  } else if (r.day >= from_ - len && r.day < from_) {
    add_period(prev, r, sign, bulk);
    prev_day[static_cast<size_t>(r.day - (from_ - len))] += sign;
  }
}

void DashboardAggregator::compute(const DashboardColumns& c, const AnalyticsFilter& f) {
  *this = DashboardAggregator();
  f_ = f;
  prepare_filter();
  int32_t first = 0, last = -1;
  if (f.from_day == INT32_MIN || f.to_day == INT32_MAX) c.day_range(first, last);  // a pass: only when needed
  from_ = f.from_day == INT32_MIN ? first : f.from_day;
  to_ = f.to_day == INT32_MAX ? last : f.to_day;
  if (to_ < from_) to_ = from_;
  to_ = std::min(to_, from_ + 3660);  // ten years at most: the per-day arrays stay small
  if (!f.agent_id.empty()) {
    agent_code_ = c.agents().find(f.agent_id);
    agent_none_ = agent_code_ == StringDictionary::kNone;
  }
  if (!f.course_id.empty()) {
    course_code_ = c.courses().find(f.course_id);
    course_none_ = course_code_ == StringDictionary::kNone;
  }
  const int32_t len = days();
  day_channel.assign(static_cast<size_t>(len), {});
  prev_day.assign(static_cast<size_t>(len), 0);
  day_category.assign(static_cast<size_t>(len), {});
  // One pass. The hot loop tests the cheap byte filters first and pushes into bags unsorted.
  // Agents, courses and (course, category) series are gathered in arrays indexed by their
  // dictionary codes (a hash lookup per row cost more than the rest of the row) and moved into
  // the maps at the end; a code beyond the dictionaries (never, from DashboardColumns) goes to
  // the maps directly.
  const size_t n_agents = c.agents().size(), n_courses = c.courses().size();
  std::vector<GroupStats> agent_acc(n_agents);
  std::vector<CourseStats> course_acc(n_courses);
  std::vector<int32_t> series_slot(n_courses * 8, -1);  // course × 8 + category → index in series
  std::vector<std::vector<int32_t>> series;
  const size_t series_len = static_cast<size_t>(len + kBaselineDays);
  const int32_t base_from = from_ - kBaselineDays, prev_from = from_ - len;
  const int32_t lowest = std::min(base_from, prev_from);
  // The current period's first-response and resolve times go into one list each as
  // (seconds << 32 | agent << 3 | tier), sorted once, then dealt out in order to the period,
  // its agents and tiers: their bags come out sorted (instead of sorting each of them).
  constexpr uint64_t kNoAgent = (uint64_t{1} << 29) - 1;
  std::vector<uint64_t> frt_items, res_items;
  frt_items.reserve(c.size());  // address space only: pages are touched as items arrive
  res_items.reserve(c.size());
  auto item = [&](int32_t v, uint64_t agent, uint8_t tier) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(v)) << 32) | (agent << 3) | tier;
  };
  for (const DashRow& r : c.rows()) {
    if (!keeps(r)) continue;
    if (r.open) backlog_created.push(static_cast<int32_t>(std::min<int64_t>(r.created_s(), INT32_MAX)));
    if (r.day < lowest || r.day > to_) continue;
    if (r.day >= base_from) {
      const uint32_t key = r.course * 8 + r.category;
      if (r.course < n_courses) {
        int32_t& slot = series_slot[key];
        if (slot < 0) {
          slot = static_cast<int32_t>(series.size());
          series.emplace_back(series_len, 0);
        }
        ++series[static_cast<size_t>(slot)][static_cast<size_t>(r.day - base_from)];
      } else {
        auto& v = course_category_days[key];
        if (v.empty()) v.assign(series_len, 0);
        ++v[static_cast<size_t>(r.day - base_from)];
      }
    }
    if (r.day >= from_) {
      add_period(cur, r, 1, true, false);
      const bool dense = r.agent < n_agents && r.agent < kNoAgent && r.tier < tiers.size();
      const uint64_t who = dense ? r.agent : kNoAgent;
      if (r.frt_s >= 0) frt_items.push_back(item(r.frt_s, who, dense ? r.tier : 0));
      if (r.resolve_s >= 0) res_items.push_back(item(r.resolve_s, who, dense ? r.tier : 0));
      const size_t d = static_cast<size_t>(r.day - from_);
      ++day_channel[d][r.channel];
      ++day_category[d][r.category];
      ++hour_week[r.hour_week()];
      if (r.resolve_s >= 0) ++resolve_hist[static_cast<size_t>(resolve_bin(r.resolve_s))];
      if (r.frt_s >= 0) ++frt_hist[static_cast<size_t>(frt_bin(r.frt_s))];
      add_group(dense ? agent_acc[r.agent] : agents[r.agent], r, 1, true, !dense);
      add_group(tiers[r.tier], r, 1, true, !dense);
      CourseStats& cs = r.course < n_courses ? course_acc[r.course] : courses[r.course];
      ++cs.tickets;
      const bool complaint = is_complaint(static_cast<Category>(r.category));
      if (complaint) ++cs.complaints;
      if (r.refund) {
        ++cs.refunds;
        cs.refund_fen += r.refund_fen;
        if (r.refund_reason < cs.reasons.size()) ++cs.reasons[r.refund_reason];
      }
      if (r.root_cause < cs.root_causes.size() && (r.refund || complaint)) ++cs.root_causes[r.root_cause];
    } else if (r.day >= prev_from) {
      add_period(prev, r, 1, true);
      ++prev_day[static_cast<size_t>(r.day - prev_from)];
    }
  }
  radix_sort_high(frt_items);
  radix_sort_high(res_items);
  for (uint64_t x : frt_items) {
    const int32_t v = static_cast<int32_t>(x >> 32);
    const uint64_t who = (x >> 3) & kNoAgent;
    cur.frt.push(v);
    if (who == kNoAgent) continue;  // pushed by add_group
    agent_acc[who].frt.push(v);
    tiers[x & 7].frt.push(v);
  }
  for (uint64_t x : res_items) {
    const int32_t v = static_cast<int32_t>(x >> 32);
    const uint64_t who = (x >> 3) & kNoAgent;
    cur.resolve.push(v);
    if (who == kNoAgent) continue;
    agent_acc[who].resolve.push(v);
    tiers[x & 7].resolve.push(v);
  }
  // Into the maps: exactly the entries the rows touched, as a row-by-row fill would make them.
  for (size_t k = 0; k < n_agents; ++k)
    if (agent_acc[k].tickets > 0) agents.emplace(static_cast<uint32_t>(k), std::move(agent_acc[k]));
  for (size_t k = 0; k < n_courses; ++k)
    if (course_acc[k].tickets > 0) courses.emplace(static_cast<uint32_t>(k), course_acc[k]);
  for (size_t key = 0; key < series_slot.size(); ++key)
    if (series_slot[key] >= 0)
      course_category_days.emplace(static_cast<uint32_t>(key), std::move(series[static_cast<size_t>(series_slot[key])]));
  finish_period(cur);
  finish_period(prev);
  backlog_created.finish();
  for (auto& [code, g] : agents) {
    g.frt.finish();
    g.resolve.finish();
  }
  for (GroupStats& g : tiers) {
    g.frt.finish();
    g.resolve.finish();
  }
}

void DashboardAggregator::update(const DashboardColumns& c, const DashboardColumns::SyncResult& changes) {
  bool widens = false;
  // An open-ended range ("all days", or from a day on) ends at the table's last day (starts at
  // its first): a ticket on a new day widens the period, and every per-day array and the
  // previous period with it. That happens about once a day: recompute then.
  for (size_t i = 0; !widens && i < changes.changes.size(); ++i) {
    if (!changes.changes[i].added) continue;
    const int32_t d = c.row(changes.changes[i].row).day;
    widens = (f_.to_day == INT32_MAX && d > to_ && to_ < from_ + 3660) || (f_.from_day == INT32_MIN && d < from_);
  }
  if (changes.rebuilt || widens) {
    AnalyticsFilter f = f_;
    compute(c, f);
    return;
  }
  if (!f_.agent_id.empty() && agent_none_) {
    agent_code_ = c.agents().find(f_.agent_id);
    agent_none_ = agent_code_ == StringDictionary::kNone;
  }
  if (!f_.course_id.empty() && course_none_) {
    course_code_ = c.courses().find(f_.course_id);
    course_none_ = course_code_ == StringDictionary::kNone;
  }
  for (const DashboardColumns::Change& ch : changes.changes) {
    if (!ch.added) add(c, ch.before, -1);
    add(c, c.row(ch.row), +1);
  }
}

// ---- finished numbers ----------------------------------------------------------------------------

double compliance(const PeriodStats& p, bool first_response, Millis now) {
  const int64_t now_s = now / 1000;
  const int64_t met = first_response ? p.frt_met : p.res_met;
  const int64_t late = first_response ? p.frt_late : p.res_late;
  const int64_t overdue = static_cast<int64_t>((first_response ? p.frt_due : p.res_due).count_le(now_s));
  const int64_t n = met + late + overdue;
  return n > 0 ? static_cast<double>(met) / static_cast<double>(n) : kNaN;
}

DashboardKpis dashboard_kpis(const DashboardAggregator& a, Millis now) {
  DashboardKpis k;
  auto both = [&](Kpi& kpi, auto f) {
    kpi.cur = f(a.cur);
    kpi.prev = f(a.prev);
  };
  auto ratio = [](int64_t x, int64_t n) { return n > 0 ? static_cast<double>(x) / static_cast<double>(n) : kNaN; };
  both(k.tickets, [](const PeriodStats& p) { return static_cast<double>(p.tickets); });
  both(k.frt_median_s, [](const PeriodStats& p) { return p.frt.quantile(0.5); });
  both(k.frt_p90_s, [](const PeriodStats& p) { return p.frt.quantile(0.9); });
  both(k.resolve_median_s, [](const PeriodStats& p) { return p.resolve.quantile(0.5); });
  both(k.resolve_p90_s, [](const PeriodStats& p) { return p.resolve.quantile(0.9); });
  both(k.frt_compliance, [&](const PeriodStats& p) { return compliance(p, true, now); });
  both(k.res_compliance, [&](const PeriodStats& p) { return compliance(p, false, now); });
  both(k.resolution_rate, [&](const PeriodStats& p) { return ratio(p.resolved, p.tickets); });
  both(k.reopen_rate, [&](const PeriodStats& p) { return ratio(p.reopened, p.resolved); });
  both(k.complaint_closure, [&](const PeriodStats& p) { return ratio(p.complaints_closed, p.complaints); });
  both(k.csat_mean, [&](const PeriodStats& p) { return ratio(p.csat_sum, p.csat_n); });
  both(k.csat_satisfied, [&](const PeriodStats& p) { return ratio(p.csat_satisfied, p.csat_n); });
  both(k.nps, [&](const PeriodStats& p) {
    return p.nps_n > 0 ? 100.0 * static_cast<double>(p.promoters - p.detractors) / static_cast<double>(p.nps_n) : kNaN;
  });
  both(k.refunds, [](const PeriodStats& p) { return static_cast<double>(p.refunds); });
  both(k.refund_fen, [](const PeriodStats& p) { return static_cast<double>(p.refund_fen); });
  both(k.refund_rate, [&](const PeriodStats& p) { return ratio(p.refunds, p.tickets); });
  const std::vector<int32_t>& b = a.backlog_created.values();
  k.backlog = static_cast<int64_t>(b.size());
  const int64_t now_s = now / 1000;
  if (!b.empty()) k.backlog_median_age_s = static_cast<double>(now_s) - a.backlog_created.quantile(0.5);
  const int64_t edges[3] = {now_s - kDay, now_s - 3 * kDay, now_s - 7 * kDay};
  const size_t older7 = a.backlog_created.count_le(edges[2]);
  const size_t older3 = a.backlog_created.count_le(edges[1]);
  const size_t older1 = a.backlog_created.count_le(edges[0]);
  k.backlog_age = {static_cast<int64_t>(b.size() - older1), static_cast<int64_t>(older1 - older3),
                   static_cast<int64_t>(older3 - older7), static_cast<int64_t>(older7)};
  return k;
}

std::vector<HotSpot> dashboard_hot_spots(const DashboardAggregator& a) {
  std::vector<HotSpot> out;
  const int32_t base_from = a.from_day() - DashboardAggregator::kBaselineDays;
  for (const auto& [key, days] : a.course_category_days) {
    for (int32_t d = a.from_day(); d <= a.to_day(); ++d) {
      const size_t i = static_cast<size_t>(d - base_from);
      const int64_t n = days[i];
      if (n < kHotSpotMinTickets) continue;
      double sum = 0, sq = 0;
      const size_t w = DashboardAggregator::kBaselineDays;
      for (size_t j = i - w; j < i; ++j) {
        sum += days[j];
        sq += static_cast<double>(days[j]) * days[j];
      }
      const double mean = sum / w;
      const double sd = std::sqrt(std::max(0.0, (sq - w * mean * mean) / (w - 1)));
      const double threshold = mean + 3 * sd;
      if (static_cast<double>(n) <= threshold || static_cast<double>(n) < 2 * mean) continue;
      out.push_back({key / 8, static_cast<Category>(key % 8), d, n, mean, sd, threshold});
    }
  }
  std::sort(out.begin(), out.end(), [](const HotSpot& x, const HotSpot& y) {
    return std::tie(y.day, y.n, x.course, x.category) < std::tie(x.day, x.n, y.course, y.category);
  });
  return out;
}

std::vector<CourseRefunds> refund_concentration(const DashboardAggregator& a, double& average) {
  std::vector<CourseRefunds> out;
  int64_t tickets = 0, refunds = 0;
  for (const auto& [code, c] : a.courses) {
    if (c.tickets <= 0) continue;
    tickets += c.tickets;
    refunds += c.refunds;
  }
  average = tickets > 0 ? static_cast<double>(refunds) / static_cast<double>(tickets) : 0;
  for (const auto& [code, c] : a.courses) {
    if (c.tickets <= 0) continue;
    CourseRefunds r;
    r.course = code;
    r.tickets = c.tickets;
    r.refunds = c.refunds;
    r.refund_fen = c.refund_fen;
    r.rate = static_cast<double>(c.refunds) / static_cast<double>(c.tickets);
    r.ratio = average > 0 ? r.rate / average : 0;
    r.concentrated = r.ratio >= 1.5 && c.refunds >= 3;
    for (size_t i = 0; i < c.reasons.size(); ++i)
      if (c.reasons[i] > 0) r.reasons.push_back({static_cast<int>(i), c.reasons[i]});
    for (size_t i = 0; i < c.root_causes.size(); ++i)
      if (c.root_causes[i] > 0) r.root_causes.push_back({static_cast<int>(i), c.root_causes[i]});
    auto most = [](const std::pair<int, int64_t>& x, const std::pair<int, int64_t>& y) {
      return x.second != y.second ? x.second > y.second : x.first < y.first;
    };
    std::sort(r.reasons.begin(), r.reasons.end(), most);
    std::sort(r.root_causes.begin(), r.root_causes.end(), most);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const CourseRefunds& x, const CourseRefunds& y) {
    if (x.rate != y.rate) return x.rate > y.rate;
    if (x.refunds != y.refunds) return x.refunds > y.refunds;
    return x.course < y.course;
  });
  return out;
}

namespace {
GroupRow group_row(std::string key, const GroupStats& g) {
  GroupRow r;
  r.key = std::move(key);
  r.tickets = g.tickets;
  r.resolved = g.resolved;
  r.frt_median_s = g.frt.quantile(0.5);
  r.resolve_median_s = g.resolve.quantile(0.5);
  r.frt_compliance = g.answered > 0 ? static_cast<double>(g.frt_met) / static_cast<double>(g.answered) : kNaN;
  r.csat_n = g.csat_n;
  r.csat_mean = g.csat_n > 0 ? static_cast<double>(g.csat_sum) / static_cast<double>(g.csat_n) : kNaN;
  r.reopen_rate = g.resolved > 0 ? static_cast<double>(g.reopened) / static_cast<double>(g.resolved) : kNaN;
  return r;
}
}  // namespace

std::vector<GroupRow> agent_rows(const DashboardAggregator& a, const DashboardColumns& c) {
  std::vector<GroupRow> out;
  for (const auto& [code, g] : a.agents)
    if (g.tickets > 0) out.push_back(group_row(c.agents().value(code), g));
  std::sort(out.begin(), out.end(), [](const GroupRow& x, const GroupRow& y) {
    return x.tickets != y.tickets ? x.tickets > y.tickets : x.key < y.key;
  });
  return out;
}

std::vector<GroupRow> tier_rows(const DashboardAggregator& a) {
  std::vector<GroupRow> out;
  for (Role r : kRoles) {
    const GroupStats& g = a.tiers[static_cast<size_t>(r)];
    if (g.tickets > 0) out.push_back(group_row(to_id(r), g));
  }
  return out;
}

std::vector<size_t> dashboard_rows(const DashboardColumns& c, const AnalyticsFilter& f, const DashboardPick& p,
                                   size_t limit) {
  std::vector<size_t> out;
  const uint32_t agent = f.agent_id.empty() ? 0 : c.agents().find(f.agent_id);
  const uint32_t course = f.course_id.empty() ? 0 : c.courses().find(f.course_id);
  int32_t first = 0, last = -1;
  c.day_range(first, last);
  const int32_t from = f.from_day == INT32_MIN ? first : f.from_day, to = f.to_day == INT32_MAX ? last : f.to_day;
  for (size_t i = c.size(); i-- > 0;) {
    const DashRow& r = c.row(i);
    if (r.merged) continue;
    if (f.category && r.category != static_cast<uint8_t>(*f.category)) continue;
    if (f.priority && r.priority != static_cast<uint8_t>(*f.priority)) continue;
    if (f.tier && r.tier != static_cast<uint8_t>(*f.tier)) continue;
    if (f.channel && r.channel != static_cast<uint8_t>(*f.channel)) continue;
    if (!f.agent_id.empty() && r.agent != agent) continue;
    if (!f.course_id.empty() && r.course != course) continue;
    if (p.backlog) {
      if (!r.open) continue;
    } else if (r.day < from || r.day > to) {
      continue;
    }
    if (p.day != INT32_MIN && r.day != p.day) continue;
    if (p.channel >= 0 && r.channel != p.channel) continue;
    if (p.category >= 0 && r.category != p.category) continue;
    if (p.tier >= 0 && r.tier != p.tier) continue;
    if (p.hour_week >= 0 && r.hour_week() != p.hour_week) continue;
    if (p.resolve_bin >= 0 && (r.resolve_s < 0 || resolve_bin(r.resolve_s) != p.resolve_bin)) continue;
    if (p.frt_bin >= 0 && (r.frt_s < 0 || frt_bin(r.frt_s) != p.frt_bin)) continue;
    if (p.course >= 0 && r.course != static_cast<uint32_t>(p.course)) continue;
    if (p.agent >= 0 && r.agent != static_cast<uint32_t>(p.agent)) continue;
    if (p.refunded && !r.refund) continue;
    out.push_back(i);
  }
  // newest first (rows are in arrival order, which a sync can make differ from creation)
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) { return c.row(a).created_s() > c.row(b).created_s(); });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// ---- customers -----------------------------------------------------------------------------------

const char* to_id(AgeGroup v) {
  switch (v) {
    case AgeGroup::teen: return "teen";
    case AgeGroup::adult: return "adult";
    case AgeGroup::senior: return "senior";
    default: return "unknown";
  }
}
const char* to_id(Need v) {
  switch (v) {
    case Need::tutoring: return "tutoring";
    case Need::vocational: return "vocational";
    case Need::hobby: return "hobby";
    default: return "unknown";
  }
}
const char* to_id(SpendBand v) {
  switch (v) {
    case SpendBand::high: return "high";
    case SpendBand::mid: return "mid";
    default: return "low";
  }
}

Need course_need(const std::string& name) {
  auto has = [&](const char* w) { return name.find(w) != std::string::npos; };
  for (const char* w : {"钢琴", "吉他", "书法", "绘画", "美术", "摄影", "舞蹈", "声乐", "瑜伽", "烘焙", "兴趣", "启蒙"})
    if (has(w)) return Need::hobby;
  for (const char* w : {"考研", "公务员", "行测", "申论", "CPA", "会计", "PMP", "认证", "雅思", "托福", "N1", "N2",
                        "Python", "Java", "编程", "职业", "资格", "考证"})
    if (has(w)) return Need::vocational;
  for (const char* w : {"小学", "初中", "高中", "中考", "高考", "数学", "语文", "英语", "物理", "化学", "奥数", "同步"})
    if (has(w)) return Need::tutoring;
  return Need::unknown;
}

SpendBand spend_band(int64_t fen) {
  return fen >= 300000 ? SpendBand::high : fen >= 100000 ? SpendBand::mid : SpendBand::low;
}

CustomerInsights customer_insights(const State& s, Millis now) {
  CustomerInsights out;
  out.customers.resize(s.customers.size());
  std::unordered_map<std::string, size_t> at;
  for (size_t i = 0; i < s.customers.size(); ++i) {
    out.customers[i].customer_id = s.customers[i].id;
    at[s.customers[i].id] = i;
  }
  auto find = [&](const std::string& id) -> CustomerFacts* {
    auto it = at.find(id);
    return it == at.end() ? nullptr : &out.customers[it->second];
  };
  const Millis d90 = now - 90 * kDayMs;
  // orders: spending, the need of their most expensive course, attendance
  std::vector<int64_t> best_price(out.customers.size(), -1), lessons(out.customers.size(), 0),
      attended(out.customers.size(), 0);
  for (const Order& o : s.orders) {
    CustomerFacts* c = find(o.customer_id);
    if (!c) continue;
    const size_t i = static_cast<size_t>(c - out.customers.data());
    c->spent_fen += o.paid_fen;
    ++c->orders;
    const Course* course = s.course(o.course_id);
    if (course && o.paid_fen > best_price[i]) {
      best_price[i] = o.paid_fen;
      c->need = course_need(course->name);
    }
    if (o.paid_at < now - 30 * kDayMs && o.lessons_total >= 4) {
      lessons[i] += o.lessons_total;
      attended[i] += o.lessons_attended;
    }
  }
  for (const Ticket& t : s.tickets) {
    CustomerFacts* c = find(t.customer_id);
    if (!c || !t.merged_into.empty()) continue;
    ++c->tickets;
    if (is_complaint(t.category) && t.created_at >= d90) ++c->complaints_90d;
  }
  for (const Refund& r : s.refunds) {
    CustomerFacts* c = find(r.customer_id);
    if (c && r.status != RefundStatus::withdrawn && r.quoted_at >= d90) ++c->refunds_requested;
  }
  // surveys: CSAT answers, the questionnaire's age group and weekly study hours (by time)
  std::vector<std::vector<std::pair<Millis, double>>> hours(out.customers.size());
  std::vector<int64_t> csat_n(out.customers.size(), 0), csat_sum(out.customers.size(), 0);
  std::vector<Millis> csat_at(out.customers.size(), 0);
  for (const SurveyResponse& r : s.responses) {
    if (!r.current) continue;
    CustomerFacts* c = find(r.customer_id);
    if (!c) continue;
    const size_t i = static_cast<size_t>(c - out.customers.data());
    const nlohmann::json& a = r.answers;
    if (r.survey_id == "csat") {
      auto o = a.find("overall");
      if (o != a.end() && o->is_number_integer()) {
        ++csat_n[i];
        csat_sum[i] += o->get<int>();
        if (r.at >= csat_at[i]) {
          csat_at[i] = r.at;
          c->csat_last = o->get<int>();
        }
      }
    } else if (r.survey_id == "full") {
      auto g = a.find("age_group");
      if (g != a.end() && g->is_string()) {
        const std::string v = g->get<std::string>();
        c->age = v == "under_18" ? AgeGroup::teen : v == "45_plus" ? AgeGroup::senior : AgeGroup::adult;
      }
      auto h = a.find("hours");
      if (h != a.end() && h->is_number()) hours[i].push_back({r.at, h->get<double>()});
    }
  }
  // open win-back tasks by customer
  std::unordered_map<std::string, std::string> winback;
  for (const Task& t : s.tasks)
    if (t.kind == TaskKind::winback && !t.done && !t.cancelled && !t.customer_id.empty()) winback[t.customer_id] = t.id;
  for (size_t i = 0; i < out.customers.size(); ++i) {
    CustomerFacts& c = out.customers[i];
    const Customer& who = s.customers[i];
    if (c.age == AgeGroup::unknown && who.is_parent) c.age = AgeGroup::adult;  // a parent writes for a child
    c.band = spend_band(c.spent_fen);
    if (lessons[i] > 0) c.attendance = static_cast<double>(attended[i]) / static_cast<double>(lessons[i]);
    if (csat_n[i] > 0) c.csat_mean = static_cast<double>(csat_sum[i]) / static_cast<double>(csat_n[i]);
    auto& h = hours[i];
    std::sort(h.begin(), h.end());
    if (!h.empty()) c.study_hours = h.back().second;
    // the warning's reasons and weights
    if (c.complaints_90d >= 2) { c.risks.push_back("repeated_complaints"); c.risk_score += 3; }
    if (c.csat_last > 0 && c.csat_last <= 2) { c.risks.push_back("low_csat"); c.risk_score += 2; }
    if (c.refunds_requested > 0) { c.risks.push_back("refund_requested"); c.risk_score += 3; }
    if (h.size() >= 2 && h.back().second < 0.7 * h[h.size() - 2].second) {
      c.risks.push_back("study_time_falling");
      c.risk_score += 2;
    }
    if (c.attendance >= 0 && c.attendance < 0.3) { c.risks.push_back("low_attendance"); c.risk_score += 1; }
    auto w = winback.find(c.customer_id);
    if (w != winback.end()) c.winback_task = w->second;
    if (c.risk_score >= kChurnRiskScore) out.at_risk.push_back(i);
  }
  std::stable_sort(out.at_risk.begin(), out.at_risk.end(), [&](size_t x, size_t y) {
    return out.customers[x].risk_score > out.customers[y].risk_score;
  });
  // segments
  auto segment = [&](const char* dim, const char* value, auto member) {
    SegmentRow row;
    row.dimension = dim;
    row.value = value;
    double spent = 0, tickets = 0, hours_sum = 0, csat_sum_all = 0;
    int64_t hours_n = 0, csat_cust = 0, refunded = 0;
    for (size_t i = 0; i < out.customers.size(); ++i) {
      const CustomerFacts& c = out.customers[i];
      if (!member(c)) continue;
      ++row.customers;
      spent += static_cast<double>(c.spent_fen);
      tickets += static_cast<double>(c.tickets);
      if (c.study_hours >= 0) { hours_sum += c.study_hours; ++hours_n; }
      if (c.csat_mean >= 0) { csat_sum_all += c.csat_mean; ++csat_cust; }
      if (c.refunds_requested > 0) ++refunded;
      if (c.risk_score >= kChurnRiskScore) ++row.at_risk;
    }
    if (row.customers == 0) return;
    const double n = static_cast<double>(row.customers);
    row.spent_mean_fen = spent / n;
    row.tickets_per_customer = tickets / n;
    row.study_hours_mean = hours_n > 0 ? hours_sum / static_cast<double>(hours_n) : kNaN;
    row.csat_mean = csat_cust > 0 ? csat_sum_all / static_cast<double>(csat_cust) : kNaN;
    row.refund_rate = static_cast<double>(refunded) / n;
    out.segments.push_back(row);
  };
  for (AgeGroup g : {AgeGroup::teen, AgeGroup::adult, AgeGroup::senior, AgeGroup::unknown})
    segment("age", to_id(g), [g](const CustomerFacts& c) { return c.age == g; });
  for (Need g : {Need::tutoring, Need::vocational, Need::hobby, Need::unknown})
    segment("need", to_id(g), [g](const CustomerFacts& c) { return c.need == g; });
  for (SpendBand g : {SpendBand::high, SpendBand::mid, SpendBand::low})
    segment("spending", to_id(g), [g](const CustomerFacts& c) { return c.band == g; });
  return out;
}

}  // namespace edudesk
