// The "new ticket" form: find or add the customer, channel, subject, text.
#include <algorithm>

#include <cstdio>

#include "app/i18n.h"
#include "core/classify.h"
#include "core/sla.h"
#include "core/utf8.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widgets.h"

namespace edudesk::ui {

void DeskUi::draw_new_ticket(Millis now) {
  const char* popup = "##new_ticket_popup";
  if (new_open_) {
    ImGui::OpenPopup(popup);
    new_open_ = false;
  }
  ImVec2 display = ImGui::GetIO().DisplaySize;
  // A fixed width: fields fill it, and the height follows the content. (Auto-resizing
  // the width too makes "fill the rest" fields shrink the window a little every frame.)
  float width = std::min(640.0f, display.x - 16);
  ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, display.y - 16));
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, std::min(60.0f, display.y * 0.05f)), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0));
  if (!ImGui::BeginPopupModal(popup, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize))
    return;
  NewTicketForm& f = form_;
  const State& s = desk_.state();
  ImGui::TextUnformatted(tr("new.title"));
  ImGui::Separator();
  const float label_w = 88;
  auto field_label = [&](const char* key) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr(key));
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
  };

  // Customer: an existing one by name or phone, or a new one.
  if (!f.new_customer) {
    const Customer* chosen = s.customer(f.customer_id);
    field_label("field.customer");
    if (chosen) {
      ImGui::Text("%s  %s", chosen->name.c_str(), chosen->phone.c_str());
      ImGui::SameLine();
      if (small_button(lbl("new.change_customer", "change_customer").c_str())) {
        f.customer_id.clear();
        f.order_id.clear();
        f.identity_checked = false;
      }
      // 确认用户身份和订单信息: identity checked with the customer, and which order it is about
      ImGui::Dummy(ImVec2(label_w - 8, 0));
      ImGui::SameLine();
      ImGui::Checkbox(lbl("new.identity_checked", "identity_checked").c_str(), &f.identity_checked);
      int orders = 0;
      for (const Order& o : s.orders) {
        if (o.customer_id != chosen->id) continue;
        const Course* k = s.course(o.course_id);
        char buf[256];
        std::snprintf(buf, sizeof buf, tr("new.order_line"), o.id.c_str(), k ? k->name.c_str() : "", format_time(o.paid_at).substr(0, 10).c_str(),
                      static_cast<long long>(o.lessons_attended), static_cast<long long>(o.lessons_total));
        ImGui::Dummy(ImVec2(label_w - 8, 0));
        ImGui::SameLine();
        if (ImGui::RadioButton((std::string(buf) + "###order_" + o.id).c_str(), f.order_id == o.id)) {
          f.order_id = o.id;
          f.course_id = o.course_id;
        }
        ++orders;
      }
      if (orders == 0) {
        ImGui::Dummy(ImVec2(label_w - 8, 0));
        ImGui::SameLine();
        ImGui::TextDisabled("%s", tr("new.no_orders"));
      }
    } else {
      ImGui::InputTextWithHint("##customer_search", tr("new.customer_hint"), &f.customer_search);
      if (!f.customer_search.empty()) {
        int shown = 0;
        ImGui::BeginChild("##customer_matches", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 5.5f), true);
        // by name, phone or order number (an order also names the course)
        for (const Order& o : s.orders) {
          if (f.customer_search.size() < 4 || !contains_folded(o.id, f.customer_search)) continue;
          const Customer* c = s.customer(o.customer_id);
          const Course* k = s.course(o.course_id);
          if (!c) continue;
          std::string item = o.id + "  " + c->name + "  " + (k ? k->name : "") + "###pick_order_" + o.id;
          if (ImGui::Selectable(item.c_str())) {
            f.customer_id = c->id;
            f.course_id = o.course_id;
            f.order_id = o.id;
          }
          if (++shown >= 20) break;
        }
        for (const Customer& c : s.customers) {
          if (!contains_folded(c.name, f.customer_search) && c.phone.find(f.customer_search) == std::string::npos)
            continue;
          std::string item = c.name + "  " + c.phone + "###pick_" + c.id;
          if (ImGui::Selectable(item.c_str())) f.customer_id = c.id;
          if (++shown >= 20) break;
        }
        if (shown == 0) ImGui::TextDisabled("%s", tr("new.no_customer"));
        ImGui::EndChild();
      }
      ImGui::Dummy(ImVec2(label_w - 8, 0));
      ImGui::SameLine();
      if (small_button(lbl("new.add_customer", "add_customer").c_str())) {
        f.new_customer = true;
        f.name = f.customer_search;
      }
    }
  } else {
    field_label("field.customer_name");
    ImGui::InputText("##customer_name", &f.name);
    field_label("field.phone");
    ImGui::InputText("##customer_phone", &f.phone, ImGuiInputTextFlags_CharsDecimal);
    ImGui::Dummy(ImVec2(label_w - 8, 0));
    ImGui::SameLine();
    ImGui::Checkbox(lbl("field.is_parent", "is_parent").c_str(), &f.is_parent);
    ImGui::SameLine();
    if (small_button(lbl("new.find_customer", "find_customer").c_str())) f.new_customer = false;
  }

  field_label("field.course");
  const Course* course = s.course(f.course_id);
  if (begin_combo("##course", course ? course->name.c_str() : tr("new.no_course"))) {
    if (ImGui::Selectable(tr("new.no_course"), f.course_id.empty())) f.course_id.clear();
    for (const Course& c : s.courses)
      if (ImGui::Selectable((c.name + "###course_" + c.id).c_str(), f.course_id == c.id)) f.course_id = c.id;
    ImGui::EndCombo();
  }
  field_label("field.channel");
  enum_combo("##channel", "channel", kChannels, f.channel, false);
  field_label("field.category");
  if (enum_combo("##category", "category", kCategories, f.category, false)) f.category_set = true;
  field_label("field.priority");
  if (enum_combo("##priority", "priority", kPriorities, f.priority, false)) f.priority_set = true;
  field_label("field.subject");
  ImGui::InputText("##subject", &f.subject);
  field_label("field.text");
  ImGui::InputTextMultiline("##text", &f.text, ImVec2(-1, ImGui::GetTextLineHeight() * 6));
  // Classified from what the customer wrote, as it is typed; what the agent chose stays.
  std::string content = f.subject + "\n" + f.text;
  if (content != f.classified_text) {
    f.classified_text = content;
    // the built-in model plus what this school's agents corrected (learned lazily, when the
    // store changed since the last suggestion)
    if (learned_revision_ != desk_.state().revision) {
      classifier_.learn_from(desk_.state());
      learned_revision_ = desk_.state().revision;
    }
    f.suggestion = classifier_.classify(content);
    if (f.subject.empty() && f.text.empty()) f.suggestion.reset();
    if (f.suggestion) {
      auto index_of = [](const auto& all, auto v) {
        int i = 0;
        for (auto x : all) {
          if (x == v) return i;
          ++i;
        }
        return 0;
      };
      if (!f.category_set) f.category = index_of(kCategories, f.suggestion->category);
      if (!f.priority_set) f.priority = index_of(kPriorities, f.suggestion->priority);
    }
  }
  if (f.suggestion) {
    char buf[256];
    std::snprintf(buf, sizeof buf, tr("new.classified"), tr_enum("category", to_id(f.suggestion->category)),
                  tr_enum("priority", to_id(f.suggestion->priority)));
    ImGui::TextDisabled("%s", buf);
    if (f.suggestion->flag_supervisor) ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s", tr("new.flag_supervisor"));
  }
  // The acknowledgement: when the customer can expect the first answer, from the SLA.
  {
    Ticket probe;
    probe.channel = kChannels[f.channel];
    probe.priority = kPriorities[f.priority];
    probe.created_at = now;
    TicketSla sla = compute_sla(s.sla_policy, probe, now);
    if (sla.first_response.due > 0 && sla.first_response.due != kSlaNever) {
      char buf[256];
      std::snprintf(buf, sizeof buf, tr("new.ack"), format_time(sla.first_response.due).c_str());
      ImGui::TextColored(ink(0.15f, 0.45f, 0.25f, 1), "%s", buf);
      ImGui::SameLine();
      if (small_button(lbl("new.copy_ack", "copy_ack").c_str())) ImGui::SetClipboardText(buf);
    }
  }
  error_line(f.error);

  ImGui::Separator();
  if (ImGui::Button(lbl("new.save", "save_ticket").c_str())) {
    nlohmann::json cmd{{"type", "ticket.create"},
                       {"channel", to_id(kChannels[f.channel])},
                       {"category", to_id(kCategories[f.category])},
                       {"priority", to_id(kPriorities[f.priority])},
                       {"subject", f.subject},
                       {"text", f.text}};
    if (!f.course_id.empty()) cmd["course_id"] = f.course_id;
    if (!f.order_id.empty()) cmd["order_id"] = f.order_id;
    if (f.identity_checked) cmd["identity_checked"] = true;
    if (f.new_customer) cmd["customer"] = {{"name", f.name}, {"phone", f.phone}, {"is_parent", f.is_parent}};
    else if (!f.customer_id.empty()) cmd["customer_id"] = f.customer_id;
    Submitted r = submit(cmd, now, &f.error);
    if (r.ok) {
      selected_ = r.result["ticket_id"].get<std::string>();
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.85f, 0.86f, 0.88f, 1));
  ImGui::PushStyleColor(ImGuiCol_Text, ink(0.1f, 0.1f, 0.1f, 1));
  if (ImGui::Button(lbl("new.cancel", "cancel_ticket").c_str()) || ImGui::IsKeyPressed(ImGuiKey_Escape))
    ImGui::CloseCurrentPopup();
  ImGui::PopStyleColor(2);
  ImGui::EndPopup();
}

}  // namespace edudesk::ui
