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
