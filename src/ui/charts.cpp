#include "ui/charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui::charts {

namespace {

constexpr float kAxisW = 46;   // the y axis labels
constexpr float kLabelH = 18;  // the x axis labels

// 0, 1, 2, 5, 10 … steps so the axis has 3–5 round ticks.
double nice_step(double top) {
  if (top <= 0) return 1;
  double raw = top / 4, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return std::max(1.0, m * mag);
  return 10 * mag;
}

std::string number(double v) {
  char b[32];
  if (std::fabs(v - std::round(v)) < 1e-9) std::snprintf(b, sizeof b, "%.0f", v);
  else std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Frame {
  ImVec2 a, b;  // the plot area (inside the axes)
  double top = 1;
};

// The item, the y axis with ticks and unit; returns the plot area.
Frame begin_plot(const char* id, float height, double max_value, const char* unit) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = std::max(160.0f, ImGui::GetContentRegionAvail().x);
  ImGui::InvisibleButton(id, ImVec2(width, height));
  widgets_note_last(id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Frame f;
  f.a = ImVec2(origin.x + kAxisW, origin.y + 14);
  f.b = ImVec2(origin.x + width - 4, origin.y + height - kLabelH);
  double step = nice_step(max_value);
  f.top = std::max(step, std::ceil(max_value / step) * step);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.6f), text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (double v = 0; v <= f.top + 1e-9; v += step) {
    float y = f.b.y - static_cast<float>(v / f.top) * (f.b.y - f.a.y);
    dl->AddLine(ImVec2(f.a.x, y), ImVec2(f.b.x, y), grid);
    std::string s = number(v);
    ImVec2 sz = ImGui::CalcTextSize(s.c_str());
    dl->AddText(ImVec2(f.a.x - sz.x - 6, y - sz.y * 0.5f), text, s.c_str());
  }
  if (unit && *unit) dl->AddText(ImVec2(origin.x, origin.y - 2), text, unit);
  return f;
}

// x labels, thinned so they do not overlap.
void x_labels(const Frame& f, const std::vector<std::string>& labels) {
  if (labels.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float slot = (f.b.x - f.a.x) / static_cast<float>(labels.size());
  float widest = 0;
  for (const std::string& l : labels) widest = std::max(widest, ImGui::CalcTextSize(l.c_str()).x);
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 8) / std::max(1.0f, slot))));
  for (size_t i = 0; i < labels.size(); i += every) {
    ImVec2 sz = ImGui::CalcTextSize(labels[i].c_str());
    float cx = f.a.x + slot * (static_cast<float>(i) + 0.5f);
    dl->AddText(ImVec2(std::max(f.a.x, std::min(cx - sz.x * 0.5f, f.b.x - sz.x)), f.b.y + 2),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), labels[i].c_str());
  }
}

}  // namespace

ImU32 palette(int i) {
  static const ImVec4 kColors[] = {{0.20f, 0.45f, 0.85f, 1}, {0.95f, 0.55f, 0.15f, 1}, {0.25f, 0.65f, 0.35f, 1},
                                   {0.80f, 0.25f, 0.30f, 1}, {0.55f, 0.40f, 0.75f, 1}, {0.45f, 0.45f, 0.50f, 1}};
  // High contrast: the same hues, deep enough to read at 4.5:1 or more on white (WCAG asks 3:1
  // of a chart's shapes) and still told apart from each other.
  static const ImVec4 kDeep[] = {{0.00f, 0.30f, 0.75f, 1}, {0.70f, 0.30f, 0.00f, 1}, {0.00f, 0.42f, 0.15f, 1},
                                 {0.70f, 0.00f, 0.12f, 1}, {0.42f, 0.15f, 0.62f, 1}, {0.22f, 0.22f, 0.26f, 1}};
  const int k = ((i % 6) + 6) % 6;
  return ImGui::GetColorU32(ui::high_contrast_inks() ? kDeep[k] : kColors[k]);
}

void legend(const std::vector<Series>& series) {
  for (size_t i = 0; i < series.size(); ++i) {
    if (i) ImGui::SameLine(0, 14);
    ImVec2 p = ImGui::GetCursorScreenPos();
    float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + h * 0.6f, p.y + h * 0.8f),
                                              series[i].color, 2);
    ImGui::Dummy(ImVec2(h * 0.7f, h));
    ImGui::SameLine(0, 4);
    ImGui::TextUnformatted(series[i].label.c_str());
  }
}

Hit stacked_bars(const char* id, const std::vector<std::string>& x_labels_, const std::vector<std::vector<double>>& values,
                 const std::vector<Series>& series, float height, const char* unit, const std::vector<double>& line,
                 const char* line_label) {
  double top = 1;
  for (const auto& col : values) {
    double sum = 0;
    for (double v : col) sum += v;
    top = std::max(top, sum);
  }
  for (double v : line) top = std::max(top, v);
  Frame f = begin_plot(id, height, top, unit);
  const bool clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const size_t n = values.size();
  Hit hover, out;
  if (n == 0) return out;
  const float slot = (f.b.x - f.a.x) / static_cast<float>(n);
  const float bar = std::max(1.0f, slot * 0.78f);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float scale = (f.b.y - f.a.y) / static_cast<float>(f.top);
  for (size_t x = 0; x < n; ++x) {
    float x0 = f.a.x + slot * static_cast<float>(x) + (slot - bar) * 0.5f, y = f.b.y;
    const bool in_col = mouse.x >= f.a.x + slot * static_cast<float>(x) && mouse.x < f.a.x + slot * static_cast<float>(x + 1);
    for (size_t s = 0; s < values[x].size() && s < series.size(); ++s) {
      float h = static_cast<float>(values[x][s]) * scale;
      if (h <= 0) continue;
      ImVec2 a(x0, y - h), b(x0 + bar, y);
      dl->AddRectFilled(a, b, series[s].color);
      if (in_col && mouse.y >= a.y && mouse.y <= b.y) hover = {static_cast<int>(x), static_cast<int>(s)};
      y -= h;
    }
    if (in_col && hover.x < 0 && mouse.y >= f.a.y && mouse.y <= f.b.y) hover = {static_cast<int>(x), -1};
  }
  if (!line.empty()) {
    std::vector<ImVec2> pts;
    for (size_t x = 0; x < line.size() && x < n; ++x)
      pts.push_back(ImVec2(f.a.x + slot * (static_cast<float>(x) + 0.5f), f.b.y - static_cast<float>(line[x]) * scale));
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), ImGui::GetColorU32(ImVec4(0.15f, 0.15f, 0.2f, 0.85f)), 0, 1.5f);
  }
  x_labels(f, x_labels_);
  if (hover.x >= 0 && ImGui::IsItemHovered()) {
    const auto& col = values[static_cast<size_t>(hover.x)];
    double total = 0;
    for (double v : col) total += v;
    std::string tip = x_labels_[static_cast<size_t>(hover.x)] + "  " + number(total) + (unit ? std::string(" ") + unit : "");
    for (size_t s = 0; s < col.size() && s < series.size(); ++s)
      if (col[s] > 0) tip += std::string(static_cast<int>(s) == hover.s ? "\n> " : "\n   ") + series[s].label + ": " + number(col[s]);
    if (!line.empty() && static_cast<size_t>(hover.x) < line.size() && line_label)
      tip += std::string("\n") + line_label + ": " + number(line[static_cast<size_t>(hover.x)]);
    ImGui::SetTooltip("%s", tip.c_str());
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  }
  if (clicked) out = hover;
  return out;
}

int histogram(const char* id, const std::vector<std::string>& bins, const std::vector<double>& counts, float height,
              ImU32 color, const char* unit) {
  std::vector<std::vector<double>> values;
  for (double c : counts) values.push_back({c});
  Hit h = stacked_bars(id, bins, values, {Series{"", color}}, height, unit);
  return h.x;
}

Hit heat_map(const char* id, const std::vector<std::string>& row_labels, const std::vector<std::string>& col_labels,
             const std::vector<std::vector<double>>& values, float cell_h, const char* unit) {
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float label_w = 0;
  for (const std::string& r : row_labels) label_w = std::max(label_w, ImGui::CalcTextSize(r.c_str()).x);
  label_w += 8;
  const float width = std::max(200.0f, ImGui::GetContentRegionAvail().x);
  const float height = cell_h * static_cast<float>(row_labels.size()) + kLabelH;
  ImGui::InvisibleButton(id, ImVec2(width, height));
  widgets_note_last(id);
  const bool clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  double top = 0;
  for (const auto& r : values)
    for (double v : r) top = std::max(top, v);
  const float cell_w = (width - label_w) / std::max<float>(1, static_cast<float>(col_labels.size()));
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  Hit hover;
  for (size_t r = 0; r < values.size(); ++r) {
    float y = origin.y + cell_h * static_cast<float>(r);
    dl->AddText(ImVec2(origin.x, y + (cell_h - ImGui::GetTextLineHeight()) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text),
                row_labels[r].c_str());
    for (size_t c = 0; c < values[r].size(); ++c) {
      ImVec2 a(origin.x + label_w + cell_w * static_cast<float>(c), y), b(a.x + cell_w - 1, y + cell_h - 1);
      float t = top > 0 ? static_cast<float>(values[r][c] / top) : 0;
      ImVec4 col(0.93f - 0.78f * t, 0.95f - 0.55f * t, 0.99f - 0.25f * t, 1);
      dl->AddRectFilled(a, b, ImGui::GetColorU32(col));
      if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
        hover = {static_cast<int>(c), static_cast<int>(r)};
        dl->AddRect(a, b, ImGui::GetColorU32(ImVec4(0.1f, 0.1f, 0.1f, 1)));
      }
    }
  }
  Frame f;
  f.a = ImVec2(origin.x + label_w, origin.y);
  f.b = ImVec2(origin.x + width, origin.y + cell_h * static_cast<float>(row_labels.size()));
  x_labels(f, col_labels);
  Hit out;
  if (hover.x >= 0 && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s %s: %s%s%s", row_labels[static_cast<size_t>(hover.s)].c_str(),
                      col_labels[static_cast<size_t>(hover.x)].c_str(),
                      number(values[static_cast<size_t>(hover.s)][static_cast<size_t>(hover.x)]).c_str(), unit ? " " : "",
                      unit ? unit : "");
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    if (clicked) out = hover;
  }
  return out;
}

}  // namespace edudesk::ui::charts
