// SLA clocks: business hours, the PRC holiday calendar with its make-up working days (调休),
// the three clocks of a ticket, escalation keys and the policy's JSON. Every due below was
// worked out by hand on a calendar; local times are UTC+8 unless a test says otherwise.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/refund_policy.h"
#include "core/sla.h"
#include "support.h"

using namespace edudesk;
using namespace edudesk::test;
using nlohmann::json;

namespace {

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

// A local time in UTC+8 ("2026-03-02T10:00"), or any ISO-8601 time with its own offset.
Millis T(const char* local) {
  int64_t ms = 0;
  INFO(local);
  REQUIRE(parse_iso8601(local, 8 * 60, ms));
  return ms;
}

SlaDate D(const char* date) {
  SlaDate d = 0;
  INFO(date);
  REQUIRE(sla_parse_date(date, d));
  return d;
}

// One ticket "t-1" built through the real `apply`, so its timeline and status are folded.
struct OneTicket {
  State s = base_state();
  int n = 0;
  OneTicket(Channel ch, Priority p, Millis at) {
    op(op_type::ticket_created,
       {{"ticket_id", "t-1"}, {"number", 10001}, {"customer_id", "c-1"}, {"channel", to_id(ch)},
        {"subject", "回放打不开"}, {"text", "第三讲的回放一直在转圈"}, {"priority", to_id(p)}},
       at);
  }
  void op(const char* type, json data, Millis at) {
    char id[16];
    id[0] = 'o';
    id[1] = 'p';
    id[2] = '-';
    const int k = ++n;  // zero-padded: ops at the same instant keep their order
    id[3] = static_cast<char>('0' + k / 100);
    id[4] = static_cast<char>('0' + k / 10 % 10);
    id[5] = static_cast<char>('0' + k % 10);
    id[6] = 0;
    Error e;
    INFO(type << " " << e.message);
    REQUIRE(apply(s, make(id, type, std::move(data), at), e) == ApplyOutcome::applied);
  }
  OneTicket& reply(Millis at) {
    op(op_type::ticket_replied, {{"ticket_id", "t-1"}, {"text", "您好，我们正在处理"}}, at);
    return *this;
  }
  OneTicket& customer(Millis at) {
    op(op_type::customer_message, {{"ticket_id", "t-1"}, {"text", "还是不行"}}, at);
    return *this;
  }
  OneTicket& status(const char* to, Millis at) {
    op(op_type::status_set, {{"ticket_id", "t-1"}, {"status", to}}, at);
    return *this;
  }
  OneTicket& priority(const char* to, Millis at) {
    op(op_type::field_set, {{"ticket_id", "t-1"}, {"field", "priority"}, {"value", to}}, at);
    return *this;
  }
  const Ticket& t() const { return *s.ticket("t-1"); }
};

std::string from_json_error(const json& in) {
  SlaPolicy p;
  std::string err;
  if (sla_policy_from_json(in, p, err)) return "";
  return err;
}

// The default policy's JSON with one change at a JSON pointer.
json patched(const char* pointer, json value) {
  json j = sla_policy_to_json(SlaPolicy{});
  j[json::json_pointer(pointer)] = std::move(value);
  return j;
}

}  // namespace

// ---- the policy and its calendar ------------------------------------------------------------

TEST_CASE("the default policy has the issue's targets, hours and clocks", "[sla]") {
  const SlaPolicy p = sla_default_policy();
  CHECK(p.name == "default");
  CHECK(p.utc_offset_minutes == 480);
  for (Priority pr : kPriorities) {
    CHECK(p.target(Channel::chat, pr).first_response_ms == 30 * kSec);
    CHECK_FALSE(p.counts_business_time(Channel::chat));
  }
  const int64_t fr[] = {15 * kMin, kHour, 4 * kHour, 24 * kHour};
  const int64_t res[] = {4 * kHour, 24 * kHour, 72 * kHour, 7 * kDay};
  for (Channel c : {Channel::phone, Channel::email, Channel::web_form, Channel::social, Channel::forum}) {
    CHECK(p.counts_business_time(c));
    for (size_t i = 0; i < 4; ++i) {
      CHECK(p.target(c, kPriorities[i]).first_response_ms == fr[i]);
      CHECK(p.target(c, kPriorities[i]).resolution_ms == res[i]);
    }
  }
  for (const SlaDayHours& h : p.hours) {
    CHECK(h.open);
    CHECK(h.open_minute == 9 * 60);
    CHECK(h.close_minute == 22 * 60);
  }
  CHECK(p.update_interval_ms == kDay);
  CHECK(p.update_after_ms == kDay);
  CHECK(p.on_breach(SlaClockKind::resolution).raise_priority);
  CHECK_FALSE(p.on_breach(SlaClockKind::first_response).raise_priority);
  CHECK(p.on_breach(SlaClockKind::update).notify_supervisor);
  std::string err;
  CHECK(sla_policy_validate(p, err));
  CHECK(sla_policy_validate(sla_weekdays_policy(), err));
}

TEST_CASE("the 2025 and 2026 calendars follow the State Council notices", "[sla]") {
  const SlaPolicy p;
  auto holiday = [&](const char* d) { return std::binary_search(p.holidays.begin(), p.holidays.end(), D(d)); };
  auto makeup = [&](const char* d) { return std::binary_search(p.makeup_days.begin(), p.makeup_days.end(), D(d)); };
  // 2026: 元旦 3, 春节 9, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7 days off; 2025: 1 + 8 + 3 + 5 + 3 + 8.
  int64_t in2025 = 0, in2026 = 0;
  for (SlaDate d : p.holidays) (d < D("2026-01-01") ? in2025 : in2026) += 1;
  CHECK(in2025 == 28);
  CHECK(in2026 == 33);
  for (const char* d : {"2026-01-01", "2026-01-03", "2026-02-15", "2026-02-23", "2026-04-06", "2026-05-05",
                        "2026-06-19", "2026-09-27", "2026-10-07", "2025-01-01", "2025-01-28", "2025-02-04",
                        "2025-05-31", "2025-06-02", "2025-10-08"})
    CHECK(holiday(d));
  for (const char* d : {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
                        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"})
    CHECK(makeup(d));
  CHECK(p.makeup_days.size() == 11);
  CHECK_FALSE(holiday("2026-02-24"));
  CHECK_FALSE(holiday("2026-10-08"));
  // every make-up day is a Saturday or a Sunday, and none is also a holiday
  for (SlaDate d : p.makeup_days) {
    INFO(sla_format_date(d));
    CHECK(sla_weekday(d) >= 5);
    CHECK_FALSE(std::binary_search(p.holidays.begin(), p.holidays.end(), d));
  }
  CHECK(sla_weekday(D("2026-02-15")) == 6);  // Sunday, as the notice says
  CHECK(sla_weekday(D("2026-01-01")) == 3);  // Thursday
}

TEST_CASE("working days: a make-up day works, else a holiday rests, else the weekday decides", "[sla]") {
  const SlaPolicy daily;
  const SlaPolicy weekdays = sla_weekdays_policy();
  // the daily default: every day works except holidays
  CHECK(sla_is_working_day(daily, D("2026-03-07")));  // a plain Saturday
  CHECK_FALSE(sla_is_working_day(daily, D("2026-02-17")));
  CHECK(sla_is_working_day(daily, D("2026-02-14")));
  // Monday to Friday: weekends rest, the 调休 Saturday works with Monday's hours
  CHECK_FALSE(sla_is_working_day(weekdays, D("2026-03-07")));
  CHECK(sla_is_working_day(weekdays, D("2026-03-06")));
  CHECK(sla_is_working_day(weekdays, D("2026-02-14")));
  CHECK_FALSE(sla_is_working_day(weekdays, D("2026-02-16")));  // a Monday inside 春节
  const SlaDayHours h = sla_day_hours(weekdays, D("2026-02-14"));
  CHECK(h.open);
  CHECK(h.open_minute == 9 * 60);
  CHECK(h.close_minute == 18 * 60);
  CHECK(sla_local_date(daily, T("2026-02-14T23:59:59")) == D("2026-02-14"));
  CHECK(sla_local_date(daily, T("2026-02-15T00:00:00")) == D("2026-02-15"));
}

TEST_CASE("dates read and write only as YYYY-MM-DD", "[sla]") {
  for (const char* d : {"2026-02-14", "2025-12-31", "2000-01-01", "2199-12-31", "2024-02-29"})
    CHECK(sla_format_date(D(d)) == d);
  SlaDate d = 0;
  for (const char* bad : {"2026-2-14", "2026/02/14", "2026-02-30", "2025-02-29", "2026-02-14T00:00", "", "20260214",
                          "2026-13-01", "abcd-ef-gh"}) {
    INFO(bad);
    CHECK_FALSE(sla_parse_date(bad, d));
  }
}

// ---- business-time arithmetic ---------------------------------------------------------------

TEST_CASE("business hours: 08:59, 09:00, 21:59:59 and 22:00", "[sla]") {
  const SlaPolicy p;
  const Channel ph = Channel::phone;
  CHECK(add_business_ms(p, ph, T("2026-03-03T08:59:00"), 15 * kMin) == T("2026-03-03T09:15:00"));
  CHECK(add_business_ms(p, ph, T("2026-03-03T09:00:00"), 15 * kMin) == T("2026-03-03T09:15:00"));
  CHECK(add_business_ms(p, ph, T("2026-03-03T21:59:59"), 15 * kMin) == T("2026-03-04T09:14:59"));
  CHECK(add_business_ms(p, ph, T("2026-03-03T22:00:00"), 15 * kMin) == T("2026-03-04T09:15:00"));
  // a due that uses up the day's hours exactly is the closing time, not the next opening
  CHECK(add_business_ms(p, ph, T("2026-03-03T21:45:00"), 15 * kMin) == T("2026-03-03T22:00:00"));
  CHECK(business_ms_between(p, ph, T("2026-03-03T08:59:00"), T("2026-03-03T09:01:00")) == kMin);
  CHECK(business_ms_between(p, ph, T("2026-03-03T21:59:59"), T("2026-03-03T22:00:01")) == kSec);
  CHECK(business_ms_between(p, ph, T("2026-03-03T22:00:00"), T("2026-03-04T09:00:00")) == 0);
  CHECK(business_ms_between(p, ph, T("2026-03-03T09:00:00"), T("2026-03-03T22:00:00")) == 13 * kHour);
  CHECK(business_ms_between(p, ph, T("2026-03-04T10:00:00"), T("2026-03-03T10:00:00")) == 0);  // backwards
  CHECK(add_business_ms(p, ph, T("2026-03-03T23:00:00"), 0) == T("2026-03-03T23:00:00"));
}

TEST_CASE("overnight and multi-day dues skip the closed hours", "[sla]") {
  const SlaPolicy p;
  // 20:00 + 4 h: 2 h tonight, 2 h tomorrow morning
  CHECK(add_business_ms(p, Channel::email, T("2026-03-03T20:00"), 4 * kHour) == T("2026-03-04T11:00"));
  // Monday 09:00 + 72 h at 13 h a day: five whole days (65 h), then 7 h on Saturday
  CHECK(add_business_ms(p, Channel::phone, T("2026-03-02T09:00"), 72 * kHour) == T("2026-03-07T16:00"));
  CHECK(business_ms_between(p, Channel::phone, T("2026-03-02T09:00"), T("2026-03-07T16:00")) == 72 * kHour);
  // a ticket created at night: the clock starts at the next opening
  CHECK(add_business_ms(p, Channel::forum, T("2026-03-04T02:30"), kHour) == T("2026-03-04T10:00"));
}

TEST_CASE("春节 2026 closes the desk for nine days", "[sla]") {
  const SlaPolicy p;
  // Saturday 14 Feb (a make-up day) 20:00 + 24 h: 2 h, then 15–23 Feb off, 13 h on the 24th, 9 h on the 25th
  CHECK(add_business_ms(p, Channel::phone, T("2026-02-14T20:00"), 24 * kHour) == T("2026-02-25T18:00"));
  CHECK(business_ms_between(p, Channel::phone, T("2026-02-14T20:00"), T("2026-02-25T18:00")) == 24 * kHour);
  CHECK(business_ms_between(p, Channel::phone, T("2026-02-15T00:00"), T("2026-02-24T00:00")) == 0);
  // Monday to Friday: Friday 13th 17:00 + 24 h: 1 h, 9 h on the 调休 Saturday, 9 h on the 24th, 5 h on the 25th
  const SlaPolicy w = sla_weekdays_policy();
  CHECK(add_business_ms(w, Channel::phone, T("2026-02-13T17:00"), 24 * kHour) == T("2026-02-25T14:00"));
}

TEST_CASE("a make-up Saturday under Monday-to-Friday hours carries the due", "[sla]") {
  SlaPolicy w = sla_weekdays_policy();
  // Friday 17:00 + 4 h (email P3 first response): 1 h on Friday, 3 h on the 调休 Saturday
  CHECK(add_business_ms(w, Channel::email, T("2026-02-13T17:00"), 4 * kHour) == T("2026-02-14T12:00"));
  CHECK(add_business_ms(w, Channel::email, T("2026-05-08T17:00"), 4 * kHour) == T("2026-05-09T12:00"));
  // without the make-up day, the due goes to the Monday
  w.makeup_days.clear();
  CHECK(add_business_ms(w, Channel::email, T("2026-05-08T17:00"), 4 * kHour) == T("2026-05-11T12:00"));
  // the same through a ticket
  OneTicket k(Channel::email, Priority::P3, T("2026-02-13T17:00"));
  const TicketSla s = compute_sla(sla_weekdays_policy(), k.t(), T("2026-02-13T19:00"));
  CHECK(s.first_response.due == T("2026-02-14T12:00"));
  CHECK(s.first_response.left_business_ms == 3 * kHour);
  CHECK(s.first_response.left_wall_ms == 17 * kHour);
}

TEST_CASE("chat counts the wall clock: 30 s, at night and on holidays", "[sla]") {
  const SlaPolicy p;
  const Millis night = T("2026-02-17T03:00:00");  // 春节, 03:00
  CHECK(add_business_ms(p, Channel::chat, night, 30 * kSec) == night + 30 * kSec);
  CHECK(business_ms_between(p, Channel::chat, night, night + kDay) == kDay);
  OneTicket k(Channel::chat, Priority::P3, night);
  TicketSla s = compute_sla(p, k.t(), night + 10 * kSec);
  CHECK(s.first_response.due == night + 30 * kSec);
  CHECK(s.first_response.state == SlaClockState::running);
  CHECK(s.first_response.left_business_ms == 20 * kSec);
  CHECK(s.resolution.due == night + 72 * kHour);
  s = compute_sla(p, k.t(), night + 31 * kSec);
  CHECK(s.first_response.state == SlaClockState::breached);
  CHECK(s.breached);
  k.reply(night + 40 * kSec);
  s = compute_sla(p, k.t(), night + kMin);
  CHECK(s.first_response.state == SlaClockState::breached);  // answered late: history, not an open breach
  CHECK(s.first_response.stopped);
  CHECK_FALSE(s.breached);
  CHECK(s.first_responded_at == night + 40 * kSec);
}

TEST_CASE("a ticket created during a holiday waits for the first working day", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P1, T("2026-10-03T10:00"));  // 国庆
  const TicketSla s = compute_sla(p, k.t(), T("2026-10-05T12:00"));
  CHECK(s.first_response.due == T("2026-10-08T09:15"));
  CHECK(s.first_response.state == SlaClockState::running);
  CHECK(s.first_response.left_business_ms == 15 * kMin);
  CHECK(s.first_response.left_wall_ms == T("2026-10-08T09:15") - T("2026-10-05T12:00"));
  CHECK(s.resolution.due == T("2026-10-08T13:00"));
  CHECK(s.first_response.soon);  // 15 minutes of desk time left
  CHECK(s.update.state == SlaClockState::inactive);  // 24 h of working days are still to come
  CHECK(compute_sla(p, k.t(), T("2026-10-08T23:59")).update.state == SlaClockState::inactive);
  const TicketSla later = compute_sla(p, k.t(), T("2026-10-09T00:00"));
  CHECK(later.update.state == SlaClockState::running);
  CHECK(later.update.due == T("2026-10-09T00:00"));
}

TEST_CASE("fixed UTC offsets: no daylight saving time, any minute offset", "[sla]") {
  SlaPolicy p;
  p.utc_offset_minutes = -5 * 60;  // a school on UTC−5 all year
  p.holidays.clear();
  p.makeup_days.clear();
  for (SlaDayHours& h : p.hours) h = {true, 9 * 60, 17 * 60};
  // 08:00 local in January and in July both open at 14:00Z: the offset does not shift in summer
  CHECK(add_business_ms(p, Channel::phone, T("2026-01-15T08:00:00-05:00"), 15 * kMin) == T("2026-01-15T14:15:00Z"));
  CHECK(add_business_ms(p, Channel::phone, T("2026-07-15T08:00:00-05:00"), 15 * kMin) == T("2026-07-15T14:15:00Z"));
  CHECK(sla_local_date(p, T("2026-07-16T03:30:00Z")) == D("2026-07-15"));
  p.utc_offset_minutes = 5 * 60 + 45;  // Nepal, +05:45
  CHECK(add_business_ms(p, Channel::phone, T("2026-03-02T08:00:00+05:45"), kHour) == T("2026-03-02T10:00:00+05:45"));
  CHECK(business_ms_between(p, Channel::phone, T("2026-03-02T16:30:00+05:45"), T("2026-03-03T09:30:00+05:45")) ==
        kHour);
}

TEST_CASE("business arithmetic: adding and measuring agree across holidays and make-up days", "[sla]") {
  for (const SlaPolicy& p : {sla_default_policy(), sla_weekdays_policy()}) {
    uint64_t x = 12345;
    auto next = [&x](uint64_t n) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      return (x >> 33) % n;
    };
    const Millis start = T("2025-12-20T00:00");
    for (int i = 0; i < 400; ++i) {
      const Millis from = start + static_cast<Millis>(next(90 * 24 * 60)) * kMin + static_cast<Millis>(next(60)) * kSec;
      const int64_t ms = static_cast<int64_t>(next(200 * 60) + 1) * kMin;
      const Millis due = add_business_ms(p, Channel::email, from, ms);
      INFO(p.name << " from " << from << " ms " << ms);
      REQUIRE(due > from);
      CHECK(business_ms_between(p, Channel::email, from, due) == ms);
      CHECK(business_ms_between(p, Channel::email, from, due - 1) == ms - 1);  // the first such instant
    }
  }
}

TEST_CASE("long spans are fast and saturate instead of overflowing", "[sla]") {
  SlaPolicy p;
  // 366 days of desk time from 2026: years of calendar, whole weeks after the calendar in one step
  const Millis due = add_business_ms(p, Channel::phone, T("2026-03-02T09:00"), 366 * kDay);
  CHECK(due > T("2027-12-01T00:00"));
  CHECK(business_ms_between(p, Channel::phone, T("2026-03-02T09:00"), due) == 366 * kDay);
  // 200 years apart: answered by whole weeks, not a day walk
  const int64_t years = business_ms_between(p, Channel::phone, T("2030-01-07T00:00"), T("2230-01-07T00:00"));
  const int64_t days = (T("2230-01-07T00:00") - T("2030-01-07T00:00")) / kDay;  // 73,048: 10,435 weeks and 3 days
  CHECK(days == 73048);
  CHECK(years == days * 13 * kHour);
  CHECK(add_business_ms(p, Channel::chat, kSlaNever - 5, kDay) == kSlaNever);
  // a policy no time can pass in (built by hand, refused by validation) never comes due
  for (SlaDayHours& h : p.hours) h = {};
  p.makeup_days.clear();
  CHECK(add_business_ms(p, Channel::phone, T("2026-03-02T09:00"), kHour) == kSlaNever);
}

// ---- the clocks of a ticket -------------------------------------------------------------------

TEST_CASE("pending pauses the resolution clock but not the first response", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P1, T("2026-03-02T10:00"));
  k.status("pending", T("2026-03-02T10:05"));  // waiting on the customer, without a reply yet
  TicketSla s = compute_sla(p, k.t(), T("2026-03-02T10:10"));
  CHECK(s.first_response.state == SlaClockState::running);
  CHECK(s.first_response.due == T("2026-03-02T10:15"));
  CHECK(s.resolution.state == SlaClockState::paused);
  CHECK(s.resolution.left_business_ms == 3 * kHour + 55 * kMin);
  CHECK(s.resolution.due == T("2026-03-02T14:05"));  // if it resumed now
  CHECK_FALSE(s.resolution.soon);                     // paused clocks are never "soon"
  s = compute_sla(p, k.t(), T("2026-03-02T10:20"));
  CHECK(s.first_response.state == SlaClockState::breached);
  REQUIRE(sla_breaches(p, k.t(), T("2026-03-02T10:20")).size() == 1);
  // the customer answers at 13:00: the ticket reopens, the due moved by the 2 h 55 min paused
  k.customer(T("2026-03-02T13:00"));
  s = compute_sla(p, k.t(), T("2026-03-02T13:30"));
  CHECK(s.resolution.state == SlaClockState::running);
  CHECK(s.resolution.due == T("2026-03-02T16:55"));
  CHECK(s.resolution.left_business_ms == 3 * kHour + 25 * kMin);
}

TEST_CASE("a pause over the night and a holiday moves the due by desk time only", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::email, Priority::P2, T("2026-02-13T20:00"));  // Friday before 春节
  k.reply(T("2026-02-13T20:30")).status("pending", T("2026-02-13T21:00"));
  k.customer(T("2026-02-24T10:00"));  // back after the holiday
  const TicketSla s = compute_sla(p, k.t(), T("2026-02-24T10:30"));
  // 1 h counted on the 13th; 23 h left from 10:00 on the 24th: 12 h that day, 11 h on the 25th
  CHECK(s.resolution.due == T("2026-02-25T20:00"));
  CHECK(s.resolution.state == SlaClockState::running);
}

TEST_CASE("resolving stops every clock; a reopen resumes the resolution clock", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P2, T("2026-03-02T10:00"));
  k.reply(T("2026-03-02T10:30")).status("resolved", T("2026-03-02T12:00"));
  TicketSla s = compute_sla(p, k.t(), T("2026-03-12T12:00"));
  CHECK(s.first_response.state == SlaClockState::met);
  CHECK(s.first_response.stopped_at == T("2026-03-02T10:30"));
  CHECK(s.first_responded_at == T("2026-03-02T10:30"));
  CHECK(s.resolution.state == SlaClockState::met);
  CHECK(s.resolution.stopped_at == T("2026-03-02T12:00"));
  CHECK(s.update.state == SlaClockState::inactive);
  CHECK_FALSE(s.breached);
  CHECK_FALSE(s.breaching_soon);
  CHECK(s.next_due == 0);
  CHECK(sla_breaches(p, k.t(), T("2026-03-12T12:00")).empty());
  // the customer writes again the next day: 2 h used, 22 h left from Tuesday 12:00
  k.customer(T("2026-03-03T12:00"));
  s = compute_sla(p, k.t(), T("2026-03-03T12:00"));
  CHECK(s.resolution.state == SlaClockState::running);
  CHECK(s.resolution.due == T("2026-03-04T21:00"));
  CHECK(s.first_response.state == SlaClockState::met);
}

TEST_CASE("closing without a reply stops the first-response clock too", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::web_form, Priority::P3, T("2026-03-02T10:00"));
  k.status("closed", T("2026-03-02T10:30"));  // a duplicate, closed by an agent
  const TicketSla s = compute_sla(p, k.t(), T("2026-03-09T10:00"));
  CHECK(s.first_response.state == SlaClockState::met);
  CHECK(s.first_responded_at == 0);
  CHECK(s.resolution.state == SlaClockState::met);
  CHECK_FALSE(s.breached);
}

TEST_CASE("resolved late: the breach is history, not an escalation", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P1, T("2026-03-02T10:00"));
  k.reply(T("2026-03-02T10:01")).status("resolved", T("2026-03-02T15:00"));
  const TicketSla s = compute_sla(p, k.t(), T("2026-03-02T16:00"));
  CHECK(s.resolution.state == SlaClockState::breached);
  CHECK(s.resolution.due == T("2026-03-02T14:00"));
  CHECK(s.resolution.stopped);
  CHECK_FALSE(s.resolution.open_breach());
  CHECK_FALSE(s.breached);
  CHECK(sla_breaches(p, k.t(), T("2026-03-02T16:00")).empty());
}

TEST_CASE("the update rule: a reply every 24 h once a ticket is 24 h old", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::email, Priority::P4, T("2026-03-02T09:00"));
  k.reply(T("2026-03-02T10:00"));
  TicketSla s = compute_sla(p, k.t(), T("2026-03-03T08:00"));  // 23 h old
  CHECK(s.update.state == SlaClockState::inactive);
  CHECK(s.update.due == 0);
  s = compute_sla(p, k.t(), T("2026-03-03T09:00"));  // 24 h old: the rule applies
  CHECK(s.update.state == SlaClockState::running);
  CHECK(s.update.due == T("2026-03-03T10:00"));  // 24 h after the last reply
  CHECK(s.update.left_wall_ms == kHour);
  CHECK(s.update.soon);
  s = compute_sla(p, k.t(), T("2026-03-03T10:00:01"));
  CHECK(s.update.state == SlaClockState::breached);
  CHECK(s.breached);
  CHECK(s.resolution.state == SlaClockState::running);
  auto b = sla_breaches(p, k.t(), T("2026-03-03T10:00:01"));
  REQUIRE(b.size() == 1);
  CHECK(b[0].kind == SlaClockKind::update);
  CHECK(b[0].key == "t-1/update/" + std::to_string(T("2026-03-02T10:00")));
  CHECK(b[0].overdue_ms == kSec);
  CHECK(b[0].notify_supervisor);
  CHECK_FALSE(b[0].raise_priority);
  // a new reply starts a new period with a new key
  k.reply(T("2026-03-03T11:00"));
  s = compute_sla(p, k.t(), T("2026-03-03T11:30"));
  CHECK(s.update.state == SlaClockState::running);
  CHECK(s.update.due == T("2026-03-04T11:00"));
  CHECK(s.update.started_at == T("2026-03-03T11:00"));
  // no reply at all: due 24 h after creation
  OneTicket silent(Channel::email, Priority::P4, T("2026-03-02T09:00"));
  s = compute_sla(p, silent.t(), T("2026-03-03T09:30"));
  CHECK(s.update.due == T("2026-03-03T09:00"));
  CHECK(s.update.state == SlaClockState::breached);
}

TEST_CASE("the update rule pauses while waiting on the customer and restarts on the answer", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::email, Priority::P4, T("2026-03-02T09:00"));
  k.reply(T("2026-03-02T10:00")).status("pending", T("2026-03-03T09:30"));
  TicketSla s = compute_sla(p, k.t(), T("2026-03-04T12:00"));
  CHECK(s.update.state == SlaClockState::paused);
  CHECK(s.update.due == 0);
  CHECK_FALSE(s.breached);
  k.customer(T("2026-03-04T13:00"));
  s = compute_sla(p, k.t(), T("2026-03-04T14:00"));
  CHECK(s.update.state == SlaClockState::running);
  CHECK(s.update.due == T("2026-03-05T13:00"));
  // counted in opening hours instead: 24 h of desk time from 13:00 (9 h + 13 h + 2 h)
  SlaPolicy b = p;
  b.update_clock = SlaUpdateClock::business;
  s = compute_sla(b, k.t(), T("2026-03-04T14:00"));
  CHECK(s.update.due == T("2026-03-06T11:00"));
}

TEST_CASE("the update rule counts working days: weekends and holidays do not count", "[sla]") {
  const SlaPolicy w = sla_weekdays_policy();
  OneTicket k(Channel::email, Priority::P4, T("2026-03-06T10:00"));  // a Friday
  k.reply(T("2026-03-06T11:00"));
  // 14 h on Friday + 9 h on Monday: 23 h of working days, the rule does not apply yet
  CHECK(compute_sla(w, k.t(), T("2026-03-09T09:00")).update.state == SlaClockState::inactive);
  TicketSla s = compute_sla(w, k.t(), T("2026-03-09T10:00"));
  CHECK(s.update.state == SlaClockState::running);
  CHECK(s.update.due == T("2026-03-09T11:00"));  // 13 h on Friday + 11 h on Monday
  CHECK(compute_sla(w, k.t(), T("2026-03-09T11:00:01")).update.state == SlaClockState::breached);
  // on the wall clock the weekend counts
  SlaPolicy wall = w;
  wall.update_clock = SlaUpdateClock::wall;
  s = compute_sla(wall, k.t(), T("2026-03-09T09:00"));
  CHECK(s.update.due == T("2026-03-07T11:00"));
  CHECK(s.update.state == SlaClockState::breached);
  // a holiday week under the daily default: a reply before 春节 is next due on the 24th
  const SlaPolicy p;
  OneTicket h(Channel::phone, Priority::P4, T("2026-02-13T10:00"));
  h.reply(T("2026-02-14T15:00"));
  s = compute_sla(p, h.t(), T("2026-02-20T12:00"));
  CHECK(s.update.state == SlaClockState::running);
  CHECK(s.update.due == T("2026-02-24T15:00"));  // 9 h left of the 14th, 15 h of the 24th
  // chat counts the wall clock for every clock
  OneTicket c(Channel::chat, Priority::P4, T("2026-02-13T10:00"));
  c.reply(T("2026-02-14T15:00"));
  CHECK(compute_sla(p, c.t(), T("2026-02-20T12:00")).update.due == T("2026-02-15T15:00"));
}

TEST_CASE("a priority change applies the new priority's targets from creation", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P3, T("2026-03-02T10:00"));
  CHECK(compute_sla(p, k.t(), T("2026-03-02T10:20")).first_response.due == T("2026-03-02T14:00"));
  k.priority("P1", T("2026-03-02T10:30"));
  const TicketSla s = compute_sla(p, k.t(), T("2026-03-02T10:31"));
  CHECK(s.first_response.due == T("2026-03-02T10:15"));
  CHECK(s.first_response.state == SlaClockState::breached);
  CHECK(s.resolution.due == T("2026-03-02T14:00"));
}

TEST_CASE("breaching soon: under 20% of the target or under an hour left", "[sla]") {
  SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P2, T("2026-03-02T10:00"));  // first response due 11:00
  TicketSla s = compute_sla(p, k.t(), T("2026-03-02T10:00"));
  CHECK_FALSE(s.first_response.soon);  // exactly an hour left
  CHECK_FALSE(s.breaching_soon);
  CHECK(s.next_due == T("2026-03-02T11:00"));
  s = compute_sla(p, k.t(), T("2026-03-02T10:00:01"));
  CHECK(s.first_response.soon);
  CHECK(s.breaching_soon);
  p.soon_ms = 0;  // only the percentage: 20% of 1 h is 12 min
  CHECK_FALSE(compute_sla(p, k.t(), T("2026-03-02T10:30")).breaching_soon);
  CHECK_FALSE(compute_sla(p, k.t(), T("2026-03-02T10:48")).breaching_soon);
  CHECK(compute_sla(p, k.t(), T("2026-03-02T10:48:01")).breaching_soon);
  s = compute_sla(p, k.t(), T("2026-03-02T11:00:01"));
  CHECK(s.breached);
  CHECK_FALSE(s.breaching_soon);  // breached is its own bucket
  CHECK(s.first_response.left_business_ms == -kSec);
}

TEST_CASE("breaches carry the policy's actions and a stable key", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P3, T("2026-03-02T10:00"));
  k.reply(T("2026-03-02T10:05")).reply(T("2026-03-09T09:00"));  // updates kept up
  // 72 h of desk time from Monday 10:00: 12 + 13 × 4 + 8 → Saturday 17:00
  const Millis now = T("2026-03-09T10:00");
  auto b = sla_breaches(p, k.t(), now);
  REQUIRE(b.size() == 1);
  CHECK(b[0].kind == SlaClockKind::resolution);
  CHECK(b[0].due == T("2026-03-07T17:00"));
  CHECK(b[0].overdue_ms == now - T("2026-03-07T17:00"));
  CHECK(b[0].overdue_business_ms == 5 * kHour + 13 * kHour + 1 * kHour);
  const std::string key = "t-1/resolution/" + std::to_string(T("2026-03-02T10:00"));
  CHECK(b[0].key == key);
  CHECK(b[0].key == sla_breach_key("t-1", SlaClockKind::resolution, T("2026-03-02T10:00")));
  CHECK(b[0].notify_supervisor);
  CHECK(b[0].raise_priority);
  CHECK(b[0].raise_to == Priority::P2);
  // asked again later: the same key, so the escalation fires once
  CHECK(sla_breaches(p, k.t(), now + kDay)[0].key == key);
  // the escalation raises the priority: the due moves earlier, the key does not (no P2 → P1 cascade)
  k.priority("P2", now);
  b = sla_breaches(p, k.t(), now + kMin);
  REQUIRE(b.size() == 1);
  CHECK(b[0].due == T("2026-03-03T21:00"));
  CHECK(b[0].key == key);
  CHECK(b[0].raise_to == Priority::P1);
  k.priority("P1", now + kMin);
  b = sla_breaches(p, k.t(), now + 2 * kMin);
  REQUIRE(b.size() == 1);
  CHECK_FALSE(b[0].raise_priority);  // nothing above P1
  CHECK(b[0].raise_to == Priority::P1);
  CHECK(b[0].notify_supervisor);
}

TEST_CASE("escalation actions are configurable per clock", "[sla]") {
  SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P4, T("2026-03-02T10:00"));
  // first response (24 h of desk time: Tuesday 21:00) and the update (Tuesday 10:00) breached
  auto b = sla_breaches(p, k.t(), T("2026-03-04T10:00"));
  REQUIRE(b.size() == 2);
  CHECK(b[0].kind == SlaClockKind::first_response);
  CHECK(b[0].due == T("2026-03-03T21:00"));
  CHECK(b[0].notify_supervisor);
  CHECK_FALSE(b[0].raise_priority);
  CHECK(b[1].kind == SlaClockKind::update);
  CHECK(b[1].due == T("2026-03-03T10:00"));
  CHECK(b[1].key == "t-1/update/" + std::to_string(T("2026-03-02T10:00")));
  p.escalation[static_cast<size_t>(SlaClockKind::first_response)] = {false, true};
  b = sla_breaches(p, k.t(), T("2026-03-04T10:00"));
  REQUIRE(b.size() == 2);
  CHECK_FALSE(b[0].notify_supervisor);
  CHECK(b[0].raise_priority);
  CHECK(b[0].raise_to == Priority::P3);
  // several clocks at once come in the order first_response, resolution, update
  b = sla_breaches(p, k.t(), T("2026-03-20T10:00"));
  REQUIRE(b.size() == 3);
  CHECK(b[0].kind == SlaClockKind::first_response);
  CHECK(b[1].kind == SlaClockKind::resolution);
  CHECK(b[2].kind == SlaClockKind::update);
}

TEST_CASE("entry times out of order or from the future are clamped", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::phone, Priority::P1, T("2026-03-02T10:00"));
  k.reply(T("2026-03-02T10:10"));
  // asked before the reply was written: the reply counts as made now
  TicketSla s = compute_sla(p, k.t(), T("2026-03-02T10:05"));
  CHECK(s.first_responded_at == T("2026-03-02T10:05"));
  CHECK(s.first_response.state == SlaClockState::met);
  // asked before the ticket existed: as at its creation
  s = compute_sla(p, k.t(), T("2026-03-01T10:00"));
  CHECK(s.first_response.state == SlaClockState::met);
  CHECK(s.resolution.state == SlaClockState::running);
  CHECK(s.resolution.due == T("2026-03-02T14:00"));
}

TEST_CASE("compute_sla over 100k tickets is deterministic and cheap", "[sla]") {
  const SlaPolicy p;
  OneTicket k(Channel::email, Priority::P3, T("2026-01-10T10:00"));
  k.reply(T("2026-01-10T11:00")).status("pending", T("2026-01-10T12:00")).customer(T("2026-01-11T09:30"));
  const Ticket base = k.t();
  std::vector<Ticket> tickets(1000, base);  // shifted copies: 100 passes over 1,000 tickets
  for (size_t i = 0; i < tickets.size(); ++i) {
    const Millis shift = static_cast<Millis>(i) * 7919 * kMin;  // spread over 15 months
    tickets[i].created_at += shift;
    for (TimelineEntry& e : tickets[i].timeline) e.at += shift;
    tickets[i].priority = kPriorities[i % 4];
    tickets[i].channel = kChannels[i % 6];
  }
  int64_t breached = 0, soon = 0, checksum = 0;
  for (int pass = 0; pass < 100; ++pass)
    for (const Ticket& t : tickets) {
      const TicketSla s = compute_sla(p, t, t.created_at + (pass + 1) * 3 * kHour);
      breached += s.breached;
      soon += s.breaching_soon;
      checksum += s.resolution.due % 1000003;
    }
  CHECK(breached > 0);
  CHECK(soon > 0);
  int64_t again = 0;
  for (int pass = 0; pass < 100; ++pass)
    for (const Ticket& t : tickets) again += compute_sla(p, t, t.created_at + (pass + 1) * 3 * kHour).resolution.due % 1000003;
  CHECK(again == checksum);
}

// ---- JSON -------------------------------------------------------------------------------------

TEST_CASE("a policy round-trips through JSON", "[sla]") {
  for (const SlaPolicy& p : {sla_default_policy(), sla_weekdays_policy()}) {
    const json j = sla_policy_to_json(p);
    SlaPolicy back;
    back.name = "other";
    back.holidays.clear();
    std::string err;
    REQUIRE(sla_policy_from_json(json::parse(j.dump()), back, err));
    CHECK(sla_policy_to_json(back) == j);
    CHECK(back.holidays == p.holidays);
    CHECK(back.makeup_days == p.makeup_days);
    CHECK(back.name == p.name);
  }
  const json j = sla_policy_to_json(sla_weekdays_policy());
  CHECK(j["hours"]["mon"] == json({{"open", "09:00"}, {"close", "18:00"}}));
  CHECK(j["hours"]["sat"].is_null());
  CHECK(j["targets"]["chat"]["P1"]["first_response_ms"] == 30000);
  CHECK(j["business_time"]["chat"] == false);
  CHECK(j["makeup_days"][0] == "2025-01-26");
  CHECK(j["escalation"]["resolution"]["raise_priority"] == true);
  // a custom policy with odd values survives too
  SlaPolicy c;
  c.name = "夜校";
  c.utc_offset_minutes = -150;
  c.hours[6] = {true, 0, 24 * 60};
  c.hours[2] = {};
  c.business_time[0] = true;
  c.targets[1][3] = {12345, 67890};
  c.update_clock = SlaUpdateClock::wall;
  c.soon_percent = 0;
  c.soon_ms = 0;
  c.escalation[2] = {false, true};
  SlaPolicy back;
  std::string err;
  REQUIRE(sla_policy_from_json(sla_policy_to_json(c), back, err));
  CHECK(sla_policy_to_json(back) == sla_policy_to_json(c));
}

TEST_CASE("a partial policy changes only what it names; lists are sorted and deduplicated", "[sla]") {
  SlaPolicy p;
  std::string err;
  REQUIRE(sla_policy_from_json(json{{"targets", {{"email", {{"P2", {{"resolution_ms", 3600000}}}}}}},
                                    {"hours", {{"sun", nullptr}}},
                                    {"holidays", {"2027-02-10", "2027-02-06", "2027-02-10"}},
                                    {"future_field", 1}},
                               p, err));
  CHECK(p.target(Channel::email, Priority::P2).resolution_ms == kHour);
  CHECK(p.target(Channel::email, Priority::P2).first_response_ms == kHour);  // kept
  CHECK_FALSE(p.hours[6].open);
  CHECK(p.hours[5].open);
  REQUIRE(p.holidays.size() == 2);
  CHECK(p.holidays[0] == D("2027-02-06"));
  CHECK(p.makeup_days.size() == 11);  // kept
}

TEST_CASE("every invalid policy is refused with the field named", "[sla]") {
  const int64_t too_long = 367 * kDay;
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array(), "policy: "},
      {patched("/name", 5), "name: "},
      {patched("/utc_offset_minutes", 900), "utc_offset_minutes: must be between -720 and 840"},
      {patched("/utc_offset_minutes", -721), "utc_offset_minutes: "},
      {patched("/utc_offset_minutes", "8"), "utc_offset_minutes: must be an integer"},
      {patched("/targets", json::array()), "targets: must be an object"},
      {patched("/targets/wechat", json::object()), "targets.wechat: is not a channel"},
      {patched("/targets/email", 5), "targets.email: must be an object"},
      {patched("/targets/email/P5", json::object()), "targets.email.P5: is not a priority"},
      {patched("/targets/email/P2", 1), "targets.email.P2: must be an object"},
      {patched("/targets/email/P2/resolution_ms", 0), "targets.email.P2.resolution_ms: must be between 1"},
      {patched("/targets/chat/P1/first_response_ms", -5), "targets.chat.P1.first_response_ms: must be between"},
      {patched("/targets/chat/P1/first_response_ms", too_long), "targets.chat.P1.first_response_ms: "},
      {patched("/targets/chat/P1/first_response_ms", "30s"), "targets.chat.P1.first_response_ms: must be an integer"},
      {patched("/targets/chat/P1/first_response_ms", 1.5), "targets.chat.P1.first_response_ms: must be an integer"},
      {patched("/business_time/chat", "yes"), "business_time.chat: must be true"},
      {patched("/business_time/fax", true), "business_time.fax: is not a channel"},
      {patched("/hours/mon/open", "9:00"), "hours.mon.open: must be a time HH:MM"},
      {patched("/hours/mon/close", "25:00"), "hours.mon.close: must be a time HH:MM"},
      {patched("/hours/mon/close", "24:30"), "hours.mon.close: must be a time HH:MM"},
      {patched("/hours/mon/close", 2200), "hours.mon.close: must be a time HH:MM"},
      {patched("/hours/mon", json{{"open", "22:00"}, {"close", "09:00"}}), "hours.mon.close: 09:00 must be after"},
      {patched("/hours/mon", json{{"open", "09:00"}, {"close", "09:00"}}), "hours.mon.close: "},
      {patched("/hours/mon", json{{"open", "09:00"}}), "hours.mon.close: is required"},
      {patched("/hours/mon", "09:00-22:00"), "hours.mon: must be"},
      {patched("/hours/monday", nullptr), "hours.monday: is not a weekday"},
      {patched("/hours",
               json{{"mon", nullptr}, {"tue", nullptr}, {"wed", nullptr}, {"thu", nullptr}, {"fri", nullptr},
                    {"sat", nullptr}, {"sun", nullptr}}),
       "hours: at least one weekday must be open"},
      {patched("/holidays", "2026-01-01"), "holidays: must be a list"},
      {patched("/holidays", json{"2026-01-01", "2026-02-30"}), "holidays[1]: '2026-02-30' is not a date"},
      {patched("/holidays", json{"2026/01/01"}), "holidays[0]: "},
      {patched("/holidays", json{20260101}), "holidays[0]: must be a date"},
      {patched("/holidays", json{"1999-12-31"}), "holidays[0]: 1999-12-31 is outside"},
      {patched("/makeup_days", json{"2026-02-15"}), "makeup_days[0]: 2026-02-15 is also a holiday"},
      {patched("/makeup_days", json{"2200-01-01"}), "makeup_days[0]: "},
      {patched("/update_interval_ms", 0), "update_interval_ms: must be between 1"},
      {patched("/update_after_ms", -1), "update_after_ms: must be between 0"},
      {patched("/update_clock", "hourly"), "update_clock: must be one of wall, working_days, business"},
      {patched("/update_clock", 1), "update_clock: must be one of"},
      {patched("/soon_percent", 101), "soon_percent: must be between 0 and 100"},
      {patched("/soon_ms", -1), "soon_ms: "},
      {patched("/escalation/resolution/raise_priority", "yes"), "escalation.resolution.raise_priority: "},
      {patched("/escalation/later", json::object()), "escalation.later: is not a clock"},
      {patched("/escalation/update", true), "escalation.update: must be an object"},
  };
  for (const auto& [in, expected] : cases) {
    const std::string err = from_json_error(in);
    INFO(in.dump().substr(0, 200));
    CHECK(err.substr(0, expected.size()) == expected);
  }
  // a refused policy leaves the one it was read over untouched
  SlaPolicy p = sla_weekdays_policy();
  std::string err;
  CHECK_FALSE(sla_policy_from_json(json{{"name", "x"}, {"soon_percent", 500}}, p, err));
  CHECK(p.name == "weekdays");
  CHECK(p.soon_percent == 20);
}

TEST_CASE("validation also guards policies built in code", "[sla]") {
  SlaPolicy p;
  std::string err;
  std::swap(p.holidays[0], p.holidays[1]);
  CHECK_FALSE(sla_policy_validate(p, err));
  CHECK(err.substr(0, 12) == "holidays[1]:");
  p = SlaPolicy{};
  p.makeup_days.push_back(p.makeup_days.back());
  CHECK_FALSE(sla_policy_validate(p, err));
  CHECK(err.substr(0, 15) == "makeup_days[11]");
  p = SlaPolicy{};
  p.hours[3] = {true, 600, 24 * 60 + 1};
  CHECK_FALSE(sla_policy_validate(p, err));
  CHECK(err.substr(0, 15) == "hours.thu.close");
  p = SlaPolicy{};
  p.name = std::string(65, 'x');
  CHECK_FALSE(sla_policy_validate(p, err));
  CHECK(err.substr(0, 5) == "name:");
  CHECK(to_id(SlaClockKind::update) == std::string("update"));
  CHECK(to_id(SlaClockState::paused) == std::string("paused"));
  CHECK(to_id(SlaUpdateClock::working_days) == std::string("working_days"));
  CHECK(parse_sla_update_clock("business") == SlaUpdateClock::business);
  CHECK(parse_sla_clock_kind("resolution") == SlaClockKind::resolution);
  CHECK_FALSE(parse_sla_clock_kind("later").has_value());
}
