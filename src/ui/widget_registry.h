#pragma once
// Every interactive item of the last frame, with its id, label and rectangle in
// CSS pixels, collected through ImGui's test-engine hooks. The page API publishes
// it as `window.edudesk.widgets()` so browser tests click what a person would.
#include <string>
#include <vector>

namespace edudesk::ui {

struct WidgetInfo {
  std::string id;     // the part after "###" or "##" in the ImGui label, else the label
  std::string label;  // the visible part
  float x = 0, y = 0, w = 0, h = 0;
  bool visible = true;  // inside its window's clip rectangle
  bool checked = false;  // a selected row, a ticked box
  bool text = false;     // takes typed text (a tap on it must open the on-screen keyboard)
};

void widgets_enable();
// Names the last item for widgets that ImGui does not label itself (combos, table
// headers): `full_label` is read like an ImGui label ("text###id").
void widgets_note_last(const char* full_label);
// Marks the last item as checked (a selected row: ImGui reports that only for
// checkboxes and menu items).
void widgets_mark_checked();        // after ImGui::CreateContext
void widgets_end_frame();     // after ImGui::Render: publishes this frame's items
const std::vector<WidgetInfo>& widgets_last_frame();
std::string widgets_json();

}  // namespace edudesk::ui
