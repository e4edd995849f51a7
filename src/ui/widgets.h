#pragma once
// Small widgets shared by the views, built on ImGui.
#include <string>

#include "core/enums.h"
#include "core/error.h"

struct ImVec4;

namespace edudesk::ui {

// A combo over an enum's ids, labelled through the i18n group ("status" →
// "status.open"). `index` = -1 means "all" when `allow_all`.
// With `prefix`, the preview reads "prefix：value" (compact filter bars).
template <typename E, size_t N>
bool enum_combo(const char* label, const char* group, const E (&all)[N], int& index, bool allow_all,
                const char* prefix = nullptr);

// ImGui::BeginCombo that also shows up in widgets() under `label`'s id.
bool begin_combo(const char* label, const char* preview);

// ImGui::BeginTabItem that also shows up in widgets() under `label`'s id (tab items give the
// test-engine hook no label of their own).
bool begin_tab_item(const std::string& label, int flags = 0);

// One of a row of views (工单 · 退款 · 问卷 …): a button, filled when it is the open one,
// placed on the same line when it fits. True when clicked. Unlike a radio button it is a
// plain 40 px tap target on a phone, with no empty circle taking the room.
bool view_tab(const std::string& label, bool active, bool first);

// SameLine() when an item `width` wide still fits on this line, else a new line.
void same_line_if_fits(float width);

// The i18n'd message for an Error, naming its field.
std::string error_text(const Error& e);
// Red text for an error, nothing when there is none.
void error_line(const Error& e);
// A label that says "###id": the id stays the same in every language.
std::string lbl(const char* key, const char* id);

// Phones (issue 8): every tap target is at least kTapTarget CSS px high. DeskUi sets the
// layout each frame; small_button is ImGui::SmallButton on a desktop and a full-height
// button on a phone (SmallButton has no vertical padding).
constexpr float kTapTarget = 40.0f;
// The text size in CSS px at 100 % (the larger-text setting, 125 or 150 %, scales it), and a
// width designed at 100 % grown with it: fixed columns and boxes keep their text whole.
constexpr float kFontPx = 16.0f;
float em_px(float px);
// em_px for a field's width, no wider than what is left of the line (a phone at 150 %).
float fit_px(float px);
void set_touch_layout(bool touch);
bool touch_layout();
bool small_button(const char* label);
// The size for a table row's Selectable: kTapTarget high on a phone (a Selectable's rectangle
// is its height plus ItemSpacing.y), the text's height elsewhere.
float row_height();

// A text colour of the views (status, priority, warnings): as given, or in the high-contrast
// theme darkened in its own hue until it reads at 7:1 or more on white (WCAG AAA). DeskUi sets
// the theme each frame; every coloured text goes through here.
void set_high_contrast_inks(bool on);
bool high_contrast_inks();
ImVec4 ink(float r, float g, float b, float a = 1.0f);
ImVec4 ink(const ImVec4& c);

}  // namespace edudesk::ui

#include "ui/widgets_impl.h"
