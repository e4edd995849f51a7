#pragma once
// Charts drawn with ImGui's draw lists: stacked bars (a line over them when asked),
// histogram, heat map. Axes carry units, labels come translated from the caller, hovering
// shows exact values, and a click reports what was clicked so the view can list the
// tickets behind it. Each chart is one ImGui item named `id` (widgets() lists it).
#include <string>
#include <vector>

#include "imgui.h"

namespace edudesk::ui::charts {

struct Series {
  std::string label;
  ImU32 color = 0;
};
// The palette: six distinguishable colours (channels, categories).
ImU32 palette(int i);

struct Hit {
  int x = -1, s = -1;  // column (bar, cell column) and series (stack part, cell row); -1 none
};

// Bars per x (e.g. day) stacked by series; values[x][s]. `line`, when not empty, is drawn
// over the bars (same y axis), e.g. the previous period. Returns the clicked part.
Hit stacked_bars(const char* id, const std::vector<std::string>& x_labels, const std::vector<std::vector<double>>& values,
                 const std::vector<Series>& series, float height, const char* unit,
                 const std::vector<double>& line = {}, const char* line_label = nullptr);

// One bar per bin; returns the clicked bin or -1.
int histogram(const char* id, const std::vector<std::string>& bins, const std::vector<double>& counts, float height,
              ImU32 color, const char* unit);

// rows × cols cells shaded by value; returns the clicked cell (x = col, s = row).
Hit heat_map(const char* id, const std::vector<std::string>& row_labels, const std::vector<std::string>& col_labels,
             const std::vector<std::vector<double>>& values, float cell_h, const char* unit);

// A legend line of coloured squares.
void legend(const std::vector<Series>& series);

}  // namespace edudesk::ui::charts
