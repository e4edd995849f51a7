#include "ui/widgets.h"

#include <algorithm>
#include <cmath>

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
  } else {  // the open one: a pressed button (deep blue; yellow in high contrast, where buttons are white)
    ImGui::PushStyleColor(ImGuiCol_Button, st.Colors[ImGuiCol_ButtonActive]);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, st.Colors[ImGuiCol_ButtonActive]);
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, st.Colors[ImGuiCol_ButtonActive]);
  }
  const bool clicked = ImGui::Button(label.c_str());
  ImGui::PopStyleColor(3);
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

bool g_high_contrast = false;
void set_high_contrast_inks(bool on) { g_high_contrast = on; }
ImVec4 ink(const ImVec4& c) {
  if (!g_high_contrast) return c;
  // The views use a few dozen colours, each many times a frame: each is darkened once.
  struct Inked {
    float r = -1, g = -1, b = -1;
    ImVec4 out;
  };
  static Inked cache[64];
  static size_t next = 0;
  for (const Inked& k : cache)
    if (k.r == c.x && k.g == c.y && k.b == c.z) return k.out;
  // relative luminance (sRGB); contrast on white = 1.05 / (L + 0.05) >= 7 when L <= 0.1
  auto lin = [](float v) { return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); };
  ImVec4 d = c;
  for (int i = 0; i < 40; ++i) {
    const float l = 0.2126f * lin(d.x) + 0.7152f * lin(d.y) + 0.0722f * lin(d.z);
    if (l <= 0.1f) break;
    d.x *= 0.9f;
    d.y *= 0.9f;
    d.z *= 0.9f;
  }
  d.w = 1.0f;  // no faded text in high contrast
  cache[next] = {c.x, c.y, c.z, d};
  next = (next + 1) % (sizeof cache / sizeof cache[0]);
  return d;
}
ImVec4 ink(float r, float g, float b, float a) { return ink(ImVec4(r, g, b, a)); }
bool high_contrast_inks() { return g_high_contrast; }
float em_px(float px) { return px * ImGui::GetFontSize() / kFontPx; }
float fit_px(float px) {
  const float want = em_px(px), avail = ImGui::GetContentRegionAvail().x;
  return avail >= 1 ? std::min(want, avail) : want;
}

}  // namespace edudesk::ui
