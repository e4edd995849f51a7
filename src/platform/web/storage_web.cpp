#include "platform/web/storage_web.h"

#include <emscripten.h>

#include <cstdlib>

namespace edudesk::platform {
namespace {
std::function<void(OpenOutcome, std::vector<Op>, const std::string&)> g_open_done;
std::function<void(int64_t, bool, const std::string&)> g_result;
}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE void edudesk_store_opened(int outcome, const char* payload) {
  auto done = std::move(g_open_done);
  if (!done) return;
  if (outcome != 0) {
    done(outcome == 1 ? OpenOutcome::open_elsewhere : OpenOutcome::failed, {}, payload);
    return;
  }
  std::vector<Op> ops;
  auto arr = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!arr.is_array()) {
    done(OpenOutcome::failed, {}, "the stored op log could not be read");
    return;
  }
  ops.reserve(arr.size());
  for (const auto& j : arr) {
    Op op;
    Error err;
    if (op_from_json(j, op, err)) ops.push_back(std::move(op));
  }
  done(OpenOutcome::loaded, std::move(ops), "");
}
EMSCRIPTEN_KEEPALIVE void edudesk_store_result(double batch, int ok, const char* error) {
  if (g_result) g_result(static_cast<int64_t>(batch), ok != 0, error);
}
}

// Single-tab rule: the first tab holds a Web Lock for its lifetime; a second tab
// is told the desk is open elsewhere instead of writing into the same log.
EM_JS(void, js_open_store, (), {
  const DB = 'edudesk', VERSION = 1;
  const report = (outcome, payload) => Module.ccall('edudesk_store_opened', null, ['number', 'string'], [outcome, payload]);
  const open = () => {
    let req;
    try { req = indexedDB.open(DB, VERSION); } catch (e) { report(2, String(e && e.name || e)); return; }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('ops')) {
        const s = db.createObjectStore('ops', { autoIncrement: true });
        s.createIndex('by_id', 'id', { unique: true });
      }
    };
    req.onerror = () => report(2, String(req.error && req.error.name || 'open failed'));
    req.onblocked = () => report(2, 'blocked');
    req.onsuccess = () => {
      const db = req.result;
      Module.edudeskDb = db;
      db.onversionchange = () => db.close();
      const t0 = performance.now();
      const get = db.transaction('ops', 'readonly').objectStore('ops').getAll();
      get.onsuccess = () => { Module.edudeskLoadMs = performance.now() - t0; report(0, JSON.stringify(get.result)); };
      get.onerror = () => report(2, String(get.error && get.error.name || 'read failed'));
    };
  };
  if (navigator.locks && navigator.locks.request) {
    navigator.locks.request('edudesk-desk', { ifAvailable: true }, (lock) => {
      if (!lock) { report(1, 'open_elsewhere'); return; }
      open();
      return new Promise(() => {});  // held until the tab closes
    });
  } else {
    open();
  }
});

EM_JS(void, js_append_ops, (double batch, const char* json), {
  const done = (ok, err) => Module.ccall('edudesk_store_result', null, ['number', 'number', 'string'], [batch, ok, err]);
  const ops = JSON.parse(UTF8ToString(json));
  try {
    const db = Module.edudeskDb;
    if (!db) throw new Error('not_open');
    const tx = db.transaction('ops', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('ops');
    for (const op of ops) store.add(op);
    tx.oncomplete = () => done(1, "");
    tx.onabort = () => done(0, String(tx.error && tx.error.name || 'AbortError'));
  } catch (e) {
    // Thrown synchronously: QuotaExceededError, InvalidStateError (closed), or a test's injected failure.
    setTimeout(() => done(0, String(e && e.name || e)), 0);
  }
});

void IndexedDbStore::append(int64_t batch, const std::vector<Op>& ops) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Op& op : ops) arr.push_back(op_to_json(op));
  js_append_ops(static_cast<double>(batch), arr.dump().c_str());
}

void open_store(std::function<void(OpenOutcome, std::vector<Op>, const std::string&)> done) {
  g_open_done = std::move(done);
  js_open_store();
}

void on_store_result(std::function<void(int64_t, bool, const std::string&)> cb) { g_result = std::move(cb); }

}  // namespace edudesk::platform
