#pragma once
// Helpers for the unit tests: a desk with one agent, a customer and a course,
// and an in-memory OpStore whose writes complete when the test says so.
#include <catch2/catch.hpp>

#include <algorithm>
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
  Desk* desk = nullptr;
  std::vector<StoreBatch> waiting;
  std::vector<Op> durable;
  std::vector<std::string> outbox;
  std::vector<RejectedRecord> rejected;
  int64_t cursor = 0;
  void append(const StoreBatch& b) override { waiting.push_back(b); }
  void settle(const std::vector<std::string>& acked, const std::vector<RejectedRecord>& refused) override {
    for (const auto& id : acked) outbox.erase(std::remove(outbox.begin(), outbox.end(), id), outbox.end());
    for (const auto& r : refused) {
      outbox.erase(std::remove(outbox.begin(), outbox.end(), r.id), outbox.end());
      rejected.push_back(r);
    }
  }
  void complete_all() {
    auto w = std::move(waiting);
    waiting.clear();
    for (auto& b : w) {
      durable.insert(durable.end(), b.ops.begin(), b.ops.end());
      if (b.local) for (const Op& op : b.ops) outbox.push_back(op.id);
      if (b.cursor >= 0) cursor = b.cursor;
      desk->on_stored(b.id, true, "");
    }
  }
  Restored restored() const { return Restored{durable, outbox, rejected, cursor}; }
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

// Applies every op to `s` in the order given; counts (and reports) the ones not applied.
inline int64_t replay(const std::vector<Op>& ops, State& s) {
  int64_t refused = 0;
  for (const Op& op : ops) {
    Error err;
    if (apply(s, op, err) != ApplyOutcome::applied) {
      ++refused;
      UNSCOPED_INFO("op " << op.id << " (" << op.type << ") refused: " << err.code << " " << err.message);
    }
  }
  return refused;
}

// The Desk's path without storage: decides `cmd` in `ctx` against `s` and applies its Ops.
// False, with `err`, when the command is refused or one of its Ops is not applied.
inline bool run_command(State& s, const nlohmann::json& cmd, Context& ctx, Error& err, Decision* out = nullptr) {
  Decision d;
  if (!decide(s, cmd, ctx, d, err)) return false;
  for (const Op& op : d.ops)
    if (apply(s, op, err) != ApplyOutcome::applied) return false;
  if (out) *out = std::move(d);
  return true;
}

inline nlohmann::json new_ticket_cmd() {
  return {{"type", "ticket.create"}, {"customer_id", "c-1"}, {"course_id", "k-1"}, {"channel", "chat"},
          {"subject", "回放视频打不开"}, {"text", "第三讲的回放一直在转圈"}, {"category", "technical"}, {"priority", "P2"}};
}

}  // namespace edudesk::test
