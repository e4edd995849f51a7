// The browser entry point: WebGL2 (WebGL1 as a fallback) + Dear ImGui + the Desk, wired to IndexedDB,
// the page API and the lazily loaded CJK font. Frames are drawn on demand.
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/desk.h"
#include "app/i18n.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "platform/backend.h"
#include "platform/web/embed_web.h"
#include "platform/web/http_web.h"
#include "platform/web/learner_web.h"
#include "platform/web/page_api.h"
#include "platform/web/portal_web.h"
#include "platform/web/storage_web.h"
#include "platform/web/tabs_web.h"
#include "core/demo.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"

namespace {
using namespace edudesk;

struct App {
  platform::IndexedDbStore store;
  std::unique_ptr<Desk> desk;
  std::unique_ptr<platform::FetchTransport> transport;
  std::unique_ptr<SyncDriver> driver;
  std::unique_ptr<ui::DeskUi> ui;
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE gl = 0;
  bool awaiting_first_pull = false;  // an empty store fills from the server's desk
  bool practice = false;             // 情景模拟: a local sandbox, never synced
  // A snapshot of the State is written once this many Ops were stored since the last one
  // (about 0.6 s of replay in WASM); ?snapshot_every=N in tests.
  int64_t snapshot_every = 10000;
};
App* g_app = nullptr;

// The embedding portal (issue 8): a ticket it asked to open that has not been pulled yet,
// the bearer token it passed, and whether the learner just sent a survey (to tell it so).
std::string g_open_pending;
int64_t g_open_revision = -1;
std::string g_embed_token;
bool g_survey_submitted = false;

// Opens the ticket the portal named (id or number) once it is here; asks the server
// for it when it is not (a learner's request made a moment ago on the server).
void try_open_pending(bool ask_server) {
  if (g_open_pending.empty() || !g_app->ui) return;
  const State& s = g_app->desk->state();
  if (!ask_server && s.revision == g_open_revision) return;
  g_open_revision = s.revision;
  const Ticket* t = s.ticket(g_open_pending);
  char* end = nullptr;
  long long n = std::strtoll(g_open_pending.c_str(), &end, 10);
  if (!t && end && *end == 0 && n > 0) t = s.ticket_by_number(n);
  if (t) {
    std::string route = "#/ticket/" + std::to_string(t->number);
    g_app->ui->navigate(route);
    if (g_app->ui->on_navigate) g_app->ui->on_navigate(route);  // the address bar follows
    g_open_pending.clear();
    platform::request_redraw();
  } else if (ask_server && g_app->driver) {
    g_app->driver->sync_now(platform::now_ms());
  }
}

// Fields of what the portal or the network sent, read without throwing (no exceptions here).
std::string str_field(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return j.is_object() && it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t int_field(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return j.is_object() && it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string message_id(const nlohmann::json& m) {
  auto it = m.find("id");
  if (it == m.end()) it = m.find("ticket_id");
  if (it == m.end()) return "";
  if (it->is_string()) return it->get<std::string>().substr(0, 64);
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// The learner's view inside a course portal: their requests and surveys, nothing of the desk.
void start_portal_learner(const platform::EmbedParams& embed) {
  App& app = *g_app;
  app.ui->set_learner_mode();
  app.ui->set_portal_mode();
  app.ui->set_phase(ui::Phase::ready);
  platform::install_learner_page_api();
  app.ui->on_portal_submit = [](const std::string& body) { platform::portal_submit(body); };
  app.ui->on_learner_submit = [](const std::string& body) {
    g_survey_submitted = true;
    platform::learner_submit(body);
  };
  app.ui->on_portal_survey = [](const std::string& send_id, const std::string& key) {
    platform::learner_start(
        send_id, key,
        [](const std::string& open) {
          g_app->ui->learner_opened(nlohmann::json::parse(open, nullptr, false));
          platform::request_redraw();
        },
        [](const std::string& code, const std::string& detail) {
          g_app->ui->learner_status(code, detail);
          if (code == "sent" && g_survey_submitted) {
            g_survey_submitted = false;
            platform::embed_post("edudesk.surveyAnswered", {{"ticket_id", g_app->ui->portal_survey_ticket()}});
            platform::portal_refresh();
          }
          platform::request_redraw();
        });
  };
  platform::embed_install([](const nlohmann::json& m) {
    std::string type = str_field(m, "type");
    if (type == "edudesk.createTicket") g_app->ui->portal_prefill(m);
    else if (type == "edudesk.openTicket") g_app->ui->portal_open(message_id(m));
    platform::request_redraw();
  });
  if (embed.learner_token.empty()) {
    app.ui->portal_request_status("unauthorized", nlohmann::json::object());
  } else {
    platform::portal_start(
        embed.learner_token,
        [](const std::string& list) {
          g_app->ui->portal_tickets(nlohmann::json::parse(list, nullptr, false));
          platform::request_redraw();
        },
        [](const std::string& code, const std::string& detail) {
          g_app->ui->portal_request_status(code, nlohmann::json::parse(detail, nullptr, false));
          platform::request_redraw();
        },
        [](const std::string& created) {
          auto c = nlohmann::json::parse(created, nullptr, false);
          if (!c.is_object()) return;
          platform::embed_post("edudesk.ticketCreated", {{"id", str_field(c, "ticket_id")},
                                                          {"number", int_field(c, "number")},
                                                          {"request_id", str_field(c, "request_id")}});
        });
  }
  platform::embed_ready();
}

void frame() {
  App& app = *g_app;
  Millis now = platform::now_ms();
  try_open_pending(false);
  if (app.driver && !app.practice && app.ui->phase() == ui::Phase::ready && platform::is_leader()) app.driver->tick(now);
  if (app.awaiting_first_pull) {
    const SyncStatus& st = app.driver->status();
    bool pulled = st.last_success > 0 || !app.desk->state().tickets.empty();
    bool gave_up = !st.last_error.empty() && st.last_error != "signed_out";
    if (pulled || gave_up) {
      app.awaiting_first_pull = false;
      platform::mark_ready(true, "");
    }
  }
  if (!platform::backend_new_frame()) return;
  if (app.ui->prepare_fonts(platform::device_pixel_ratio())) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    // The atlas is 4096 wide and as high as its glyphs need: WebGL1 samples such a
    // non-power-of-two texture only with clamped wrapping (else it reads black).
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<intptr_t>(ImGui::GetIO().Fonts->TexID)));
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  app.ui->draw(platform::now_ms());
  if (int more = app.ui->take_frames_wanted()) platform::request_redraw(more);  // a view mid-change
  ImGui::Render();
  ui::widgets_end_frame();
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.97f, 0.97f, 0.98f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  platform::backend_end_frame();
  // Figures for the tests and the closing notes: frames drawn (an idle desk draws
  // none), first frame, first frame in Chinese.
  static double frames_drawn = 0;
  EM_ASM({ Module.edudeskFrames = $0; }, ++frames_drawn);
  static bool first_done = false, cjk_done = false;
  if (!first_done) {
    first_done = true;
    EM_ASM({ Module.edudeskFirstFrameMs = performance.now(); });
  }
  // The first interactive frame with the stored desk in it (bench/run.sh warmstart): its newest
  // tickets while the rest arrives, or all of it; and the first with all of it.
  static bool data_done = false, whole_done = false;
  const bool shown = app.ui->phase() == ui::Phase::ready ||
                     (app.ui->phase() == ui::Phase::arriving && !app.desk->state().tickets.empty());
  if (!data_done && shown) {
    data_done = true;
    EM_ASM({ Module.edudeskDataFrameMs = performance.now(); Module.edudeskDataFrameTickets = $0; performance.mark('edudesk-data-frame'); },
           static_cast<double>(app.desk->state().tickets.size()));
  }
  if (app.ui->phase() == ui::Phase::arriving) EM_ASM({ Module.edudeskArrivingFrames = (Module.edudeskArrivingFrames || 0) + 1; });
  if (!whole_done && app.ui->phase() == ui::Phase::ready) {
    whole_done = true;
    EM_ASM({ Module.edudeskWholeFrameMs = performance.now(); });
  }
  if (!cjk_done && app.ui->has_cjk_font() && app.ui->phase() == ui::Phase::ready) {
    cjk_done = true;
    EM_ASM({ Module.edudeskCjkFrameMs = performance.now(); });
  }
}

// A per-tab id prefix: device (kept in localStorage) + a fresh session part, so
// ids never collide across reloads or tabs without any clock or counter on disk.
EM_JS(char*, js_id_prefix, (), {
  const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join("");
  let device = null;
  try { device = localStorage.getItem('edudesk.device'); if (!device) { device = hex(4); localStorage.setItem('edudesk.device', device); } } catch (e) { device = hex(4); }
  const out = device + '-' + hex(3) + '-';
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

// ?server= (another origin), ?agent= and ?password= (demo and tests); defaults: this
// origin, the demo agent 王敏 and the demo password.
EM_JS(char*, js_config, (), {
  const q = new URLSearchParams(location.search);
  const out = JSON.stringify({ server: q.get("server") || "", agent: q.get("agent") || "a-wangmin", practice: q.get("practice") === "1",
                               password: q.get("password") || "edudesk", snapshot_every: Number(q.get("snapshot_every")) || 0,
                               sla_rule: q.get("sla_rule") !== "off" });
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

// A short name of this device for the ticket history: the browser and the system.
EM_JS(char*, js_device_name, (), {
  const ua = navigator.userAgent || "";
  const has = (w) => ua.indexOf(w) >= 0;
  const browser = has("Edg") ? "Edge" : has("Firefox") ? "Firefox" : (has("Chrome") || has("Chromium")) ? "Chrome"
                : has("Safari") ? "Safari" : "Browser";
  const os = has("Android") ? "Android" : (has("iPhone") || has("iPad")) ? "iOS" : has("Windows") ? "Windows"
           : has("Mac OS X") ? "macOS" : has("Linux") ? "Linux" : "";
  const out = browser + (os ? " · " + os : "") + (has("Mobi") ? " · mobile" : "");
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

EM_JS(void, js_use_practice_store, (), { Module.edudeskStoreName = "edudesk-practice"; });
// Practice mode opens in a tab of its own; leaving it returns to the desk.
EM_JS(void, js_open_practice, (int enter), {
  const u = new URL(location.href);
  if (enter) { u.searchParams.set("practice", "1"); u.hash = ""; window.open(u.toString(), "_blank"); }
  else { u.searchParams.delete("practice"); u.hash = ""; location.href = u.toString(); }
});
EM_JS(char*, js_saved_lang, (), {
  // ?lang= (set by an embedding portal) wins over the person's last choice.
  let l = new URLSearchParams(location.search).get('lang');
  if (!l) { try { l = localStorage.getItem('edudesk.lang'); } catch (e) {} }
  if (!l) l = 'zh-Hans';
  const n = lengthBytesUTF8(l) + 1, p = _malloc(n);
  stringToUTF8(l, p, n);
  return p;
});

// The address bar: the hash is the route; the back button and links come back here.
EM_JS(void, js_watch_route, (), {
  window.addEventListener("hashchange", () => Module.ccall("edudesk_route_changed", null, ["string"], [location.hash || "#/"]));
});
EM_JS(void, js_set_route, (const char* route), {
  const r = UTF8ToString(route);
  if ((location.hash || "#/") !== r) location.hash = r;  // a new history entry, so Back returns
});
EM_JS(char*, js_initial_route, (), {
  const r = location.hash || "#/";
  const n = lengthBytesUTF8(r) + 1, p = _malloc(n);
  stringToUTF8(r, p, n);
  return p;
});

// A file for the person: a Blob behind a temporary link (exports: survey CSV/JSON).
EM_JS(void, js_download, (const char* name, const char* mime, const char* data, int len), {
  const bytes = HEAPU8.slice(data, data + len);
  const url = URL.createObjectURL(new Blob([bytes], { type: UTF8ToString(mime) }));
  const a = document.createElement('a');
  a.href = url;
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});

EM_JS(void, js_save_lang, (const char* code), {
  try { localStorage.setItem('edudesk.lang', UTF8ToString(code)); } catch (e) {}
});

// The larger-text setting (100, 125, 150) and the high-contrast theme, kept like the language:
// percent + 1000 × contrast.
EM_JS(int, js_saved_a11y, (), {
  let size = 100, contrast = 0;
  try {
    size = parseInt(localStorage.getItem('edudesk.textSize') || '100', 10) || 100;
    contrast = localStorage.getItem('edudesk.contrast') === 'high' ? 1 : 0;
  } catch (e) {}
  return size + 1000 * contrast;
});
EM_JS(void, js_save_a11y, (int percent, int contrast), {
  try {
    localStorage.setItem('edudesk.textSize', String(percent));
    localStorage.setItem('edudesk.contrast', contrast ? 'high' : 'normal');
  } catch (e) {}
});

// The fonts, into the heap: the CJK base font (block < 0), which arrives after the first frame
// (the UI shows a loading state till then), and chunks of the face for characters the base font
// lacks (DeskUi::on_fetch_glyphs; block = the first code point / 256). A chunk answered 404 is
// one the face does not have: asked no more. Offline or the server away: asked again when the
// network is back or after a while (15 s, doubling up to 5 min); the service worker keeps what
// was fetched, so an offline start has it too.
EM_JS(void, js_fetch_font, (const char* url_c, int block), {
  const url = UTF8ToString(url_c);
  const attempt = (delay) => {
    fetch(url).then((r) => {
      if (r.status === 404 && block >= 0) { Module._edudesk_glyphs_absent(block); return; }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer().then((buf) => {
        const bytes = new Uint8Array(buf);
        const ptr = _malloc(bytes.length);
        HEAPU8.set(bytes, ptr);
        if (block < 0) Module._edudesk_font_loaded(ptr, bytes.length);
        else Module._edudesk_glyphs_loaded(block, ptr, bytes.length);
      });
    }).catch((e) => {
      console.warn('edudesk: ' + url + ' not fetched (' + e + '); asking again later');
      let done = false;
      const again = () => {
        if (done) return;
        done = true;
        window.removeEventListener('online', again);
        clearTimeout(timer);
        attempt(Math.min(delay * 2, 300000));
      };
      const timer = setTimeout(again, delay);
      window.addEventListener('online', again);
    });
  };
  attempt(15000);
});
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_glyphs_loaded(int block, unsigned char* data, int size) {
  g_app->ui->glyphs_arrived(static_cast<uint32_t>(block), std::vector<unsigned char>(data, data + size));
  std::free(data);
  platform::request_redraw();
}

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_glyphs_absent(int block) {
  g_app->ui->glyphs_absent(static_cast<uint32_t>(block));
}

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_route_changed(const char* route) {
  g_app->ui->navigate(route);
  platform::request_redraw();
}

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_font_loaded(unsigned char* data, int size) {
  g_app->ui->set_cjk_font(std::vector<unsigned char>(data, data + size));
  std::free(data);
  platform::request_redraw();
}

int main() {
  g_app = new App();
  App& app = *g_app;
  char* prefix = js_id_prefix();
  app.desk = std::make_unique<Desk>(app.store, prefix, static_cast<uint64_t>(platform::now_ms()));
  std::free(prefix);
  char* device = js_device_name();
  app.desk->set_device(device);
  std::free(device);
  app.ui = std::make_unique<ui::DeskUi>(*app.desk);
  app.ui->on_lang_changed = [](Lang l) { js_save_lang(lang_code(l)); };
  const int a11y = js_saved_a11y();
  app.ui->set_a11y(a11y % 1000, a11y >= 1000);
  app.ui->on_a11y_changed = [](int percent, bool contrast) { js_save_a11y(percent, contrast ? 1 : 0); };
  app.ui->on_download = [](const std::string& name, const std::string& mime, const std::string& data) {
    js_download(name.c_str(), mime.c_str(), data.data(), static_cast<int>(data.size()));
  };
  app.ui->on_navigate = [](const std::string& route) { js_set_route(route.c_str()); };
  char* route = js_initial_route();
  app.ui->navigate(route);
  std::free(route);
  js_watch_route();
  char* lang = js_saved_lang();
  Lang l;
  if (parse_lang(lang, l)) set_lang(l);
  std::free(lang);

  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.alpha = false;
  attrs.antialias = false;
  attrs.preserveDrawingBuffer = true;  // tests read the canvas back; frames are drawn on demand anyway
  app.gl = emscripten_webgl_create_context("#canvas", &attrs);
  if (app.gl <= 0) {  // WebGL1 where WebGL2 is missing (older Safari, some GPUs): ImGui's GLSL ES 1.00 shaders
    attrs.majorVersion = 1;
    app.gl = emscripten_webgl_create_context("#canvas", &attrs);
  }
  if (app.gl <= 0) {
    EM_ASM({ document.body.insertAdjacentHTML('beforeend', '<p style="font:16px sans-serif;padding:1em">此浏览器不支持 WebGL，无法显示工单台。 This browser lacks WebGL.</p>'); });
    return 1;
  }
  emscripten_webgl_make_context_current(app.gl);
  EM_ASM({ Module.edudeskWebGL = $0; }, attrs.majorVersion);  // which one drew (tests/e2e/webgl1.mjs)

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no file system in the browser build
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ui::widgets_enable();
  app.ui->apply_theme();
  platform::backend_init("#canvas");
  ImGui_ImplOpenGL3_Init(attrs.majorVersion >= 2 ? "#version 300 es" : "#version 100");

  char* cfg_text = js_config();
  auto cfg = nlohmann::json::parse(cfg_text, nullptr, false);
  std::free(cfg_text);
  auto cfg_str = [&](const char* k) { return cfg.is_object() && cfg[k].is_string() ? cfg[k].get<std::string>() : std::string(); };
  if (cfg.is_object() && cfg["snapshot_every"].is_number() && cfg["snapshot_every"].get<int64_t>() > 0)
    app.snapshot_every = cfg["snapshot_every"].get<int64_t>();
  if (cfg.is_object() && cfg["sla_rule"].is_boolean()) app.ui->set_sla_rule(cfg["sla_rule"].get<bool>());
  // The service worker keeps the app (a desk and a learner's link alike open offline later);
  // a new version is offered, never forced. The CJK font follows the first frame.
  app.ui->on_update = [] { platform::apply_update(); };
  platform::watch_updates([] {
    g_app->ui->set_update_available();
    platform::request_redraw();
  });
  js_fetch_font("fonts/edudesk-sc.otf", -1);
  app.ui->on_fetch_glyphs = [](uint32_t block) {
    char url[32];
    std::snprintf(url, sizeof url, "fonts/more/%04x.otf", static_cast<unsigned>(block));
    js_fetch_font(url, static_cast<int>(block));
  };
  platform::set_glyph_query([](const std::string& text) { return g_app->ui->glyph_status(text); });

  // Inside a course portal (web/embed.js): the learner's view, or the desk with the
  // portal's messages.
  platform::EmbedParams embed = platform::embed_params();
  if (embed.mode == "learner") {
    start_portal_learner(embed);
    emscripten_set_main_loop(frame, 0, 0);
    return 0;
  }
  g_embed_token = embed.token;
  // A survey link: only that survey, answered by the learner; the desk is never opened.
  std::string learner = platform::learner_params();
  if (!learner.empty()) {
    auto lp = nlohmann::json::parse(learner, nullptr, false);
    app.ui->set_learner_mode();
    app.ui->set_phase(ui::Phase::ready);
    app.ui->on_learner_submit = [](const std::string& body) { platform::learner_submit(body); };
    platform::learner_start(
        lp.value("send_id", ""), lp.value("key", ""),
        [](const std::string& open) {
          g_app->ui->learner_opened(nlohmann::json::parse(open, nullptr, false));
          platform::request_redraw();
        },
        [](const std::string& code, const std::string& detail) {
          g_app->ui->learner_status(code, detail);
          platform::request_redraw();
        });
    platform::install_learner_page_api();
    emscripten_set_main_loop(frame, 0, 0);
    return 0;
  }
  // Practice mode: its own database (and tab channel, lock, marker), the ten situations
  // when empty, no sync at all; the desk says so on every screen.
  app.practice = cfg.is_object() && cfg.value("practice", false);
  if (app.practice) {
    js_use_practice_store();
    app.ui->set_practice_mode();
  }
  app.ui->on_practice = [](bool enter) { js_open_practice(enter); };
  app.transport = std::make_unique<platform::FetchTransport>(cfg_str("server"));
  app.driver = std::make_unique<SyncDriver>(*app.desk, *app.transport);
  app.desk->sign_in(cfg_str("agent"));
  app.driver->set_credentials(cfg_str("agent"), cfg_str("password"));
  app.driver->on_token = [](const std::string& token) { platform::save_meta("token", token); };
  app.driver->on_change = [] { platform::request_redraw(); };
  if (!app.practice) app.ui->set_sync(app.driver.get());
  app.ui->on_survey_link = [](const std::string& send_id) {
    platform::request_survey_link(g_app->driver->token(), send_id, [send_id](const std::string& url, const std::string& error) {
      g_app->ui->survey_link_ready(send_id, url, error);
      platform::request_redraw();
    });
  };
  platform::watch_network(
      [](bool online) { g_app->driver->set_online(online, platform::now_ms()); },
      [](double usage, double quota) {
        // Redraw only when the figure as shown (0.1 MB, 1 MB) changes: an idle desk stays idle.
        static long long shown_usage = -1, shown_quota = -1;
        long long u = static_cast<long long>(usage / 104857.6), q = static_cast<long long>(quota / 1048576.0);
        g_app->ui->set_storage_estimate(usage, quota);
        if (u != shown_usage || q != shown_quota) platform::request_redraw();
        shown_usage = u;
        shown_quota = q;
      });

  platform::install_page_api(*app.desk, *app.driver);
  // The portal's messages: open a ticket, or the new-ticket form prefilled. Taken once the
  // desk is ready (mark_ready), in the order they came.
  platform::embed_install([](const nlohmann::json& m) {
    std::string type = str_field(m, "type");
    if (type == "edudesk.openTicket") {
      g_open_pending = message_id(m);
      try_open_pending(true);
    } else if (type == "edudesk.createTicket") {
      g_app->ui->open_new_ticket(m);
    }
    platform::request_redraw();
  });
  platform::on_store_result([](int64_t batch, bool ok, const std::string& err) {
    g_app->desk->on_stored(batch, ok, err);
    platform::request_redraw();
  });
  app.desk->on_batch_done = platform::page_api_batch_done;
  // What became durable here, the other tabs learn; the marker outside IndexedDB
  // remembers that this browser holds a desk (to notice an eviction).
  app.desk->on_durable = [](const StoreBatch& b) {
    // The portal hears of tickets made and surveys answered here, once they are durable.
    if (b.local)
      for (const Op& op : b.ops) {
        if (op.type == op_type::ticket_created)
          platform::embed_post("edudesk.ticketCreated", {{"id", op.data.value("ticket_id", "")},
                                                          {"number", op.data.value("number", int64_t{0})}});
        else if (op.type == op_type::survey_responded)
          platform::embed_post("edudesk.surveyAnswered", {{"ticket_id", op.data.value("ticket_id", "")}});
      }
    if (!b.ops.empty()) {
      platform::PeerMessage m;
      m.kind = b.local ? platform::PeerMessage::Kind::local : platform::PeerMessage::Kind::pulled;
      m.ops = b.ops;
      m.cursor = b.cursor;
      platform::tell_peers(m);
    }
    platform::remember_store(g_app->desk->sync().cursor(), g_app->desk->sync().pending());
    platform::storage_changed();
  };
  // A large log is applied page by page; the loading screen counts it (first frame at once).
  // After a restored snapshot the desk is already drawn and the newer Ops come in beneath it.
  auto progress = [](int64_t applied, int64_t total) {
    const bool restored = g_app->desk->snapshot_covers() > 0;
    g_app->ui->set_phase(restored ? ui::Phase::arriving : ui::Phase::starting,
                         std::to_string(applied) + " / " + std::to_string(total));
    platform::request_redraw(1);
  };
  // A snapshot being restored: its newest tickets are drawn while the rest arrives.
  // Drawn at once when its first tickets are in, then four times a second (and on input): a
  // frame costs what the restore could use, and the restore runs in the same animation frames.
  auto showing = [] {
    static int64_t drawn_at = 0;
    static bool had_tickets = false;
    const bool tickets = !g_app->desk->state().tickets.empty();
    const int percent = static_cast<int>(g_app->desk->restore_progress() * 100);
    g_app->ui->set_phase(ui::Phase::arriving, std::to_string(percent) + "%");
    const int64_t now = platform::now_ms();
    if ((tickets && !had_tickets) || now - drawn_at >= 250 || !g_app->desk->restoring()) {
      drawn_at = now;
      platform::request_redraw(1);
    }
    had_tickets = tickets;
  };
  platform::open_store(*app.desk, progress, showing, [](platform::OpenResult r) {
    App& a = *g_app;
    if (r.outcome == platform::OpenOutcome::failed) {
      a.ui->set_phase(ui::Phase::storage_failed, r.error);
      platform::mark_ready(false, r.error.c_str());
    } else {
      EM_ASM({ Module.edudeskAppliedMs = performance.now(); });  // the stored log applied (bench/run.sh warmstart)
      a.driver->set_token(g_embed_token.empty() ? r.token : g_embed_token);  // the portal's sign-in wins
      int64_t lost = 0;
      if (r.op_count == 0 && platform::store_was_wiped(lost)) a.ui->set_store_wiped(lost);
      a.ui->set_phase(ui::Phase::ready);
      platform::join_tabs([] { platform::request_redraw(); }, [](const platform::PeerMessage& m) {
        Desk& d = *g_app->desk;
        if (m.kind == platform::PeerMessage::Kind::settled) d.settle_peer(m.acknowledged, m.rejected);
        else d.receive_peer(m.ops, m.kind == platform::PeerMessage::Kind::local, m.cursor);
        platform::request_redraw();
      });
      // Everything already here is shown at once, without asking the server; an
      // empty desk waits for its first pull (or for the first failure to reach it).
      if (r.op_count == 0 && a.practice) {
        sync::PullResponse page;  // the sandbox's situations, stored like a pull, never pushed
        int64_t seq = 0;
        for (Op& op : practice_ops(platform::now_ms())) page.ops.push_back({++seq, std::move(op)});
        page.cursor = seq;
        a.desk->receive(page);
        platform::mark_ready(true, "");
      } else if (r.op_count == 0) {
        a.awaiting_first_pull = true;
      } else {
        platform::mark_ready(true, "");
      }
    }
    platform::request_redraw();
  });
  // Sync and ages need a heartbeat even when nobody touches the desk and the frame
  // loop idles: once a second, without drawing unless something changed.
  emscripten_set_interval([](void*) {
    if (!g_app->practice && g_app->ui->phase() == ui::Phase::ready && platform::is_leader()) g_app->driver->tick(platform::now_ms());
    // Enough Ops stored since the last snapshot: the tab that syncs writes a new one (it waits
    // for a pause in the input and for the store to agree with the desk).
    const Desk& d = *g_app->desk;
    if (g_app->ui->phase() == ui::Phase::ready && platform::is_leader() && d.pending_count() == 0 &&
        d.failed_batches() == 0 && d.stored_ops() - d.snapshot_covers() >= g_app->snapshot_every)
      platform::write_snapshot(d);
    static int seconds = 0;
    if (++seconds % 60 == 0) platform::request_redraw(1);  // ages ("5 分钟") move on once a minute
  }, 1000, nullptr);
  emscripten_set_main_loop(frame, 0, 0);
  return 0;
}
