// The course portal (issue 8): the learner's view inside the portal — a request form, the
// learner's own requests with their status and the agents' replies, and their surveys —
// and the embedded agent desk's prefilled new-ticket form.
#include <algorithm>
#include <cstdio>

#include "app/i18n.h"
#include "core/fields.h"
#include "core/utf8.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widgets.h"

namespace edudesk::ui {

using nlohmann::json;

namespace {
std::string str_of(const json& j, const char* key) {
  if (!j.is_object()) return std::string();
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
// Reads that never throw (json::value throws on a non-object, and the app has no exceptions).
int64_t int_of(const json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return j.is_object() && it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
bool bool_of(const json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return j.is_object() && it != j.end() && it->is_boolean() && it->get<bool>();
}
const json* array_of(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? &*it : nullptr;
}
// A prefill value cut to what the field takes (a portal may send anything).
std::string clipped(const json& j, const char* key, int64_t max_len) {
  std::string s = str_of(j, key);
  return is_valid_utf8(s) && utf8_length(s) <= max_len ? s : std::string();
}
}  // namespace

void DeskUi::portal_tickets(const json& list) {
  if (list.is_object()) portal_.list = list;
  frames_wanted_ = std::max(frames_wanted_, 2);
}

void DeskUi::portal_request_status(const std::string& code, const json& detail) {
  portal_.status = code;
  portal_.detail = detail;
  if (code == "sent" && detail.is_object()) portal_.open_once = str_of(detail, "ticket_id");
}

void DeskUi::portal_prefill(const json& p) {
  if (!p.is_object()) return;
  portal_.subject = clipped(p, "subject", limits::subject);
  portal_.text = clipped(p, "text", limits::text);
  portal_.order_id = clipped(p, "order_id", limits::id);
  portal_.course_id = clipped(p, "course_id", limits::id);
  portal_.course_name = clipped(p, "course_name", limits::name);
  portal_.survey_ticket.clear();
  portal_.status.clear();
  portal_.error = {};
}

void DeskUi::portal_open(const std::string& ticket_id) {
  portal_.open_once = ticket_id;
  portal_.survey_ticket.clear();
}

void DeskUi::open_new_ticket(const json& p) {
  if (!p.is_object()) return;
  NewTicketForm f;
  const State& s = desk_.state();
  std::string phone = clipped(p, "phone", limits::phone), name = clipped(p, "name", limits::name);
  if (name.empty()) name = clipped(p, "customer_name", limits::name);
  for (const Customer& c : s.customers)
    if (!phone.empty() && c.phone == phone) f.customer_id = c.id;
  if (f.customer_id.empty() && !name.empty()) {
    f.new_customer = true;
    f.name = name;
    f.phone = phone;
  }
  std::string order = clipped(p, "order_id", limits::id), course = clipped(p, "course_id", limits::id);
  if (const Order* o = s.order(order); o && (f.customer_id.empty() || o->customer_id == f.customer_id)) {
    f.customer_id = o->customer_id;
    f.new_customer = false;
    f.order_id = o->id;
    f.course_id = o->course_id;
  }
  if (f.course_id.empty() && s.course(course)) f.course_id = course;
  f.subject = clipped(p, "subject", limits::subject);
  f.text = clipped(p, "text", limits::text);
  f.channel = 3;  // web_form: it came from the portal
  form_ = std::move(f);
  new_open_ = true;
  frames_wanted_ = std::max(frames_wanted_, 3);
}

void DeskUi::draw_portal(Millis now) {
  (void)now;
  PortalView& p = portal_;
  // A survey of one of the learner's tickets: the survey alone, with a way back.
  if (!p.survey_ticket.empty()) {
    if (ImGui::Button(lbl("portal.back", "portal_back").c_str())) p.survey_ticket.clear();
    draw_learner(now);
    return;
  }
  ImGui::BeginChild("##portal", ImVec2(0, 0), false);
  if (p.status == "unauthorized") {
    ImGui::TextWrapped("%s", tr("portal.signed_out"));
    ImGui::EndChild();
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ink(0.10f, 0.30f, 0.62f, 1));
  ImGui::TextUnformatted(tr("portal.new_request"));
  ImGui::PopStyleColor();
  // What the portal says the request is about (the course page it was opened from).
  if (!p.course_name.empty() || !p.course_id.empty()) {
    char buf[256];
    std::snprintf(buf, sizeof buf, tr("portal.about_course"), p.course_name.empty() ? p.course_id.c_str() : p.course_name.c_str());
    ImGui::TextDisabled("%s", buf);
    if (!p.order_id.empty()) ImGui::SameLine();
  }
  if (!p.order_id.empty()) {
    char buf[256];
    std::snprintf(buf, sizeof buf, tr("portal.about_order"), p.order_id.c_str());
    ImGui::TextDisabled("%s", buf);
  }
  const float label_w = 64;
  auto field_label = [&](const char* key) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr(key));
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(-1);
  };
  field_label("field.subject");
  ImGui::InputTextWithHint("##portal_subject", tr("portal.subject_hint"), &p.subject);
  field_label("field.text");
  ImGui::InputTextMultiline("##portal_text", &p.text, ImVec2(-1, ImGui::GetTextLineHeight() * 5));
  error_line(p.error);
  ImGui::Dummy(ImVec2(label_w - 8, 0));
  ImGui::SameLine();
  if (ImGui::Button(lbl("portal.submit", "portal_submit").c_str())) {
    // Checked here as the server will, so the learner hears about a gap at once.
    json body{{"subject", p.subject}, {"text", p.text}};
    if (!p.order_id.empty()) body["order_id"] = p.order_id;
    if (!p.course_id.empty()) body["course_id"] = p.course_id;
    std::string s;
    if (read_string(body, "subject", s, p.error, limits::subject, true) &&
        read_string(body, "text", s, p.error, limits::text, false)) {
      p.error = {};
      if (on_portal_submit) on_portal_submit(body.dump());
      p.subject.clear();
      p.text.clear();
    }
  }
  ImGui::SameLine();
  if (p.status == "saved") {
    ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("portal.saved"));
  } else if (p.status == "sent") {
    char buf[160];
    std::snprintf(buf, sizeof buf, tr("portal.sent"), static_cast<long long>(int_of(p.detail, "number")));
    ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", buf);
  } else if (p.status == "refused") {
    const json& e = p.detail.is_object() && p.detail.contains("error") ? p.detail["error"] : p.detail;
    Error err{e.is_object() ? str_of(e, "code") : "", e.is_object() ? str_of(e, "field") : "",
              e.is_object() ? str_of(e, "message") : ""};
    ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s %s", tr("portal.refused"), error_text(err).c_str());
  }

  ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ink(0.10f, 0.30f, 0.62f, 1));
  ImGui::TextUnformatted(tr("portal.my_requests"));
  ImGui::PopStyleColor();
  if (bool_of(p.list, "offline")) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("portal.offline"));
  }
  // Requests kept here until the network is back: the learner sees them at once.
  const json* pending = array_of(p.list, "pending");
  if (pending)
    for (const json& q : *pending) {
      std::string line = str_of(q, "subject") + "  · " + tr("portal.waiting");
      ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", line.c_str());
    }
  const json* tickets = array_of(p.list, "tickets");
  if (!tickets || tickets->empty()) {
    if (!pending || pending->empty()) ImGui::TextDisabled("%s", tr("portal.none"));
  } else {
    for (const json& t : *tickets) {
      std::string id = str_of(t, "ticket_id");
      std::string status = str_of(t, "status");
      char head[512];
      std::snprintf(head, sizeof head, "#%lld  %s  ·  %s", static_cast<long long>(int_of(t, "number")),
                    str_of(t, "subject").c_str(), tr_enum("status", status.c_str()));
      if (!p.open_once.empty() && (p.open_once == id || p.open_once == std::to_string(int_of(t, "number")))) {  // just sent, or the portal asked for it: opened once, closable
        ImGui::SetNextItemOpen(true);
        ImGui::SetScrollHereY(0.0f);
        p.open_once.clear();
      }
      if (!ImGui::CollapsingHeader((std::string(head) + "###req_" + id).c_str())) continue;
      ImGui::Indent(8);
      if (!str_of(t, "course").empty()) ImGui::TextDisabled("%s", str_of(t, "course").c_str());
      const json* messages = array_of(t, "messages");
      if (messages)
        for (const json& m : *messages) {
          bool agent = str_of(m, "from") == "agent";
          std::string who = agent ? std::string(tr("portal.agent")) + " " + str_of(m, "author") : tr("portal.me");
          ImGui::TextColored(ink(agent ? ImVec4(0.10f, 0.40f, 0.80f, 1) : ImVec4(0.35f, 0.35f, 0.40f, 1)), "%s · %s",
                             who.c_str(), format_time(int_of(m, "at")).c_str());
          ImGui::TextWrapped("%s", str_of(m, "text").c_str());
        }
      bool replied = false;
      if (messages)
        for (const json& m : *messages) replied = replied || str_of(m, "from") == "agent";
      if (!replied) ImGui::TextDisabled("%s", tr("portal.no_reply"));
      if (const json* surveys = array_of(t, "surveys"))
        for (const json& sv : *surveys) {
          if (bool_of(sv, "answered")) {
            ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", tr("portal.survey_done"));
            continue;
          }
          std::string label = std::string(tr("portal.survey")) + " " + str_of(sv, "title") + "###survey_" + str_of(sv, "send_id");
          if (ImGui::Button(label.c_str()) && on_portal_survey) {
            p.survey_ticket = id;
            learner_ = LearnerView{};
            on_portal_survey(str_of(sv, "send_id"), str_of(sv, "key"));
          }
        }
      ImGui::Unindent(8);
    }
  }
  ImGui::Separator();
  ImGui::TextDisabled("%s", tr("portal.privacy"));
  ImGui::EndChild();
}

}  // namespace edudesk::ui
