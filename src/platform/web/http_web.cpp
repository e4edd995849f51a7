#include "platform/web/http_web.h"

#include <emscripten.h>

#include <map>

namespace edudesk::platform {
namespace {
std::map<int, std::function<void(Transport::Response)>> g_pending;
int g_next = 1;
std::function<void(bool)> g_online;
std::function<void(double, double)> g_storage;
std::function<void()> g_update;
}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void edudesk_http_done(int req, int status, const char* body) {
  auto it = g_pending.find(req);
  if (it == g_pending.end()) return;
  auto done = std::move(it->second);
  g_pending.erase(it);
  done({status, body});
}
EMSCRIPTEN_KEEPALIVE void edudesk_net_online(int online) {
  if (g_online) g_online(online != 0);
}
EMSCRIPTEN_KEEPALIVE void edudesk_update_available() {
  if (g_update) g_update();
}
EMSCRIPTEN_KEEPALIVE void edudesk_storage_estimate(double usage, double quota) {
  if (g_storage) g_storage(usage, quota);
}
}

EM_JS(void, js_fetch, (int req, const char* method, const char* url, const char* token, const char* body), {
  const m = UTF8ToString(method), t = UTF8ToString(token), b = UTF8ToString(body);
  const headers = { "Content-Type": "application/json" };
  if (t) headers["Authorization"] = "Bearer " + t;
  const ctl = window.AbortController ? new AbortController() : null;
  const timer = setTimeout(() => ctl && ctl.abort(), 20000);
  const finish = (status, text) => {
    clearTimeout(timer);
    Module.ccall("edudesk_http_done", null, ["number", "number", "string"], [req, status, text]);
  };
  fetch(UTF8ToString(url), { method: m, headers, body: m === "GET" ? undefined : b, signal: ctl ? ctl.signal : undefined,
                             cache: "no-store", credentials: "same-origin" })
    .then((r) => r.text().then((text) => finish(r.status, text)))
    .catch(() => finish(0, ""));
});

EM_JS(void, js_watch_network, (), {
  window.addEventListener("online", () => Module._edudesk_net_online(1));
  window.addEventListener("offline", () => Module._edudesk_net_online(0));
  const estimate = () => {
    Module.edudeskEstimateTimer = 0;
    if (navigator.storage && navigator.storage.estimate)
      navigator.storage.estimate().then((e) => Module._edudesk_storage_estimate(e.usage || 0, e.quota || 0)).catch(() => {});
  };
  // After writes the figure is asked for again, at most once every 2 s.
  Module.edudeskEstimateSoon = () => { if (!Module.edudeskEstimateTimer) Module.edudeskEstimateTimer = setTimeout(estimate, 2000); };
  estimate();
  setInterval(estimate, 60000);
  if (!navigator.onLine) setTimeout(() => Module._edudesk_net_online(0), 0);
});

EM_JS(void, js_watch_updates, (), {
  if (!navigator.serviceWorker) return;
  navigator.serviceWorker.register("sw.js").then((reg) => {
    const waiting = () => { if (reg.waiting && navigator.serviceWorker.controller) Module._edudesk_update_available(); };
    waiting();
    reg.addEventListener("updatefound", () => {
      const w = reg.installing;
      if (w) w.addEventListener("statechange", () => { if (w.state === "installed") waiting(); });
    });
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);  // look for a new version now and then
    Module.edudeskSwReg = reg;
  }).catch((e) => console.warn("edudesk: service worker", e));
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (Module.edudeskUpdating && !reloading) { reloading = true; location.reload(); }
  });
});

EM_JS(void, js_apply_update, (), {
  const reg = Module.edudeskSwReg;
  if (!reg || !reg.waiting) return;
  Module.edudeskUpdating = true;
  reg.waiting.postMessage("edudesk-update");
});

EM_JS(void, js_storage_changed, (), { if (Module.edudeskEstimateSoon) Module.edudeskEstimateSoon(); });
void storage_changed() { js_storage_changed(); }

void watch_updates(std::function<void()> available) {
  g_update = std::move(available);
  js_watch_updates();
}
void apply_update() { js_apply_update(); }

void FetchTransport::send(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& token, std::function<void(Response)> done) {
  int req = g_next++;
  g_pending[req] = std::move(done);
  js_fetch(req, method.c_str(), (base_ + path).c_str(), token.c_str(), body.c_str());
}

void watch_network(std::function<void(bool)> online, std::function<void(double, double)> storage) {
  g_online = std::move(online);
  g_storage = std::move(storage);
  js_watch_network();
}

}  // namespace edudesk::platform
