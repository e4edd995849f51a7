#include "core/sla.h"

#include <algorithm>
#include <limits>

#include "core/fields.h"
#include "core/refund_policy.h"  // parse_iso8601 and format_local_zh: the desk's one calendar code
#include "core/utf8.h"

namespace edudesk {

namespace {

using nlohmann::json;

constexpr int64_t kWeekDays = 7;
constexpr int64_t kMaxDurationMs = 366 * kDayMs;
constexpr size_t kMaxDates = 2000;
constexpr int64_t kMaxDaysWalked = 1000000;  // a safety net; validated calendars need far fewer
// Instants beyond ±3000 years are treated as that far (no overflow in day arithmetic).
constexpr Millis kFar = 3000LL * 366 * kDayMs;
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max() / 16;

const char* const kWeekdayIds[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

Millis clamp_far(Millis t) { return std::min(std::max(t, -kFar), kFar); }

Millis saturating_add(Millis a, int64_t b) {
  if (b > 0 && a > kSlaNever - b) return kSlaNever;
  return a + b;
}

bool listed(const std::vector<SlaDate>& dates, int64_t d) {
  auto it = std::lower_bound(dates.begin(), dates.end(), d, [](SlaDate x, int64_t v) { return x < v; });
  return it != dates.end() && *it == d;
}

int weekday_of(int64_t d) { return static_cast<int>(((d + 3) % 7 + 7) % 7); }  // 1970-01-01 was a Thursday

SlaDayHours first_open_weekday(const SlaPolicy& p) {
  for (const SlaDayHours& h : p.hours)
    if (h.open) return h;
  return {};
}

// One clock's view of a policy: its calendar span and weekly hours, computed once per call.
// business = false: the wall clock. whole_days: a working day counts all its 24 hours.
struct Cal {
  const SlaPolicy& p;
  bool business;
  bool whole_days;
  int64_t off_ms;
  int64_t lo = 1, hi = 0;  // the dates the calendar lists; lo > hi when it lists none
  int64_t weekly_ms = 0;

  Cal(const SlaPolicy& policy, bool business_time, bool whole_working_days = false)
      : p(policy),
        business(business_time),
        whole_days(whole_working_days),
        off_ms(policy.utc_offset_minutes * kMinuteMs) {
    for (const auto* v : {&p.holidays, &p.makeup_days}) {
      if (v->empty()) continue;
      if (lo > hi) {
        lo = v->front();
        hi = v->back();
      } else {
        lo = std::min<int64_t>(lo, v->front());
        hi = std::max<int64_t>(hi, v->back());
      }
    }
    for (size_t wd = 0; wd < 7; ++wd) weekly_ms += open_ms(p.hours[wd]);
  }

  int64_t open_ms(const SlaDayHours& h) const {
    if (!h.open || h.close_minute <= h.open_minute) return 0;
    return whole_days ? kDayMs : (h.close_minute - h.open_minute) * kMinuteMs;
  }

  int64_t day_of(Millis t) const { return floor_div(t + off_ms, kDayMs); }

  SlaDayHours hours(int64_t d) const {
    const SlaDayHours& own = p.hours[static_cast<size_t>(weekday_of(d))];
    if (d >= lo && d <= hi) {
      if (listed(p.makeup_days, d)) return own.open ? own : first_open_weekday(p);
      if (listed(p.holidays, d)) return {};
    }
    return own;
  }

  // The open window of day d as UTC instants [ws, we); false when the day is closed.
  bool window(int64_t d, Millis& ws, Millis& we) const {
    const SlaDayHours h = hours(d);
    const int64_t length = open_ms(h);
    if (length == 0) return false;
    ws = d * kDayMs - off_ms + (whole_days ? 0 : h.open_minute * kMinuteMs);
    we = ws + length;
    return true;
  }

  // How many whole weeks starting at day d keep clear of every listed date (weekly_ms each).
  int64_t free_weeks(int64_t d) const {
    if (lo > hi || d > hi) return kNoLimit;
    if (d + 6 < lo) return (lo - d) / kWeekDays;
    return 0;
  }
};

int64_t between(const Cal& c, Millis from, Millis to) {
  if (to <= from) return 0;
  if (!c.business) {
    int64_t d = 0;
    return __builtin_sub_overflow(to, from, &d) ? std::numeric_limits<int64_t>::max() : d;
  }
  from = clamp_far(from);
  to = clamp_far(to);
  int64_t total = 0;
  const int64_t first = c.day_of(from), last = c.day_of(to);
  int64_t walked = 0;
  for (int64_t d = first; d <= last && walked < kMaxDaysWalked; ++walked) {
    if (d > first) {  // whole weeks strictly between the first and the last day
      const int64_t n = std::min((last - d) / kWeekDays, c.free_weeks(d));
      if (n > 0) {
        total += n * c.weekly_ms;
        d += n * kWeekDays;
        continue;
      }
    }
    Millis ws = 0, we = 0;
    if (c.window(d, ws, we)) {
      const Millis a = std::max(ws, from), b = std::min(we, to);
      if (b > a) total += b - a;
    }
    ++d;
  }
  return total;
}

Millis add(const Cal& c, Millis from, int64_t ms) {
  if (ms <= 0) return from;
  if (!c.business || from < -kFar || from > kFar) return saturating_add(from, ms);
  int64_t left = ms;
  int64_t d = c.day_of(from);
  for (int64_t walked = 0; walked < kMaxDaysWalked; ++walked) {
    if (walked > 0) {  // d starts a whole day: skip whole weeks clear of the calendar
      const int64_t free = c.free_weeks(d);
      if (free > 0) {
        if (c.weekly_ms == 0) {
          if (free == kNoLimit) return kSlaNever;  // no open weekday and no make-up day ahead
          d += free * kWeekDays;
        } else {
          const int64_t n = std::min(free, (left - 1) / c.weekly_ms);
          d += n * kWeekDays;
          left -= n * c.weekly_ms;
        }
      }
    }
    Millis ws = 0, we = 0;
    if (c.window(d, ws, we)) {
      const Millis start = std::max(ws, from);
      if (start < we) {
        if (left <= we - start) return start + left;
        left -= we - start;
      }
    }
    ++d;
  }
  return kSlaNever;
}

bool counts(Status s) { return s == Status::new_ || s == Status::open; }
bool stops(Status s) { return s == Status::resolved || s == Status::closed; }

// The resolution clock over the ticket's status history: it counts while new or open.
struct ResolutionClock {
  const Cal& cal;
  int64_t target;
  Millis run_start;
  int64_t consumed = 0;    // time counted before the run that began at run_start
  bool crossed = false;    // the target was passed inside a finished run
  Millis breach_due = 0;   // where it was passed

  void start(Millis at) { run_start = at; }
  void stop(Millis at) {
    const int64_t run = between(cal, run_start, at);
    if (!crossed && consumed + run >= target) {
      const Millis due = add(cal, run_start, target - consumed);
      if (due < at) {
        crossed = true;
        breach_due = due;
      }
    }
    consumed += run;
  }
};

// Time left until c.due on `cal` (negative when overdue), and whether the clock is "soon".
void finish_clock(const SlaPolicy& p, const Cal& cal, Millis now, SlaClock& c) {
  const bool open = c.state == SlaClockState::running || c.state == SlaClockState::paused || c.open_breach();
  if (open && c.due != 0) {
    if (c.due == kSlaNever) {
      c.left_business_ms = c.left_wall_ms = std::numeric_limits<int64_t>::max();
      return;
    }
    c.left_wall_ms = c.due - now;
    c.left_business_ms = c.due >= now ? between(cal, now, c.due) : -between(cal, c.due, now);
  }
  c.soon = c.state == SlaClockState::running &&
           (c.left_business_ms < p.soon_ms || c.left_business_ms * 100 < p.soon_percent * c.target_ms);
}

void stop_clock(SlaClock& c, Millis at) {
  c.stopped = true;
  c.stopped_at = at;
  c.state = at > c.due ? SlaClockState::breached : SlaClockState::met;
}

}  // namespace

// ---- the policy ---------------------------------------------------------------------------------

SlaPolicy::SlaPolicy() {
  const int64_t first_response[4] = {15 * kMinuteMs, kHourMs, 4 * kHourMs, 24 * kHourMs};
  const int64_t resolution[4] = {4 * kHourMs, 24 * kHourMs, 72 * kHourMs, 7 * 24 * kHourMs};
  for (Channel c : kChannels) {
    const size_t ci = static_cast<size_t>(c);
    const bool chat = c == Channel::chat;
    business_time[ci] = !chat;  // chat counts the wall clock
    for (size_t pi = 0; pi < 4; ++pi) targets[ci][pi] = {chat ? 30 * 1000 : first_response[pi], resolution[pi]};
  }
  for (SlaDayHours& h : hours) h = {true, 9 * 60, 22 * 60};
  escalation[static_cast<size_t>(SlaClockKind::first_response)] = {true, false};
  escalation[static_cast<size_t>(SlaClockKind::resolution)] = {true, true};
  escalation[static_cast<size_t>(SlaClockKind::update)] = {true, false};
  sla_set_cn_calendar(*this);
}

SlaPolicy sla_default_policy() { return SlaPolicy{}; }

SlaPolicy sla_weekdays_policy() {
  SlaPolicy p;
  p.name = "weekdays";
  for (size_t wd = 0; wd < 7; ++wd) p.hours[wd] = wd < 5 ? SlaDayHours{true, 9 * 60, 18 * 60} : SlaDayHours{};
  return p;
}

void sla_set_cn_calendar(SlaPolicy& p) {
  // 国务院办公厅关于2025年部分节假日安排的通知 (2024-11-12) and
  // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04). Every day of a span is a day off,
  // its weekend days included; the make-up days are the Saturdays and Sundays worked instead.
  static const char* const kHolidaySpans[][2] = {
      {"2025-01-01", "2025-01-01"},  // 元旦
      {"2025-01-28", "2025-02-04"},  // 春节
      {"2025-04-04", "2025-04-06"},  // 清明节
      {"2025-05-01", "2025-05-05"},  // 劳动节
      {"2025-05-31", "2025-06-02"},  // 端午节
      {"2025-10-01", "2025-10-08"},  // 国庆节、中秋节
      {"2026-01-01", "2026-01-03"},  // 元旦
      {"2026-02-15", "2026-02-23"},  // 春节
      {"2026-04-04", "2026-04-06"},  // 清明节
      {"2026-05-01", "2026-05-05"},  // 劳动节
      {"2026-06-19", "2026-06-21"},  // 端午节
      {"2026-09-25", "2026-09-27"},  // 中秋节
      {"2026-10-01", "2026-10-07"},  // 国庆节
  };
  static const char* const kMakeupDays[] = {
      "2025-01-26", "2025-02-08",  // 春节
      "2025-04-27",                // 劳动节
      "2025-09-28", "2025-10-11",  // 国庆节、中秋节
      "2026-01-04",                // 元旦
      "2026-02-14", "2026-02-28",  // 春节
      "2026-05-09",                // 劳动节
      "2026-09-20", "2026-10-10",  // 国庆节
  };
  p.holidays.clear();
  p.makeup_days.clear();
  for (const auto& span : kHolidaySpans) {
    SlaDate a = 0, b = 0;
    if (!sla_parse_date(span[0], a) || !sla_parse_date(span[1], b)) continue;
    for (SlaDate d = a; d <= b; ++d) p.holidays.push_back(d);
  }
  for (const char* s : kMakeupDays) {
    SlaDate d = 0;
    if (sla_parse_date(s, d)) p.makeup_days.push_back(d);
  }
}

const char* to_id(SlaClockKind k) {
  switch (k) {
    case SlaClockKind::first_response: return "first_response";
    case SlaClockKind::resolution: return "resolution";
    case SlaClockKind::update: return "update";
  }
  return "first_response";
}

const char* to_id(SlaClockState s) {
  switch (s) {
    case SlaClockState::inactive: return "inactive";
    case SlaClockState::running: return "running";
    case SlaClockState::paused: return "paused";
    case SlaClockState::met: return "met";
    case SlaClockState::breached: return "breached";
  }
  return "inactive";
}

const char* to_id(SlaUpdateClock c) {
  switch (c) {
    case SlaUpdateClock::wall: return "wall";
    case SlaUpdateClock::working_days: return "working_days";
    case SlaUpdateClock::business: return "business";
  }
  return "working_days";
}

std::optional<SlaClockKind> parse_sla_clock_kind(std::string_view s) { return parse_id(kSlaClockKinds, s); }

std::optional<SlaUpdateClock> parse_sla_update_clock(std::string_view s) { return parse_id(kSlaUpdateClocks, s); }

// ---- the calendar --------------------------------------------------------------------------

bool sla_parse_date(std::string_view s, SlaDate& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int64_t ms = 0;
  if (!parse_iso8601(s, 0, ms)) return false;  // checks the digits and the day of the month
  out = static_cast<SlaDate>(ms / kDayMs);
  return true;
}

std::string sla_format_date(SlaDate d) {
  // format_local_zh writes "2026年2月14日 00:00"; its first three numbers are the date.
  const std::string zh = format_local_zh(static_cast<int64_t>(d) * kDayMs, 0);
  int64_t part[3] = {0, 0, 0};
  size_t k = 0;
  bool in_number = false;
  for (char ch : zh) {
    if (ch >= '0' && ch <= '9') {
      if (k < 3) part[k] = part[k] * 10 + (ch - '0');
      in_number = true;
    } else if (in_number) {
      ++k;
      in_number = false;
    }
  }
  auto padded = [](int64_t v, size_t width) {
    std::string s = std::to_string(v);
    return std::string(s.size() < width ? width - s.size() : 0, '0') + s;
  };
  return padded(part[0], 4) + "-" + padded(part[1], 2) + "-" + padded(part[2], 2);
}

int sla_weekday(SlaDate d) { return weekday_of(d); }

SlaDate sla_local_date(const SlaPolicy& p, Millis at) {
  return static_cast<SlaDate>(Cal(p, true).day_of(clamp_far(at)));
}

bool sla_is_working_day(const SlaPolicy& p, SlaDate d) { return sla_day_hours(p, d).open; }

SlaDayHours sla_day_hours(const SlaPolicy& p, SlaDate d) { return Cal(p, true).hours(d); }

// ---- business-time arithmetic -----------------------------------------------------------------

int64_t business_ms_between(const SlaPolicy& p, Channel c, Millis from, Millis to) {
  return between(Cal(p, p.counts_business_time(c)), from, to);
}

Millis add_business_ms(const SlaPolicy& p, Channel c, Millis from, int64_t ms) {
  return add(Cal(p, p.counts_business_time(c)), from, ms);
}

// ---- the clocks of a ticket -------------------------------------------------------------------

TicketSla compute_sla(const SlaPolicy& p, const Ticket& t, Millis now) {
  const bool business = p.counts_business_time(t.channel);
  const Cal cal(p, business);
  const Cal ucal(p, business && p.update_clock != SlaUpdateClock::wall, p.update_clock == SlaUpdateClock::working_days);
  const SlaTarget& target = p.target(t.channel, t.priority);
  const Millis created = t.created_at;
  if (now < created) now = created;  // asked before the ticket existed: as at its creation

  // Replay the status history the way the fold does (state.cpp, fold_entry), with each
  // entry's time kept non-decreasing and inside [created, now].
  Status st = Status::new_;
  Millis at = created;
  bool replied = false, ever_stopped = false;
  Millis first_reply = 0, last_reply = 0, first_stop = 0, stop_at = 0;
  Millis resumed = created;  // the last time the ticket became new/open again
  ResolutionClock res{cal, target.resolution_ms, created};
  auto move = [&](Status next) {
    if (next == st) return;
    if (counts(st) && !counts(next)) res.stop(at);
    if (!counts(st) && counts(next)) {
      res.start(at);
      resumed = at;
    }
    if (stops(next)) {
      stop_at = at;
      if (!ever_stopped) first_stop = at;
      ever_stopped = true;
    }
    st = next;
  };
  for (const TimelineEntry& e : t.timeline) {
    at = std::min(std::max(at, e.at), now);
    switch (e.kind) {
      case EntryKind::customer_message:
        if (e.id != t.origin_op && (st == Status::pending || stops(st))) move(Status::open);
        break;
      case EntryKind::reply:
        if (!replied) first_reply = at;
        replied = true;
        last_reply = at;
        if (st == Status::new_) move(Status::open);
        break;
      case EntryKind::status_change:
        if (e.conflict == Conflict::none) move(e.status_to);
        break;
      case EntryKind::note:
      case EntryKind::field_change:
        break;
    }
  }
  move(t.status);  // the fold has the last word on where the ticket stands

  TicketSla out;
  out.first_responded_at = replied ? first_reply : 0;

  // First response: not paused by pending; a reply, or a resolve/close without one, stops it.
  SlaClock& fr = out.first_response;
  fr.started_at = created;
  fr.target_ms = target.first_response_ms;
  fr.due = add(cal, created, target.first_response_ms);
  if (replied || ever_stopped) {
    stop_clock(fr, replied && (!ever_stopped || first_reply <= first_stop) ? first_reply : first_stop);
  } else {
    fr.state = now > fr.due ? SlaClockState::breached : SlaClockState::running;
  }

  // Resolution: counts while new or open.
  SlaClock& rs = out.resolution;
  rs.started_at = created;
  rs.target_ms = target.resolution_ms;
  if (counts(st)) {
    rs.due = res.crossed ? res.breach_due : add(cal, res.run_start, target.resolution_ms - res.consumed);
    rs.state = now > rs.due ? SlaClockState::breached : SlaClockState::running;
  } else if (st == Status::pending) {
    rs.due = res.crossed ? res.breach_due : add(cal, now, target.resolution_ms - res.consumed);
    rs.state = res.crossed ? SlaClockState::breached : SlaClockState::paused;
  } else {
    rs.due = res.crossed ? res.breach_due : add(cal, stop_at, target.resolution_ms - res.consumed);
    rs.stopped = true;
    rs.stopped_at = stop_at;
    rs.state = res.crossed ? SlaClockState::breached : SlaClockState::met;
  }

  // Update: once the ticket is old enough, while new or open.
  SlaClock& up = out.update;
  up.target_ms = p.update_interval_ms;
  const Millis applies_at = add(ucal, created, p.update_after_ms);
  if (now >= applies_at) {
    if (counts(st)) {
      up.started_at = std::max(resumed, replied ? last_reply : created);
      up.due = std::max(add(ucal, up.started_at, p.update_interval_ms), applies_at);
      up.state = now > up.due ? SlaClockState::breached : SlaClockState::running;
    } else if (st == Status::pending) {
      up.state = SlaClockState::paused;
    }
  }

  finish_clock(p, cal, now, fr);
  finish_clock(p, cal, now, rs);
  finish_clock(p, ucal, now, up);
  for (const SlaClock* c : {&fr, &rs, &up}) {
    if (c->open_breach()) out.breached = true;
    if (c->soon) out.breaching_soon = true;
    if ((c->state == SlaClockState::running || c->open_breach()) && c->due != 0 &&
        (out.next_due == 0 || c->due < out.next_due))
      out.next_due = c->due;
  }
  if (out.breached) out.breaching_soon = false;
  return out;
}

// ---- escalation -------------------------------------------------------------------------------

std::string sla_breach_key(const std::string& ticket_id, SlaClockKind k, Millis started_at) {
  return ticket_id + "/" + to_id(k) + "/" + std::to_string(started_at);
}

std::vector<SlaBreach> sla_breaches(const SlaPolicy& p, const Ticket& t, Millis now) {
  const TicketSla sla = compute_sla(p, t, now);
  std::vector<SlaBreach> out;
  for (SlaClockKind k : kSlaClockKinds) {
    const SlaClock& c = sla.clock(k);
    if (!c.open_breach()) continue;
    const SlaEscalation& action = p.on_breach(k);
    SlaBreach b;
    b.kind = k;
    b.due = c.due;
    b.started_at = c.started_at;
    b.overdue_ms = std::max(now, t.created_at) - c.due;
    b.overdue_business_ms = -c.left_business_ms;
    b.key = sla_breach_key(t.id, k, c.started_at);
    b.notify_supervisor = action.notify_supervisor;
    b.raise_priority = action.raise_priority && t.priority != Priority::P1;
    b.raise_to = b.raise_priority ? static_cast<Priority>(static_cast<int>(t.priority) - 1) : t.priority;
    out.push_back(std::move(b));
  }
  return out;
}

// ---- JSON -----------------------------------------------------------------------------------

namespace {

bool fail(std::string& err, const std::string& path, const std::string& reason) {
  err = path + ": " + reason;
  return false;
}

std::string hhmm(int32_t minutes) {
  const int32_t h = minutes / 60, m = minutes % 60;
  std::string s;
  s += static_cast<char>('0' + h / 10);
  s += static_cast<char>('0' + h % 10);
  s += ':';
  s += static_cast<char>('0' + m / 10);
  s += static_cast<char>('0' + m % 10);
  return s;
}

bool parse_hhmm(const std::string& s, int32_t& out) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return false;
  const int32_t h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
  out = h * 60 + m;
  return true;
}

// A quoted value for an error message, cut short.
std::string quoted(const std::string& s) {
  if (!is_valid_utf8(s)) return "a value";
  std::string cut;
  size_t i = 0;
  for (int k = 0; k < 24 && i < s.size(); ++k) {
    const size_t start = i;
    next_codepoint(s, i);
    cut.append(s, start, i - start);
  }
  return "'" + cut + (i < s.size() ? "…'" : "'");
}

json dates_json(const std::vector<SlaDate>& dates) {
  json a = json::array();
  for (SlaDate d : dates) a.push_back(sla_format_date(d));
  return a;
}

// Calls read(id, value, path) for each member of `obj` (an object at `path`) whose name
// `parse` knows; a name it does not know is an error naming the member.
template <typename Parse, typename Read>
bool each_member(const json& obj, const std::string& path, Parse parse, const char* expected, Read read,
                 std::string& err) {
  if (!obj.is_object()) return fail(err, path, "must be an object");
  for (const auto& item : obj.items()) {
    const std::string at = path + "." + (is_valid_utf8(item.key()) ? item.key() : std::string("?"));
    const auto id = parse(item.key());
    if (!id) return fail(err, at, std::string("is not ") + expected);
    if (!read(*id, item.value(), at)) return false;
  }
  return true;
}

// each_member over in[key]; absent or null changes nothing.
template <typename Parse, typename Read>
bool each_member_at(const json& in, const char* key, Parse parse, const char* expected, Read read, std::string& err) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return true;
  return each_member(*it, key, parse, expected, read, err);
}

std::optional<size_t> parse_weekday(std::string_view s) {
  for (size_t wd = 0; wd < 7; ++wd)
    if (s == kWeekdayIds[wd]) return wd;
  return std::nullopt;
}

constexpr const char* kChannelList = "a channel (chat, phone, email, web_form, social, forum)";

bool int_at(const json& o, const char* key, const std::string& path, int64_t& out, std::string& err) {
  Error e;
  if (!read_int(o, key, out, e, false)) return fail(err, path + key, "must be an integer");
  return true;
}

bool bool_at(const json& o, const char* key, const std::string& path, bool& out, std::string& err) {
  Error e;
  if (!read_bool(o, key, out, e)) return fail(err, path + key, "must be true or false");
  return true;
}

bool read_dates(const json& o, const char* key, std::vector<SlaDate>& out, std::string& err) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return true;
  if (!it->is_array()) return fail(err, key, "must be a list of dates YYYY-MM-DD");
  if (it->size() > kMaxDates)
    return fail(err, key, "has " + std::to_string(it->size()) + " dates; at most " + std::to_string(kMaxDates));
  std::vector<SlaDate> dates;
  dates.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    SlaDate d = 0;
    if (!v.is_string()) return fail(err, path, "must be a date YYYY-MM-DD");
    if (!sla_parse_date(v.get_ref<const std::string&>(), d))
      return fail(err, path, quoted(v.get_ref<const std::string&>()) + " is not a date YYYY-MM-DD");
    dates.push_back(d);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  out = std::move(dates);
  return true;
}

bool read_hours(const json& in, SlaPolicy& p, std::string& err) {
  auto read = [&](size_t wd, const json& v, const std::string& path) {
    if (v.is_null()) {
      p.hours[wd] = {};  // closed all day
      return true;
    }
    if (!v.is_object()) return fail(err, path, "must be {\"open\": \"09:00\", \"close\": \"22:00\"} or null (closed)");
    SlaDayHours h{true, 0, 0};
    for (int32_t* minutes : {&h.open_minute, &h.close_minute}) {
      const char* end = minutes == &h.open_minute ? "open" : "close";
      auto t = v.find(end);
      if (t == v.end() || t->is_null()) return fail(err, path + "." + end, "is required");
      if (!t->is_string() || !parse_hhmm(t->get_ref<const std::string&>(), *minutes))
        return fail(err, path + "." + end, "must be a time HH:MM from 00:00 to 24:00");
    }
    p.hours[wd] = h;
    return true;
  };
  return each_member_at(in, "hours", parse_weekday, "a weekday (mon, tue, wed, thu, fri, sat, sun)", read, err);
}

bool read_targets(const json& in, SlaPolicy& p, std::string& err) {
  auto read_channel = [&](Channel c, const json& per, const std::string& path) {
    auto read_priority = [&](Priority pr, const json& v, const std::string& at) {
      if (!v.is_object()) return fail(err, at, "must be an object");
      SlaTarget& t = p.targets[static_cast<size_t>(c)][static_cast<size_t>(pr)];
      return int_at(v, "first_response_ms", at + ".", t.first_response_ms, err) &&
             int_at(v, "resolution_ms", at + ".", t.resolution_ms, err);
    };
    return each_member(per, path, parse_priority, "a priority (P1, P2, P3, P4)", read_priority, err);
  };
  return each_member_at(in, "targets", parse_channel, kChannelList, read_channel, err);
}

bool read_business_time(const json& in, SlaPolicy& p, std::string& err) {
  auto read = [&](Channel c, const json& v, const std::string& path) {
    if (!v.is_boolean()) return fail(err, path, "must be true (business hours) or false (wall clock)");
    p.business_time[static_cast<size_t>(c)] = v.get<bool>();
    return true;
  };
  return each_member_at(in, "business_time", parse_channel, kChannelList, read, err);
}

bool read_escalation(const json& in, SlaPolicy& p, std::string& err) {
  auto read = [&](SlaClockKind k, const json& v, const std::string& path) {
    if (!v.is_object()) return fail(err, path, "must be an object");
    SlaEscalation& e = p.escalation[static_cast<size_t>(k)];
    return bool_at(v, "notify_supervisor", path + ".", e.notify_supervisor, err) &&
           bool_at(v, "raise_priority", path + ".", e.raise_priority, err);
  };
  return each_member_at(in, "escalation", parse_sla_clock_kind, "a clock (first_response, resolution, update)", read,
                        err);
}

bool read_update_clock(const json& o, SlaPolicy& p, std::string& err) {
  auto it = o.find("update_clock");
  if (it == o.end() || it->is_null()) return true;
  auto clock = it->is_string() ? parse_sla_update_clock(it->get_ref<const std::string&>()) : std::nullopt;
  if (!clock) return fail(err, "update_clock", "must be one of wall, working_days, business");
  p.update_clock = *clock;
  return true;
}

bool check_range(int64_t v, int64_t lo, int64_t hi, const std::string& path, std::string& err) {
  if (v >= lo && v <= hi) return true;
  return fail(err, path,
              "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " + std::to_string(v) +
                  ")");
}

bool check_dates(const std::vector<SlaDate>& dates, const char* key, std::string& err) {
  SlaDate first = 0, last = 0;
  sla_parse_date("2000-01-01", first);
  sla_parse_date("2199-12-31", last);
  if (dates.size() > kMaxDates)
    return fail(err, key, "has " + std::to_string(dates.size()) + " dates; at most " + std::to_string(kMaxDates));
  for (size_t i = 0; i < dates.size(); ++i) {
    const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    if (dates[i] < first || dates[i] > last)
      return fail(err, path, sla_format_date(dates[i]) + " is outside 2000-01-01 … 2199-12-31");
    if (i > 0 && dates[i] <= dates[i - 1])
      return fail(err, path, "dates must be sorted and listed once (" + sla_format_date(dates[i]) + ")");
  }
  return true;
}

}  // namespace

json sla_policy_to_json(const SlaPolicy& p) {
  json targets = json::object(), business = json::object(), hours = json::object(), esc = json::object();
  for (Channel c : kChannels) {
    json per = json::object();
    for (Priority pr : kPriorities) {
      const SlaTarget& t = p.target(c, pr);
      per[to_id(pr)] = {{"first_response_ms", t.first_response_ms}, {"resolution_ms", t.resolution_ms}};
    }
    targets[to_id(c)] = std::move(per);
    business[to_id(c)] = p.counts_business_time(c);
  }
  for (size_t wd = 0; wd < 7; ++wd) {
    const SlaDayHours& h = p.hours[wd];
    hours[kWeekdayIds[wd]] = h.open ? json{{"open", hhmm(h.open_minute)}, {"close", hhmm(h.close_minute)}} : json();
  }
  for (SlaClockKind k : kSlaClockKinds)
    esc[to_id(k)] = {{"notify_supervisor", p.on_breach(k).notify_supervisor},
                     {"raise_priority", p.on_breach(k).raise_priority}};
  return {{"name", p.name},
          {"utc_offset_minutes", p.utc_offset_minutes},
          {"targets", std::move(targets)},
          {"business_time", std::move(business)},
          {"hours", std::move(hours)},
          {"holidays", dates_json(p.holidays)},
          {"makeup_days", dates_json(p.makeup_days)},
          {"update_interval_ms", p.update_interval_ms},
          {"update_after_ms", p.update_after_ms},
          {"update_clock", to_id(p.update_clock)},
          {"soon_percent", p.soon_percent},
          {"soon_ms", p.soon_ms},
          {"escalation", std::move(esc)}};
}

bool sla_policy_from_json(const json& in, SlaPolicy& out, std::string& err) {
  if (!in.is_object()) return fail(err, "policy", "must be a JSON object");
  SlaPolicy p = out;
  Error e;
  if (!read_string(in, "name", p.name, e, limits::name, false)) return fail(err, "name", e.message);
  if (p.name.empty()) p.name = out.name;
  if (!int_at(in, "utc_offset_minutes", "", p.utc_offset_minutes, err) || !read_targets(in, p, err) ||
      !read_business_time(in, p, err) || !read_hours(in, p, err) ||
      !read_dates(in, "holidays", p.holidays, err) || !read_dates(in, "makeup_days", p.makeup_days, err) ||
      !int_at(in, "update_interval_ms", "", p.update_interval_ms, err) ||
      !int_at(in, "update_after_ms", "", p.update_after_ms, err) ||
      !read_update_clock(in, p, err) ||
      !int_at(in, "soon_percent", "", p.soon_percent, err) || !int_at(in, "soon_ms", "", p.soon_ms, err) ||
      !read_escalation(in, p, err) || !sla_policy_validate(p, err))
    return false;
  out = std::move(p);
  return true;
}

bool sla_policy_validate(const SlaPolicy& p, std::string& err) {
  if (!is_valid_utf8(p.name)) return fail(err, "name", "is not valid UTF-8 text");
  if (utf8_length(p.name) > limits::name)
    return fail(err, "name", "has more than " + std::to_string(limits::name) + " characters");
  if (!check_range(p.utc_offset_minutes, -12 * 60, 14 * 60, "utc_offset_minutes", err)) return false;
  for (Channel c : kChannels)
    for (Priority pr : kPriorities) {
      const std::string path = std::string("targets.") + to_id(c) + "." + to_id(pr) + ".";
      const SlaTarget& t = p.target(c, pr);
      if (!check_range(t.first_response_ms, 1, kMaxDurationMs, path + "first_response_ms", err) ||
          !check_range(t.resolution_ms, 1, kMaxDurationMs, path + "resolution_ms", err))
        return false;
    }
  bool any_open = false;
  for (size_t wd = 0; wd < 7; ++wd) {
    const SlaDayHours& h = p.hours[wd];
    if (!h.open) continue;
    any_open = true;
    const std::string path = std::string("hours.") + kWeekdayIds[wd];
    if (!check_range(h.open_minute, 0, 24 * 60, path + ".open", err) ||
        !check_range(h.close_minute, 0, 24 * 60, path + ".close", err))
      return false;
    if (h.open_minute >= h.close_minute)
      return fail(err, path + ".close", hhmm(h.close_minute) + " must be after the opening " + hhmm(h.open_minute));
  }
  if (!any_open) return fail(err, "hours", "at least one weekday must be open");
  if (!check_dates(p.holidays, "holidays", err) || !check_dates(p.makeup_days, "makeup_days", err)) return false;
  for (size_t i = 0; i < p.makeup_days.size(); ++i)
    if (listed(p.holidays, p.makeup_days[i]))
      return fail(err, "makeup_days[" + std::to_string(i) + "]",
                  sla_format_date(p.makeup_days[i]) + " is also a holiday; a date is one or the other");
  return check_range(p.update_interval_ms, 1, kMaxDurationMs, "update_interval_ms", err) &&
         check_range(p.update_after_ms, 0, kMaxDurationMs, "update_after_ms", err) &&
         check_range(p.soon_percent, 0, 100, "soon_percent", err) &&
         check_range(p.soon_ms, 0, kMaxDurationMs, "soon_ms", err);
}

}  // namespace edudesk
