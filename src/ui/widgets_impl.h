#pragma once
#include <string>

#include "app/i18n.h"
#include "imgui.h"

namespace edudesk::ui {

template <typename E, size_t N>
bool enum_combo(const char* label, const char* group, const E (&all)[N], int& index, bool allow_all,
                const char* prefix) {
  std::string preview = index < 0 ? tr("filter.all") : tr_enum(group, to_id(all[index]));
  if (prefix) preview = std::string(prefix) + tr("punct.colon") + preview;
  bool changed = false;
  if (begin_combo(label, preview.c_str())) {
    if (allow_all && ImGui::Selectable(tr("filter.all"), index < 0)) { index = -1; changed = true; }
    for (int i = 0; i < static_cast<int>(N); ++i) {
      ImGui::PushID(i);
      if (ImGui::Selectable(tr_enum(group, to_id(all[i])), index == i)) { index = i; changed = true; }
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  return changed;
}

}  // namespace edudesk::ui
