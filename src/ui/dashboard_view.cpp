// The supervisor's dashboard (#/dashboard): filters, KPI cards with their trend, charts
// that open the tickets behind them, hot spots, refund concentration, agents and tiers,
// customer segments and churn warnings; every table exports to CSV, all of it to a
// printable report. The numbers come from core/dashboard (columns kept in step with the
// State; a filter change is one pass, a new ticket goes in one row at a time).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

#include "app/i18n.h"
#include "core/orders.h"
#include "core/refund_policy.h"
#include "core/report.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/charts.h"
#include "ui/desk_ui.h"
#include "ui/widgets.h"

namespace edudesk::ui {

namespace {

using nlohmann::json;

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string dash_num(double v) { return std::isfinite(v) ? fmt("%.0f", v) : "—"; }
std::string dash_pct(double v) { return std::isfinite(v) ? fmt("%.1f%%", 100 * v) : "—"; }
std::string dash_mean(double v) { return std::isfinite(v) ? fmt("%.2f", v) : "—"; }
// A duration in seconds, in the reader's words: "45 分钟", "3.5 小时", "2.1 天".
std::string dash_duration(double s) {
  if (!std::isfinite(s)) return "—";
  char b[64];
  if (s < 3600) std::snprintf(b, sizeof b, tr("dash.minutes"), s / 60);
  else if (s < 48 * 3600) std::snprintf(b, sizeof b, tr("dash.hours"), s / 3600);
  else std::snprintf(b, sizeof b, tr("dash.days"), s / 86400);
  return b;
}

// "↑ 12.5%" against the previous period; `good_up`: whether a rise is good news.
struct Trend {
  std::string text;
  int sign = 0;  // +1 better, −1 worse, 0 same or unknown
};
Trend trend_of(const Kpi& k, bool good_up) {
  Trend t;
  if (!std::isfinite(k.cur) || !std::isfinite(k.prev)) {
    t.text = tr("dash.no_previous");
    return t;
  }
  double d = k.cur - k.prev;
  if (std::fabs(d) < 1e-12) {
    t.text = tr("dash.same");
    return t;
  }
  std::string arrow = d > 0 ? "↑ " : "↓ ";
  t.text = arrow + (k.prev != 0 ? fmt("%.1f%%", 100 * std::fabs(d) / std::fabs(k.prev)) : fmt("%.2f", std::fabs(d))) +
           " " + tr("dash.vs_previous");
  t.sign = (d > 0) == good_up ? 1 : -1;
  return t;
}

std::string day_label(int32_t day) { return analytics_day_label(day); }
std::string short_day(int32_t day) { return analytics_day_label(day).substr(5); }  // "03-01"

bool parse_day(const std::string& s, int32_t& day) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 9999)
    return false;
  // days from civil (Howard Hinnant)
  y -= m <= 2;
  const int era = y / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  day = era * 146097 + static_cast<int>(doe) - 719468;
  return day_label(day) == s.substr(0, 10);
}

const char* course_name(const State& s, const std::string& id) {
  if (id == "-") return tr("dash.no_course");
  const Course* c = s.course(id);
  return c ? c->name.c_str() : id.c_str();
}
const char* agent_name(const State& s, const std::string& id) {
  if (id == "-") return tr("dash.unassigned");
  const Agent* a = s.agent(id);
  return a ? a->name.c_str() : id.c_str();
}

// A table the view draws and the person can take away as CSV; returns the clicked row.
int draw_table(const char* id, const ReportTable& t, const std::function<void(const ReportTable&)>& download,
               const std::vector<bool>* highlight = nullptr, float max_h = 0) {
  ImGui::PushID(id);
  ImGui::TextUnformatted(t.title.c_str());
  ImGui::SameLine();
  if (small_button(lbl("dash.export_csv", (std::string("csv_") + id).c_str()).c_str())) download(t);
  int clicked = -1;
  const int cols = static_cast<int>(t.header.size());
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp |
                          ImGuiTableFlags_ScrollX;
  if (max_h > 0) flags |= ImGuiTableFlags_ScrollY;
  float rows_h = ImGui::GetFrameHeight() * static_cast<float>(t.rows.size() + 1) + 4;
  if (cols > 0 && ImGui::BeginTable(id, cols, flags, ImVec2(0, max_h > 0 ? std::min(max_h, rows_h) : rows_h))) {
    ImGui::TableSetupScrollFreeze(1, 1);
    for (const std::string& h : t.header) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (size_t r = 0; r < t.rows.size(); ++r) {
      ImGui::TableNextRow();
      if (highlight && r < highlight->size() && (*highlight)[r])
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImVec4(1.0f, 0.90f, 0.88f, 1)));
      for (int c = 0; c < cols; ++c) {
        ImGui::TableSetColumnIndex(c);
        const std::string& v = c < static_cast<int>(t.rows[r].size()) ? t.rows[r][static_cast<size_t>(c)] : std::string();
        if (c == 0) {
          std::string label = v + "###" + id + "_row_" + std::to_string(r);
          if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) clicked = static_cast<int>(r);
        } else {
          ImGui::TextUnformatted(v.c_str());
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopID();
  return clicked;
}

}  // namespace

// Days of the chosen range and the filters as the core's filter.
AnalyticsFilter DeskUi::dashboard_filter(Millis now) {
  AnalyticsFilter f;
  const int32_t today = analytics_day(now / 1000);
  static const int kDays[] = {7, 30, 90};
  if (dash_.range < 3) {
    f.to_day = today;
    f.from_day = today - kDays[dash_.range] + 1;
  } else {
    int32_t a = 0, b = 0;
    if (parse_day(dash_.from, a) && parse_day(dash_.to, b) && a <= b) {
      f.from_day = a;
      f.to_day = b;
      dash_.range_error.clear();
    } else {
      dash_.range_error = tr("dash.bad_range");
      f.to_day = today;
      f.from_day = today - 29;
    }
  }
  if (dash_.category >= 0) f.category = kCategories[dash_.category];
  if (dash_.channel >= 0) f.channel = kChannels[dash_.channel];
  if (dash_.tier >= 0) f.tier = kRoles[dash_.tier];
  f.agent_id = dash_.agent;
  f.course_id = dash_.course;
  return f;
}

// Columns in step with the State (new and changed tickets only), then the aggregates:
// recomputed when the filter or the day changed, else updated row by row.
void DeskUi::refresh_dashboard(Millis now) {
  const State& s = desk_.state();
  AnalyticsFilter f = dashboard_filter(now);
  auto t0 = std::chrono::steady_clock::now();
  DashboardColumns::SyncResult changes = dash_.columns.sync(s, now);
  const bool same_filter = dash_.computed && f.from_day == dash_.agg.filter().from_day && f.to_day == dash_.agg.filter().to_day &&
                           f.category == dash_.agg.filter().category && f.channel == dash_.agg.filter().channel &&
                           f.tier == dash_.agg.filter().tier && f.agent_id == dash_.agg.filter().agent_id &&
                           f.course_id == dash_.agg.filter().course_id;
  if (!same_filter) {
    dash_.agg.compute(dash_.columns, f);
    dash_.computed = true;
    dash_.last_full_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    dash_.pick_rows.clear();
    dash_.picked = false;
  } else if (changes.rebuilt || !changes.changes.empty()) {
    dash_.agg.update(dash_.columns, changes);
    dash_.last_update_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    dash_.last_update_rows = changes.rebuilt ? dash_.columns.size() : changes.changes.size();
    if (dash_.picked) dash_.pick_rows = dashboard_rows(dash_.columns, dash_.agg.filter(), dash_.pick);
  }
  if (!same_filter || changes.rebuilt || !changes.changes.empty() || now - dash_.finished_at > kMinuteMs) {
    dash_.kpis = dashboard_kpis(dash_.agg, now);
    dash_.hot = dashboard_hot_spots(dash_.agg);
    dash_.refunds = refund_concentration(dash_.agg, dash_.refund_average);
    dash_.agent_rows = agent_rows(dash_.agg, dash_.columns);
    dash_.tier_rows = tier_rows(dash_.agg);
    dash_.finished_at = now;
  }
  if (dash_.customers_revision != s.revision) {
    dash_.customers = customer_insights(s, now);
    dash_.customers_revision = s.revision;
  }
}

void DeskUi::dashboard_pick(const DashboardPick& p, std::string label) {
  dash_.pick = p;
  dash_.pick_label = std::move(label);
  dash_.pick_rows = dashboard_rows(dash_.columns, dash_.agg.filter(), p);
  dash_.picked = true;
  dash_.scroll_to_pick = true;
}

void DeskUi::download_table(const ReportTable& t) {
  if (!on_download) return;
  std::string name = "edudesk-" + t.title + ".csv";
  on_download(name, "text/csv;charset=utf-8", csv_document(t));
}

void DeskUi::draw_dashboard(Millis now, float width, float height) {
  ImGui::BeginChild("dashboard", ImVec2(width, height), false);
  const State& s = desk_.state();
  // ---- filters
  static const char* kRangeKeys[] = {"dash.range_7", "dash.range_30", "dash.range_90", "dash.range_custom"};
  ImGui::SetNextItemWidth(fit_px(130));
  if (begin_combo("###dash_range", tr(kRangeKeys[dash_.range]))) {
    for (int i = 0; i < 4; ++i)
      if (ImGui::Selectable(tr(kRangeKeys[i]), dash_.range == i)) {
        dash_.range = i;
        if (i == 3 && dash_.from.empty()) {
          const int32_t today = analytics_day(now / 1000);
          dash_.from = day_label(today - 29);
          dash_.to = day_label(today);
        }
      }
    ImGui::EndCombo();
  }
  if (dash_.range == 3) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fit_px(110));
    ImGui::InputTextWithHint("###dash_from", "2026-11-01", &dash_.from);
    ImGui::SameLine();
    ImGui::TextUnformatted("–");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(fit_px(110));
    ImGui::InputTextWithHint("###dash_to", "2026-11-30", &dash_.to);
  }
  same_line_if_fits(em_px(150));
  ImGui::SetNextItemWidth(fit_px(150));
  enum_combo("###dash_category", "category", kCategories, dash_.category, true, tr("field.category"));
  same_line_if_fits(em_px(150));
  ImGui::SetNextItemWidth(fit_px(150));
  enum_combo("###dash_channel", "channel", kChannels, dash_.channel, true, tr("field.channel"));
  same_line_if_fits(em_px(150));
  ImGui::SetNextItemWidth(fit_px(150));
  enum_combo("###dash_tier", "role", kRoles, dash_.tier, true, tr("dash.tier"));
  same_line_if_fits(em_px(170));
  ImGui::SetNextItemWidth(fit_px(170));
  std::string course_preview = std::string(tr("dash.course")) + tr("punct.colon") +
                               (dash_.course.empty() ? tr("filter.all") : course_name(s, dash_.course));
  if (begin_combo("###dash_course", course_preview.c_str())) {
    if (ImGui::Selectable(tr("filter.all"), dash_.course.empty())) dash_.course.clear();
    for (const Course& c : s.courses)
      if (ImGui::Selectable((c.name + "###c_" + c.id).c_str(), dash_.course == c.id)) dash_.course = c.id;
    ImGui::EndCombo();
  }
  same_line_if_fits(em_px(150));
  ImGui::SetNextItemWidth(fit_px(150));
  std::string agent_preview = std::string(tr("dash.agent")) + tr("punct.colon") +
                              (dash_.agent.empty() ? tr("filter.all") : agent_name(s, dash_.agent));
  if (begin_combo("###dash_agent", agent_preview.c_str())) {
    if (ImGui::Selectable(tr("filter.all"), dash_.agent.empty())) dash_.agent.clear();
    for (const Agent& a : s.agents)
      if (ImGui::Selectable((a.name + "###a_" + a.id).c_str(), dash_.agent == a.id)) dash_.agent = a.id;
    ImGui::EndCombo();
  }
  refresh_dashboard(now);
  const DashboardAggregator& g = dash_.agg;
  const DashboardKpis& k = dash_.kpis;
  same_line_if_fits(em_px(120));
  const bool want_report = ImGui::Button(lbl("dash.report", "dash_report").c_str());
  if (!dash_.range_error.empty()) ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s", dash_.range_error.c_str());
  ImGui::TextDisabled(tr("dash.period"), day_label(g.from_day()).c_str(), day_label(g.to_day()).c_str(),
                      day_label(g.from_day() - g.days()).c_str(), day_label(g.from_day() - 1).c_str(),
                      static_cast<long long>(dash_.columns.size()), dash_.last_full_ms);

  // ---- KPI cards
  struct Card {
    std::string id, label, value, sub;
    Trend trend;
    bool alarm = false;
  };
  std::vector<Card> cards;
  auto card = [&](const char* key, std::string value, const Kpi* kpi, bool good_up, std::string sub = {}, bool alarm = false) {
    Card c{std::string(key).substr(9), tr(key), std::move(value), std::move(sub), kpi ? trend_of(*kpi, good_up) : Trend{}, alarm};
    cards.push_back(std::move(c));
  };
  card("dash.kpi.tickets", dash_num(k.tickets.cur), &k.tickets, false);
  card("dash.kpi.frt", dash_duration(k.frt_median_s.cur), &k.frt_median_s, false,
       std::string("P90 ") + dash_duration(k.frt_p90_s.cur));
  card("dash.kpi.resolve", dash_duration(k.resolve_median_s.cur), &k.resolve_median_s, false,
       std::string("P90 ") + dash_duration(k.resolve_p90_s.cur));
  card("dash.kpi.frt_sla", dash_pct(k.frt_compliance.cur), &k.frt_compliance, true, {},
       std::isfinite(k.frt_compliance.cur) && k.frt_compliance.cur < 0.9);
  card("dash.kpi.res_sla", dash_pct(k.res_compliance.cur), &k.res_compliance, true, {},
       std::isfinite(k.res_compliance.cur) && k.res_compliance.cur < 0.9);
  card("dash.kpi.resolution_rate", dash_pct(k.resolution_rate.cur), &k.resolution_rate, true);
  card("dash.kpi.reopen_rate", dash_pct(k.reopen_rate.cur), &k.reopen_rate, false);
  card("dash.kpi.complaint_closure", dash_pct(k.complaint_closure.cur), &k.complaint_closure, true, tr("dash.target_98"),
       std::isfinite(k.complaint_closure.cur) && k.complaint_closure.cur < 0.98);
  card("dash.kpi.csat", dash_mean(k.csat_mean.cur), &k.csat_mean, true,
       std::string(tr("dash.satisfied")) + " " + dash_pct(k.csat_satisfied.cur));
  card("dash.kpi.nps", dash_num(k.nps.cur), &k.nps, true);
  card("dash.kpi.refunds", dash_num(k.refunds.cur), &k.refunds, false,
       format_yuan(static_cast<Fen>(std::isfinite(k.refund_fen.cur) ? k.refund_fen.cur : 0)) + " · " + dash_pct(k.refund_rate.cur));
  char backlog_sub[128];
  std::snprintf(backlog_sub, sizeof backlog_sub, tr("dash.backlog_age"), dash_duration(k.backlog_median_age_s).c_str(),
                static_cast<long long>(k.backlog_age[3]));
  card("dash.kpi.backlog", std::to_string(k.backlog), nullptr, false, backlog_sub, k.backlog_age[3] > 0);
  const float card_w = 168, avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, static_cast<int>((avail + 8) / (card_w + 8)));
  const float w = (avail - 8 * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  for (size_t i = 0; i < cards.size(); ++i) {
    if (i % static_cast<size_t>(per_row)) ImGui::SameLine(0, 8);
    const Card& c = cards[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::BeginGroup();
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight() * 4.25f + 12;  // the trend's line ends at 4 + 4.25 lines: 8 px below it
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), ImGui::GetColorU32(c.alarm ? ImVec4(1, 0.93f, 0.92f, 1) : ImVec4(0.97f, 0.98f, 1, 1)), 6);
    dl->AddRect(p, ImVec2(p.x + w, p.y + h), ImGui::GetColorU32(ImGuiCol_Border), 6);
    const float lh = ImGui::GetTextLineHeight();
    dl->AddText(ImVec2(p.x + 8, p.y + 4), ImGui::GetColorU32(ImGuiCol_TextDisabled), c.label.c_str());
    dl->AddText(nullptr, ImGui::GetFontSize() * 1.35f, ImVec2(p.x + 8, p.y + 4 + lh),
                ImGui::GetColorU32(ink(c.alarm ? ImVec4(0.70f, 0.10f, 0.10f, 1) : ImVec4(0.10f, 0.14f, 0.22f, 1))), c.value.c_str());
    if (!c.sub.empty()) dl->AddText(ImVec2(p.x + 8, p.y + 4 + lh * 2.45f), ImGui::GetColorU32(ImGuiCol_TextDisabled), c.sub.c_str());
    ImU32 tc = ImGui::GetColorU32(ink(c.trend.sign > 0 ? ImVec4(0.10f, 0.50f, 0.20f, 1)
                                      : c.trend.sign < 0 ? ImVec4(0.75f, 0.15f, 0.10f, 1)
                                                         : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)));
    if (!c.trend.text.empty()) dl->AddText(ImVec2(p.x + 8, p.y + 4 + lh * 3.25f), tc, c.trend.text.c_str());
    // one item per card, so widgets() (and a screen reader's list) reads "工单量 238"
    ImGui::InvisibleButton((c.label + " " + c.value + "###dash_kpi_" + c.id).c_str(), ImVec2(w, h));
    if (ImGui::IsItemHovered() && !c.trend.text.empty())
      ImGui::SetTooltip("%s\n%s", c.label.c_str(), c.trend.text.c_str());
    ImGui::EndGroup();
    ImGui::PopID();
  }
  ImGui::Spacing();

  auto download = [this](const ReportTable& t) { download_table(t); };
  std::vector<ReportTable> report_tables;

  // ---- volume per day
  std::vector<std::string> days;
  std::vector<std::vector<double>> by_channel, by_category;
  for (int32_t d = 0; d < g.days(); ++d) {
    days.push_back(short_day(g.from_day() + d));
    std::vector<double> a(6), b(6);
    for (int j = 0; j < 6; ++j) {
      a[static_cast<size_t>(j)] = g.day_channel[static_cast<size_t>(d)][static_cast<size_t>(j)];
      b[static_cast<size_t>(j)] = g.day_category[static_cast<size_t>(d)][static_cast<size_t>(j)];
    }
    by_channel.push_back(a);
    by_category.push_back(b);
  }
  std::vector<charts::Series> channel_series, category_series;
  for (int j = 0; j < 6; ++j) {
    channel_series.push_back({tr_enum("channel", to_id(kChannels[j])), charts::palette(j)});
    category_series.push_back({tr_enum("category", to_id(kCategories[j])), charts::palette(j)});
  }
  ReportTable volume{tr("dash.table.volume"), {tr("dash.col.day")}, {}};
  for (const auto& se : channel_series) volume.header.push_back(se.label);
  for (const auto& se : category_series) volume.header.push_back(se.label);
  volume.header.push_back(tr("dash.col.total"));
  for (int32_t d = 0; d < g.days(); ++d) {
    std::vector<std::string> row{day_label(g.from_day() + d)};
    int64_t total = 0;
    for (int j = 0; j < 6; ++j) {
      row.push_back(std::to_string(g.day_channel[static_cast<size_t>(d)][static_cast<size_t>(j)]));
      total += g.day_channel[static_cast<size_t>(d)][static_cast<size_t>(j)];
    }
    for (int j = 0; j < 6; ++j) row.push_back(std::to_string(g.day_category[static_cast<size_t>(d)][static_cast<size_t>(j)]));
    row.push_back(std::to_string(total));
    volume.rows.push_back(std::move(row));
  }
  report_tables.push_back(volume);

  // ---- tables shared by the tabs and the report
  double avg = dash_.refund_average;
  ReportTable refunds_t{tr("dash.table.refunds"),
                        {tr("dash.course"), tr("dash.col.tickets"), tr("dash.col.refunds"), tr("dash.col.refund_rate"),
                         tr("dash.col.vs_average"), tr("dash.col.amount"), tr("dash.col.reasons"), tr("dash.col.root_causes")},
                        {}};
  std::vector<bool> concentrated;
  for (const CourseRefunds& r : dash_.refunds) {
    std::string reasons, causes;
    for (auto [i, n] : r.reasons)
      reasons += (reasons.empty() ? "" : tr("punct.list_sep")) + std::string(tr_enum("refund_reason", to_id(kRefundReasons[i]))) + " " + std::to_string(n);
    for (auto [i, n] : r.root_causes)
      causes += (causes.empty() ? "" : tr("punct.list_sep")) + std::string(tr_enum("root_cause", kRootCauses[i])) + " " + std::to_string(n);
    refunds_t.rows.push_back({course_name(s, dash_.columns.courses().value(r.course)), std::to_string(r.tickets),
                              std::to_string(r.refunds), dash_pct(r.rate), avg > 0 ? fmt("×%.2f", r.ratio) : "—",
                              format_yuan(r.refund_fen), reasons, causes});
    concentrated.push_back(r.concentrated);
  }
  auto group_table = [&](const char* title, const char* first, const std::vector<GroupRow>& rows, bool agents) {
    ReportTable t{tr(title),
                  {tr(first), tr("dash.col.tickets"), tr("dash.col.resolved"), tr("dash.kpi.frt"), tr("dash.kpi.frt_sla"),
                   tr("dash.kpi.resolve"), tr("dash.kpi.reopen_rate"), tr("dash.kpi.csat"), tr("dash.col.csat_n")},
                  {}};
    for (const GroupRow& r : rows)
      t.rows.push_back({agents ? agent_name(s, r.key) : tr_enum("role", r.key.c_str()), std::to_string(r.tickets),
                        std::to_string(r.resolved), dash_duration(r.frt_median_s), dash_pct(r.frt_compliance),
                        dash_duration(r.resolve_median_s), dash_pct(r.reopen_rate), dash_mean(r.csat_mean),
                        std::to_string(r.csat_n)});
    return t;
  };
  ReportTable agents_t = group_table("dash.table.agents", "dash.agent", dash_.agent_rows, true);
  ReportTable tiers_t = group_table("dash.table.tiers", "dash.tier", dash_.tier_rows, false);
  ReportTable hot_t{tr("dash.table.hot"),
                    {tr("dash.course"), tr("field.category"), tr("dash.col.day"), tr("dash.col.tickets"),
                     tr("dash.col.baseline"), tr("dash.col.threshold")},
                    {}};
  for (const HotSpot& h : dash_.hot)
    hot_t.rows.push_back({course_name(s, dash_.columns.courses().value(h.course)), tr_enum("category", to_id(h.category)),
                          day_label(h.day), std::to_string(h.n), fmt("%.2f", h.baseline_mean), fmt("%.2f", h.threshold)});
  const CustomerInsights& ci = dash_.customers;
  ReportTable seg_t{tr("dash.table.segments"),
                    {tr("dash.col.dimension"), tr("dash.col.segment"), tr("dash.col.customers"), tr("dash.col.spent"),
                     tr("dash.col.study_hours"), tr("dash.col.contacts"), tr("dash.kpi.csat"), tr("dash.col.refund_share"),
                     tr("dash.col.at_risk")},
                    {}};
  for (const SegmentRow& r : ci.segments) {
    std::string key = "segment." + r.dimension + "." + r.value;
    seg_t.rows.push_back({tr(("segment." + r.dimension).c_str()), tr(key.c_str()), std::to_string(r.customers),
                          format_yuan(static_cast<Fen>(r.spent_mean_fen)), std::isfinite(r.study_hours_mean) ? fmt("%.1f", r.study_hours_mean) : "—",
                          fmt("%.2f", r.tickets_per_customer), dash_mean(r.csat_mean), dash_pct(r.refund_rate),
                          std::to_string(r.at_risk)});
  }
  ReportTable churn_t{tr("dash.table.churn"),
                      {tr("dash.col.customer"), tr("dash.col.score"), tr("dash.col.risks"), tr("dash.col.spent"),
                       tr("dash.col.contacts"), tr("dash.kpi.csat"), tr("dash.col.study_hours"), tr("dash.col.winback")},
                      {}};
  for (size_t i : ci.at_risk) {
    const CustomerFacts& c = ci.customers[i];
    const Customer* who = s.customer(c.customer_id);
    std::string risks;
    for (const std::string& r : c.risks) risks += (risks.empty() ? "" : tr("punct.list_sep")) + std::string(tr(("churn." + r).c_str()));
    churn_t.rows.push_back({who ? who->name : c.customer_id, std::to_string(c.risk_score), risks, format_yuan(c.spent_fen),
                            std::to_string(c.tickets), c.csat_mean >= 0 ? fmt("%.1f", c.csat_mean) : "—",
                            c.study_hours >= 0 ? fmt("%.0f", c.study_hours) : "—",
                            c.winback_task.empty() ? "" : tr("dash.winback_open")});
  }

  // ---- tabs
  if (ImGui::BeginTabBar("dash_tabs")) {
    if (begin_tab_item(lbl("dash.tab.overview", "dash_tab_overview"))) {
      ImGui::Checkbox(lbl("dash.by_category", "dash_by_category").c_str(), &dash_.by_category);
      ImGui::SameLine();
      charts::legend(dash_.by_category ? category_series : channel_series);
      // the previous period's daily total as a line over the bars, day for day
      std::vector<double> prev_line(g.prev_day.begin(), g.prev_day.end());
      ImGui::SameLine(0, 14);
      ImGui::TextDisabled("%s", tr("dash.prev_line"));
      charts::Hit hit = charts::stacked_bars("dash_volume", days, dash_.by_category ? by_category : by_channel,
                                             dash_.by_category ? category_series : channel_series, 190, tr("dash.unit.tickets"),
                                             prev_line, tr("dash.prev_line_tip"));
      if (hit.x >= 0) {
        DashboardPick p;
        p.day = g.from_day() + hit.x;
        std::string label = day_label(p.day);
        if (hit.s >= 0) {
          (dash_.by_category ? p.category : p.channel) = hit.s;
          label += " · " + (dash_.by_category ? category_series : channel_series)[static_cast<size_t>(hit.s)].label;
        }
        dashboard_pick(p, label);
      }
      const float half = (ImGui::GetContentRegionAvail().x - 12) * 0.5f;
      const bool side_by_side = half > 300;
      ImGui::BeginGroup();
      ImGui::TextUnformatted(tr("dash.chart.resolve_hist"));
      static const char* kResolveBinKeys[kResolveBins] = {"dash.bin.lt1h", "dash.bin.1_4h", "dash.bin.4_8h", "dash.bin.8_24h",
                                                          "dash.bin.1_3d", "dash.bin.3_7d", "dash.bin.7_14d", "dash.bin.ge14d"};
      std::vector<std::string> rbins;
      std::vector<double> rcounts;
      for (int i = 0; i < kResolveBins; ++i) {
        rbins.push_back(tr(kResolveBinKeys[i]));
        rcounts.push_back(static_cast<double>(g.resolve_hist[static_cast<size_t>(i)]));
      }
      ImGui::PushItemWidth(side_by_side ? half : -1);
      ImGui::BeginChild("dash_hist_r", ImVec2(side_by_side ? half : 0, 170), false, ImGuiWindowFlags_NoScrollbar);
      int rb = charts::histogram("dash_resolve_hist", rbins, rcounts, 160, charts::palette(2), tr("dash.unit.tickets"));
      ImGui::EndChild();
      ImGui::PopItemWidth();
      ImGui::EndGroup();
      if (rb >= 0) {
        DashboardPick p;
        p.resolve_bin = rb;
        dashboard_pick(p, std::string(tr("dash.chart.resolve_hist")) + " · " + rbins[static_cast<size_t>(rb)]);
      }
      if (side_by_side) ImGui::SameLine(0, 12);
      ImGui::BeginGroup();
      ImGui::TextUnformatted(tr("dash.chart.frt_hist"));
      static const char* kFrtBinKeys[kFrtBins] = {"dash.bin.lt5m", "dash.bin.5_30m", "dash.bin.30_60m", "dash.bin.1_4h",
                                                  "dash.bin.4_8h", "dash.bin.8_24h", "dash.bin.ge24h"};
      std::vector<std::string> fbins;
      std::vector<double> fcounts;
      for (int i = 0; i < kFrtBins; ++i) {
        fbins.push_back(tr(kFrtBinKeys[i]));
        fcounts.push_back(static_cast<double>(g.frt_hist[static_cast<size_t>(i)]));
      }
      ImGui::BeginChild("dash_hist_f", ImVec2(side_by_side ? half : 0, 170), false, ImGuiWindowFlags_NoScrollbar);
      int fb = charts::histogram("dash_frt_hist", fbins, fcounts, 160, charts::palette(0), tr("dash.unit.tickets"));
      ImGui::EndChild();
      ImGui::EndGroup();
      if (fb >= 0) {
        DashboardPick p;
        p.frt_bin = fb;
        dashboard_pick(p, std::string(tr("dash.chart.frt_hist")) + " · " + fbins[static_cast<size_t>(fb)]);
      }
      ImGui::TextUnformatted(tr("dash.chart.heat"));
      std::vector<std::string> weekdays, hours;
      for (int d = 0; d < 7; ++d) weekdays.push_back(tr(("dash.weekday." + std::to_string(d)).c_str()));
      for (int h = 0; h < 24; ++h) hours.push_back(std::to_string(h));
      std::vector<std::vector<double>> heat(7, std::vector<double>(24));
      for (int d = 0; d < 7; ++d)
        for (int h = 0; h < 24; ++h) heat[static_cast<size_t>(d)][static_cast<size_t>(h)] = static_cast<double>(g.hour_week[static_cast<size_t>(d * 24 + h)]);
      charts::Hit hh = charts::heat_map("dash_heat", weekdays, hours, heat, 18, tr("dash.unit.tickets"));
      if (hh.x >= 0) {
        DashboardPick p;
        p.hour_week = hh.s * 24 + hh.x;
        dashboard_pick(p, weekdays[static_cast<size_t>(hh.s)] + " " + std::to_string(hh.x) + ":00");
      }
      if (small_button(lbl("dash.show_backlog", "dash_backlog").c_str())) {
        DashboardPick p;
        p.backlog = true;
        dashboard_pick(p, tr("dash.kpi.backlog"));
      }
      ImGui::SameLine();
      if (small_button(lbl("dash.export_volume", "dash_csv_volume").c_str())) download(volume);
      ImGui::EndTabItem();
    }
    std::string hot_label = std::string(tr("dash.tab.hot")) + (dash_.hot.empty() ? "" : " (" + std::to_string(dash_.hot.size()) + ")") + "###dash_tab_hot";
    if (begin_tab_item(hot_label)) {
      if (dash_.hot.empty()) ImGui::TextDisabled("%s", tr("dash.no_hot"));
      for (size_t i = 0; i < dash_.hot.size(); ++i) {
        const HotSpot& h = dash_.hot[i];
        const std::string course_id = dash_.columns.courses().value(h.course);
        ImGui::PushID(static_cast<int>(i));
        ImGui::TextColored(ink(0.70f, 0.12f, 0.10f, 1), tr("dash.hot_line"), course_name(s, course_id),
                           tr_enum("category", to_id(h.category)), day_label(h.day).c_str(), static_cast<long long>(h.n),
                           h.baseline_mean);
        DashboardPick p;
        p.day = h.day;
        p.course = h.course;
        p.category = static_cast<int>(h.category);
        if (small_button(lbl("dash.show_tickets", ("hot_show_" + std::to_string(i) + "_" + course_id).c_str()).c_str()))
          dashboard_pick(p, std::string(course_name(s, course_id)) + " · " + day_label(h.day));
        ImGui::SameLine();
        if (small_button(lbl("incident.group", ("hot_group_" + std::to_string(i) + "_" + course_id).c_str()).c_str())) {
          json ids = json::array();
          for (size_t r : dashboard_rows(dash_.columns, dash_.agg.filter(), p)) {
            const Ticket* t = s.ticket(dash_.columns.ticket_id(r));
            if (t && ticket_open(*t) && t->incident.empty()) ids.push_back(t->id);
          }
          std::string title = std::string(course_name(s, course_id)) + " · " + tr_enum("category", to_id(h.category)) + " · " +
                              day_label(h.day);
          Submitted r = submit({{"type", "incident.create"}, {"incident_type", h.category == Category::technical ? "technical" : "service"},
                                {"title", title}, {"course_id", course_id == "-" ? "" : course_id}, {"category", to_id(h.category)},
                                {"ticket_ids", ids}},
                               now, &dash_.error);
          if (r.ok) {
            incident_open_ = r.result["incident_id"].get<std::string>();
            view_ = View::incidents;
          }
        }
        ImGui::PopID();
      }
      error_line(dash_.error);
      ImGui::Separator();
      draw_table("dash_hot_table", hot_t, download);
      ImGui::EndTabItem();
    }
    if (begin_tab_item(lbl("dash.tab.refunds", "dash_tab_refunds"))) {
      ImGui::TextDisabled(tr("dash.refund_average"), dash_pct(avg).c_str());
      int row = draw_table("dash_refunds_table", refunds_t, download, &concentrated);
      if (row >= 0) {
        DashboardPick p;
        p.course = dash_.refunds[static_cast<size_t>(row)].course;
        p.refunded = true;
        dashboard_pick(p, refunds_t.rows[static_cast<size_t>(row)][0] + " · " + tr("dash.col.refunds"));
      }
      ImGui::EndTabItem();
    }
    if (begin_tab_item(lbl("dash.tab.agents", "dash_tab_agents"))) {
      int row = draw_table("dash_agents_table", agents_t, download);
      if (row >= 0) {
        DashboardPick p;
        p.agent = dash_.columns.agents().find(dash_.agent_rows[static_cast<size_t>(row)].key);
        dashboard_pick(p, agents_t.rows[static_cast<size_t>(row)][0]);
      }
      ImGui::Spacing();
      int trow = draw_table("dash_tiers_table", tiers_t, download);
      if (trow >= 0) {
        DashboardPick p;
        p.tier = static_cast<int>(parse_role(dash_.tier_rows[static_cast<size_t>(trow)].key).value_or(Role::junior));
        dashboard_pick(p, tiers_t.rows[static_cast<size_t>(trow)][0]);
      }
      ImGui::EndTabItem();
    }
    std::string churn_label = std::string(tr("dash.tab.customers")) + " (" + std::to_string(ci.at_risk.size()) + ")###dash_tab_customers";
    if (begin_tab_item(churn_label)) {
      draw_table("dash_segments_table", seg_t, download);
      ImGui::Spacing();
      ImGui::TextUnformatted(tr("dash.churn_hint"));
      int row = draw_table("dash_churn_table", churn_t, download, nullptr, 260);
      if (row >= 0) dash_.churn_selected = static_cast<int>(row);
      if (dash_.churn_selected >= 0 && static_cast<size_t>(dash_.churn_selected) < ci.at_risk.size()) {
        const CustomerFacts& c = ci.customers[ci.at_risk[static_cast<size_t>(dash_.churn_selected)]];
        const Customer* who = s.customer(c.customer_id);
        const std::string name = who ? who->name : c.customer_id;
        ImGui::Text(tr("dash.churn_selected"), name.c_str(), c.risk_score);
        if (c.winback_task.empty()) {
          ImGui::SameLine();
          if (ImGui::Button(lbl("dash.winback", "dash_winback").c_str())) {
            std::string reasons;
            for (const std::string& r : c.risks) reasons += (reasons.empty() ? "" : tr("punct.list_sep")) + std::string(tr(("churn." + r).c_str()));
            submit({{"type", "task.create"}, {"kind", "winback"}, {"customer_id", c.customer_id},
                    {"title", std::string(tr("dash.winback_title")) + name + tr("punct.paren_open") + reasons + tr("punct.paren_close")},
                    {"due_at", now + kDayMs}},
                   now, &dash_.error);
          }
        } else {
          ImGui::SameLine();
          ImGui::TextDisabled("%s", tr("dash.winback_open"));
        }
        error_line(dash_.error);
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }

  // ---- the tickets behind what was clicked
  if (dash_.picked) {
    ImGui::Separator();
    if (dash_.scroll_to_pick) {
      ImGui::SetScrollHereY(0.2f);
      dash_.scroll_to_pick = false;
      frames_wanted_ = std::max(frames_wanted_, 2);
    }
    ImGui::Text(tr("dash.picked"), dash_.pick_label.c_str(), static_cast<long long>(dash_.pick_rows.size()));
    ImGui::SameLine();
    if (small_button(lbl("dash.close_pick", "dash_close_pick").c_str())) dash_.picked = false;
    ReportTable picked{tr("dash.table.picked"),
                       {tr("dash.col.number"), tr("dash.col.subject"), tr("field.status"), tr("field.category"),
                        tr("field.channel"), tr("dash.col.created")},
                       {}};
    std::vector<const Ticket*> tickets;
    for (size_t r : dash_.pick_rows) {
      const Ticket* t = s.ticket(dash_.columns.ticket_id(r));
      if (!t) continue;
      tickets.push_back(t);
      picked.rows.push_back({"#" + std::to_string(t->number), t->subject, tr_enum("status", to_id(t->status)),
                             tr_enum("category", to_id(t->category)), tr_enum("channel", to_id(t->channel)),
                             format_time(t->created_at)});
    }
    int row = draw_table("dash_picked_table", picked, download, nullptr, 300);
    if (row >= 0) {
      selected_ = tickets[static_cast<size_t>(row)]->id;
      view_ = View::tickets;
    }
  }

  // ---- the printable report: every figure and table of this range and these filters
  if (want_report && on_download) {
    std::vector<ReportFigure> figs;
    for (const Card& c : cards)
      figs.push_back({c.label, c.value + (c.sub.empty() ? "" : " · " + c.sub), c.trend.text, c.alarm || c.trend.sign < 0});
    std::vector<std::string> context{
        std::string(tr("dash.report_range")) + day_label(g.from_day()) + " – " + day_label(g.to_day()),
        std::string(tr("dash.report_made")) + format_time(now)};
    std::string filters;
    if (dash_.category >= 0) filters += std::string(tr_enum("category", to_id(kCategories[dash_.category]))) + " ";
    if (dash_.channel >= 0) filters += std::string(tr_enum("channel", to_id(kChannels[dash_.channel]))) + " ";
    if (dash_.tier >= 0) filters += std::string(tr_enum("role", to_id(kRoles[dash_.tier]))) + " ";
    if (!dash_.course.empty()) filters += std::string(course_name(s, dash_.course)) + " ";
    if (!dash_.agent.empty()) filters += std::string(agent_name(s, dash_.agent)) + " ";
    context.push_back(std::string(tr("dash.report_filters")) + (filters.empty() ? tr("filter.all") : filters));
    report_tables.push_back(hot_t);
    report_tables.push_back(refunds_t);
    report_tables.push_back(agents_t);
    report_tables.push_back(tiers_t);
    report_tables.push_back(seg_t);
    report_tables.push_back(churn_t);
    on_download("edudesk-report-" + day_label(g.to_day()) + ".html", "text/html;charset=utf-8",
                report_html(lang_code(current_lang()), tr("dash.report_title"), context, figs, report_tables));
  }
  ImGui::EndChild();
}

}  // namespace edudesk::ui
