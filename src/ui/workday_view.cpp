// The agent's day (issue 3): a ticket's tier, SLA clocks, escalation, merge and closure;
// the tasks view, the incidents view and the weekly review (复盘).
#include <algorithm>
#include <cstdio>
#include <map>

#include "app/i18n.h"
#include "core/sla.h"
#include "core/workflow.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

namespace {
const ImVec4 kRed(0.80f, 0.12f, 0.12f, 1), kAmber(0.80f, 0.48f, 0.02f, 1), kGreen(0.15f, 0.55f, 0.25f, 1);

// "剩 2 小时 5 分" / "已超时 3 小时"
std::string left_text(Millis left) {
  Millis a = left < 0 ? -left : left;
  std::string amount = a >= kDayMs   ? std::to_string(a / kDayMs) + tr("unit.d") + " " + std::to_string(a % kDayMs / kHourMs) + tr("unit.h")
                       : a >= kHourMs ? std::to_string(a / kHourMs) + tr("unit.h") + " " + std::to_string(a % kHourMs / kMinuteMs) + tr("unit.min")
                                      : std::to_string(std::max<Millis>(1, a / kMinuteMs)) + tr("unit.min");
  char buf[128];
  std::snprintf(buf, sizeof buf, tr(left < 0 ? "sla.overdue" : "sla.left"), amount.c_str());
  return buf;
}

// One SLA clock as a coloured chip: "首次响应 · 剩 40 分".
void clock_chip(const char* key, const SlaClock& c) {
  if (c.state == SlaClockState::inactive) return;
  std::string text = std::string(tr(key)) + " · ";
  ImVec4 col = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  switch (c.state) {
    case SlaClockState::met: text += tr("sla.met"); col = kGreen; break;
    case SlaClockState::paused: text += tr("sla.paused"); break;
    case SlaClockState::breached: text += c.stopped ? std::string(tr("sla.breached_late")) : left_text(std::min<Millis>(c.left_wall_ms, -1)); col = kRed; break;
    case SlaClockState::running: text += left_text(c.left_wall_ms); col = c.soon ? kAmber : ImVec4(0.20f, 0.35f, 0.60f, 1); break;
    case SlaClockState::inactive: break;
  }
  same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x + 12);
  ImGui::TextColored(col, "%s", text.c_str());
  if (ImGui::IsItemHovered() && c.due > 0 && c.due != kSlaNever)
    ImGui::SetTooltip("%s %s", tr("sla.due"), format_time(c.due).c_str());
}

}  // namespace

// The line under a ticket's header: tier, subcategory, incident, merge, SLA clocks, and
// the actions escalate / merge. Closure (resolution and root cause) is the popup the
// status combo opens.
void DeskUi::draw_ticket_workflow(const Ticket& t, Millis now) {
  const State& s = desk_.state();
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", tr("field.tier"));
  ImGui::SameLine();
  ImGui::TextUnformatted(tr_enum("role", to_id(t.tier)));
  // subcategory: the category's own list
  same_line_if_fits(em_px(180));
  ImGui::SetNextItemWidth(fit_px(150));
  std::string sub_preview = t.subcategory.empty() ? std::string(tr("sub.none")) : tr_enum("sub", t.subcategory.c_str());
  if (begin_combo("##subcategory", sub_preview.c_str())) {
    for (const Subcategory* sc = kSubcategories; sc->id; ++sc) {
      if (sc->category != t.category) continue;
      std::string item = std::string(tr_enum("sub", sc->id)) + "###set_sub_" + sc->id;
      if (ImGui::Selectable(item.c_str(), t.subcategory == sc->id) && t.subcategory != sc->id)
        submit({{"type", "ticket.set_subcategory"}, {"ticket_id", t.id}, {"subcategory", sc->id}}, now, &reply_error_);
    }
    ImGui::EndCombo();
  }
  if (!t.incident.empty()) {
    const Incident* inc = s.incident(t.incident);
    same_line_if_fits(em_px(200));
    ImGui::TextColored(kAmber, "%s %s", tr("incident.badge"), inc ? inc->title.c_str() : t.incident.c_str());
  }
  if (!t.merged_into.empty()) {
    const Ticket* into = s.ticket(t.merged_into);
    same_line_if_fits(em_px(160));
    ImGui::TextColored(kAmber, tr("merge.merged_into"), static_cast<long long>(into ? into->number : 0));
  }
  if (!t.resolution.empty()) {
    same_line_if_fits(em_px(200));
    std::string res = std::string(tr_enum("resolution", t.resolution.c_str())) +
                      (t.root_cause.empty() ? "" : std::string(" · ") + tr_enum("root_cause", t.root_cause.c_str()));
    ImGui::TextDisabled("%s", res.c_str());
  }
  // SLA
  TicketSla sla = compute_sla(s.sla_policy, t, now);
  clock_chip("sla.first_response", sla.first_response);
  clock_chip("sla.resolution", sla.resolution);
  clock_chip("sla.update", sla.update);

  // Actions
  if (t.status != Status::closed && t.merged_into.empty()) {
    same_line_if_fits(em_px(90));
    if (small_button(lbl("escalate.button", "escalate").c_str()) || escalate_form_.open_request) {
      escalate_form_ = {};
      escalate_form_.target = t.tier == Role::junior ? 0 : t.tier == Role::mid ? 0 : 1;
      ImGui::OpenPopup("##escalate_popup");
    }
    ImGui::SameLine();
    if (small_button(lbl("merge.button", "merge").c_str())) {
      merge_form_ = {};
      ImGui::OpenPopup("##merge_popup");
    }
  }
  if (ImGui::BeginPopup("##escalate_popup")) {
    ImGui::TextUnformatted(tr("escalate.title"));
    const char* targets[] = {"up", "tech_support", "junior", "mid", "senior"};
    for (int i = 0; i < 5; ++i) {
      std::string item = std::string(tr((std::string("escalate.to.") + targets[i]).c_str())) + "###esc_to_" + targets[i];
      if (ImGui::RadioButton(item.c_str(), escalate_form_.target == i)) escalate_form_.target = i;
      if (i < 4) ImGui::SameLine();
    }
    ImGui::SetNextItemWidth(fit_px(320));
    ImGui::InputTextWithHint("##escalate_reason", tr("escalate.reason_hint"), &escalate_form_.reason);
    if (ImGui::Button(lbl("escalate.confirm", "escalate_confirm").c_str())) {
      Submitted r = submit({{"type", "ticket.escalate"}, {"ticket_id", t.id}, {"to", targets[escalate_form_.target]},
                            {"reason", escalate_form_.reason}},
                           now, &escalate_form_.error);
      if (r.ok) ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(lbl("common.cancel", "escalate_cancel").c_str())) ImGui::CloseCurrentPopup();
    error_line(escalate_form_.error);
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopup("##merge_popup")) {
    ImGui::TextWrapped("%s", tr("merge.title"));
    // the same customer's other open tickets first: the usual duplicates
    for (const Ticket& o : s.tickets) {
      if (o.id == t.id || o.customer_id != t.customer_id || o.status == Status::closed || !o.merged_into.empty()) continue;
      std::string item = "#" + std::to_string(o.number) + " " + o.subject + "###merge_into_" + std::to_string(o.number);
      if (ImGui::Selectable(item.c_str(), merge_form_.number == std::to_string(o.number)))
        merge_form_.number = std::to_string(o.number);
    }
    ImGui::SetNextItemWidth(fit_px(160));
    ImGui::InputTextWithHint("##merge_number", tr("merge.number_hint"), &merge_form_.number, ImGuiInputTextFlags_CharsDecimal);
    if (ImGui::Button(lbl("merge.confirm", "merge_confirm").c_str())) {
      const Ticket* into = merge_form_.number.empty() ? nullptr : s.ticket_by_number(std::atoll(merge_form_.number.c_str()));
      if (!into) {
        merge_form_.error = {"not_found", "into", tr("merge.no_such")};
      } else {
        Submitted r = submit({{"type", "ticket.merge"}, {"ticket_id", t.id}, {"into", into->id}}, now, &merge_form_.error);
        if (r.ok) ImGui::CloseCurrentPopup();
      }
    }
    ImGui::SameLine();
    if (ImGui::Button(lbl("common.cancel", "merge_cancel").c_str())) ImGui::CloseCurrentPopup();
    error_line(merge_form_.error);
    ImGui::EndPopup();
  }
  escalate_form_.open_request = false;
}

// Resolving or closing asks how it was resolved and, for a complaint, why it happened.
void DeskUi::draw_closure_popup(const Ticket& t, Millis now) {
  if (closure_.open_request) {
    ImGui::OpenPopup("##closure_popup");
    closure_.open_request = false;
  }
  if (!ImGui::BeginPopup("##closure_popup")) return;
  ImGui::TextUnformatted(tr(closure_.to == Status::closed ? "closure.title_close" : "closure.title_resolve"));
  std::vector<const char*> codes;
  for (const char* const* c = kResolutionCodes; *c; ++c) codes.push_back(*c);
  ImGui::SetNextItemWidth(fit_px(260));
  const char* res_preview = closure_.resolution < 0 ? tr("closure.pick") : tr_enum("resolution", codes[static_cast<size_t>(closure_.resolution)]);
  if (begin_combo("##closure_resolution", res_preview)) {
    for (size_t i = 0; i < codes.size(); ++i) {
      std::string item = std::string(tr_enum("resolution", codes[i])) + "###resolution_" + codes[i];
      if (ImGui::Selectable(item.c_str(), closure_.resolution == static_cast<int>(i))) closure_.resolution = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
  std::vector<const char*> causes;
  for (const char* const* c = kRootCauses; *c; ++c) causes.push_back(*c);
  if (is_complaint(t.category) || closure_.cause >= 0) {
    ImGui::SetNextItemWidth(fit_px(260));
    const char* cause_preview = closure_.cause < 0 ? tr("closure.pick_cause") : tr_enum("root_cause", causes[static_cast<size_t>(closure_.cause)]);
    if (begin_combo("##closure_cause", cause_preview)) {
      for (size_t i = 0; i < causes.size(); ++i) {
        std::string item = std::string(tr_enum("root_cause", causes[i])) + "###cause_" + causes[i];
        if (ImGui::Selectable(item.c_str(), closure_.cause == static_cast<int>(i))) closure_.cause = static_cast<int>(i);
      }
      ImGui::EndCombo();
    }
  }
  if (ImGui::Button(lbl("closure.confirm", "closure_confirm").c_str())) {
    nlohmann::json cmd{{"type", "ticket.set_status"}, {"ticket_id", t.id}, {"status", to_id(closure_.to)}};
    if (closure_.resolution >= 0) cmd["resolution"] = codes[static_cast<size_t>(closure_.resolution)];
    if (closure_.cause >= 0) cmd["root_cause"] = causes[static_cast<size_t>(closure_.cause)];
    if (submit(cmd, now, &closure_.error).ok) ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button(lbl("common.cancel", "closure_cancel").c_str())) ImGui::CloseCurrentPopup();
  error_line(closure_.error);
  ImGui::EndPopup();
}

void DeskUi::open_closure(const Ticket& t, Status to) {
  closure_ = {};
  closure_.to = to;
  closure_.open_request = true;
  for (int i = 0; kResolutionCodes[i]; ++i)
    if (t.resolution == kResolutionCodes[i]) closure_.resolution = i;
  for (int i = 0; kRootCauses[i]; ++i)
    if (t.root_cause == kRootCauses[i]) closure_.cause = i;
}

// [SECTION] tasks ----------------------------------------------------------------------------
void DeskUi::draw_tasks(Millis now, float width, float height) {
  ImGui::BeginChild("##tasks", ImVec2(width, height), false);
  const State& s = desk_.state();
  if (ImGui::RadioButton(lbl("tasks.mine", "tasks_mine").c_str(), !tasks_all_)) tasks_all_ = false;
  ImGui::SameLine();
  if (ImGui::RadioButton(lbl("tasks.everyone", "tasks_everyone").c_str(), tasks_all_)) tasks_all_ = true;
  ImGui::SameLine();
  ImGui::Checkbox(lbl("tasks.show_done", "tasks_done").c_str(), &tasks_done_);
  same_line_if_fits(em_px(170));
  ImGui::SetNextItemWidth(fit_px(160));
  bool kind_changed = enum_combo("##task_kind", "task.kind", kTaskKinds, tasks_kind_, true);
  // A reminder of one's own, due in an hour, tomorrow morning or at a time typed in.
  ImGui::SetNextItemWidth(std::min(em_px(300), ImGui::GetContentRegionAvail().x - em_px(150)));
  ImGui::InputTextWithHint("##reminder_title", tr("tasks.new_hint"), &reminder_.title);
  same_line_if_fits(em_px(120));
  const char* when_keys[] = {"tasks.in_1h", "tasks.tomorrow_9", "tasks.in_3d"};
  ImGui::SetNextItemWidth(fit_px(120));
  if (begin_combo("##reminder_when", tr(when_keys[reminder_.when]))) {
    for (int i = 0; i < 3; ++i)
      if (ImGui::Selectable((std::string(tr(when_keys[i])) + "###when_" + std::to_string(i)).c_str(), reminder_.when == i))
        reminder_.when = i;
    ImGui::EndCombo();
  }
  same_line_if_fits(ImGui::CalcTextSize(tr("tasks.add")).x + ImGui::GetStyle().FramePadding.x * 2);  // whole, or on the next line
  if (ImGui::Button(lbl("tasks.add", "add_reminder").c_str())) {
    constexpr Millis kCst = 8 * kHourMs;
    Millis local_midnight = (now + kCst) / kDayMs * kDayMs - kCst;
    Millis due = reminder_.when == 0 ? now + kHourMs : reminder_.when == 1 ? local_midnight + kDayMs + 9 * kHourMs : now + 3 * kDayMs;
    nlohmann::json cmd{{"type", "task.create"}, {"title", reminder_.title}, {"due_at", due}};
    if (!selected_.empty()) cmd["ticket_id"] = selected_;
    if (submit(cmd, now, &reminder_.error).ok) reminder_.title.clear();
  }
  error_line(reminder_.error);

  if (kind_changed || tasks_revision_ != s.revision || now - tasks_at_ > 30 * 1000 || tasks_cached_all_ != tasks_all_ ||
      tasks_cached_done_ != tasks_done_) {
    tasks_ = tasks_for(s, tasks_all_ ? "" : desk_.actor(), now, tasks_done_);
    if (tasks_kind_ >= 0)
      tasks_.erase(std::remove_if(tasks_.begin(), tasks_.end(), [&](const Task& k) { return k.kind != kTaskKinds[tasks_kind_]; }),
                   tasks_.end());
    tasks_revision_ = s.revision;
    tasks_at_ = now;
    tasks_cached_all_ = tasks_all_;
    tasks_cached_done_ = tasks_done_;
  }
  ImGui::TextDisabled(tr("tasks.count"), static_cast<long long>(tasks_.size()));
  ImGui::BeginChild("##task_list", ImVec2(0, 0), false);
  for (const Task& k : tasks_) {
    ImGui::PushID(k.id.c_str());
    ImGui::Separator();
    bool overdue = !k.done && !k.cancelled && k.due_at < now;
    ImGui::TextColored(overdue ? kRed : ImVec4(0.20f, 0.35f, 0.60f, 1), "%s", tr_enum("task.kind", to_id(k.kind)));
    ImGui::SameLine();
    ImGui::TextDisabled("%s %s", tr("sla.due"), format_time(k.due_at).c_str());
    const Ticket* t = k.ticket_id.empty() ? nullptr : s.ticket(k.ticket_id);
    const Course* c = k.course_id.empty() ? nullptr : s.course(k.course_id);
    std::string what = k.title;
    if (k.kind == TaskKind::class_reminder || k.kind == TaskKind::class_followup) {
      char buf[256];
      std::snprintf(buf, sizeof buf, tr("tasks.class_line"), c ? c->name.c_str() : "", k.title.c_str());
      what = buf;
    } else if (k.kind == TaskKind::enrolment_notice) {
      const Order* o = s.order(k.order_id);
      const Customer* cu = o ? s.customer(o->customer_id) : nullptr;
      char buf[256];
      std::snprintf(buf, sizeof buf, tr("tasks.enrol_line"), cu ? cu->name.c_str() : "", c ? c->name.c_str() : "");
      what = buf;
    }
    if (t) what = "#" + std::to_string(t->number) + " " + what;
    ImGui::TextWrapped("%s", what.c_str());
    if (const Agent* a = s.agent(k.assignee)) {
      ImGui::SameLine();
      ImGui::TextDisabled("· %s", a->name.c_str());
    }
    if (k.done || k.cancelled) {
      ImGui::TextColored(kGreen, "%s %s", tr(k.cancelled ? "tasks.cancelled" : "tasks.done"), k.outcome.c_str());
    } else {
      if (t && small_button(lbl("tasks.open_ticket", ("task_open_" + k.id).c_str()).c_str())) {
        selected_ = t->id;
        if (one_column_) view_ = View::tickets;
      }
      if (t) ImGui::SameLine();
      if (k.kind == TaskKind::callback) {
        ImGui::SetNextItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x - 120));
        ImGui::InputTextWithHint(("##outcome_" + k.id).c_str(), tr("tasks.outcome_hint"), &task_outcomes_[k.id]);
        ImGui::SameLine();
      }
      if (small_button(lbl("tasks.mark_done", ("task_done_" + k.id).c_str()).c_str()))
        submit({{"type", "task.done"}, {"task_id", k.id}, {"outcome", task_outcomes_[k.id]}}, now, &task_error_);
      ImGui::SameLine();
      if (small_button(lbl("tasks.cancel", ("task_cancel_" + k.id).c_str()).c_str()))
        submit({{"type", "task.cancel"}, {"task_id", k.id}}, now, &task_error_);
    }
    ImGui::PopID();
  }
  error_line(task_error_);
  ImGui::EndChild();
  ImGui::EndChild();
}

// [SECTION] incidents ---------------------------------------------------------------------------
void DeskUi::draw_incidents(Millis now, float width, float height) {
  ImGui::BeginChild("##incidents", ImVec2(width, height), false);
  const State& s = desk_.state();
  refresh_workday(now);
  // Suggestions: alike tickets of one course, one click to group them.
  if (!workday_.suggestions.empty()) {
    ImGui::TextColored(kAmber, "%s", tr("incident.suggested"));
    for (size_t i = 0; i < workday_.suggestions.size(); ++i) {
      const IncidentSuggestion& g = workday_.suggestions[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::BulletText(tr("incident.suggestion_line"), g.title.c_str(), static_cast<long long>(g.ticket_ids.size()));
      std::string numbers;
      for (const auto& id : g.ticket_ids)
        if (const Ticket* t = s.ticket(id)) numbers += "#" + std::to_string(t->number) + " ";
      ImGui::TextDisabled("%s", numbers.c_str());
      ImGui::SameLine();
      if (small_button(lbl("incident.group", "group_incident").c_str())) {
        nlohmann::json ids = g.ticket_ids;
        Submitted r = submit({{"type", "incident.create"}, {"incident_type", g.category == Category::technical ? "technical" : "service"},
                              {"title", g.title}, {"course_id", g.course_id}, {"category", to_id(g.category)}, {"ticket_ids", ids}},
                             now, &incident_error_);
        if (r.ok) incident_open_ = r.result["incident_id"].get<std::string>();
      }
      ImGui::PopID();
    }
    ImGui::Separator();
  }
  ImGui::TextUnformatted(tr("incident.list"));
  if (s.incidents.empty()) ImGui::TextDisabled("%s", tr("incident.none"));
  for (auto it = s.incidents.rbegin(); it != s.incidents.rend(); ++it) {
    const Incident& inc = *it;
    const std::vector<size_t>& members = workday_.by_incident[inc.id];
    int linked = static_cast<int>(members.size()), open_linked = 0;
    for (size_t i : members) open_linked += ticket_open(s.tickets[i]);
    std::string head = std::string(tr_enum("incident_status", to_id(inc.status))) + " · " +
                       tr_enum("incident_type", to_id(inc.type)) + " · " + inc.title + " (" + std::to_string(linked) + ")###inc_" + inc.id;
    ImGui::SetNextItemOpen(incident_open_ == inc.id, incident_open_ == inc.id ? ImGuiCond_Always : ImGuiCond_Once);
    bool open = ImGui::CollapsingHeader(head.c_str());
    widgets_note_last(head.c_str());
    if (ImGui::IsItemClicked()) incident_open_ = open ? inc.id : "";
    if (!open) continue;
    ImGui::PushID(inc.id.c_str());
    ImGui::TextDisabled("%s %s", tr("ticket.created_at"), format_time(inc.created_at).c_str());
    // the tickets behind it
    for (size_t i : members) {
      const Ticket& t = s.tickets[i];
      std::string item = "#" + std::to_string(t.number) + " " + t.subject + " · " + tr_enum("status", to_id(t.status)) + "###inc_t_" + std::to_string(t.number);
      if (ImGui::Selectable(item.c_str(), selected_ == t.id)) selected_ = t.id;
    }
    // the response checklist of its type
    ImGui::TextUnformatted(tr("incident.checklist"));
    for (const char* item : incident_checklist(inc.type)) {
      bool done = false;
      for (const auto& c : inc.checklist)
        if (c.item == item) done = c.done;
      bool v = done;
      std::string label = std::string(tr_enum("checklist", item)) + "###check_" + item;
      if (ImGui::Checkbox(label.c_str(), &v))
        submit({{"type", "incident.check"}, {"incident_id", inc.id}, {"item", item}, {"done", v}}, now, &incident_error_);
    }
    if (inc.status == IncidentStatus::open || inc.status == IncidentStatus::mitigating) {
      if (inc.status == IncidentStatus::open && small_button(lbl("incident.mitigating", "inc_mitigating").c_str()))
        submit({{"type", "incident.set_status"}, {"incident_id", inc.id}, {"status", "mitigating"}}, now, &incident_error_);
      ImGui::InputTextMultiline("##inc_reply", &incident_reply_, ImVec2(-1, ImGui::GetFrameHeight() * 2.6f));
      if (incident_reply_.empty() && !ImGui::IsItemActive()) {
        ImVec2 p = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + 8, p.y + 6), ImGui::GetColorU32(ImGuiCol_TextDisabled), tr("incident.reply_hint"));
      }
      char buf[128];
      std::snprintf(buf, sizeof buf, tr("incident.resolve"), open_linked);
      if (ImGui::Button((std::string(buf) + "###inc_resolve").c_str())) {
        if (submit({{"type", "incident.resolve"}, {"incident_id", inc.id}, {"reply", incident_reply_}}, now, &incident_error_).ok)
          incident_reply_.clear();
      }
    } else {
      // the after-action review (复盘)
      if (incident_review_.for_id != inc.id) {
        incident_review_ = {};
        incident_review_.for_id = inc.id;
        incident_review_.text = inc.review;
        for (int i = 0; kRootCauses[i]; ++i)
          if (inc.root_cause == kRootCauses[i]) incident_review_.cause = i;
      }
      ImGui::TextUnformatted(tr("incident.review"));
      ImGui::InputTextMultiline("##inc_review", &incident_review_.text, ImVec2(-1, ImGui::GetFrameHeight() * 2.6f));
      ImGui::SetNextItemWidth(fit_px(220));
      const char* preview = incident_review_.cause < 0 ? tr("closure.pick_cause") : tr_enum("root_cause", kRootCauses[incident_review_.cause]);
      if (begin_combo("##inc_cause", preview)) {
        for (int i = 0; kRootCauses[i]; ++i)
          if (ImGui::Selectable((std::string(tr_enum("root_cause", kRootCauses[i])) + "###inc_cause_" + kRootCauses[i]).c_str(),
                                incident_review_.cause == i))
            incident_review_.cause = i;
        ImGui::EndCombo();
      }
      ImGui::SameLine();
      if (ImGui::Button(lbl("incident.save_review", "inc_save_review").c_str()))
        submit({{"type", "incident.review"}, {"incident_id", inc.id}, {"review", incident_review_.text},
                {"root_cause", incident_review_.cause < 0 ? "" : kRootCauses[incident_review_.cause]}},
               now, &incident_error_);
      if (inc.status == IncidentStatus::resolved) {
        ImGui::SameLine();
        if (ImGui::Button(lbl("incident.mark_reviewed", "inc_reviewed").c_str()))
          submit({{"type", "incident.set_status"}, {"incident_id", inc.id}, {"status", "reviewed"}}, now, &incident_error_);
      }
    }
    ImGui::PopID();
  }
  error_line(incident_error_);
  ImGui::Separator();
  draw_review(now);
  draw_sla_editor(now);
  ImGui::EndChild();
}

// What the incidents view and the view switch read, from one pass over the tickets when the
// desk changed (or a minute went by: suggestions and the review's week move with the clock),
// never per frame.
void DeskUi::refresh_workday(Millis now) {
  const State& s = desk_.state();
  if (workday_.revision == s.revision && now - workday_.at < 60 * 1000) return;
  workday_ = {};
  workday_.revision = s.revision;
  workday_.at = now;
  workday_.suggestions = suggest_incidents(s, now);
  for (size_t i = 0; i < s.tickets.size(); ++i) {
    const Ticket& t = s.tickets[i];
    if (!t.incident.empty()) workday_.by_incident[t.incident].push_back(i);
    if (t.status == Status::closed && now - t.updated_at <= 7 * kDayMs && t.merged_into.empty())
      workday_.review[t.root_cause.empty() ? std::string("none") : t.root_cause].push_back(i);
  }
  const Agent* me = s.agent(desk_.actor());
  for (const Task& k : s.tasks)
    workday_.my_tasks += me && k.assignee == me->id && !k.done && !k.cancelled && k.kind != TaskKind::sla_breach;
  for (const Incident& i : s.incidents)
    workday_.open_incidents += i.status == IncidentStatus::open || i.status == IncidentStatus::mitigating;
}

// [SECTION] weekly review ---------------------------------------------------------------------------
// Closed tickets of the last seven days by root cause, with their resolutions: the 复盘.
void DeskUi::draw_review(Millis now) {
  const State& s = desk_.state();
  ImGui::TextUnformatted(tr("review.title"));
  refresh_workday(now);
  const auto& by_cause = workday_.review;
  if (by_cause.empty()) ImGui::TextDisabled("%s", tr("review.none"));
  for (const auto& [cause, ts] : by_cause) {
    std::string head = std::string(cause == "none" ? tr("review.no_cause") : tr_enum("root_cause", cause.c_str())) + " (" +
                       std::to_string(ts.size()) + ")###review_" + cause;
    if (!ImGui::TreeNode(head.c_str())) continue;
    for (size_t i : ts) {
      const Ticket* t = &s.tickets[i];
      std::string item = "#" + std::to_string(t->number) + " " + t->subject + " · " +
                         (t->resolution.empty() ? "" : tr_enum("resolution", t->resolution.c_str())) + "###rv_" + std::to_string(t->number);
      if (ImGui::Selectable(item.c_str(), selected_ == t->id)) selected_ = t->id;
    }
    ImGui::TreePop();
  }
}

// Supervisors: the SLA policy — targets per channel × priority, business hours, holidays and
// 调休 make-up days — edited as its JSON (docs/SLA.md), with the two presets one click away.
void DeskUi::draw_sla_editor(Millis now) {
  const State& s = desk_.state();
  const Agent* me = s.agent(desk_.actor());
  if (!me || me->role != Role::supervisor) return;
  if (!ImGui::CollapsingHeader(lbl("sla.editor", "sla_editor").c_str())) return;
  if (sla_edit_.for_stamp != s.sla_policy_by.op_id || sla_edit_.text.empty()) {
    sla_edit_.text = sla_policy_to_json(s.sla_policy).dump(1);
    sla_edit_.for_stamp = s.sla_policy_by.op_id;
  }
  ImGui::TextWrapped("%s", tr("sla.editor_help"));
  if (small_button(lbl("sla.preset_daily", "sla_preset_daily").c_str()))
    sla_edit_.text = sla_policy_to_json(sla_default_policy()).dump(1);
  ImGui::SameLine();
  if (small_button(lbl("sla.preset_weekdays", "sla_preset_weekdays").c_str()))
    sla_edit_.text = sla_policy_to_json(sla_weekdays_policy()).dump(1);
  ImGui::InputTextMultiline("##sla_json", &sla_edit_.text, ImVec2(-1, ImGui::GetFrameHeight() * 12));
  if (ImGui::Button(lbl("sla.save", "sla_save").c_str())) {
    auto j = nlohmann::json::parse(sla_edit_.text, nullptr, false);
    if (j.is_discarded()) sla_edit_.error = {"bad_json", "policy", tr("sla.bad_json")};
    else if (submit({{"type", "sla.set_policy"}, {"policy", j}}, now, &sla_edit_.error).ok) sla_edit_.text.clear();
  }
  error_line(sla_edit_.error);
}

// The SLA rule, run now and then: breaches become escalation Ops (the same on every desk).
void DeskUi::run_sla_rule(Millis now) {
  if (!sla_rule_ || now - sla_checked_at_ < 30 * 1000) return;
  sla_checked_at_ = now;
  if (desk_.actor().empty()) return;
  Submitted r = desk_.submit({{"type", "sla.escalate"}}, now);
  if (r.ok) rows_dirty_ = true;
}

// [SECTION] knowledge base --------------------------------------------------------------------
// Above the reply box: the standard answers that best match the ticket; a click puts the
// answer, with the customer's name, course, order and due time filled in, into the draft.
void DeskUi::draw_kb_suggestions(const Ticket& t, Millis now) {
  const State& s = desk_.state();
  if (kb_built_ != s.kb_revision) {
    kb_ = knowledge_base(s);
    kb_built_ = s.kb_revision;
    kb_for_.clear();
  }
  std::string key = t.id + "/" + std::to_string(t.timeline.size()) + "/" + std::to_string(s.kb_revision);
  if (key != kb_for_) {
    std::string text = t.subject;
    for (const TimelineEntry& e : t.timeline)
      if (e.kind == EntryKind::customer_message) text += "\n" + e.text;
    kb_suggested_.clear();
    for (const auto& sg : kb_.suggest(text, t.category, 3)) kb_suggested_.push_back(sg.index);
    kb_for_ = key;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", tr("kb.suggested"));
  for (size_t i = 0; i < kb_suggested_.size(); ++i) {
    const KbEntry& e = kb_.entries()[kb_suggested_[i]];
    std::string label = e.title + "###kb_use_" + std::to_string(i);
    same_line_if_fits(ImGui::CalcTextSize(e.title.c_str()).x + 24);
    if (small_button(label.c_str())) {
      Expansion x = expand_template(e.body, template_vars(s, t, desk_.actor(), now));
      if (!reply_draft_.empty() && reply_draft_.back() != '\n') reply_draft_ += "\n";
      reply_draft_ += x.text;
    }
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
      ImGui::TextUnformatted(e.body.c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    const Agent* me = s.agent(desk_.actor());
    if (me && me->role == Role::supervisor) {
      ImGui::SameLine(0, 2);
      if (small_button((std::string(tr("kb.edit")) + "###kb_edit_" + std::to_string(i)).c_str())) {
        kb_edit_ = {};
        kb_edit_.open = true;
        kb_edit_.id = e.id;
        kb_edit_.title = e.title;
        kb_edit_.body = e.body;
        for (const auto& k : e.keywords) kb_edit_.keywords += (kb_edit_.keywords.empty() ? "" : tr("punct.comma")) + k;
        for (int c = 0; c < 6; ++c)
          if (kCategories[c] == e.category) kb_edit_.category = c;
      }
    }
  }
  if (kb_suggested_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("kb.none"));
  }
  draw_kb_editor(now);
}

// A supervisor's edit of one standard answer: title, category, keywords, body.
void DeskUi::draw_kb_editor(Millis now) {
  if (!kb_edit_.open) return;
  ImGui::OpenPopup("##kb_editor");
  ImGui::SetNextWindowSize(ImVec2(std::min(560.0f, ImGui::GetIO().DisplaySize.x - 20), 0));
  if (!ImGui::BeginPopupModal("##kb_editor", nullptr, ImGuiWindowFlags_NoTitleBar)) return;
  ImGui::TextUnformatted(tr("kb.editor_title"));
  ImGui::TextDisabled("%s", kb_edit_.id.c_str());
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##kb_title", &kb_edit_.title);
  ImGui::SetNextItemWidth(fit_px(200));
  enum_combo("##kb_category", "category", kCategories, kb_edit_.category, false);
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##kb_keywords", tr("kb.keywords_hint"), &kb_edit_.keywords);
  ImGui::InputTextMultiline("##kb_body", &kb_edit_.body, ImVec2(-1, ImGui::GetFrameHeight() * 7));
  ImGui::TextDisabled("%s", tr("kb.variables"));
  if (ImGui::Button(lbl("kb.save", "kb_save").c_str())) {
    const KbEntry* cur = kb_.find(kb_edit_.id);
    nlohmann::json entry{{"id", kb_edit_.id}, {"category", to_id(kCategories[kb_edit_.category])},
                         {"subcategory", cur ? cur->subcategory : std::string()}, {"title", kb_edit_.title},
                         {"body", kb_edit_.body}, {"keywords", nlohmann::json::array()}};
    std::string word;
    auto flush = [&] { if (!word.empty()) entry["keywords"].push_back(word); word.clear(); };
    for (size_t i = 0; i < kb_edit_.keywords.size();) {  // split at commas (, ，) and spaces
      if (kb_edit_.keywords.compare(i, 3, "，") == 0) { flush(); i += 3; continue; }  // i18n-ok: parses input
      char ch = kb_edit_.keywords[i];
      if (ch == ',' || ch == ' ') { flush(); ++i; continue; }
      word += ch;
      ++i;
    }
    flush();
    if (submit({{"type", "kb.set_entry"}, {"entry", entry}}, now, &kb_edit_.error).ok) {
      kb_edit_.open = false;
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button(lbl("common.cancel", "kb_cancel").c_str())) {
    kb_edit_.open = false;
    ImGui::CloseCurrentPopup();
  }
  error_line(kb_edit_.error);
  ImGui::EndPopup();
}

// Keyboard: J / K next and previous ticket, R reply, N new ticket, E escalate, C close,
// A assign to me, / search (only while no text field has the keyboard).
void DeskUi::handle_shortcuts(Millis now) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  const State& s = desk_.state();
  auto step = [&](int dir) {
    view_ = View::tickets;
    refresh_rows(now);
    if (rows_.empty()) return;
    int at = -1;
    for (size_t i = 0; i < rows_.size(); ++i)
      if (rows_[i]->id == selected_) at = static_cast<int>(i);
    at = std::clamp(at + dir, 0, static_cast<int>(rows_.size()) - 1);
    selected_ = rows_[static_cast<size_t>(at)]->id;
  };
  if (ImGui::IsKeyPressed(ImGuiKey_J, false)) step(+1);
  if (ImGui::IsKeyPressed(ImGuiKey_K, false)) step(-1);
  if (ImGui::IsKeyPressed(ImGuiKey_Slash, false)) {
    view_ = View::tickets;
    focus_search_ = true;
  }
  if (ImGui::IsKeyPressed(ImGuiKey_N, false)) {
    form_ = NewTicketForm{};
    new_open_ = true;
  }
  const Ticket* t = selected_.empty() ? nullptr : s.ticket(selected_);
  if (!t) return;
  if (ImGui::IsKeyPressed(ImGuiKey_R, false)) focus_reply_ = true;
  // a popup opens over the next frames: ask for them
  if (ImGui::IsKeyPressed(ImGuiKey_E, false)) escalate_form_.open_request = true, frames_wanted_ = std::max(frames_wanted_, 2);
  if (ImGui::IsKeyPressed(ImGuiKey_C, false) && status_change_allowed(t->status, Status::closed))
    open_closure(*t, Status::closed), frames_wanted_ = std::max(frames_wanted_, 2);
  if (ImGui::IsKeyPressed(ImGuiKey_A, false) && t->assignee != desk_.actor())
    submit({{"type", "ticket.assign"}, {"ticket_id", t->id}, {"agent_id", desk_.actor()}}, now, &reply_error_);
}

}  // namespace edudesk::ui
