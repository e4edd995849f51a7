// The inbox: filters, a sortable table of tickets, the "new ticket" button.
#include <algorithm>

#include "app/i18n.h"
#include "core/sla.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

namespace {
ImVec4 priority_color(Priority p) {
  switch (p) {
    case Priority::P1: return ink(0.80f, 0.10f, 0.10f, 1);
    case Priority::P2: return ink(0.85f, 0.45f, 0.05f, 1);
    case Priority::P3: return ink(0.20f, 0.35f, 0.60f, 1);
    case Priority::P4: return ink(0.45f, 0.45f, 0.45f, 1);
  }
  return ImVec4(0, 0, 0, 1);
}
ImVec4 status_color(Status s) {
  switch (s) {
    case Status::new_: return ink(0.10f, 0.45f, 0.85f, 1);
    case Status::open: return ink(0.80f, 0.45f, 0.00f, 1);
    case Status::pending: return ink(0.55f, 0.35f, 0.70f, 1);
    case Status::resolved: return ink(0.15f, 0.55f, 0.25f, 1);
    case Status::closed: return ink(0.45f, 0.45f, 0.45f, 1);
  }
  return ImVec4(0, 0, 0, 1);
}
}  // namespace

void DeskUi::refresh_rows(Millis now) {
  // the SLA queue and order change with the clock too: at most once a minute
  bool clocked = filter_.queue == Queue::breaching || sort_.key == SortKey::due;
  if (!rows_dirty_ && rows_revision_ == desk_.state().revision && !(clocked && now - filter_.now > 60 * 1000)) return;
  // A snapshot arriving changes the State every slice; sorting up to 100,000 tickets each time
  // would take the frames' time from it. (Its tickets never move meanwhile: their vector is
  // reserved whole.)
  if (!rows_dirty_ && desk_.restoring() && rows_revision_ >= 0 && now - rows_at_ < 250) return;
  rows_at_ = now;
  const State& s = desk_.state();
  // Chinese text search through the bigram index once it has caught up (a first build of
  // a large desk takes a few frames); until then the plain scan.
  const bool indexed = !search_.empty() && !search_index_.indexing() && indexed_revision_ == s.revision;
  filter_.search = indexed ? std::string() : search_;
  filter_.me = desk_.actor();
  filter_.now = now;
  rows_ = list_tickets(s, filter_, sort_);
  if (indexed) {
    std::vector<bool> hit(s.tickets.size(), false);
    for (size_t i : search_index_.search(search_)) hit[i] = true;
    const Ticket* base = s.tickets.data();
    rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const Ticket* t) { return !hit[static_cast<size_t>(t - base)]; }),
                rows_.end());
  }
  rows_revision_ = desk_.state().revision;
  rows_dirty_ = false;
}

void DeskUi::draw_inbox(Millis now, float width, float height) {
  // Keep the search index in step: a slice per frame, more frames while it is behind.
  const State& st = desk_.state();
  // (not while the stored desk arrives: its tickets take their places only at the end)
  if (phase_ == Phase::ready && (indexed_revision_ != st.revision || search_index_.indexing())) {
    search_index_.update_step(st, 400);
    if (!search_index_.indexing()) {
      indexed_revision_ = st.revision;
      if (!search_.empty()) rows_dirty_ = true;
    } else {
      frames_wanted_ = std::max(frames_wanted_, 1);
    }
  }
  ImGui::BeginChild("##inbox", ImVec2(width, height), false);
  // Filters: one row on a wide screen, wrapping on a narrow one.
  if (ImGui::Button(lbl("inbox.new_ticket", "new_ticket").c_str())) {
    form_ = NewTicketForm{};
    new_open_ = true;
  }
  ImGui::SameLine();
  // The queues: mine, my team's, unassigned, breaching, waiting on the customer, incidents.
  ImGui::SetNextItemWidth(fit_px(150));
  {
    int q = static_cast<int>(filter_.queue);
    if (enum_combo("##queue", "queue", kQueues, q, false)) {
      filter_.queue = kQueues[q];
      rows_dirty_ = true;
    }
  }
  same_line_if_fits(em_px(200));
  if (focus_search_) {
    ImGui::SetKeyboardFocusHere();
    focus_search_ = false;
  }
  ImGui::SetNextItemWidth(std::min(em_px(260), ImGui::GetContentRegionAvail().x));
  if (ImGui::InputTextWithHint("##search", tr("inbox.search_hint"), &search_)) rows_dirty_ = true;

  // One filter combo per enum; "all" clears it.
  auto filter = [&](const char* id, const char* group, const auto& all, auto& value, float width, bool first) {
    width = em_px(width);  // grows with the larger-text setting, so "优先级：全部" stays whole
    if (!first) same_line_if_fits(width);
    ImGui::SetNextItemWidth(std::min(width, ImGui::GetContentRegionAvail().x));
    int index = value ? static_cast<int>(*value) : -1;
    std::string field = std::string("field.") + group;
    if (enum_combo(id, group, all, index, true, tr(field.c_str()))) {
      if (index < 0) value.reset();
      else value = all[index];
      rows_dirty_ = true;
    }
  };
  filter("##filter_status", "status", kStatuses, filter_.status, 150, true);
  filter("##filter_category", "category", kCategories, filter_.category, 150, false);
  filter("##filter_priority", "priority", kPriorities, filter_.priority, 128, false);
  filter("##filter_channel", "channel", kChannels, filter_.channel, 150, false);
  same_line_if_fits(ImGui::GetFrameHeight() + ImGui::CalcTextSize(tr("inbox.open_only")).x + 8);
  if (ImGui::Checkbox(lbl("inbox.open_only", "open_only").c_str(), &filter_.open_only)) rows_dirty_ = true;

  refresh_rows(now);
  ImGui::TextDisabled(tr("inbox.count"), static_cast<long long>(rows_.size()),
                      static_cast<long long>(desk_.state().tickets.size()));

  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Hideable;
  if (ImGui::BeginTable("##tickets", 9, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    // A narrow pane keeps number, subject, priority, status, age and SLA; a phone's number,
    // subject, status and SLA; with larger text on a phone, number, subject and SLA: the
    // subject keeps room to be read. Widths in text sizes, so 125 and 150 % text count too.
    const float ems = width / ImGui::GetFontSize();
    const int narrow = ems < 23.5f ? 3 : ems < 28.75f ? 2 : ems < 35 ? 1 : 0;
    ImGui::TableSetupColumn(tr("field.number"), ImGuiTableColumnFlags_WidthFixed, em_px(62), static_cast<ImGuiID>(SortKey::number));
    ImGui::TableSetupColumn(tr("field.subject"), ImGuiTableColumnFlags_WidthStretch, 3.0f, static_cast<ImGuiID>(SortKey::subject));
    ImGui::TableSetupColumn(tr("field.customer"), ImGuiTableColumnFlags_WidthStretch, 1.0f, static_cast<ImGuiID>(SortKey::customer));
    ImGui::TableSetupColumn(tr("field.category"), ImGuiTableColumnFlags_WidthStretch, 1.1f, static_cast<ImGuiID>(SortKey::category));
    ImGui::TableSetupColumn(tr("field.priority"), ImGuiTableColumnFlags_WidthFixed, em_px(62), static_cast<ImGuiID>(SortKey::priority));
    ImGui::TableSetupColumn(tr("field.status"), ImGuiTableColumnFlags_WidthFixed, em_px(72), static_cast<ImGuiID>(SortKey::status));
    ImGui::TableSetupColumn(tr("field.channel"), ImGuiTableColumnFlags_WidthFixed, em_px(72), static_cast<ImGuiID>(SortKey::channel));
    ImGui::TableSetupColumn(tr("field.age"), ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultSort, em_px(70),
                            static_cast<ImGuiID>(SortKey::age));
    ImGui::TableSetupColumn(tr("field.sla"), ImGuiTableColumnFlags_WidthFixed, em_px(84), static_cast<ImGuiID>(SortKey::due));
    if (narrow != narrow_table_) {  // only on a change: a person may hide columns on a wide screen
      for (int col : {2, 3, 6}) ImGui::TableSetColumnEnabled(col, narrow == 0);
      for (int col : {4, 7}) ImGui::TableSetColumnEnabled(col, narrow < 2);
      ImGui::TableSetColumnEnabled(5, narrow < 3);
      narrow_table_ = narrow;
    }
    // Headers by hand so each one is published to widgets() as "col_<sort key>".
    static const char* const col_ids[] = {"number", "subject", "customer", "category",
                                          "priority", "status", "channel", "age", "due"};
    const bool touch = touch_layout();  // a phone: rows and headers are tap targets of kTapTarget px
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, touch ? kTapTarget : 0.0f);
    for (int col = 0; col < 9; ++col) {
      if (!ImGui::TableSetColumnIndex(col)) continue;
      const char* name = ImGui::TableGetColumnName(col);
      ImGui::TableHeader(name);
      widgets_note_last((std::string(name) + "###col_" + col_ids[col]).c_str());
    }
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
      if (specs->SpecsCount > 0) {
        sort_.key = static_cast<SortKey>(specs->Specs[0].ColumnUserID);
        sort_.descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      }
      specs->SpecsDirty = false;
      rows_dirty_ = true;
      refresh_rows(now);
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows_.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Ticket& t = *rows_[static_cast<size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        std::string row_id = std::to_string(t.number) + "###row_" + std::to_string(t.number);
        if (ImGui::Selectable(row_id.c_str(), selected_ == t.id, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, row_height())))
          selected_ = t.id;
        if (selected_ == t.id) widgets_mark_checked();
        ImGui::TableNextColumn();
        if (desk_.is_pending(t.origin_op)) {
          ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("storage.pending_mark"));
          ImGui::SameLine();
        }
        ImGui::TextUnformatted(t.subject.c_str());
        ImGui::TableNextColumn();
        const Customer* c = desk_.state().customer(t.customer_id);
        ImGui::TextUnformatted(c ? c->name.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr_enum("category", to_id(t.category)));
        ImGui::TableNextColumn();
        ImGui::TextColored(priority_color(t.priority), "%s", to_id(t.priority));
        ImGui::TableNextColumn();
        ImGui::TextColored(status_color(t.status), "%s", tr_enum("status", to_id(t.status)));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr_enum("channel", to_id(t.channel)));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_age(now - t.created_at).c_str());
        ImGui::TableNextColumn();
        // The next due of the ticket's SLA clocks: red when breached, amber when soon.
        if (ticket_open(t)) {
          TicketSla sla = compute_sla(desk_.state().sla_policy, t, now);
          if (sla.breached) ImGui::TextColored(ink(0.80f, 0.12f, 0.12f, 1), "%s", tr("sla.breached"));
          else if (sla.next_due > 0 && sla.next_due != kSlaNever)
            ImGui::TextColored(sla.breaching_soon ? ink(0.80f, 0.48f, 0.02f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled),
                               "%s", format_age(sla.next_due - now).c_str());
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace edudesk::ui
