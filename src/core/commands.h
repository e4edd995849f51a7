#pragma once
// Commands are the only way in: the UI, the page's `window.edudesk.command` API
// and the tests all send the same JSON objects here. A Command is checked
// against the State and yields Ops, or an Error that changes nothing.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hlc.h"
#include "core/op.h"
#include "core/state.h"

namespace edudesk {

// Where new ids come from; injected so the core stays free of randomness.
class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual std::string next() = 0;
};

// "<prefix><counter>" ids; the prefix must be unique per device and session.
class PrefixIds : public IdSource {
 public:
  explicit PrefixIds(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string next() override { return prefix_ + std::to_string(++n_); }

 private:
  std::string prefix_;
  int64_t n_ = 0;
};

struct Context {
  Millis now = 0;
  std::string actor;  // the agent issuing the command
  IdSource* ids = nullptr;
  HlcClock* clock = nullptr;  // stamps the Ops; without one an Op is stamped {now, 0}
  std::string device{};       // names the device in every Op it makes (the ticket history shows it)
};

struct Decision {
  std::vector<Op> ops;
  nlohmann::json result = nlohmann::json::object();  // e.g. {"ticket_id":…, "number":…}
};

// The one way a command makes an Op: a new id, the actor, the device and a tick of the clock.
Op make_op(Context& ctx, const char* type, nlohmann::json data);

// A field change's "prev", what its author saw: [ms, counter, op id] of the change that set the
// value being replaced (the fold marks a concurrent change it did not see).
nlohmann::json prev_json(const Ticket& t, const Ticket::FieldState& fs);

// Checks `cmd` against `s` and returns the Ops it yields. Never modifies `s`.
bool decide(const State& s, const nlohmann::json& cmd, Context& ctx, Decision& out, Error& err);

// The command types, for docs/API.md and the UI.
extern const char* const kCommandTypes[];

}  // namespace edudesk
