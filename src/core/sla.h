#pragma once
// SLA clocks: per channel × priority targets, business hours with a holiday calendar
// (public holidays and the make-up working days, 调休, that China moves onto weekends),
// the three clocks of a ticket (first response, resolution, customer update) and the
// escalation rule. Pure: "now" is always a parameter, so every replica and every test
// computes the same dues from the same ticket. The rules are written out in docs/SLA.md.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/model.h"

namespace edudesk {

// A local calendar date: days since 1970-01-01 (the date in the policy's UTC offset).
using SlaDate = int32_t;

// An instant that never comes (a due no business time can reach).
constexpr Millis kSlaNever = INT64_MAX;

struct SlaTarget {
  int64_t first_response_ms = 0;
  int64_t resolution_ms = 0;
};

// Opening hours of one day, minutes after local midnight: open during [open, close).
struct SlaDayHours {
  bool open = false;
  int32_t open_minute = 0;
  int32_t close_minute = 0;  // up to 24 * 60
};

enum class SlaClockKind { first_response, resolution, update };
// How the update rule counts its 24 h: wall = every hour; working_days = every hour of a
// working day (days off do not count: "once a working day"); business = opening hours only.
enum class SlaUpdateClock { wall, working_days, business };
constexpr SlaUpdateClock kSlaUpdateClocks[] = {SlaUpdateClock::wall, SlaUpdateClock::working_days,
                                               SlaUpdateClock::business};
enum class SlaClockState { inactive, running, paused, met, breached };

constexpr SlaClockKind kSlaClockKinds[] = {SlaClockKind::first_response, SlaClockKind::resolution,
                                           SlaClockKind::update};

// What a breach of one clock sets off (another rule turns it into Ops).
struct SlaEscalation {
  bool notify_supervisor = true;
  bool raise_priority = false;  // one step: P4 → P3 → P2 → P1
};

struct SlaPolicy {
  std::string name = "default";
  // [channel][priority], indexed by the enums' order (kChannels, kPriorities)
  std::array<std::array<SlaTarget, 4>, 6> targets{};
  // per channel: true = business hours count, false = wall-clock time (chat by default)
  std::array<bool, 6> business_time{};
  // Monday = 0 … Sunday = 6
  std::array<SlaDayHours, 7> hours{};
  int64_t utc_offset_minutes = 8 * 60;  // a fixed offset: no daylight saving time
  // sorted, no duplicates, no date in both (sla_policy_validate checks it)
  std::vector<SlaDate> holidays;     // days off, whatever their weekday
  std::vector<SlaDate> makeup_days;  // 调休: working days, whatever their weekday
  // The mid-tier rule: once a ticket is update_after_ms old, the next customer-visible
  // reply is due update_interval_ms after the last one (or after creation), both counted on
  // update_clock (channels on the wall clock always count the wall clock).
  int64_t update_interval_ms = 24 * 3600000LL;
  int64_t update_after_ms = 24 * 3600000LL;
  SlaUpdateClock update_clock = SlaUpdateClock::working_days;
  // A running clock is "breaching soon" when the time left is below soon_percent % of its
  // target, or below soon_ms.
  int64_t soon_percent = 20;
  int64_t soon_ms = 3600000;
  // by SlaClockKind
  std::array<SlaEscalation, 3> escalation{};

  SlaPolicy();  // the product default: see sla_default_policy()

  const SlaTarget& target(Channel c, Priority p) const {
    return targets[static_cast<size_t>(c)][static_cast<size_t>(p)];
  }
  bool counts_business_time(Channel c) const { return business_time[static_cast<size_t>(c)]; }
  const SlaEscalation& on_breach(SlaClockKind k) const { return escalation[static_cast<size_t>(k)]; }
};

// The product default (== SlaPolicy{}): chat first response 30 s on the wall clock; other
// channels first response P1 15 min, P2 1 h, P3 4 h, P4 24 h; resolution P1 4 h, P2 24 h,
// P3 72 h, P4 7 days (all channels); business hours 09:00–22:00 every day in UTC+8; the PRC
// holiday calendar of 2025 and 2026; an update every 24 h of working days once a ticket is
// 24 h (of working days) old.
SlaPolicy sla_default_policy();
// The same with business hours 09:00–18:00 Monday to Friday (name "weekdays"): the make-up
// Saturdays and Sundays of the calendar become working days.
SlaPolicy sla_weekdays_policy();
// The PRC public holidays and make-up working days of 2025 and 2026 (State Council notices).
void sla_set_cn_calendar(SlaPolicy& p);

const char* to_id(SlaClockKind k);
const char* to_id(SlaClockState s);
const char* to_id(SlaUpdateClock c);
std::optional<SlaClockKind> parse_sla_clock_kind(std::string_view s);
std::optional<SlaUpdateClock> parse_sla_update_clock(std::string_view s);

// ---- the calendar --------------------------------------------------------------------------

// "2026-02-14" ↔ SlaDate. Only that exact form; false for anything else.
bool sla_parse_date(std::string_view s, SlaDate& out);
std::string sla_format_date(SlaDate d);
int sla_weekday(SlaDate d);                              // Monday = 0 … Sunday = 6
SlaDate sla_local_date(const SlaPolicy& p, Millis at);   // the local date of an instant
// A make-up day works; else a holiday does not; else its weekday decides.
bool sla_is_working_day(const SlaPolicy& p, SlaDate d);
// The hours of a date: closed on days off; a make-up day whose weekday is closed takes the
// hours of the first open weekday (Monday first).
SlaDayHours sla_day_hours(const SlaPolicy& p, SlaDate d);

// ---- business-time arithmetic (O(days spanned); whole weeks outside the calendar in O(1)) ----

// The time in [from, to) the channel's clock counts (0 when to ≤ from).
int64_t business_ms_between(const SlaPolicy& p, Channel c, Millis from, Millis to);
// The first instant at which `ms` of the channel's time have passed since `from`; a due that
// uses up a day's hours exactly is that day's closing time. ms ≤ 0: `from`. kSlaNever if no
// business time is ever reached. Wall-clock channels just add (saturating).
Millis add_business_ms(const SlaPolicy& p, Channel c, Millis from, int64_t ms);

// ---- the clocks of a ticket -------------------------------------------------------------------

struct SlaClock {
  SlaClockState state = SlaClockState::inactive;
  Millis started_at = 0;  // when this clock (this update period) started: the escalation key
  Millis due = 0;         // 0 when inactive or (update clock) paused
  bool stopped = false;   // met, or breached late, by a stop (reply, resolve, close)
  Millis stopped_at = 0;  // when it stopped
  int64_t target_ms = 0;
  // until due (negative: overdue), on the channel's clock and on the wall; 0 when met/inactive
  int64_t left_business_ms = 0;
  int64_t left_wall_ms = 0;
  bool soon = false;  // running and below the policy's "breaching soon" threshold

  bool open_breach() const { return state == SlaClockState::breached && !stopped; }
};

struct TicketSla {
  SlaClock first_response, resolution, update;
  Millis first_responded_at = 0;  // the first customer-visible reply, 0 before it
  bool breached = false;          // some clock is breached and not stopped: the queue's "breached"
  bool breaching_soon = false;    // not breached, and some running clock is soon
  Millis next_due = 0;            // the earliest due of a running or open-breached clock (0: none)

  const SlaClock& clock(SlaClockKind k) const {
    return k == SlaClockKind::first_response ? first_response : k == SlaClockKind::resolution ? resolution : update;
  }
};

// The clocks of `t` at `now` under `p`, from its timeline (see docs/SLA.md):
// - first response: from created_at to the first reply (EntryKind::reply), or to the
//   first resolve/close without one; pending does not pause it.
// - resolution: counts while the ticket is new or open; pending ("waiting on customer")
//   pauses it, resolved/closed stop it, a reopen resumes it. The due moves later by the
//   paused time; once passed it stays where the breach happened.
// - update: while new or open and at least update_after_ms old, a reply is due
//   update_interval_ms after the last reply, the creation or the end of the last pause,
//   whichever is latest (never before the rule applies); both counted on update_clock.
// Targets are those of the ticket's current priority, measured from creation (a raised
// priority moves the dues earlier). Entry times are taken in timeline order, kept
// non-decreasing and clamped into [created_at, now]. No allocation.
TicketSla compute_sla(const SlaPolicy& p, const Ticket& t, Millis now);

// ---- escalation -------------------------------------------------------------------------------

struct SlaBreach {
  SlaClockKind kind = SlaClockKind::first_response;
  Millis due = 0;
  Millis started_at = 0;
  int64_t overdue_ms = 0;           // wall clock, now − due
  int64_t overdue_business_ms = 0;  // on the channel's clock
  // "<ticket id>/<kind>/<started_at>": fire the escalation once per key (see sla_breach_key)
  std::string key;
  bool notify_supervisor = false;
  bool raise_priority = false;  // false at P1 already
  Priority raise_to = Priority::P1;
};

// The clocks of `t` that are breached and still open at `now` (a clock stopped late is
// history, not an escalation), in the order first_response, resolution, update, with the
// policy's actions. Deterministic: the same ticket, policy and now give the same list.
std::vector<SlaBreach> sla_breaches(const SlaPolicy& p, const Ticket& t, Millis now);

// The idempotency key of a breach. It names the clock's start, not its due: an escalation
// that raises the priority moves the due earlier, and a key holding the due would fire again
// (P4 → P3 → P2 → P1 in one go). One key per ticket for first response and resolution, one per
// update period for the update clock.
std::string sla_breach_key(const std::string& ticket_id, SlaClockKind k, Millis started_at);

// ---- JSON (the data of an sla.policy_set Op) ----------------------------------------------------

nlohmann::json sla_policy_to_json(const SlaPolicy& p);
// Reads the fields present in `in` over `out` (a partial change keeps the rest; a list given
// replaces the list), then validates the result. On failure `out` is unchanged and `err` is
// "<field path>: <reason>", e.g. "targets.email.P2.resolution_ms: must be between …".
bool sla_policy_from_json(const nlohmann::json& in, SlaPolicy& out, std::string& err);
// Durations > 0 and at most 366 days, open < close, at least one open weekday, offsets within
// −12:00…+14:00, dates in 2000…2199 (at most 2,000 a list) sorted without repeats, no date both
// a holiday and a make-up day, a name of at most 64 characters.
bool sla_policy_validate(const SlaPolicy& p, std::string& err);

}  // namespace edudesk
