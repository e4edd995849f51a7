// Browser backend for Dear ImGui on Emscripten's html5 world, written for edudesk
// instead of -sUSE_GLFW=3 (whose 3.1.6 version has no clipboard, no IME, no HiDPI
// and captures keys on the whole window, breaking a host page's inputs).
//
//  [X] Pointer: mouse, touch and pen through Pointer Events on the canvas (capture while pressed).
//  [X] Keyboard: listeners on the canvas and the IME field only, never on `window`.
//  [X] Text and IME: a hidden <textarea> follows ImGui's caret; text arrives on `input`
//      and `compositionend`; keys during a composition never reach ImGui (so the Enter
//      that picks a candidate does not submit).
//  [X] Clipboard: copy through navigator.clipboard.writeText; paste through the `paste` event.
//  [X] HiDPI and zoom: canvas backing store = CSS size × devicePixelRatio, read every frame.
//  [X] Resize with the container (the canvas is 100% of its parent).
//  [X] Redraw on demand: idle, the requestAnimationFrame loop is paused altogether.
//  [X] Touch: a drag scrolls what is under the finger and glides on with inertia; a tap
//      clicks; a tap on a text field focuses the IME field inside the gesture, so phones
//      open their on-screen keyboard (issue 8).
//
// 2026-11-24: first version (Emscripten 3.1.6, ImGui 1.90.1).
#include <emscripten.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "imgui.h"
#include "platform/backend.h"

namespace edudesk::platform {
namespace {
int g_redraw_frames = 5;
bool g_loop_paused = false;
float g_dpr = 1.0f;
int g_css_w = 0, g_css_h = 0;
std::string g_clipboard;
ImGuiPlatformImeData g_ime{};
bool g_ime_dirty = false;
// A press at a new position (a tap, a synthetic click) waits one frame behind its
// position so ImGui has seen the hover first; later buttons queue behind it in order.
struct ButtonEvent { int button; bool down; };
std::vector<ButtonEvent> g_deferred;
bool g_deferred_ready = false;
float g_last_x = -1, g_last_y = -1;  // the newest position queued
float g_seen_x = -1, g_seen_y = -1;  // the position as of the last drawn frame

// ---- touch: a drag scrolls (then glides on), a tap clicks ----
EM_JS(double, js_perf_ms, (), { return performance.now(); });  // the clock of events' timeStamp
constexpr float kTapSlop = 10;         // CSS px a finger may wander and still tap
constexpr float kGlideStop = 30;       // px/s: slower than this, the glide ends
constexpr double kGlideDecayS = 0.325;  // the velocity's time constant (as on iOS)
struct Touch {
  bool down = false, scrolling = false;
  float x0 = 0, y0 = 0, x = 0, y = 0;  // where it started, where it is
  double t = 0;                        // ms of the last move
  float vx = 0, vy = 0;                // px/s, smoothed over the last moves
} g_touch;
bool g_gliding = false;
float g_glide_vx = 0, g_glide_vy = 0;
double g_glide_t = 0;

// Scrolls the window under the (touch) pointer by a finger's movement in CSS px: ImGui turns
// one wheel unit into 5 lines of the window's font.
void scroll_by(float dx, float dy) {
  float step = 5 * ImGui::GetFontSize();
  if (step <= 0) step = 80;
  ImGui::GetIO().AddMouseWheelEvent(dx / step, dy / step);
}

ImGuiKey key_from_dom(const char* code, const char* key) {
  // Letters and digits by physical position (code), so shortcuts work in any layout.
  if (std::strncmp(code, "Key", 3) == 0 && code[3] >= 'A' && code[3] <= 'Z' && code[4] == 0)
    return static_cast<ImGuiKey>(ImGuiKey_A + (code[3] - 'A'));
  if (std::strncmp(code, "Digit", 5) == 0 && code[5] >= '0' && code[5] <= '9' && code[6] == 0)
    return static_cast<ImGuiKey>(ImGuiKey_0 + (code[5] - '0'));
  static const struct { const char* name; ImGuiKey key; } named[] = {
      {"Enter", ImGuiKey_Enter},       {"Tab", ImGuiKey_Tab},           {"Backspace", ImGuiKey_Backspace},
      {"Delete", ImGuiKey_Delete},     {"Escape", ImGuiKey_Escape},     {"ArrowLeft", ImGuiKey_LeftArrow},
      {"ArrowRight", ImGuiKey_RightArrow}, {"ArrowUp", ImGuiKey_UpArrow}, {"ArrowDown", ImGuiKey_DownArrow},
      {"Home", ImGuiKey_Home},         {"End", ImGuiKey_End},           {"PageUp", ImGuiKey_PageUp},
      {"PageDown", ImGuiKey_PageDown}, {"Insert", ImGuiKey_Insert},     {" ", ImGuiKey_Space},
      {"Control", ImGuiKey_LeftCtrl},  {"Shift", ImGuiKey_LeftShift},   {"Alt", ImGuiKey_LeftAlt},
      {"Meta", ImGuiKey_LeftSuper},    {"F1", ImGuiKey_F1},             {"F2", ImGuiKey_F2}};
  for (const auto& n : named)
    if (std::strcmp(key, n.name) == 0) return n.key;
  return ImGuiKey_None;
}

void set_clipboard(void*, const char* text) {
  g_clipboard = text;
  EM_ASM({
    const t = UTF8ToString($0);
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(t).catch(() => {});
  }, text);
}
const char* get_clipboard(void*) { return g_clipboard.c_str(); }

void set_ime_data(ImGuiViewport*, ImGuiPlatformImeData* data) {
  g_ime = *data;
  g_ime_dirty = true;
}
}  // namespace

// ---- events from the JavaScript listeners below ------------------------------------
extern "C" {
EMSCRIPTEN_KEEPALIVE void edudesk_ev_pointer(int kind, float x, float y, int button, int source);
// A finger (pointerType "touch"): kind 1 down, 0 move, 2 up, 4 cancel; `t` the event's timeStamp
// (ms). Returns 1 for a tap.
EMSCRIPTEN_KEEPALIVE int edudesk_ev_touch(int kind, float x, float y, double t) {
  ImGuiIO& io = ImGui::GetIO();
  io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
  Touch& f = g_touch;
  if (kind == 1) {
    g_gliding = false;  // a finger down stops a glide
    f = Touch{true, false, x, y, x, y, t, 0, 0};
    io.AddMousePosEvent(x, y);  // what is under the finger receives the scroll
    g_last_x = x;
    g_last_y = y;
    request_redraw();
    return 0;
  }
  if (!f.down) return 0;
  if (kind == 0) {
    if (!f.scrolling && std::hypot(x - f.x0, y - f.y0) > kTapSlop) f.scrolling = true;
    if (f.scrolling) {
      scroll_by(x - f.x, y - f.y);
      double dt = std::fmax(1.0, t - f.t) / 1000.0;
      f.vx = static_cast<float>(0.8 * (x - f.x) / dt + 0.2 * f.vx);
      f.vy = static_cast<float>(0.8 * (y - f.y) / dt + 0.2 * f.vy);
      f.x = x;
      f.y = y;
      f.t = t;
      request_redraw();
    }
    return 0;
  }
  f.down = false;
  if (kind == 4) return 0;
  if (f.scrolling) {
    // A finger resting before it lifts has no speed left: no glide.
    if (t - f.t < 100 && std::hypot(f.vx, f.vy) > kGlideStop) {
      g_gliding = true;
      g_glide_vx = f.vx;
      g_glide_vy = f.vy;
      g_glide_t = js_perf_ms();  // glides from now on, one step per drawn frame
    }
    request_redraw();
    return 0;
  }
  edudesk_ev_pointer(1, f.x0, f.y0, 0, 1);  // a tap: press and release where it began
  edudesk_ev_pointer(2, f.x0, f.y0, 0, 1);
  return 1;
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_pointer(int kind, float x, float y, int button, int source) {
  ImGuiIO& io = ImGui::GetIO();
  io.AddMouseSourceEvent(source == 1 ? ImGuiMouseSource_TouchScreen
                                     : source == 2 ? ImGuiMouseSource_Pen : ImGuiMouseSource_Mouse);
  bool moved = x != g_seen_x || y != g_seen_y;
  io.AddMousePosEvent(x, y);
  g_last_x = x;
  g_last_y = y;
  if ((kind == 1 || kind == 2) && button >= 0 && button < 3) {
    ButtonEvent ev{button == 2 ? 1 : button == 1 ? 2 : 0, kind == 1};
    if (!g_deferred.empty() || (ev.down && moved)) {
      if (g_deferred.empty()) g_deferred_ready = false;
      g_deferred.push_back(ev);
    } else {
      io.AddMouseButtonEvent(ev.button, ev.down);
    }
  }
  if (kind == 3) {
    io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);  // left the canvas
    g_last_x = g_last_y = -1;
  }
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_wheel(float dx, float dy) {
  ImGui::GetIO().AddMouseWheelEvent(-dx, -dy);
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE int edudesk_ev_key(int down, const char* code, const char* key, int mods) {
  ImGuiIO& io = ImGui::GetIO();
  io.AddKeyEvent(ImGuiMod_Ctrl, (mods & 1) != 0);
  io.AddKeyEvent(ImGuiMod_Shift, (mods & 2) != 0);
  io.AddKeyEvent(ImGuiMod_Alt, (mods & 4) != 0);
  io.AddKeyEvent(ImGuiMod_Super, (mods & 8) != 0);
  ImGuiKey k = key_from_dom(code, key);
  // Paste comes only from the browser's `paste` event (the system clipboard): if
  // ImGui saw Ctrl+V it would paste its own last copy instead, or both.
  bool paste = (mods & (1 | 8)) && k == ImGuiKey_V;
  if (k != ImGuiKey_None && !paste) io.AddKeyEvent(k, down != 0);
  request_redraw();
  // 1 = the browser must not act on it (ImGui owns it); 0 = let it through (typing,
  // Ctrl+V so the paste event fires, F5, F12 …).
  bool shortcut = (mods & (1 | 8)) && (k == ImGuiKey_A || k == ImGuiKey_C || k == ImGuiKey_X || k == ImGuiKey_Z ||
                                       k == ImGuiKey_Y);
  bool editing = k == ImGuiKey_Enter || k == ImGuiKey_Tab || k == ImGuiKey_Backspace || k == ImGuiKey_Delete ||
                 k == ImGuiKey_LeftArrow || k == ImGuiKey_RightArrow || k == ImGuiKey_UpArrow ||
                 k == ImGuiKey_DownArrow || k == ImGuiKey_Home || k == ImGuiKey_End || k == ImGuiKey_PageUp ||
                 k == ImGuiKey_PageDown || k == ImGuiKey_Escape;
  return (shortcut || editing) ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_text(const char* utf8) {
  ImGui::GetIO().AddInputCharactersUTF8(utf8);
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_paste(const char* utf8) {
  g_clipboard = utf8;
  ImGuiIO& io = ImGui::GetIO();
  // The paste event fires while Ctrl (Cmd) is still held, and InputText ignores
  // characters typed with Ctrl down: let go of the modifiers first. The next key
  // event sets them again from the real keyboard.
  io.AddKeyEvent(ImGuiMod_Ctrl, false);
  io.AddKeyEvent(ImGuiMod_Super, false);
  io.AddInputCharactersUTF8(utf8);
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_focus(int focused) {
  ImGui::GetIO().AddFocusEvent(focused != 0);
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE void edudesk_ev_redraw() { request_redraw(); }
}

// ---- JavaScript side: listeners on the canvas and the hidden IME field --------------
EM_JS(void, js_install_listeners, (const char* selector), {
  const canvas = document.querySelector(UTF8ToString(selector));
  canvas.tabIndex = 0;
  canvas.style.touchAction = 'none';
  canvas.style.outline = 'none';
  const ime = document.createElement('textarea');
  ime.id = 'edudesk-ime';
  ime.setAttribute('autocomplete', 'off');
  ime.setAttribute('autocorrect', 'off');
  ime.setAttribute('autocapitalize', 'off');
  ime.setAttribute('spellcheck', 'false');
  ime.setAttribute('aria-hidden', 'true');
  // Invisible but real: the IME candidate window is placed next to it.
  ime.style.cssText = 'position:absolute;left:0;top:0;width:2px;height:20px;opacity:0;padding:0;border:0;' +
                      'margin:0;resize:none;overflow:hidden;color:transparent;background:transparent;' +
                      'caret-color:transparent;pointer-events:none;font-size:16px;z-index:-1;';
  (canvas.parentElement || document.body).appendChild(ime);
  const M = Module;
  const pos = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const src = (e) => e.pointerType === 'touch' ? 1 : e.pointerType === 'pen' ? 2 : 0;
  // A finger goes to edudesk_ev_touch (drag = scroll, tap = click). A tap on a text field
  // focuses the IME field right here, inside the gesture: phones open their keyboard only then.
  const touch = (kind, e) => {
    const [x, y] = pos(e);
    const tap = M._edudesk_ev_touch(kind, x, y, e.timeStamp);  // when the finger moved, not when we heard
    if (tap && window.edudesk && window.edudesk.widgets &&
        window.edudesk.widgets().some((w) => w.text && w.visible && x >= w.x && x < w.x + w.w && y >= w.y && y < w.y + w.h)) {
      ime.style.left = (canvas.offsetLeft + x) + 'px';
      ime.style.top = (canvas.offsetTop + y) + 'px';
      ime.focus({ preventScroll: true });
    }
  };
  canvas.addEventListener('pointerdown', (e) => {
    const [x, y] = pos(e);
    try { canvas.setPointerCapture(e.pointerId); } catch (_) {}
    if (e.pointerType === 'touch') return touch(1, e);
    M._edudesk_ev_pointer(1, x, y, e.button, src(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'touch') return touch(0, e);
    const [x, y] = pos(e);
    M._edudesk_ev_pointer(0, x, y, -1, src(e));
  });
  canvas.addEventListener('pointerup', (e) => {
    if (e.pointerType === 'touch') return touch(2, e);
    const [x, y] = pos(e);
    M._edudesk_ev_pointer(2, x, y, e.button, src(e));
  });
  canvas.addEventListener('pointercancel', (e) => {
    if (e.pointerType === 'touch') return touch(4, e);
    const [x, y] = pos(e);
    M._edudesk_ev_pointer(2, x, y, 0, src(e));
  });
  // (A lifted finger "leaves" too: the glide still scrolls what was under it.)
  canvas.addEventListener('pointerleave', (e) => { if (e.buttons === 0 && e.pointerType !== 'touch') M._edudesk_ev_pointer(3, 0, 0, -1, src(e)); });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 1 / 3 : e.deltaMode === 2 ? 3 : 1 / 100;  // lines, pages, pixels
    M._edudesk_ev_wheel(e.deltaX * unit, e.deltaY * unit);
  }, { passive: false });
  const onKey = (down) => (e) => {
    if (e.isComposing || e.keyCode === 229) return;  // the IME owns this key
    const mods = (e.ctrlKey ? 1 : 0) | (e.shiftKey ? 2 : 0) | (e.altKey ? 4 : 0) | (e.metaKey ? 8 : 0);
    const owned = M.ccall('edudesk_ev_key', 'number', ['number', 'string', 'string', 'number'],
                          [down ? 1 : 0, e.code || "", e.key || "", mods]);
    if (owned) e.preventDefault();
  };
  for (const el of [canvas, ime]) {
    el.addEventListener('keydown', onKey(true));
    el.addEventListener('keyup', onKey(false));
  }
  const flush = () => {
    if (ime.value) { M.ccall('edudesk_ev_text', null, ['string'], [ime.value]); ime.value = ""; }
  };
  let composing = false;
  ime.addEventListener('compositionstart', () => { composing = true; });
  ime.addEventListener('compositionend', () => { composing = false; flush(); });
  ime.addEventListener('input', (e) => { if (!composing && !e.isComposing) flush(); });
  // Paste lands on whichever of the two has focus at that instant.
  const onPaste = (e) => {
    e.preventDefault();
    const t = (e.clipboardData || window.clipboardData).getData('text');
    if (t) M.ccall('edudesk_ev_paste', null, ['string'], [t]);
  };
  ime.addEventListener('paste', onPaste);
  canvas.addEventListener('paste', onPaste);
  ime.addEventListener('blur', () => M._edudesk_ev_redraw());
  window.addEventListener('focus', () => M._edudesk_ev_focus(1));
  window.addEventListener('blur', () => M._edudesk_ev_focus(0));
  if (window.ResizeObserver) new ResizeObserver(() => M._edudesk_ev_redraw()).observe(canvas);
  // A new devicePixelRatio without a resize (the window moved to another screen).
  const watchDpr = () => {
    if (!window.matchMedia) return;
    matchMedia("(resolution: " + (window.devicePixelRatio || 1) + "dppx)")
      .addEventListener("change", () => { M._edudesk_ev_redraw(); watchDpr(); }, { once: true });
  };
  watchDpr();
  Module.edudeskCanvas = canvas;
  Module.edudeskIme = ime;
});

// Sizes the backing store to CSS size × dpr; returns 1 when anything changed.
EM_JS(int, js_sync_canvas_size, (int* css_w, int* css_h, float* dpr), {
  const c = Module.edudeskCanvas;
  const r = window.devicePixelRatio || 1;
  const w = Math.max(1, c.clientWidth), h = Math.max(1, c.clientHeight);
  const bw = Math.round(w * r), bh = Math.round(h * r);
  let changed = 0;
  if (c.width !== bw || c.height !== bh) { c.width = bw; c.height = bh; changed = 1; }
  if (HEAP32[css_w >> 2] !== w || HEAP32[css_h >> 2] !== h || HEAPF32[dpr >> 2] !== r) changed = 1;
  HEAP32[css_w >> 2] = w; HEAP32[css_h >> 2] = h; HEAPF32[dpr >> 2] = r;
  return changed;
});

// Focus follows ImGui: the IME field while a text widget is active, else the canvas.
EM_JS(void, js_sync_ime, (int want_text, float x, float y, float line_h), {
  const ime = Module.edudeskIme, c = Module.edudeskCanvas;
  if (want_text) {
    ime.style.left = (c.offsetLeft + x) + 'px';
    ime.style.top = (c.offsetTop + y) + 'px';
    ime.style.height = Math.max(12, line_h) + 'px';
    if (document.activeElement !== ime) ime.focus({ preventScroll: true });
  } else if (document.activeElement === ime) {
    ime.value = "";
    c.focus({ preventScroll: true });
  }
});

EM_JS(double, js_now_ms, (), { return Date.now(); });

void backend_init(const char* canvas_selector) {
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "edudesk_web";
  io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;
  io.SetPlatformImeDataFn = set_ime_data;
  io.ConfigMacOSXBehaviors = EM_ASM_INT({ return /Mac|iPhone|iPad/.test(navigator.platform) ? 1 : 0; }) != 0;
  js_install_listeners(canvas_selector);
}

bool backend_new_frame() {
  ImGuiIO& io = ImGui::GetIO();
  bool changed = js_sync_canvas_size(&g_css_w, &g_css_h, &g_dpr) != 0;
  io.DisplaySize = ImVec2(static_cast<float>(g_css_w), static_cast<float>(g_css_h));
  io.DisplayFramebufferScale = ImVec2(g_dpr, g_dpr);
  static double last = 0;
  double now = js_now_ms();
  io.DeltaTime = last > 0 ? static_cast<float>(std::fmin(1.0, std::fmax(0.001, (now - last) / 1000.0))) : 1.0f / 60.0f;
  if (changed) request_redraw();
  if (g_gliding) {  // a flick glides on, slowing down, one step per drawn frame
    double pnow = js_perf_ms();
    double dt = std::fmin(0.1, std::fmax(0.0, (pnow - g_glide_t) / 1000.0));
    g_glide_t = pnow;
    scroll_by(static_cast<float>(g_glide_vx * dt), static_cast<float>(g_glide_vy * dt));
    float keep = static_cast<float>(std::exp(-dt / kGlideDecayS));
    g_glide_vx *= keep;
    g_glide_vy *= keep;
    if (std::hypot(g_glide_vx, g_glide_vy) < kGlideStop) g_gliding = false;
    else request_redraw(1);
  }
  if (!g_deferred.empty()) {
    if (g_deferred_ready) {
      for (const ButtonEvent& ev : g_deferred) io.AddMouseButtonEvent(ev.button, ev.down);
      g_deferred.clear();
    }
    g_deferred_ready = true;  // the next frame, after this one has seen the position
    request_redraw();
  }
  if (g_redraw_frames <= 0) {
    // Nothing to draw: stop the requestAnimationFrame loop itself until an event,
    // a storage or network answer, or the heartbeat asks for a frame again.
    emscripten_pause_main_loop();
    g_loop_paused = true;
    return false;
  }
  g_seen_x = g_last_x;
  g_seen_y = g_last_y;
  last = now;
  --g_redraw_frames;
  return true;
}

void backend_end_frame() {
  ImGuiIO& io = ImGui::GetIO();
  static bool was_wanting = false;
  if (g_ime_dirty || io.WantTextInput != was_wanting) {
    js_sync_ime(io.WantTextInput ? 1 : 0, g_ime.InputPos.x, g_ime.InputPos.y, g_ime.InputLineHeight);
    g_ime_dirty = false;
    was_wanting = io.WantTextInput;
  }
  // Animations that ImGui runs itself (a blinking caret is not worth the CPU).
  if (ImGui::IsAnyItemActive() || ImGui::IsMouseDragging(0)) request_redraw(1);
}

void request_redraw(int frames) {
  if (frames > g_redraw_frames) g_redraw_frames = frames;
  if (g_loop_paused) {
    g_loop_paused = false;
    emscripten_resume_main_loop();
  }
}
float device_pixel_ratio() { return g_dpr; }
int64_t now_ms() { return static_cast<int64_t>(js_now_ms()); }

}  // namespace edudesk::platform
