// The browser entry point: WebGL2 + Dear ImGui + the Desk, wired to IndexedDB,
// the page API and the lazily loaded CJK font. Frames are drawn on demand.
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdlib>
#include <memory>

#include "app/desk.h"
#include "app/i18n.h"
#include "core/demo.h"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "platform/backend.h"
#include "platform/web/page_api.h"
#include "platform/web/storage_web.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"

namespace {
using namespace edudesk;

struct App {
  platform::IndexedDbStore store;
  std::unique_ptr<Desk> desk;
  std::unique_ptr<ui::DeskUi> ui;
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE gl = 0;
};
App* g_app = nullptr;

void frame() {
  App& app = *g_app;
  if (!platform::backend_new_frame()) return;
  if (app.ui->prepare_fonts(platform::device_pixel_ratio())) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  app.ui->draw(platform::now_ms());
  ImGui::Render();
  ui::widgets_end_frame();
  ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.97f, 0.97f, 0.98f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  platform::backend_end_frame();
  // Load-time figures for the tests and the closing notes: first frame, first frame in Chinese.
  static bool first_done = false, cjk_done = false;
  if (!first_done) {
    first_done = true;
    EM_ASM({ Module.edudeskFirstFrameMs = performance.now(); });
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

EM_JS(char*, js_saved_lang, (), {
  // ?lang= (set by an embedding portal) wins over the person's last choice.
  let l = new URLSearchParams(location.search).get('lang');
  if (!l) { try { l = localStorage.getItem('edudesk.lang'); } catch (e) {} }
  if (!l) l = 'zh-Hans';
  const n = lengthBytesUTF8(l) + 1, p = _malloc(n);
  stringToUTF8(l, p, n);
  return p;
});

EM_JS(void, js_save_lang, (const char* code), {
  try { localStorage.setItem('edudesk.lang', UTF8ToString(code)); } catch (e) {}
});

// The CJK font arrives after the first frame; the UI shows a loading state till then.
EM_JS(void, js_fetch_font, (const char* url), {
  fetch(UTF8ToString(url)).then((r) => { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); }).then((buf) => {
    const bytes = new Uint8Array(buf);
    const ptr = _malloc(bytes.length);
    HEAPU8.set(bytes, ptr);
    Module._edudesk_font_loaded(ptr, bytes.length);
  }).catch((e) => console.error('edudesk: font', e));
});
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void edudesk_font_loaded(unsigned char* data, int size) {
  g_app->ui->set_cjk_font(std::vector<unsigned char>(data, data + size));
  std::free(data);
  platform::request_redraw();
}

int main() {
  g_app = new App();
  App& app = *g_app;
  char* prefix = js_id_prefix();
  app.desk = std::make_unique<Desk>(app.store, prefix);
  std::free(prefix);
  app.desk->sign_in(kDemoAgentId);
  app.ui = std::make_unique<ui::DeskUi>(*app.desk);
  app.ui->on_lang_changed = [](Lang l) { js_save_lang(lang_code(l)); };
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
  if (app.gl <= 0) {
    EM_ASM({ document.body.insertAdjacentHTML('beforeend', '<p style="font:16px sans-serif;padding:1em">此浏览器不支持 WebGL2，无法显示工单台。 This browser lacks WebGL2.</p>'); });
    return 1;
  }
  emscripten_webgl_make_context_current(app.gl);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no file system in the browser build
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ui::widgets_enable();
  app.ui->apply_theme();
  platform::backend_init("#canvas");
  ImGui_ImplOpenGL3_Init("#version 300 es");

  platform::install_page_api(*app.desk);
  platform::on_store_result([](int64_t batch, bool ok, const std::string& err) {
    g_app->desk->on_stored(batch, ok, err);
    platform::request_redraw();
  });
  app.desk->on_batch_done = platform::page_api_batch_done;
  platform::open_store([](platform::OpenOutcome outcome, std::vector<Op> ops, const std::string& err) {
    App& a = *g_app;
    if (outcome == platform::OpenOutcome::open_elsewhere) {
      a.ui->set_phase(ui::Phase::open_elsewhere);
      platform::mark_ready(false, "open_elsewhere");
    } else if (outcome == platform::OpenOutcome::failed) {
      a.ui->set_phase(ui::Phase::storage_failed, err);
      platform::mark_ready(false, err.c_str());
    } else {
      if (ops.empty()) a.desk->seed_demo(platform::now_ms());
      else a.desk->load(ops);
      a.ui->set_phase(ui::Phase::ready);
      platform::mark_ready(true, "");
    }
    platform::request_redraw();
  });
  js_fetch_font("fonts/edudesk-sc.otf");
  emscripten_set_main_loop(frame, 0, 0);
  return 0;
}
