#include "ui/widget_registry.h"

#include <cstdarg>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "imgui.h"
#include "imgui_internal.h"

namespace edudesk::ui {
namespace {
struct Pending {
  ImRect rect;
  bool visible = false;
  std::string label;
  bool has_label = false;
  bool checked = false;
  bool text = false;
};
std::unordered_map<ImGuiID, Pending> g_current;
std::vector<ImGuiID> g_order;
std::vector<WidgetInfo> g_last;

void split_label(const char* full, std::string& id, std::string& label) {
  std::string s(full);
  size_t p = s.find("###");
  size_t skip = 3;
  if (p == std::string::npos) { p = s.find("##"); skip = 2; }
  if (p == std::string::npos) { id = label = s; return; }
  label = s.substr(0, p);
  id = s.substr(p + skip);
}
}  // namespace

void widgets_enable() { ImGui::GetCurrentContext()->TestEngineHookItems = true; }

void widgets_note_last(const char* full_label) {
  auto it = g_current.find(ImGui::GetItemID());
  if (it == g_current.end()) return;
  it->second.label = full_label;
  it->second.has_label = true;
}

void widgets_mark_checked() {
  auto it = g_current.find(ImGui::GetItemID());
  if (it != g_current.end()) it->second.checked = true;
}

void widgets_end_frame() {
  g_last.clear();
  for (ImGuiID id : g_order) {
    const Pending& p = g_current[id];
    if (!p.has_label) continue;
    WidgetInfo w;
    split_label(p.label.c_str(), w.id, w.label);
    w.x = p.rect.Min.x; w.y = p.rect.Min.y; w.w = p.rect.GetWidth(); w.h = p.rect.GetHeight();
    w.visible = p.visible;
    w.checked = p.checked;
    w.text = p.text;
    g_last.push_back(std::move(w));
  }
  g_current.clear();
  g_order.clear();
}

const std::vector<WidgetInfo>& widgets_last_frame() { return g_last; }

std::string widgets_json() {
  nlohmann::json arr = nlohmann::json::array();
  for (const WidgetInfo& w : g_last)
    arr.push_back({{"id", w.id}, {"label", w.label}, {"x", w.x}, {"y", w.y}, {"w", w.w}, {"h", w.h},
                   {"visible", w.visible}, {"checked", w.checked}, {"text", w.text}});
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace edudesk::ui

// ---- the hooks ImGui calls when compiled with IMGUI_ENABLE_TEST_ENGINE --------------
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData*) {
  using namespace edudesk::ui;
  auto [it, fresh] = g_current.try_emplace(id);
  if (fresh) g_order.push_back(id);
  it->second.rect = bb;
  ImGuiWindow* win = ctx->CurrentWindow;
  it->second.visible = win && bb.Overlaps(win->ClipRect);
}
void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  using namespace edudesk::ui;
  auto it = g_current.find(id);
  if (it == g_current.end() || !label) return;
  it->second.label = label;
  it->second.has_label = true;
  it->second.checked = (flags & ImGuiItemStatusFlags_Checked) != 0;
  it->second.text = (flags & ImGuiItemStatusFlags_Inputable) != 0;
}
void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
