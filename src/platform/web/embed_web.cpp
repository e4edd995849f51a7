#include "platform/web/embed_web.h"

#include <emscripten.h>

#include <cstdlib>

namespace edudesk::platform {
namespace {
std::function<void(const nlohmann::json&)> g_handle;
bool g_installed = false;
}  // namespace
}  // namespace edudesk::platform

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_embed_message(const char* text) {
  auto m = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (m.is_object() && edudesk::platform::g_handle) edudesk::platform::g_handle(m);
}

namespace edudesk::platform {
namespace {

EM_JS(char*, js_embed_params, (), {
  const q = new URLSearchParams(location.search);
  const out = JSON.stringify({ embedded: window.parent !== window, mode: q.get('mode') === 'learner' ? 'learner' : 'agent',
                               token: q.get('token') || "", learner_token: q.get('learner_token') || "" });
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

EM_JS(void, js_embed_install, (), {
  // The allow-list: exact origins (scheme://host[:port]); "*", "null" and anything with a
  // path are not origins and are left out, so a sloppy list allows less, never more.
  const allowed = new Set();
  // (no backslashes in EM_JS: the macro's stringification would mangle them)
  for (let o of (new URLSearchParams(location.search).get('embed_origins') || "").split(",").join(" ").split(" ")) {
    if (o.endsWith("/")) o = o.slice(0, -1);
    try { const u = new URL(o); if ((u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o) allowed.add(u.origin); } catch (e) {}
  }
  const framed = window.parent !== window;
  const E = Module.edudeskEmbed = { allowed: Array.from(allowed), ignored: 0, handled: 0, queue: [], ready: false, sent: [] };
  // Events go to the parent only if it is an allowed origin (the browser checks targetOrigin).
  const targets = () => {
    const anc = location.ancestorOrigins && location.ancestorOrigins.length ? location.ancestorOrigins[0] : null;
    return anc ? (allowed.has(anc) ? [anc] : []) : Array.from(allowed);
  };
  Module.edudeskEmbedPost = (type, data) => {
    if (!framed) return;
    const msg = Object.assign({}, data || {}, { type: type });
    E.sent.push(msg);
    for (const o of targets()) { try { window.parent.postMessage(msg, o); } catch (e) {} }
  };
  const deliver = (text) => Module.ccall('edudesk_embed_message', null, ['string'], [text]);
  E.deliver = deliver;
  window.addEventListener('message', (e) => {
    // Only the embedding page itself, only from an allowed origin; dropped unread otherwise.
    if (!framed || e.source !== window.parent || !allowed.has(e.origin)) { E.ignored++; return; }
    const m = e.data;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string' || m.type.indexOf('edudesk.') !== 0) { E.ignored++; return; }
    let text;
    try { text = JSON.stringify(m); } catch (err) { E.ignored++; return; }
    if (!text || text.length > 65536) { E.ignored++; return; }
    E.handled++;
    if (E.ready) deliver(text); else E.queue.push(text);
  });
});

EM_JS(void, js_embed_ready, (const char* mode), {
  const E = Module.edudeskEmbed;
  if (!E || E.ready) return;
  E.ready = true;
  Module.edudeskEmbedPost('edudesk.ready', { mode: UTF8ToString(mode) });
  const q = E.queue;
  E.queue = [];
  for (const text of q) E.deliver(text);
});

EM_JS(void, js_embed_post, (const char* type, const char* data), {
  if (Module.edudeskEmbedPost) Module.edudeskEmbedPost(UTF8ToString(type), JSON.parse(UTF8ToString(data)));
});

std::string g_mode = "agent";
}  // namespace

EmbedParams embed_params() {
  char* p = js_embed_params();
  auto j = nlohmann::json::parse(p, nullptr, false);
  std::free(p);
  EmbedParams out;
  if (!j.is_object()) return out;
  out.embedded = j.value("embedded", false);
  out.mode = j.value("mode", "agent");
  out.token = j.value("token", "");
  out.learner_token = j.value("learner_token", "");
  g_mode = out.mode;
  return out;
}

void embed_install(std::function<void(const nlohmann::json&)> handle) {
  g_handle = std::move(handle);
  if (!g_installed) js_embed_install();
  g_installed = true;
}

void embed_ready() {
  if (g_installed) js_embed_ready(g_mode.c_str());
}

void embed_post(const std::string& type, const nlohmann::json& data) {
  if (!g_installed) return;
  js_embed_post(type.c_str(), data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

}  // namespace edudesk::platform
