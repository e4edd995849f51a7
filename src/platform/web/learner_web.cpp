#include "platform/web/learner_web.h"

#include <emscripten.h>

#include <cstdlib>

namespace edudesk::platform {
namespace {
std::function<void(const std::string&)> g_opened;
std::function<void(const std::string&, const std::string&)> g_link_done;
std::function<void(const std::string&, const std::string&)> g_status;
}  // namespace
}  // namespace edudesk::platform

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_learner_opened(char* json) {
  if (edudesk::platform::g_opened) edudesk::platform::g_opened(json);
  std::free(json);
}
extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_survey_link(char* url, char* error) {
  if (edudesk::platform::g_link_done) edudesk::platform::g_link_done(url, error);
  std::free(url);
  std::free(error);
}
extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_learner_status(char* code, char* detail) {
  if (edudesk::platform::g_status) edudesk::platform::g_status(code, detail);
  std::free(code);
  std::free(detail);
}

namespace edudesk::platform {
namespace {
EM_JS(char*, js_learner_params, (), {
  const q = new URLSearchParams(location.search);
  const sid = q.get('learner'), key = q.get('key');
  const out = sid && key ? JSON.stringify({ send_id: sid, key: key }) : "";
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

EM_JS(void, js_learner_start, (const char* sid_c, const char* key_c), {
  const sid = UTF8ToString(sid_c), key = UTF8ToString(key_c);
  const cacheKey = 'edudesk.learner.' + sid, pendKey = 'edudesk.learner.pending.' + sid;
  const str = (s) => { const n = lengthBytesUTF8(s) + 1, p = _malloc(n); stringToUTF8(s, p, n); return p; };
  const status = (code, detail) => {
    Module.edudeskLearner = { status: code, detail: detail || "" };
    Module._edudesk_learner_status(str(code), str(detail || ""));
  };
  const deliver = (j) => Module._edudesk_learner_opened(str(JSON.stringify(j)));
  const post = (path, body) => fetch('api/v1/learner/' + path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  let sending = false;
  const flush = async () => {
    const pending = localStorage.getItem(pendKey);
    if (!pending || sending) return;
    sending = true;
    try {
      const r = await post('answer', Object.assign(JSON.parse(pending), { send_id: sid, key: key }));
      const j = await r.json().catch(() => ({}));
      if (r.ok) { localStorage.removeItem(pendKey); status('sent', ""); }
      else if (r.status === 400 || r.status === 403 || r.status === 404 || r.status === 422) {
        localStorage.removeItem(pendKey);  // refused for good: say why, keep nothing to resend
        status('refused', JSON.stringify(j.error || {}));
      } else status('saved', "");  // 503, a portal's page …: try again later
    } catch (e) { status('saved', ""); }
    sending = false;
  };
  Module.edudeskLearnerSubmit = (body) => {
    try { localStorage.setItem(pendKey, body); } catch (e) { status('refused', JSON.stringify({ code: 'storage_failed', message: String(e) })); return; }
    status('saved', "");
    flush();
  };
  (async () => {
    const cached = JSON.parse(localStorage.getItem(cacheKey) || 'null');
    try {
      const r = await post('open', { send_id: sid, key: key });
      const j = await r.json();
      if (!r.ok) { status('refused', JSON.stringify(j.error || {})); return; }
      // The response id is given when the survey is first opened and kept: a resend is the same response.
      const rnd = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join("");
      j.response_id = (cached && cached.response_id) || ('lr-' + rnd);
      try { localStorage.setItem(cacheKey, JSON.stringify(j)); } catch (e) {}
      deliver(j);
      status(localStorage.getItem(pendKey) ? 'saved' : (j.answered ? 'sent' : 'opened'), "");
    } catch (e) {
      if (cached) { deliver(cached); status(localStorage.getItem(pendKey) ? 'saved' : 'opened', 'offline'); }
      else status('offline_first', "");
    }
    flush();
  })();
  // One timer for every survey opened in this page (the portal's learner may open several).
  const F = Module.edudeskLearnerFlushers = Module.edudeskLearnerFlushers || {};
  const first = Object.keys(F).length === 0;
  F[sid] = flush;
  if (first) {
    const all = () => Object.keys(F).forEach((k) => F[k]());
    window.addEventListener('online', all);
    setInterval(all, 5000);
  }
});

EM_JS(void, js_learner_submit, (const char* body), { Module.edudeskLearnerSubmit(UTF8ToString(body)); });

EM_JS(void, js_survey_link, (const char* token_c, const char* send_c), {
  const token = UTF8ToString(token_c), sid = UTF8ToString(send_c);
  const str = (s) => { const n = lengthBytesUTF8(s) + 1, p = _malloc(n); stringToUTF8(s, p, n); return p; };
  const done = (url, err) => Module._edudesk_survey_link(str(url), str(err));
  fetch('api/v1/survey-link', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
                                body: JSON.stringify({ send_id: sid }) })
    .then((r) => r.json().then((j) => ({ ok: r.ok, j })))
    .then(({ ok, j }) => {
      if (!ok || !j.path) { done("", (j.error && j.error.code) || 'failed'); return; }
      const url = new URL(j.path, location.href).href;
      Module.edudeskLastSurveyLink = url;  // for tests
      const copy = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.resolve();
      copy.catch(() => {}).then(() => done(url, ""));
    })
    .catch(() => done("", 'offline'));
});
}  // namespace

std::string learner_params() {
  char* p = js_learner_params();
  std::string s = p;
  std::free(p);
  return s;
}

void learner_start(const std::string& send_id, const std::string& key, std::function<void(const std::string&)> opened,
                   std::function<void(const std::string&, const std::string&)> status) {
  g_opened = std::move(opened);
  g_status = std::move(status);
  js_learner_start(send_id.c_str(), key.c_str());
}

void learner_submit(const std::string& body_json) { js_learner_submit(body_json.c_str()); }

void request_survey_link(const std::string& token, const std::string& send_id,
                         std::function<void(const std::string&, const std::string&)> done) {
  g_link_done = std::move(done);
  js_survey_link(token.c_str(), send_id.c_str());
}

}  // namespace edudesk::platform
