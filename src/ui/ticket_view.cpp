// One ticket: header, status, timeline, and the reply / internal note box.
#include <algorithm>
#include <cstdio>

#include "app/i18n.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

namespace {
ImVec4 entry_bg(EntryKind k) {
  switch (k) {
    case EntryKind::customer_message: return ImVec4(0.95f, 0.96f, 0.98f, 1);
    case EntryKind::reply: return ImVec4(0.91f, 0.96f, 1.00f, 1);
    case EntryKind::note: return ImVec4(1.00f, 0.97f, 0.86f, 1);
    case EntryKind::status_change:
    case EntryKind::field_change: return ImVec4(1, 1, 1, 1);
  }
  return ImVec4(1, 1, 1, 1);
}

std::string author_name(const State& s, const TimelineEntry& e) {
  if (const Agent* a = s.agent(e.author)) return a->name;
  if (const Customer* c = s.customer(e.author)) return c->name;
  return e.author;
}

// A field's value in words: "P1 紧急", "技术问题", an agent's name.
std::string value_text(const State& s, const std::string& field, const std::string& value) {
  if (field == "status") return tr_enum("status", value.c_str());
  if (field == "priority") return tr_enum("priority", value.c_str());
  if (field == "category") return tr_enum("category", value.c_str());
  if (field == "tier") return tr_enum("role", value.c_str());
  if (field == "subcategory") return value.empty() ? tr("sub.none") : tr_enum("sub", value.c_str());
  if (field == "incident") {
    const Incident* i = s.incident(value);
    return value.empty() ? std::string("-") : i ? i->title : value;
  }
  if (field == "merged_into") {
    const Ticket* t = s.ticket(value);
    return t ? "#" + std::to_string(t->number) : value;
  }
  if (value.empty()) return tr("ticket.unassigned");
  const Agent* a = s.agent(value);
  return a ? a->name : value;
}

std::string change_line(const State& s, const TimelineEntry& e) {
  char buf[512];
  std::string field = e.kind == EntryKind::status_change ? "status" : e.field;
  std::string value = e.kind == EntryKind::status_change ? to_id(e.status_to) : e.value;
  std::snprintf(buf, sizeof buf, tr("timeline.change"), format_time(e.at).c_str(), author_name(s, e).c_str(),
                tr(("field." + field).c_str()), value_text(s, field, value).c_str());
  std::string line = buf;
  if (!e.resolution.empty()) line += std::string(" · ") + tr_enum("resolution", e.resolution.c_str());
  if (!e.root_cause.empty()) line += std::string(" · ") + tr_enum("root_cause", e.root_cause.c_str());
  if (!e.device.empty()) line += std::string(" · ") + tr("timeline.device") + " " + e.device;
  return line;
}

std::string conflict_text(const State& s, const TimelineEntry& e) {
  char buf[256];
  std::string field = e.kind == EntryKind::status_change ? "status" : e.field;
  const char* key = e.conflict == Conflict::overwritten ? "conflict.overwritten"
                    : e.conflict == Conflict::ignored   ? "conflict.ignored"
                                                        : "conflict.duplicate";
  std::snprintf(buf, sizeof buf, tr(key), value_text(s, field, e.kept_value).c_str());
  return buf;
}
}  // namespace

void DeskUi::draw_ticket(Millis now, float width, float height) {
  ImGui::BeginChild("##ticket", ImVec2(width, height), true);
  const Ticket* t = selected_.empty() ? nullptr : desk_.state().ticket(selected_);
  if (!t) {
    ImGui::Dummy(ImVec2(0, 30));
    ImGui::TextDisabled("%s", tr("ticket.none_selected"));
    ImGui::EndChild();
    return;
  }
  const State& s = desk_.state();
  if (one_column_ && ImGui::Button(lbl("ticket.back", "back_to_inbox").c_str())) selected_.clear();

  // Header
  ImGui::TextDisabled("#%lld", static_cast<long long>(t->number));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", t->subject.c_str());
  const Customer* c = s.customer(t->customer_id);
  const Course* course = s.course(t->course_id);
  ImGui::TextDisabled("%s", tr("field.customer"));
  ImGui::SameLine();
  ImGui::Text("%s%s  %s", c ? c->name.c_str() : "?", c && c->is_parent ? tr("customer.parent_mark") : "",
              c ? c->phone.c_str() : "");
  if (course) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("field.course"));
    ImGui::SameLine();
    ImGui::TextUnformatted(course->name.c_str());
  }
  if (!t->order_id.empty()) {  // confirmed at intake
    same_line_if_fits(em_px(220));
    ImGui::TextDisabled("%s %s", tr("field.order_id"), t->order_id.c_str());
  }
  if (t->identity_checked) {
    same_line_if_fits(em_px(160));
    ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", tr("ticket.identity_checked"));
  }
  ImGui::TextDisabled("%s · %s %s", tr_enum("channel", to_id(t->channel)), tr("ticket.created_at"),
                      format_time(t->created_at).c_str());

  // Status, priority, category, assignee: each change is one Op. Status offers only
  // the moves the core allows.
  auto field_combo = [&](const char* label_key, const char* id, const char* preview, float w) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr(label_key));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    return begin_combo(id, preview);
  };
  if (field_combo("field.status", "##status", tr_enum("status", to_id(t->status)), 110)) {
    for (Status st : kStatuses) {
      if (!status_change_allowed(t->status, st)) continue;
      std::string item = std::string(tr_enum("status", to_id(st))) + "###set_status_" + to_id(st);
      if (ImGui::Selectable(item.c_str(), false)) {
        // resolving and closing ask how it was resolved (and why, for a complaint)
        if (st == Status::resolved || st == Status::closed) open_closure(*t, st);
        else submit({{"type", "ticket.set_status"}, {"ticket_id", t->id}, {"status", to_id(st)}}, now, &reply_error_);
      }
    }
    ImGui::EndCombo();
  }
  // Priority and category: one combo each over the enum, one Op per change.
  auto enum_field = [&](const char* field, const char* command, const auto& all, auto current, float w) {
    same_line_if_fits(w + 60);
    std::string label_key = std::string("field.") + field, id = std::string("##") + field;
    if (field_combo(label_key.c_str(), id.c_str(), tr_enum(field, to_id(current)), w)) {
      for (auto v : all) {
        std::string item = std::string(tr_enum(field, to_id(v))) + "###set_" + field + "_" + to_id(v);
        if (ImGui::Selectable(item.c_str(), v == current) && v != current)
          submit({{"type", command}, {"ticket_id", t->id}, {field, to_id(v)}}, now, &reply_error_);
      }
      ImGui::EndCombo();
    }
  };
  enum_field("priority", "ticket.set_priority", kPriorities, t->priority, 100);
  enum_field("category", "ticket.set_category", kCategories, t->category, 120);
  same_line_if_fits(em_px(190));
  const Agent* owner = s.agent(t->assignee);
  if (field_combo("field.assignee", "##assignee", owner ? owner->name.c_str() : tr("ticket.unassigned"), 110)) {
    if (ImGui::Selectable((std::string(tr("ticket.unassigned")) + "###assign_none").c_str(), !owner) && owner)
      submit({{"type", "ticket.assign"}, {"ticket_id", t->id}, {"agent_id", ""}}, now, &reply_error_);
    for (const Agent& a : s.agents) {
      std::string item = a.name + " · " + tr_enum("role", to_id(a.role)) + "###assign_" + a.id;
      bool fits = role_fits_tier(a.role, t->tier);  // others: escalate first
      if (ImGui::Selectable(item.c_str(), owner == &a, fits ? 0 : ImGuiSelectableFlags_Disabled) && owner != &a)
        submit({{"type", "ticket.assign"}, {"ticket_id", t->id}, {"agent_id", a.id}}, now, &reply_error_);
    }
    ImGui::EndCombo();
  }
  if (desk_.is_pending(t->origin_op)) {
    ImGui::SameLine();
    ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("storage.pending_mark"));
  }
  draw_ticket_workflow(*t, now);
  draw_closure_popup(*t, now);
  ImGui::Separator();

  // Two tabs: the conversation, and the ticket's refunds and goodwill.
  if (!ImGui::BeginTabBar("##ticket_tabs")) {
    ImGui::EndChild();
    return;
  }
  bool conversation = begin_tab_item(lbl("ticket.tab_conversation", "tab_conversation"));
  if (conversation) {
    draw_conversation(*t, now);
    ImGui::EndTabItem();
  }
  int open_refunds = 0;
  for (const Refund& r : s.refunds)
    if (r.ticket_id == t->id) ++open_refunds;
  std::string refunds_tab = std::string(tr("ticket.tab_refunds")) +
                            (open_refunds ? " (" + std::to_string(open_refunds) + ")" : "") + "###tab_refunds";
  ImGuiTabItemFlags refund_flags = open_refund_tab_ ? ImGuiTabItemFlags_SetSelected : 0;
  open_refund_tab_ = false;
  bool refunds = begin_tab_item(refunds_tab, refund_flags);
  // (refunds, survey sends and responses arrive after the tickets: whole_or_note)
  if (refunds) {
    ImGui::BeginChild("##refund_tab", ImVec2(0, 0), false);
    if (whole_or_note()) draw_refund_panel(*t, now);
    ImGui::EndChild();
    ImGui::EndTabItem();
  }
  bool surveys = begin_tab_item(lbl("ticket.tab_surveys", "tab_surveys"));
  if (surveys) {
    ImGui::BeginChild("##survey_tab", ImVec2(0, 0), false);
    if (whole_or_note()) draw_ticket_surveys(*t, now);
    ImGui::EndChild();
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
  ImGui::EndChild();
}

// The timeline and the reply / internal note box.
void DeskUi::draw_conversation(const Ticket& ticket, Millis now) {
  const State& s = desk_.state();
  const Ticket* t = &ticket;
  // Timeline
  float box_h = std::max(150.0f, ImGui::GetFrameHeight() * 6.9f);  // suggestions, the box, the buttons
  // On a phone the ticket's pane scrolls as a whole: the messages are laid out in it (not in
  // the strip of 80 px left below the fields, and no scroll area inside the scrolling pane for
  // a finger to get caught in), the reply box after them.
  const bool own_scroll = !touch_layout();
  if (own_scroll)
    ImGui::BeginChild("##timeline", ImVec2(0, std::max(80.0f, ImGui::GetContentRegionAvail().y - box_h)), false);
  for (const TimelineEntry& e : t->timeline) {
    ImGui::PushID(e.id.c_str());
    if (e.kind == EntryKind::status_change || e.kind == EntryKind::field_change) {
      std::string line = change_line(s, e);
      if (e.conflict != Conflict::none) {
        // A change that met a concurrent one says what happened to it.
        ImGui::PushStyleColor(ImGuiCol_Text, ink(0.72f, 0.38f, 0.02f, 1));
        ImGui::TextWrapped("%s  %s", line.c_str(), conflict_text(s, e).c_str());
        ImGui::PopStyleColor();
      } else {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", line.c_str());
        ImGui::PopStyleColor();
      }
    } else {
      ImGui::PushStyleColor(ImGuiCol_ChildBg, entry_bg(e.kind));
      ImGui::BeginChild("##entry", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
      const char* kind_key = e.kind == EntryKind::customer_message ? "timeline.customer"
                             : e.kind == EntryKind::reply          ? "timeline.reply"
                                                                   : "timeline.note";
      ImGui::TextDisabled("%s · %s · %s%s%s", author_name(s, e).c_str(), tr(kind_key), format_time(e.at).c_str(),
                          e.device.empty() ? "" : " · ", e.device.c_str());
      if (desk_.is_pending(e.id)) {
        ImGui::SameLine();
        ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("storage.pending_mark"));
      }
      ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetContentRegionMax().x - 50));
      if (small_button(lbl("timeline.copy", "copy").c_str())) ImGui::SetClipboardText(e.text.c_str());
      ImGui::TextWrapped("%s", e.text.c_str());
      ImGui::EndChild();
      ImGui::PopStyleColor();
    }
    ImGui::PopID();
  }
  // Another ticket opens at its beginning (the customer's first words); a new entry
  // on the open ticket scrolls to it.
  if (timeline_ticket_ != t->id) {
    timeline_ticket_ = t->id;
    timeline_seen_ = t->timeline.size();
  } else if (t->timeline.size() > timeline_seen_) {
    ImGui::SetScrollHereY(1.0f);
    timeline_seen_ = t->timeline.size();
  }
  if (own_scroll) ImGui::EndChild();

  // Reply box: the draft belongs to its ticket and is not carried to another one.
  if (reply_ticket_ != t->id) {
    reply_ticket_ = t->id;
    reply_draft_.clear();
    reply_error_ = {};
  }
  draw_kb_suggestions(*t, now);
  if (focus_reply_) {
    ImGui::SetKeyboardFocusHere();
    focus_reply_ = false;
  }
  ImGui::InputTextMultiline("##reply", &reply_draft_, ImVec2(-1, ImGui::GetFrameHeight() * 3.2f));
  // Ctrl+Enter sends, Ctrl+Shift+Enter adds a note (never Enter alone: it ends an IME composition)
  // (ImGui ends the edit on Ctrl+Enter in a multiline field: the box is active, or was until this key)
  const bool reply_active = ImGui::IsItemActive() || ImGui::IsItemDeactivated();
  const bool ctrl_enter = reply_active && ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_Enter, false);
  if (ctrl_enter) focus_reply_ = true;  // typing goes on in the box after sending
  if (reply_draft_.empty() && !ImGui::IsItemActive()) {
    ImVec2 p = ImGui::GetItemRectMin();
    ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + 8, p.y + 6), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                                        tr("ticket.reply_hint"));
  }
  bool sent = false;
  if (ImGui::Button(lbl("ticket.send_reply", "send_reply").c_str()) || (ctrl_enter && !ImGui::GetIO().KeyShift)) {
    submit({{"type", "ticket.reply"}, {"ticket_id", t->id}, {"text", reply_draft_}}, now, &reply_error_);
    sent = reply_error_.code.empty();
  }
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.90f, 0.72f, 0.20f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.95f, 0.78f, 0.28f, 1));
  if (ImGui::Button(lbl("ticket.add_note", "add_note").c_str()) || (ctrl_enter && ImGui::GetIO().KeyShift)) {
    submit({{"type", "ticket.note"}, {"ticket_id", t->id}, {"text", reply_draft_}}, now, &reply_error_);
    sent = reply_error_.code.empty();
  }
  ImGui::PopStyleColor(2);
  if (sent) reply_draft_.clear();
  error_line(reply_error_);
}

}  // namespace edudesk::ui
