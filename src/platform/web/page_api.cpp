#include "platform/web/page_api.h"

#include <emscripten.h>

#include <map>

#include "core/query.h"
#include "platform/backend.h"
#include "platform/web/embed_web.h"
#include "ui/widget_registry.h"

namespace edudesk::platform {
namespace {
Desk* g_desk = nullptr;
SyncDriver* g_driver = nullptr;
std::function<nlohmann::json(const std::string&)> g_glyph_query;
bool g_ready = false;
std::string g_out;                    // the last answer handed to JavaScript (copied at once)
std::map<int64_t, int> g_batch_to_req;  // command promises waiting for durability

nlohmann::json error_json(const Error& e) {
  return {{"ok", false}, {"error", {{"code", e.code}, {"field", e.field}, {"message", e.message}}}};
}
const char* out(const nlohmann::json& j) {
  g_out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return g_out.c_str();
}
}  // namespace

EM_JS(void, js_install_page_api, (), {
  let resolveReady, rejectReady;
  const pending = new Map();
  let nextReq = 1;
  const call = (fn, arg) => JSON.parse(Module.ccall(fn, 'string', ['string'], [arg]));
  window.edudesk = {
    ready: new Promise((res, rej) => { resolveReady = res; rejectReady = rej; }),
    // Checks and applies a Command; resolves once its Ops are durable in IndexedDB
    // ({ok:true, …result}) or with {ok:false, error:{code, field, message}}.
    command(obj) {
      let text;
      try { text = JSON.stringify(obj); } catch (e) {
        return Promise.resolve({ ok: false, error: { code: 'bad_command', field: "", message: String(e) } });
      }
      const req = nextReq++;
      const r = JSON.parse(Module.ccall('edudesk_api_command', 'string', ['string', 'number'], [text === undefined ? 'null' : text, req]));
      if (!r.ok || !r.pending) return Promise.resolve(r);
      return new Promise((res) => pending.set(req, { res, r }));
    },
    query(obj) {
      let text;
      try { text = JSON.stringify(obj); } catch (e) { text = 'null'; }
      return call('edudesk_api_query', text === undefined ? 'null' : text);
    },
    widgets() { return JSON.parse(Module.ccall('edudesk_api_widgets', 'string', [], [])); },
    // Sync now: forget the backoff and push and pull at once.
    syncNow() { Module._edudesk_api_sync_now(); },
  };
  Module.edudeskApi = {
    ready(ok, reason) { ok ? resolveReady(true) : rejectReady(new Error(reason)); },
    done(req, ok, message) {
      const p = pending.get(req);
      if (!p) return;
      pending.delete(req);
      delete p.r.pending;
      p.res(ok ? p.r : { ok: false, error: { code: 'storage_failed', field: "", message }, pending_in_memory: true });
    },
  };
});

EM_JS(void, js_install_learner_page_api, (), {
  window.edudesk = {
    ready: Promise.resolve(true),
    widgets() { return JSON.parse(Module.ccall('edudesk_api_widgets', 'string', [], [])); },
    learner() { return Module.edudeskLearner || { status: 'starting', detail: "" }; },
    // The portal's learner (mode=learner): {status, detail, tickets, offline, pendingCount}.
    portal() { return Module.edudeskPortal || null; },
  };
});

EM_JS(void, js_page_api_done, (int req, int ok, const char* message), {
  Module.edudeskApi.done(req, ok, UTF8ToString(message));
});
EM_JS(void, js_page_api_ready, (int ok, const char* reason), {
  Module.edudeskApi.ready(ok, UTF8ToString(reason));
});

extern "C" {
EMSCRIPTEN_KEEPALIVE const char* edudesk_api_command(const char* text, int req) {
  auto cmd = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (cmd.is_discarded()) return out(error_json({"bad_json", "", "the command is not valid JSON"}));
  if (!g_ready) return out(error_json({"not_ready", "", "the desk has not finished loading"}));
  Submitted s = g_desk->submit(cmd, now_ms());
  if (!s.ok) return out(error_json(s.error));
  request_redraw();
  g_batch_to_req[s.batch] = req;
  nlohmann::json r = s.result;
  r["ok"] = true;
  r["pending"] = true;
  return out(r);
}
EMSCRIPTEN_KEEPALIVE const char* edudesk_api_query(const char* text) {
  auto q = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (q.is_discarded()) return out(error_json({"bad_json", "", "the query is not valid JSON"}));
  if (q.is_object() && q.contains("type") && q["type"] == "storage") {
    nlohmann::json r{{"ok", true},
                     {"pending_ops", g_desk->pending_count()},
                     {"failed_batches", g_desk->failed_batches()},
                     {"error", g_desk->storage_error()},
                     {"load_rejected", g_desk->load_rejected()},
                     {"stored_ops", g_desk->stored_ops()},
                     {"snapshot_covers", g_desk->snapshot_covers()}};
    // The whole State as the replicas compare it (tests: a restored snapshot equals a replay).
    if (q.value("image", false) && g_ready) r["image"] = state_image(g_desk->state());
    return out(r);
  }
  if (q.is_object() && q.contains("type") && q["type"] == "glyphs" && g_glyph_query)
    return out(g_glyph_query(q.value("text", std::string())));
  if (q.is_object() && q.contains("type") && q["type"] == "sync") {
    const SyncStatus& st = g_driver->status();
    nlohmann::json outbox = nlohmann::json::array();
    for (const Op& op : g_desk->sync().outbox()) outbox.push_back(op.id);
    nlohmann::json rej = nlohmann::json::array();
    for (const auto& r : g_desk->rejected()) rej.push_back({{"id", r.op.id}, {"type", r.op.type}, {"code", r.code}, {"reason", r.reason}});
    return out({{"ok", true}, {"online", st.online}, {"signed_in", st.signed_in}, {"busy", st.busy},
                {"pending", st.pending}, {"last_success", st.last_success}, {"error", st.last_error},
                {"cursor", g_desk->sync().cursor()}, {"rejected", rej}, {"outbox", outbox}});
  }
  nlohmann::json r;
  Error err;
  if (!g_ready) return out(error_json({"not_ready", "", "the desk has not finished loading"}));
  if (!run_query(g_desk->state(), q, now_ms(), r, err)) return out(error_json(err));
  return out({{"ok", true}, {"result", r}});
}
EMSCRIPTEN_KEEPALIVE void edudesk_api_sync_now() {
  g_driver->sync_now(now_ms());
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE const char* edudesk_api_widgets() {
  g_out = ui::widgets_json();
  return g_out.c_str();
}
}

void install_page_api(Desk& desk, SyncDriver& driver) {
  g_desk = &desk;
  g_driver = &driver;
  js_install_page_api();
}

void install_learner_page_api() { js_install_learner_page_api(); }

void set_glyph_query(std::function<nlohmann::json(const std::string& text)> fn) { g_glyph_query = std::move(fn); }

void mark_ready(bool ok, const char* reason) {
  g_ready = ok;
  js_page_api_ready(ok ? 1 : 0, reason);
  if (ok) embed_ready();  // an embedding portal's messages are taken from now on
}

void page_api_batch_done(int64_t batch, bool ok, const std::string& message) {
  auto it = g_batch_to_req.find(batch);
  if (it == g_batch_to_req.end()) return;
  int req = it->second;
  // A failed batch stays pending in memory and may succeed on retry: only success
  // or the first failure answers the promise; the UI keeps showing the failure.
  g_batch_to_req.erase(it);
  js_page_api_done(req, ok ? 1 : 0, message.c_str());
}

}  // namespace edudesk::platform
