#pragma once
// The seeded demo desk: agents, courses, customers and a few hundred tickets
// over several weeks. Every Op comes out of `decide`, so demo data obeys the
// same rules as typed data. Same seed and end time, same Ops, on every platform.
#include <cstdint>
#include <vector>

#include "core/op.h"

namespace edudesk {

struct DemoOptions {
  uint64_t seed = 20261124;
  Millis end = 0;          // the newest ticket is at most this old; the web app passes "now"
  int tickets = 320;
  int days = 42;           // tickets spread over this many days before `end`
};

std::vector<Op> demo_ops(const DemoOptions& opt);

// The agent a fresh desk signs in as (王敏, mid tier).
constexpr const char* kDemoAgentId = "a-wangmin";

}  // namespace edudesk

namespace edudesk {
// Practice mode (情景模拟): the demo's agents, courses and surveys plus the ten most common
// situations of a new agent's day, as open tickets made at `now`: a refund within the
// cooling-off period, a video that will not play, a login code that never arrives, a
// complaint about a teacher, an invoice, a stolen account, a course change, a parent
// asking about the timetable, a double charge, and an angry customer threatening the media.
std::vector<Op> practice_ops(Millis now);
}  // namespace edudesk
