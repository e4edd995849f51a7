#include "platform/web/storage_web.h"

#include "platform/web/tabs_web.h"

#include <emscripten.h>

namespace edudesk::platform {
namespace {
std::function<void(OpenResult)> g_open_done;
std::function<void(int64_t, int64_t)> g_open_progress;
std::function<void()> g_open_showing;
std::function<void(int64_t, bool, const std::string&)> g_result;
Desk* g_load_desk = nullptr;
OpenResult g_opening;  // between the header and the last page
int64_t g_loaded = 0;
std::string g_snapshot;  // made for js_write_snapshot, freed once copied
}  // namespace

extern "C" {
// The small part of the store first: outbox, refused, meta and how many Ops follow.
EMSCRIPTEN_KEEPALIVE void edudesk_store_opened(int outcome, const char* payload) {
  if (!g_open_done) return;
  OpenResult& r = g_opening;
  r = OpenResult();
  if (outcome != 0) {
    r.outcome = OpenOutcome::failed;
    r.error = payload;
    auto done = std::move(g_open_done);
    return done(std::move(r));
  }
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("total") || !j["total"].is_number_integer()) {
    r.error = "the stored op log could not be read";
    auto done = std::move(g_open_done);
    return done(std::move(r));
  }
  r.outcome = OpenOutcome::loaded;
  r.op_count = j["total"].get<int64_t>();
  for (const auto& id : j.value("outbox", nlohmann::json::array()))
    if (id.is_string()) r.restored.outbox.push_back(id.get<std::string>());
  for (const auto& rj : j.value("rejected", nlohmann::json::array()))
    if (rj.is_object() && rj.contains("id") && rj["id"].is_string())
      r.restored.rejected.push_back({rj["id"].get<std::string>(), rj.value("code", std::string()),
                                     rj.value("reason", std::string())});
  // A restored snapshot: the outbox and refused Ops it covers (their State is in it already).
  auto ops_of = [&](const char* key, std::vector<Op>& into) {
    for (const auto& oj : j.value(key, nlohmann::json::array())) {
      Op op;
      Error err;
      if (op_from_json(oj, op, err)) into.push_back(std::move(op));
    }
  };
  ops_of("outbox_ops", r.restored.outbox_ops);
  ops_of("rejected_ops", r.restored.rejected_ops);
  const auto& meta = j.value("meta", nlohmann::json::object());
  if (meta.contains("cursor") && meta["cursor"].is_number_integer()) r.restored.cursor = meta["cursor"].get<int64_t>();
  if (meta.contains("token") && meta["token"].is_string()) r.token = meta["token"].get<std::string>();
  g_loaded = j.value("snapshot_covers", int64_t{0});
  g_load_desk->load_begin(r.restored);
}
// One page of the op log (a JSON array of Ops in arrival order); `last` after the final one.
EMSCRIPTEN_KEEPALIVE void edudesk_store_page(const char* payload, int last) {
  if (!g_open_done) return;
  auto page = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (page.is_array()) {
    for (const auto& oj : page) {
      Op op;
      Error err;
      if (op_from_json(oj, op, err)) g_load_desk->load_op(op);
      else g_load_desk->load_unreadable();
    }
    g_loaded += static_cast<int64_t>(page.size());
  }
  if (!last) {
    if (g_open_progress) g_open_progress(g_loaded, g_opening.op_count);
    return;
  }
  g_load_desk->load_end();
  g_opening.op_count = g_loaded;
  auto done = std::move(g_open_done);
  done(std::move(g_opening));
}
// The stored snapshot (js_open_store), restored while its bytes stream into `data` (`size` in
// all): begin, then a step each time more bytes are there or the last step had more to do.
EMSCRIPTEN_KEEPALIVE void edudesk_snapshot_begin(const char* data, double size) {
  if (g_load_desk) g_load_desk->restore_snapshot_begin(data, static_cast<size_t>(size));
}
// Reads what the first `available` bytes allow, about `max_tickets` tickets: 0 more to do (call
// again after a frame), 3 waiting for bytes, 1 the desk took the State, 2 refused (replay the log).
EMSCRIPTEN_KEEPALIVE int edudesk_snapshot_step(double available, int max_tickets) {
  if (!g_load_desk || !g_load_desk->restoring()) return 2;
  std::string err;
  const Desk::RestoreStep st =
      g_load_desk->restore_snapshot_step(static_cast<size_t>(available), static_cast<size_t>(max_tickets), err);
  if (st == Desk::RestoreStep::failed)
    EM_ASM({ console.warn("edudesk: the stored snapshot is not used (" + UTF8ToString($0) + "); replaying the log"); }, err.c_str());
  else if (g_load_desk->showable() && g_open_showing) {
    // the profile (bench/run.sh warmstart): when the desk could be drawn, and with its first tickets
    static bool showable = false, tickets = false;
    if (!showable) {
      showable = true;
      EM_ASM({ const p = Module.edudeskLoadProfile; if (p) p.at.showable = Math.round(performance.now()); });
    }
    if (!tickets && !g_load_desk->state().tickets.empty()) {
      tickets = true;
      EM_ASM({ const p = Module.edudeskLoadProfile; if (p) p.at.first_tickets = Math.round(performance.now()); });
    }
    g_open_showing();  // the State can be drawn while the rest arrives
  }
  switch (st) {
    case Desk::RestoreStep::more: return 0;
    case Desk::RestoreStep::wait: return 3;
    case Desk::RestoreStep::done: return 1;
    case Desk::RestoreStep::failed: return 2;
  }
  return 2;
}
// The snapshot's bytes stopped coming (a read error): the State it brought so far is dropped.
EMSCRIPTEN_KEEPALIVE void edudesk_snapshot_cancel() {
  if (g_load_desk) g_load_desk->restore_snapshot_cancel("the snapshot's bytes could not be read");
}
// After a restored snapshot: which of these outbox and refused Op ids (a JSON array) the snapshot
// does not hold itself, as a JSON array (js_open_store looks those up by id).
EMSCRIPTEN_KEEPALIVE const char* edudesk_snapshot_unknown(const char* ids_json) {
  static std::string answer;
  nlohmann::json unknown = nlohmann::json::array();
  const auto ids = nlohmann::json::parse(ids_json, nullptr, /*allow_exceptions=*/false);
  if (ids.is_array())
    for (const auto& id : ids)
      if (id.is_string() && !(g_load_desk && g_load_desk->snapshot_holds(id.get_ref<const std::string&>()))) unknown.push_back(id);
  answer = unknown.dump();
  return answer.c_str();
}
// js_write_snapshot: make (its size, 0 when a change is in flight), read the bytes, free them.
EMSCRIPTEN_KEEPALIVE int edudesk_snapshot_make() {
  g_snapshot = g_load_desk ? g_load_desk->make_snapshot() : std::string();
  return static_cast<int>(g_snapshot.size());
}
EMSCRIPTEN_KEEPALIVE const char* edudesk_snapshot_data() { return g_snapshot.data(); }
EMSCRIPTEN_KEEPALIVE void edudesk_snapshot_free() { std::string().swap(g_snapshot); }
EMSCRIPTEN_KEEPALIVE void edudesk_snapshot_written(double covers) {
  if (g_load_desk) g_load_desk->set_snapshot_covers(static_cast<int64_t>(covers));
}
EMSCRIPTEN_KEEPALIVE void edudesk_store_result(double batch, int ok, const char* error) {
  if (g_result) g_result(static_cast<int64_t>(batch), ok != 0, error);
}
}

// Every tab opens the store; tabs_web.cpp decides which one syncs. A snapshot of the State
// (store "snapshot", written by js_write_snapshot) is restored first when there is one and this
// build can read it; then the Ops newer than it are read in pages (getAll over key ranges), each
// handed to the desk while the next ones are read, so a large log is never held twice and the
// browser draws frames (the progress) in between. Without a usable snapshot the whole log is
// replayed. Strings go through the heap, never the stack (ccall's 'string' puts them on the
// 5 MB stack).
EM_JS(void, js_open_store, (int page_size), {
  const DB = Module.edudeskStoreName || "edudesk", VERSION = 3;  // practice mode: its own database
  const withString = (text, fn) => {
    const n = lengthBytesUTF8(text) + 1, p = _malloc(n);
    stringToUTF8(text, p, n);
    try { fn(p); } finally { _free(p); }
  };
  const report = (outcome, payload) => withString(payload, (p) => Module._edudesk_store_opened(outcome, p));
  const open = () => {
    const asked = performance.now();  // the profile: when the store was asked for, from navigation start
    let req;
    try { req = indexedDB.open(DB, VERSION); } catch (e) { report(2, String(e && e.name || e)); return; }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("ops")) db.createObjectStore("ops", { autoIncrement: true }).createIndex("by_id", "id", { unique: true });
      if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
      if (!db.objectStoreNames.contains("rejected")) db.createObjectStore("rejected", { keyPath: "id" });
      if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "k" });
      // v3: {k: "info", key, count, size, at} and {k: "state", bytes}: the State after the Ops up to `key`
      if (!db.objectStoreNames.contains("snapshot")) db.createObjectStore("snapshot", { keyPath: "k" });
    };
    req.onerror = () => report(2, String(req.error && req.error.name || "open failed"));
    req.onblocked = () => report(2, "blocked");
    req.onsuccess = () => {
      const db = req.result;
      Module.edudeskDb = db;
      db.onversionchange = () => db.close();  // a newer version in another tab takes over
      const t0 = performance.now();
      const fail = (tx) => report(2, String(tx.error && tx.error.name || "read failed"));
      const prof = Module.edudeskLoadProfile = { pages: 0, stringify_ms: 0, apply_ms: 0, snapshot: null,
                                                 asked_at_ms: asked, open_ms: t0 - asked, at: { opened: Math.round(t0) } };
      const mark = (k) => { prof.at[k] = Math.round(performance.now()); };  // each step, from navigation start
      // Keys are auto-increment integers in arrival order: pages are key ranges [lo, lo + size),
      // several read ahead at once while the desk applies the oldest (reads are the slower half).
      const readPage = (lo) => new Promise((resolve, reject) => {
        const tx = db.transaction("ops", "readonly");
        let ops;
        tx.objectStore("ops").getAll(IDBKeyRange.bound(lo, lo + page_size - 1)).onsuccess = (e) => { ops = e.target.result; };
        tx.oncomplete = () => resolve(ops);
        tx.onerror = tx.onabort = () => reject(tx);
      });
      // The snapshot streams into the heap piece by piece (no second copy of 300 MB in JS memory,
      // whose first touch alone costs Chromium a second or more at 100,000 tickets), and the desk
      // reads it as it comes: what the inbox needs, then the tickets newest first, shown at once
      // (Desk::showable) while the rest arrives; frames are drawn and input is taken meanwhile.
      // It starts beside the head (restoreFrom, below), so its last piece is held back until the
      // head has said it may be used (allow); if not, it is called off (cancel) and the log replayed.
      const restoreFrom = (si, rec) => {
        const tr = performance.now(), self = { info: si };
        let allowed = false, cancel = () => {}, kick = () => {};
        self.done = new Promise((resolve) => {
          const src = rec.bytes, n = src instanceof Blob ? src.size : src.byteLength, p = _malloc(n);
          if (!p) return resolve(false);
          Module._edudesk_snapshot_begin(p, n);
          let off = 0, over = false, ts = 0;
          const end = (ok) => {
            if (over) return;
            over = true;
            _free(p);
            mark("restored");
            prof.snapshot = { used: ok, bytes: n, covers: si.count, key: si.key, read_ms: (ts || performance.now()) - tr,
                              restore_ms: performance.now() - tr, started_ms: Math.round(tr) };
            resolve(ok);
          };
          // Everything runs in animation frames, just before the desk draws: each frame copies the
          // pieces read so far into the heap (about 5 ms) and steps the restore (to about 14 ms). A
          // browser kept busy by the stream's pieces and by steps queued as tasks drew no frame for
          // seconds. The stream is read ahead at most 8 MB, so 300 MB are never held in JS at once.
          // (A hidden tab gets no animation frames: there the work goes on as tasks.)
          const pieces = [];
          let held = 0, reading = false, ended = false, queued = false, reader = null;
          const later = () => {
            if (queued || over) return;
            queued = true;
            const go = () => { queued = false; tick(); };
            if (document.hidden) setTimeout(go, 0); else requestAnimationFrame(go);
          };
          const broken = () => {
            if (over) return;
            if (reader) reader.cancel().catch(() => {});
            Module._edudesk_snapshot_cancel();
            end(false);
          };
          const readAhead = () => {
            if (!reader || reading || ended || over || held >= (8 << 20)) return;
            reading = true;
            reader.read().then((x) => {
              reading = false;
              if (over) return;
              if (x.done) ended = true;
              else {
                if (!prof.at.first_piece) mark("first_piece");
                pieces.push(x.value); held += x.value.length; readAhead();
              }
              later();
            }, broken);
          };
          const tick = () => {
            if (over) return;
            const t = performance.now();
            while (pieces.length && performance.now() - t < 5) {
              if (!allowed && off + pieces[0].length === n) break;  // the last piece waits for the head
              const bytes = pieces.shift();
              held -= bytes.length;
              if (bytes.length > n - off) return broken();
              HEAPU8.set(bytes, p + off);  // HEAPU8 read anew: the heap may have grown meanwhile
              off += bytes.length;
              if (off === n) { ts = performance.now(); mark("bytes"); }
            }
            if (ended && !pieces.length && off !== n) return broken();
            readAhead();
            let r;
            do { r = Module._edudesk_snapshot_step(off, 256); } while (r === 0 && performance.now() - t < 14);
            if (r === 1 || r === 2) return end(r === 1);
            const held_back = !allowed && pieces.length && off + pieces[0].length === n;
            if (r === 0 || (pieces.length && !held_back)) later();
            // else waiting for bytes: the next piece asks for a frame (the last one: allow() does)
          };
          cancel = broken;
          kick = later;
          if (!(src instanceof Blob) || !src.stream) {
            const buf = src instanceof Blob ? src.arrayBuffer() : Promise.resolve(src);
            return buf.then((b) => { pieces.push(new Uint8Array(b)); ended = true; later(); }, broken);
          }
          reader = src.stream().getReader();
          readAhead();
        });
        self.allow = () => { allowed = true; kick(); };
        self.cancel = () => cancel();
        return self;
      };
      // The snapshot's record in a transaction of its own, read beside the head: its bytes start
      // streaming into the desk at once (the head takes 0.2 s at 1.3 million Ops).
      let early = null;
      const snapRead = new Promise((resolve) => {
        let stx;
        try { stx = db.transaction("snapshot", "readonly"); } catch (e) { return resolve(); }
        const st = stx.objectStore("snapshot");
        let si = null;
        st.get("info").onsuccess = (e) => { si = e.target.result || null; };
        st.get("state").onsuccess = (e) => {
          const rec = e.target.result || null;
          if (si && rec && (rec.bytes instanceof Blob || rec.bytes instanceof ArrayBuffer)) early = restoreFrom(si, rec);
        };
        stx.oncomplete = stx.onerror = stx.onabort = () => resolve();
      });
      const head = db.transaction(["ops", "outbox", "rejected", "meta", "snapshot"], "readonly");
      const out = {};
      let minKey = 1, maxKey = 0, info = null;  // keys run from the first kept to the last (a cleared store keeps counting)
      head.objectStore("ops").openKeyCursor(null, "next").onsuccess = (e) => { const c = e.target.result; if (c) minKey = c.key; };
      head.objectStore("ops").openKeyCursor(null, "prev").onsuccess = (e) => { const c = e.target.result; if (c) maxKey = c.key; };
      head.objectStore("outbox").getAllKeys().onsuccess = (e) => { out.outbox = e.target.result; };
      head.objectStore("rejected").getAll().onsuccess = (e) => { out.rejected = e.target.result; };
      head.objectStore("meta").getAll().onsuccess = (e) => {
        out.meta = {};
        for (const r of e.target.result) out.meta[r.k] = r.v;
      };
      const snaps = head.objectStore("snapshot");
      // How many Ops are stored: with a snapshot, its count and those after it (Ops are only ever
      // appended, or all cleared with it). Counting 1.3 million keys would take a second.
      snaps.get("info").onsuccess = (e) => {
        info = e.target.result || null;
        const trust = info && info.key <= maxKey;  // maxKey's cursor was asked first, so it has answered
        head.objectStore("ops").count(trust ? IDBKeyRange.lowerBound(info.key, true) : null).onsuccess =
          (ev) => { out.total = (trust ? info.count : 0) + ev.target.result; };
      };
      head.onerror = () => fail(head);
      head.oncomplete = () => snapRead.then(() => {
        prof.head_ms = performance.now() - t0;  // counts, keys, outbox, refused, meta (and the snapshot's record)
        mark("head");
        // The snapshot first: the desk takes its State (or refuses it: damaged, another build).
        let fromKey = minKey;
        const usable = !!(early && info && early.info.key === info.key && info.key <= maxKey && info.count <= out.total);
        if (early && !usable) early.cancel();
        if (usable) early.allow();
        const used = () => (usable ? early.done : Promise.resolve(false)).then((ok) => new Promise((resolve) => {
          if (!ok) return resolve(false);
          fromKey = info.key + 1;
          // The outbox and refused Ops: the snapshot holds those it covers; any other the store lists
          // comes by its id (the pages bring the newer ones). Asking for 31,000 ids took seconds.
          let unknown = [];
          withString(JSON.stringify(out.outbox.concat(out.rejected.map((r) => r.id))), (q) => {
            unknown = JSON.parse(UTF8ToString(Module._edudesk_snapshot_unknown(q)));
          });
          const ask = new Set(unknown);
          const tx = db.transaction("ops", "readonly"), byId = tx.objectStore("ops").index("by_id");
          const outboxOps = [], rejectedOps = [];
          const fetch = (id, into) => {
            byId.openCursor(IDBKeyRange.only(id)).onsuccess = (e) => {
              const c = e.target.result;
              if (c && c.primaryKey <= info.key) into.push([c.primaryKey, c.value]);
            };
          };
          for (const id of out.outbox) if (ask.has(id)) fetch(id, outboxOps);
          for (const r of out.rejected) if (ask.has(r.id)) fetch(r.id, rejectedOps);
          prof.outbox_asked = ask.size;
          const tf = performance.now();
          mark("outbox_asked");
          tx.oncomplete = () => {
            prof.outbox_ms = performance.now() - tf;  // the outbox and refused Ops the snapshot covers, by id
            mark("outbox");
            prof.outbox_ops = outboxOps.length;
            const inOrder = (xs) => xs.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
            out.outbox_ops = inOrder(outboxOps);
            out.rejected_ops = inOrder(rejectedOps);
            out.snapshot_covers = info.count;
            resolve(true);
          };
          tx.onerror = tx.onabort = () => resolve(false);  // cannot happen without the store failing: replay
        }));
        used().then((restored) => {
          if (!restored && prof.snapshot && prof.snapshot.used) return report(2, "snapshot: outbox read failed");
          const tb = performance.now();
          mark("begin");
          report(0, JSON.stringify(out));
          prof.begin_ms = performance.now() - tb;  // the head handed to the desk: outbox, refused, their Ops
          mark("begun");
          const AHEAD = 4, queue = [];
          let nextLo = fromKey;
          const refill = () => { while (queue.length < AHEAD && nextLo <= maxKey) { queue.push(readPage(nextLo)); nextLo += page_size; } };
          refill();
          const step = () => {
            const p = queue.length ? queue.shift() : Promise.resolve([]);
            p.then((ops) => {
              refill();
              const complete = queue.length === 0;
              const ts = performance.now();
              const text = JSON.stringify(ops);
              const ta = performance.now();
              if (complete) { Module.edudeskLoadMs = ta - t0; mark("last_page"); }
              withString(text, (q) => Module._edudesk_store_page(q, complete ? 1 : 0));
              prof.pages++; prof.stringify_ms += ta - ts; prof.apply_ms += performance.now() - ta;
              if (!complete) step();
            }, fail);
          };
          step();
        });
      });
    };
  };
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  // Input marks the desk busy: a snapshot (which holds the main thread a moment) waits for a pause.
  for (const t of ["pointerdown", "keydown", "wheel", "touchstart"])
    addEventListener(t, () => { Module.edudeskLastInputMs = performance.now(); }, { capture: true, passive: true });
  open();
});

// Writes a snapshot of the desk's State when the store agrees with the desk (js_open_store reads
// it). In one readwrite transaction over "ops" and "snapshot", so no Op is written in between:
// the store's count must equal the Ops the desk knows are stored (no other tab's write unheard
// of), the desk must have nothing in flight, the largest key is what the snapshot covers. Never
// while storage is nearly full (the op log comes first); a failed write changes nothing.
EM_JS(void, js_write_snapshot, (double expected), {
  const db = Module.edudeskDb;
  if (!db || Module.edudeskSnapshotBusy || !db.objectStoreNames.contains("snapshot")) return;
  if (performance.now() - (Module.edudeskLastInputMs ?? -1e9) < 3000) return;  // the agent is busy: later
  if (performance.now() < (Module.edudeskSnapshotRetryAt || 0)) return;       // skipped or failed lately
  Module.edudeskSnapshotBusy = true;
  const done = (what) => {
    Module.edudeskSnapshotBusy = false;
    if (what) Module.edudeskSnapshotLast = what;
    if (!what || !what.bytes) Module.edudeskSnapshotRetryAt = performance.now() + 10000;
  };
  const room = (navigator.storage && navigator.storage.estimate) ? navigator.storage.estimate() : Promise.resolve({});
  room.then((est) => {
    if (est.quota && est.usage > 0.4 * est.quota) return done({ skipped: "storage nearly full", usage: est.usage, quota: est.quota });
    const t0 = performance.now();
    let tx;
    try { tx = db.transaction(["ops", "snapshot"], "readwrite"); } catch (e) { return done({ error: String(e && e.name || e) }); }
    const ops = tx.objectStore("ops");
    let count = -1, maxKey = -1, made = null;
    const go = () => {
      if (count < 0 || maxKey < 0) return;
      if (count !== expected) { made = { skipped: "the store holds " + count + " Ops, the desk knows " + expected }; return; }
      const n = Module._edudesk_snapshot_make();
      if (!n) { made = { skipped: "changes in flight" }; return; }
      const p = Module._edudesk_snapshot_data();
      // A Blob, not an ArrayBuffer: IndexedDB keeps it as a file and hands back a handle, where
      // an ArrayBuffer of this size is cloned through its serializer on every put and get.
      const bytes = new Blob([HEAPU8.subarray(p, p + n)]);
      Module._edudesk_snapshot_free();
      const snaps = tx.objectStore("snapshot");
      snaps.put({ k: "state", bytes });
      snaps.put({ k: "info", key: maxKey, count, size: n, at: Date.now() });
      made = { bytes: n, covers: count, key: maxKey, make_ms: performance.now() - t0 };
    };
    ops.count().onsuccess = (e) => { count = e.target.result; go(); };
    ops.openKeyCursor(null, "prev").onsuccess = (e) => { const c = e.target.result; maxKey = c ? c.key : 0; go(); };
    tx.oncomplete = () => {
      if (made && made.bytes) { made.ms = performance.now() - t0; Module._edudesk_snapshot_written(made.covers); }
      done(made);
    };
    tx.onabort = tx.onerror = () => done({ error: String(tx.error && tx.error.name || "AbortError") });
  }, () => done(null));
});

EM_JS(void, js_append_ops, (double batch, const char* json), {
  const done = (ok, err) => Module.ccall("edudesk_store_result", null, ["number", "number", "string"], [batch, ok, err]);
  const b = JSON.parse(UTF8ToString(json));
  try {
    const db = Module.edudeskDb;
    if (!db) throw new Error("not_open");
    const tx = db.transaction(["ops", "outbox", "meta"], "readwrite", { durability: "strict" });
    const ops = tx.objectStore("ops"), outbox = tx.objectStore("outbox");
    for (const op of b.ops) {
      ops.add(op);
      if (b.local) outbox.put({ id: op.id });
    }
    if (b.cursor >= 0) tx.objectStore("meta").put({ k: "cursor", v: b.cursor });
    tx.oncomplete = () => done(1, "");
    tx.onabort = () => {
      const name = String(tx.error && tx.error.name || "AbortError");
      if (name === "QuotaExceededError") try { Module.edudeskDb.transaction("snapshot", "readwrite").objectStore("snapshot").clear(); } catch (e2) {}  // room for the log; the retry can succeed
      done(0, name);
    };
  } catch (e) {
    // Thrown synchronously: QuotaExceededError, InvalidStateError (closed), or a test's injected failure.
    // The op log is the truth and the snapshot only a shortcut: when storage is full, it goes first.
    if (e && e.name === "QuotaExceededError") { try { Module.edudeskDb.transaction("snapshot", "readwrite").objectStore("snapshot").clear(); } catch (e2) {} }
    setTimeout(() => done(0, String(e && e.name || e)), 0);
  }
});

EM_JS(void, js_settle, (const char* json), {
  const s = JSON.parse(UTF8ToString(json));
  try {
    const tx = Module.edudeskDb.transaction(["outbox", "rejected"], "readwrite", { durability: "strict" });
    const outbox = tx.objectStore("outbox"), rejected = tx.objectStore("rejected");
    for (const id of s.acked) outbox.delete(id);
    for (const r of s.rejected) { outbox.delete(r.id); rejected.put(r); }
  } catch (e) {
    console.warn("edudesk: settle", e);  // harmless: the next push is answered "duplicate"
  }
});

EM_JS(void, js_save_meta, (const char* key, const char* value), {
  try {
    Module.edudeskDb.transaction("meta", "readwrite").objectStore("meta").put({ k: UTF8ToString(key), v: UTF8ToString(value) });
  } catch (e) {}
});

void IndexedDbStore::append(const StoreBatch& batch) {
  nlohmann::json ops = nlohmann::json::array();
  for (const Op& op : batch.ops) ops.push_back(op_to_json(op));
  nlohmann::json b{{"ops", std::move(ops)}, {"local", batch.local}, {"cursor", batch.cursor}};
  js_append_ops(static_cast<double>(batch.id), b.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

void IndexedDbStore::settle(const std::vector<std::string>& acknowledged, const std::vector<RejectedRecord>& rejected) {
  nlohmann::json r = nlohmann::json::array();
  for (const RejectedRecord& x : rejected) r.push_back({{"id", x.id}, {"code", x.code}, {"reason", x.reason}});
  nlohmann::json s{{"acked", acknowledged}, {"rejected", std::move(r)}};
  js_settle(s.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  PeerMessage m;  // the other tabs drop these from their mirrored outbox too
  m.kind = PeerMessage::Kind::settled;
  m.acknowledged = acknowledged;
  m.rejected = rejected;
  tell_peers(m);
}

void open_store(Desk& desk, std::function<void(int64_t, int64_t)> progress, std::function<void()> showing,
                std::function<void(OpenResult)> done) {
  g_load_desk = &desk;
  g_open_progress = std::move(progress);
  g_open_showing = std::move(showing);
  g_open_done = std::move(done);
  js_open_store(4000);
}

void write_snapshot(const Desk& desk) { js_write_snapshot(static_cast<double>(desk.stored_ops())); }

void on_store_result(std::function<void(int64_t, bool, const std::string&)> cb) { g_result = std::move(cb); }
void save_meta(const std::string& key, const std::string& value) { js_save_meta(key.c_str(), value.c_str()); }

}  // namespace edudesk::platform
