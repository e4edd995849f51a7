#pragma once
// Helpers for the unit tests: a desk with one agent, a customer and a course,
// and an in-memory OpStore whose writes complete when the test says so.
#include <string>
#include <vector>

#include "app/desk.h"
#include "core/commands.h"
#include "core/state.h"

namespace edudesk::test {

constexpr Millis kT0 = 1764000000000;  // 2025-11-24T16:00:00Z

// Holds each batch until complete_all() or fail_all(): IndexedDB is asynchronous too.
class ManualStore : public OpStore {
 public:
  struct Batch { int64_t id; std::vector<Op> ops; };
  Desk* desk = nullptr;
  std::vector<Batch> waiting;
  std::vector<Op> durable;
  void append(int64_t batch, const std::vector<Op>& ops) override { waiting.push_back({batch, ops}); }
  void complete_all() {
    auto w = std::move(waiting);
    waiting.clear();
    for (auto& b : w) {
      durable.insert(durable.end(), b.ops.begin(), b.ops.end());
      desk->on_stored(b.id, true, "");
    }
  }
  void fail_all(const std::string& why) {
    auto w = std::move(waiting);
    waiting.clear();
    for (auto& b : w) desk->on_stored(b.id, false, why);
  }
};

inline Op make(const char* id, const char* type, nlohmann::json data, Millis at = kT0, const char* by = "a-1") {
  return Op{id, type, at, by, std::move(data), Hlc{at, 0}};
}

// A State with agent a-1, customer c-1 and course k-1, built through apply.
inline State base_state() {
  State s;
  Error e;
  apply(s, make("o1", op_type::agent_created, {{"agent_id", "a-1"}, {"name", "王敏"}, {"role", "mid"}}), e);
  apply(s, make("o2", op_type::customer_created, {{"customer_id", "c-1"}, {"name", "李小明"}, {"phone", "13800138000"}}), e);
  apply(s, make("o3", op_type::course_created, {{"course_id", "k-1"}, {"name", "高中数学冲刺班"}, {"price_fen", 298000}}), e);
  return s;
}

inline nlohmann::json new_ticket_cmd() {
  return {{"type", "ticket.create"}, {"customer_id", "c-1"}, {"course_id", "k-1"}, {"channel", "chat"},
          {"subject", "回放视频打不开"}, {"text", "第三讲的回放一直在转圈"}, {"category", "technical"}, {"priority", "P2"}};
}

}  // namespace edudesk::test
