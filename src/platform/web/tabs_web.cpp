#include "platform/web/tabs_web.h"

#include <emscripten.h>

#include <cstdlib>

namespace edudesk::platform {
namespace {
std::function<void()> g_leader;
std::function<void(const PeerMessage&)> g_message;
bool g_is_leader = false;

nlohmann::json to_json(const PeerMessage& m) {
  nlohmann::json ops = nlohmann::json::array();
  for (const Op& op : m.ops) ops.push_back(op_to_json(op));
  nlohmann::json rej = nlohmann::json::array();
  for (const RejectedRecord& r : m.rejected) rej.push_back({{"id", r.id}, {"code", r.code}, {"reason", r.reason}});
  const char* kind = m.kind == PeerMessage::Kind::local ? "local" : m.kind == PeerMessage::Kind::pulled ? "pulled" : "settled";
  return {{"kind", kind}, {"ops", ops}, {"cursor", m.cursor}, {"acked", m.acknowledged}, {"rejected", rej}};
}
}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void edudesk_became_leader() {
  g_is_leader = true;
  if (g_leader) g_leader();
}
EMSCRIPTEN_KEEPALIVE void edudesk_peer_message(const char* text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !g_message) return;
  PeerMessage m;
  std::string kind = j.value("kind", std::string());
  m.kind = kind == "local" ? PeerMessage::Kind::local : kind == "pulled" ? PeerMessage::Kind::pulled : PeerMessage::Kind::settled;
  for (const auto& oj : j.value("ops", nlohmann::json::array())) {
    Op op;
    Error err;
    if (op_from_json(oj, op, err)) m.ops.push_back(std::move(op));
  }
  if (j.contains("cursor") && j["cursor"].is_number_integer()) m.cursor = j["cursor"].get<int64_t>();
  for (const auto& id : j.value("acked", nlohmann::json::array()))
    if (id.is_string()) m.acknowledged.push_back(id.get<std::string>());
  for (const auto& r : j.value("rejected", nlohmann::json::array()))
    if (r.is_object() && r.contains("id") && r["id"].is_string())
      m.rejected.push_back({r["id"].get<std::string>(), r.value("code", std::string()), r.value("reason", std::string())});
  g_message(m);
}
}

EM_JS(void, js_join_tabs, (), {
  if (window.BroadcastChannel) {
    Module.edudeskChannel = new BroadcastChannel(Module.edudeskStoreName || "edudesk");
    Module.edudeskChannel.onmessage = (e) => Module.ccall("edudesk_peer_message", null, ["string"], [e.data]);
  }
  // Waits its turn: granted now if no other tab syncs, or when the syncing tab closes.
  if (navigator.locks && navigator.locks.request) {
    navigator.locks.request((Module.edudeskStoreName || "edudesk") + "-sync", () => { Module._edudesk_became_leader(); return new Promise(() => {}); });
  } else {
    Module._edudesk_became_leader();  // no Web Locks: every tab syncs; the server dedups
  }
});

EM_JS(void, js_tell_peers, (const char* text), {
  if (Module.edudeskChannel) Module.edudeskChannel.postMessage(UTF8ToString(text));
});

EM_JS(void, js_remember_store, (double cursor, double pending), {
  try { localStorage.setItem((Module.edudeskStoreName || "edudesk") + ".store", JSON.stringify({ cursor, pending, at: Date.now() })); } catch (e) {}
});

EM_JS(double, js_wiped_pending, (), {
  try {
    const m = JSON.parse(localStorage.getItem((Module.edudeskStoreName || "edudesk") + ".store") || "null");
    return m && m.cursor > 0 ? m.pending : -1;
  } catch (e) { return -1; }
});

void join_tabs(std::function<void()> leader, std::function<void(const PeerMessage&)> message) {
  g_leader = std::move(leader);
  g_message = std::move(message);
  js_join_tabs();
}
bool is_leader() { return g_is_leader; }
void tell_peers(const PeerMessage& m) {
  js_tell_peers(to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}
void remember_store(int64_t cursor, int64_t pending) {
  js_remember_store(static_cast<double>(cursor), static_cast<double>(pending));
}
bool store_was_wiped(int64_t& pending) {
  double p = js_wiped_pending();
  if (p < 0) return false;
  pending = static_cast<int64_t>(p);
  return true;
}

}  // namespace edudesk::platform
