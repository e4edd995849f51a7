#include "ui/widgets.h"

#include "app/i18n.h"
#include "imgui.h"
#include "ui/widget_registry.h"

namespace edudesk::ui {

bool begin_combo(const char* label, const char* preview) {
  bool open = ImGui::BeginCombo(label, preview);
  if (!open) widgets_note_last(label);
  return open;
}

bool begin_tab_item(const std::string& label, int flags) {
  bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
  widgets_note_last(label.c_str());
  return open;
}

void same_line_if_fits(float width) {
  float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

bool view_tab(const std::string& label, bool active, bool first) {
  const ImGuiStyle& st = ImGui::GetStyle();
  if (!first) same_line_if_fits(ImGui::CalcTextSize(label.c_str(), nullptr, true).x + st.FramePadding.x * 2);
  if (!active) {  // the others: the frame's colours, text in the text colour
    ImGui::PushStyleColor(ImGuiCol_Button, st.Colors[ImGuiCol_FrameBg]);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, st.Colors[ImGuiCol_HeaderHovered]);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, st.Colors[ImGuiCol_HeaderActive]);
  }
  const bool clicked = ImGui::Button(label.c_str());
  if (!active) ImGui::PopStyleColor(3);
  if (active) widgets_mark_checked();
  return clicked;
}

std::string error_text(const Error& e) {
  std::string key = "error." + e.code;
  std::string text = has_key(key.c_str()) ? tr(key.c_str()) : e.message;
  if (!e.field.empty()) {
    std::string fkey = "field." + e.field;
    text = std::string(has_key(fkey.c_str()) ? tr(fkey.c_str()) : e.field.c_str()) + tr("punct.colon") + text;
  }
  return text;
}

void error_line(const Error& e) {
  if (e.code.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.78f, 0.12f, 0.12f, 1));
  ImGui::TextWrapped("%s", error_text(e).c_str());
  ImGui::PopStyleColor();
}

std::string lbl(const char* key, const char* id) { return std::string(tr(key)) + "###" + id; }

namespace {
bool g_touch = false;
}
void set_touch_layout(bool touch) { g_touch = touch; }
bool touch_layout() { return g_touch; }
bool small_button(const char* label) { return g_touch ? ImGui::Button(label) : ImGui::SmallButton(label); }
float row_height() { return g_touch ? kTapTarget - ImGui::GetStyle().ItemSpacing.y : 0.0f; }

}  // namespace edudesk::ui
