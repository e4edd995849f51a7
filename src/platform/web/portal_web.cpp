#include "platform/web/portal_web.h"

#include <emscripten.h>

#include <cstdlib>

namespace edudesk::platform {
namespace {
std::function<void(const std::string&)> g_tickets, g_created;
std::function<void(const std::string&, const std::string&)> g_status;
}  // namespace
}  // namespace edudesk::platform

extern "C" {
EMSCRIPTEN_KEEPALIVE void edudesk_portal_tickets(char* json) {
  if (edudesk::platform::g_tickets) edudesk::platform::g_tickets(json);
  std::free(json);
}
EMSCRIPTEN_KEEPALIVE void edudesk_portal_status(char* code, char* detail) {
  if (edudesk::platform::g_status) edudesk::platform::g_status(code, detail);
  std::free(code);
  std::free(detail);
}
EMSCRIPTEN_KEEPALIVE void edudesk_portal_created(char* json) {
  if (edudesk::platform::g_created) edudesk::platform::g_created(json);
  std::free(json);
}
}

namespace edudesk::platform {
namespace {

EM_JS(void, js_portal_start, (const char* token_c), {
  const token = UTF8ToString(token_c);
  // The customer the token names (it is checked by the server, this only keys the storage).
  const who = (token.split('.')[1] || 'unknown').replace(/[^A-Za-z0-9_:-]/g, "");
  const listKey = 'edudesk.portal.' + who + '.tickets', pendKey = 'edudesk.portal.' + who + '.pending';
  const str = (s) => { const n = lengthBytesUTF8(s) + 1, p = _malloc(n); stringToUTF8(s, p, n); return p; };
  const read = (k, d) => { try { return JSON.parse(localStorage.getItem(k) || 'null') || d; } catch (e) { return d; } };
  const pending = () => read(pendKey, []);
  const P = Module.edudeskPortal = { status: 'starting', detail: {}, tickets: 0, offline: false };
  let last = read(listKey, null), offline = false;
  const show = () => {
    const j = Object.assign({ tickets: [] }, last || {}, { pending: pending(), offline: offline });
    P.tickets = j.tickets.length;
    P.offline = offline;
    P.pendingCount = j.pending.length;
    P.list = j;  // what the learner is shown (tests read it)
    Module._edudesk_portal_tickets(str(JSON.stringify(j)));
  };
  const status = (code, detail) => {
    P.status = code;
    P.detail = detail || {};
    Module._edudesk_portal_status(str(code), str(JSON.stringify(detail || {})));
  };
  const api = (method, path, body) => fetch('api/v1/learner/' + path, {
    method: method, cache: 'no-store', body: body ? JSON.stringify(body) : undefined,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token } });
  const refresh = async () => {
    try {
      const r = await api('GET', 'tickets');
      const j = await r.json().catch(() => ({}));
      if (r.ok) {
        last = j;
        offline = false;
        try { localStorage.setItem(listKey, JSON.stringify(j)); } catch (e) {}
      } else if (r.status === 401 || r.status === 403) { status('unauthorized', { error: j.error || {} }); return; }
    } catch (e) { offline = true; }
    show();
  };
  let sending = false;
  const flush = async () => {
    if (sending) return;
    sending = true;
    try {
      for (const q of pending()) {
        let r, j;
        try { r = await api('POST', 'request', q); j = await r.json().catch(() => ({})); } catch (e) { offline = true; break; }
        const drop = () => { try { localStorage.setItem(pendKey, JSON.stringify(pending().filter((x) => x.request_id !== q.request_id))); } catch (e) {} };
        if (r.ok) {
          drop();
          const done = { ticket_id: j.ticket_id, number: j.number, request_id: q.request_id };
          status('sent', done);
          Module._edudesk_portal_created(str(JSON.stringify(done)));
        } else if (r.status === 400 || r.status === 403 || r.status === 413 || r.status === 422) {
          drop();  // refused for good: say why, keep nothing to resend
          status('refused', { request_id: q.request_id, subject: q.subject, error: j.error || {} });
        } else if (r.status === 401) { status('unauthorized', { error: j.error || {} }); break; }  // kept for a new token
        else break;  // 503, a captive portal …: try again later
      }
    } finally { sending = false; }
    await refresh();
  };
  Module.edudeskPortalSubmit = (text) => {
    const q = JSON.parse(text);
    const rnd = Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, '0')).join("");
    q.request_id = 'rq-' + rnd;
    try { localStorage.setItem(pendKey, JSON.stringify(pending().concat([q]))); }
    catch (e) { status('refused', { error: { code: 'storage_failed', message: String(e) } }); return; }
    status('saved', { request_id: q.request_id });
    show();
    flush();
  };
  Module.edudeskPortalRefresh = refresh;
  if (last) { offline = !navigator.onLine; show(); }  // what was here last time, at once
  flush();
  window.addEventListener('online', flush);
  setInterval(flush, 15000);
});

EM_JS(void, js_portal_submit, (const char* body), { Module.edudeskPortalSubmit(UTF8ToString(body)); });
EM_JS(void, js_portal_refresh, (), { if (Module.edudeskPortalRefresh) Module.edudeskPortalRefresh(); });

}  // namespace

void portal_start(const std::string& learner_token, std::function<void(const std::string&)> tickets,
                  std::function<void(const std::string&, const std::string&)> status,
                  std::function<void(const std::string&)> created) {
  g_tickets = std::move(tickets);
  g_status = std::move(status);
  g_created = std::move(created);
  js_portal_start(learner_token.c_str());
}

void portal_submit(const std::string& request_json) { js_portal_submit(request_json.c_str()); }
void portal_refresh() { js_portal_refresh(); }

}  // namespace edudesk::platform
