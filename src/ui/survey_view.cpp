// Surveys (issue 5): the survey analytics view (per question n, mean, sd, median,
// frequencies with bars, top-2-box, NPS, terms; cross analysis by a segment with the
// chi-square test; the correlation heat map; response rates), and the survey form an
// agent fills in on a ticket (the call-back script) with its skip logic live.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/i18n.h"
#include "core/query.h"
#include "core/surveys.h"
#include "imgui.h"
#include "imgui_internal.h"  // ActivateItemByID: focus a new question's text
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

using nlohmann::json;

namespace {
std::string num(const json& v, const char* fmt = "%.2f") {
  if (!v.is_number()) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v.get<double>());
  return buf;
}

// The label of an answer value for the frequency table.
std::string value_label(const Question& q, const std::string& v) {
  if (q.type == QuestionType::likert5) {
    int i = std::atoi(v.c_str());
    if (i >= 1 && i <= 5) return v + " " + tr(("likert." + std::to_string(i)).c_str());
  }
  for (const SurveyOption& o : q.options)
    if (o.value == v) return o.label;
  return v;
}

// Horizontal bars for a frequency table, with the exact count and share on hover.
void freq_bars(const Question& q, const json& freq, int64_t n) {
  if (!freq.is_object() || freq.empty()) return;
  std::vector<std::pair<std::string, int64_t>> rows;
  for (auto it = freq.begin(); it != freq.end(); ++it) rows.push_back({it.key(), it->get<int64_t>()});
  // Scales from the top value down; choices in the order the survey lists them.
  auto rank = [&](const std::string& v) {
    if (is_numeric(q.type)) return -std::atof(v.c_str());
    for (size_t i = 0; i < q.options.size(); ++i)
      if (q.options[i].value == v) return static_cast<double>(i);
    return static_cast<double>(q.options.size());
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  int64_t top = 1;
  for (auto& r : rows) top = std::max(top, r.second);
  float label_w = 120, bar_w = std::max(80.0f, ImGui::GetContentRegionAvail().x - label_w - 110);
  for (auto& [value, count] : rows) {
    std::string label = value_label(q, value);
    ImGui::TextUnformatted(label.c_str());
    ImGui::SameLine(label_w);
    ImVec2 p = ImGui::GetCursorScreenPos();
    float h = ImGui::GetTextLineHeight();
    float w = bar_w * static_cast<float>(count) / static_cast<float>(top);
    if (count > 0)
      ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + std::max(w, 2.0f), p.y + h),
                                                ImGui::GetColorU32(ImVec4(0.30f, 0.55f, 0.90f, 1)), 2);
    ImGui::Dummy(ImVec2(bar_w, h));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %lld / %lld", label.c_str(), static_cast<long long>(count), static_cast<long long>(n));
    ImGui::SameLine();
    ImGui::Text("%lld (%.1f%%)", static_cast<long long>(count), n ? 100.0 * static_cast<double>(count) / static_cast<double>(n) : 0.0);
  }
}

// A segment's value in words: a channel, a role, 学员/家长, a demographic option's label.
std::string segment_value(const SurveySchema& s, const std::string& segment, const std::string& v) {
  if (segment == "channel") return tr_enum("channel", v.c_str());
  if (segment == "tier") return tr_enum("role", v.c_str());
  if (segment == "customer") return tr(("survey.customer." + v).c_str());
  if (segment == "mode") return tr(("survey.mode." + v).c_str());
  for (const Question* q : s.all_questions())
    if (q->demographic == segment) return value_label(*q, v);
  return v;
}

ImU32 heat(double r) {  // blue (−1) … white (0) … red (+1)
  float t = static_cast<float>(std::clamp(r, -1.0, 1.0));
  ImVec4 c = t >= 0 ? ImVec4(1, 1 - 0.75f * t, 1 - 0.75f * t, 1) : ImVec4(1 + 0.75f * t, 1 + 0.45f * t, 1, 1);
  return ImGui::GetColorU32(c);
}
}  // namespace

// One survey's questions as a form; `answers` is edited in place. Hidden questions
// (skip logic) are not drawn and lose their answers.
void DeskUi::draw_survey_form(const SurveySchema& s, json& answers) {
  for (const SurveySection& sec : s.sections) {
    if (!sec.title.empty()) ImGui::SeparatorText(sec.title.c_str());
    for (const Question& q : sec.questions) {
      if (!is_shown(s, q, answers)) {
        answers.erase(q.id);
        continue;
      }
      ImGui::PushID(q.id.c_str());
      ImGui::TextWrapped("%s%s", q.text.c_str(), q.required ? " *" : "");
      json& a = answers[q.id];
      auto radio_int = [&](int lo, int hi, const char* const* labels) {
        for (int v = lo; v <= hi; ++v) {
          std::string text = labels ? labels[v - lo] : std::to_string(v);
          if (v > lo) same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x + ImGui::GetFrameHeight() + 12);  // wraps on a phone
          std::string label = text + "###" + q.id + "_" + std::to_string(v);
          if (ImGui::RadioButton(label.c_str(), a.is_number_integer() && a.get<int>() == v)) a = v;
          widgets_note_last(label.c_str());
        }
      };
      switch (q.type) {
        case QuestionType::likert5: {
          for (int v = 5; v >= 1; --v) {  // 非常满意 first, as the seeds' scale reads
            const char* text = tr(("likert." + std::to_string(v)).c_str());
            if (v < 5) same_line_if_fits(ImGui::CalcTextSize(text).x + ImGui::GetFrameHeight() + 12);
            std::string label = std::string(text) + "###" + q.id + "_" + std::to_string(v);
            if (ImGui::RadioButton(label.c_str(), a.is_number_integer() && a.get<int>() == v)) a = v;
            widgets_note_last(label.c_str());
          }
          break;
        }
        case QuestionType::rating: radio_int(1, 5, nullptr); break;
        case QuestionType::nps: radio_int(0, 10, nullptr); break;
        case QuestionType::single:
          for (size_t i = 0; i < q.options.size(); ++i) {
            if (i) same_line_if_fits(ImGui::CalcTextSize(q.options[i].label.c_str()).x + 40);
            std::string label = q.options[i].label + "###" + q.id + "_" + q.options[i].value;
            if (ImGui::RadioButton(label.c_str(), a.is_string() && a.get<std::string>() == q.options[i].value))
              a = q.options[i].value;
            widgets_note_last(label.c_str());
          }
          break;
        case QuestionType::multiple:
          for (size_t i = 0; i < q.options.size(); ++i) {
            if (i) same_line_if_fits(ImGui::CalcTextSize(q.options[i].label.c_str()).x + 40);
            bool on = a.is_array() && std::find(a.begin(), a.end(), json(q.options[i].value)) != a.end();
            std::string label = q.options[i].label + "###" + q.id + "_" + q.options[i].value;
            if (ImGui::Checkbox(label.c_str(), &on)) {
              if (!a.is_array()) a = json::array();
              json next = json::array();
              for (const SurveyOption& o : q.options) {  // keep the options' order
                bool was = std::find(a.begin(), a.end(), json(o.value)) != a.end();
                if (o.value == q.options[i].value ? on : was) next.push_back(o.value);
              }
              a = next;
            }
          }
          break;
        case QuestionType::number: {
          double v = a.is_number() ? a.get<double>() : q.min;
          ImGui::SetNextItemWidth(fit_px(140));
          if (ImGui::InputDouble("##number", &v, 1, 5, "%.0f")) a = std::clamp(v, q.min, q.max);
          break;
        }
        case QuestionType::text: {
          std::string text = a.is_string() ? a.get<std::string>() : "";
          std::string label = "##" + q.id;
          if (ImGui::InputTextMultiline(label.c_str(), &text, ImVec2(-1, ImGui::GetFrameHeight() * 2.2f))) a = text;
          break;
        }
      }
      if (a.is_null() || (a.is_string() && a.get<std::string>().empty()) || (a.is_array() && a.empty()))
        answers.erase(q.id);
      ImGui::PopID();
    }
  }
}

// The ticket's surveys: what the customer answered (with history), and the call-back
// script to fill in while on the phone.
void DeskUi::draw_ticket_surveys(const Ticket& t, Millis now) {
  const State& s = desk_.state();
  bool any = false;
  for (const SurveyResponse& r : s.responses) {
    if (r.ticket_id != t.id) continue;
    any = true;
    const PublishedSurvey* v = s.survey_version(r.version_op);
    if (!v) continue;
    ImGui::PushID(r.op_id.c_str());
    ImGui::BeginChild("##response", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
    const Agent* by = s.agent(r.by);
    ImGui::Text("%s v%lld", v->schema.title.c_str(), static_cast<long long>(v->schema.version));
    ImGui::SameLine();
    ImGui::TextDisabled("%s · %s · %s", tr(("survey.mode." + r.mode).c_str()), by ? by->name.c_str() : "",
                        format_time(r.at).c_str());
    if (!r.current) {
      ImGui::SameLine();
      ImGui::TextColored(ink(0.72f, 0.38f, 0.02f, 1), "%s", tr(r.resent ? "survey.resent" : "survey.replaced"));
    }
    for (const Question* q : v->schema.all_questions()) {
      auto it = r.answers.find(q->id);
      if (it == r.answers.end()) continue;
      std::string shown;
      if (it->is_array()) {
        for (const auto& x : *it) shown += (shown.empty() ? "" : tr("punct.list_sep")) + value_label(*q, x.get<std::string>());
      } else if (it->is_string()) {
        shown = q->type == QuestionType::text ? it->get<std::string>() : value_label(*q, it->get<std::string>());
      } else {
        shown = value_label(*q, it->dump());
      }
      ImGui::TextDisabled("%s", q->text.c_str());
      ImGui::SameLine();
      ImGui::TextWrapped("%s", shown.c_str());
    }
    ImGui::EndChild();
    ImGui::PopID();
  }
  if (!any) ImGui::TextDisabled("%s", tr("survey.none_for_ticket"));
  // The learner's link for each survey sent on this ticket: copied, to pass on by WeChat or SMS.
  for (const SurveySend& x : s.survey_sends) {
    if (x.ticket_id != t.id) continue;
    const PublishedSurvey* v = s.survey(x.survey_id);
    std::string label = std::string(tr("survey.copy_link")) + (v ? " · " + v->schema.title : "") + "###link_" + x.survey_id;
    if (small_button(label.c_str()) && on_survey_link) {
      link_ = {x.id, "", ""};
      on_survey_link(x.id);
    }
    if (link_.send_id == x.id) {
      ImGui::SameLine();
      if (!link_.error.empty()) ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s", tr("survey.link_failed"));
      else if (!link_.url.empty()) ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", tr("survey.link_copied"));
      if (!link_.url.empty()) ImGui::TextDisabled("%s", link_.url.c_str());
    }
  }

  // The call-back script (any agent, on the phone) and the quality review (supervisors).
  auto form = [&](const char* survey_id, SurveyForm& f, const char* header_key, const char* header_id,
                  const char* save_key, const char* save_id, const char* mode) {
    const PublishedSurvey* v = s.survey(survey_id);
    if (!v) return;
    if (f.ticket_id != t.id) {
      f = SurveyForm{};
      f.ticket_id = t.id;
    }
    if (!ImGui::CollapsingHeader(lbl(header_key, header_id).c_str())) return;
    ImGui::PushID(header_id);
    draw_survey_form(v->schema, f.answers);
    if (ImGui::Button(lbl(save_key, save_id).c_str())) {
      json cmd{{"type", "survey.respond"}, {"survey_id", survey_id}, {"ticket_id", t.id}, {"mode", mode},
               {"answers", f.answers}, {"version_op", v->op_id}};
      submit(cmd, now, &f.error);
      if (f.error.code.empty()) f.answers = json::object();
    }
    if (!f.error.code.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ink(0.78f, 0.12f, 0.12f, 1));
      ImGui::TextWrapped("%s", f.error.message.c_str());  // names the question
      ImGui::PopStyleColor();
      Error now_ok;
      if (validate_answers(v->schema, f.answers, now_ok)) f.error = {};  // fixed: the message goes
    }
    ImGui::PopID();
  };
  form("callback", survey_form_, "survey.callback", "callback_form", "survey.save", "survey_save", "phone");
  const Agent* me = s.agent(desk_.actor());
  if (me && me->role == Role::supervisor)
    form("qa", qa_form_, "survey.qa", "qa_form", "survey.qa_save", "qa_save", "desk");
}

// The designer: a draft of the survey's next version, edited in place, previewed with
// its skip logic and checked the way a response will be, then published (supervisors).
void DeskUi::draw_survey_designer(const PublishedSurvey& cur, Millis now) {
  const Agent* me = desk_.state().agent(desk_.actor());
  bool supervisor = me && me->role == Role::supervisor;
  SurveyDesigner& d = designer_;
  if (d.for_op != cur.op_id) {
    d = SurveyDesigner{};
    d.draft = cur.schema;
    d.for_op = cur.op_id;
  }
  ImGui::BeginChild("##designer", ImVec2(0, 0), false);
  if (!supervisor) ImGui::TextColored(ink(0.80f, 0.45f, 0.00f, 1), "%s", tr("survey.read_only"));
  // The toolbar stays at the top: a new question is added to the last section and
  // scrolled to, its text field focused.
  ImGui::BeginDisabled(!supervisor);
  ImGui::SetNextItemWidth(std::min(300.0f, ImGui::GetContentRegionAvail().x));
  ImGui::InputText(lbl("survey.title", "design_title").c_str(), &d.draft.title);
  if (small_button(lbl("survey.add_question", "add_question").c_str())) {
    if (d.draft.sections.empty()) d.draft.sections.push_back(SurveySection{});
    Question q;
    size_t n = d.draft.all_questions().size();
    do q.id = "q" + std::to_string(++n);
    while (d.draft.question(q.id));
    d.focus_question = q.id;
    d.focus_wait = 2;
    d.draft.sections.back().questions.push_back(q);
  }
  ImGui::SameLine();
  if (small_button(lbl("survey.add_section", "add_section").c_str())) d.draft.sections.push_back(SurveySection{});
  ImGui::EndDisabled();
  if (supervisor) {
    ImGui::SameLine();
    if (small_button(lbl("survey.publish", "survey_publish").c_str())) {
      json body = survey_schema_json(d.draft);
      submit({{"type", "survey.publish"}, {"survey", body}}, now, &d.error);
      if (d.error.code.empty()) d.for_op.clear();  // reload from the new version
    }
    ImGui::SameLine();
    if (small_button(lbl("survey.discard", "survey_discard").c_str())) d.for_op.clear();
  }
  if (!d.error.code.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.78f, 0.12f, 0.12f, 1));
    ImGui::TextWrapped("%s  %s", error_text(d.error).c_str(), d.error.message.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::BeginChild("##designer_body", ImVec2(0, 0), false);
  ImGui::BeginDisabled(!supervisor);  // others may read the draft, as in the policy editor
  for (size_t si = 0; si < d.draft.sections.size(); ++si) {
    SurveySection& sec = d.draft.sections[si];
    ImGui::PushID(static_cast<int>(si));
    ImGui::SeparatorText((std::string(tr("survey.section")) + " " + std::to_string(si + 1)).c_str());
    ImGui::SetNextItemWidth(std::min(360.0f, ImGui::GetContentRegionAvail().x));
    ImGui::InputText("##section_title", &sec.title);
    for (size_t qi = 0; qi < sec.questions.size(); ++qi) {
      Question& q = sec.questions[qi];
      ImGui::PushID(static_cast<int>(qi));
      ImGui::BeginChild("##q", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
      ImGui::TextDisabled("%s", q.id.c_str());
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fit_px(130));
      int type = static_cast<int>(std::find(std::begin(kQuestionTypes), std::end(kQuestionTypes), q.type) - std::begin(kQuestionTypes));
      if (enum_combo("##type", "qtype", kQuestionTypes, type, false)) q.type = kQuestionTypes[type];
      ImGui::SameLine();
      ImGui::Checkbox(lbl("survey.required", "required").c_str(), &q.required);
      ImGui::SameLine();
      if (small_button("↑") && qi > 0) std::swap(sec.questions[qi], sec.questions[qi - 1]);
      ImGui::SameLine();
      if (small_button("↓") && qi + 1 < sec.questions.size()) std::swap(sec.questions[qi], sec.questions[qi + 1]);
      ImGui::SameLine();
      bool remove = small_button(lbl("survey.remove", "remove_q").c_str());
      ImGui::SetNextItemWidth(-1);
      if (d.focus_question == q.id && d.focus_wait == 0) {
        ImGui::ActivateItemByID(ImGui::GetID("##text"));  // scrolled into view by now; active next frame
        d.focus_question.clear();
        frames_wanted_ = std::max(frames_wanted_, 3);
      }
      ImGui::InputTextWithHint("##text", tr("survey.question_hint"), &q.text);
      if (q.type == QuestionType::single || q.type == QuestionType::multiple) {
        for (size_t oi = 0; oi < q.options.size(); ++oi) {
          ImGui::PushID(static_cast<int>(oi));
          ImGui::SetNextItemWidth(fit_px(220));
          ImGui::InputText("##opt", &q.options[oi].label);
          ImGui::SameLine();
          ImGui::TextDisabled("%s", q.options[oi].value.c_str());
          ImGui::SameLine();
          if (small_button("×")) {
            q.options.erase(q.options.begin() + static_cast<std::ptrdiff_t>(oi));
            ImGui::PopID();
            break;
          }
          ImGui::PopID();
        }
        if (q.type == QuestionType::single) {  // a demographic item is a segment of the cross analysis
          ImGui::SameLine();
          ImGui::SetNextItemWidth(fit_px(150));
          std::string cur_demo = q.demographic.empty() ? tr("survey.demographic.none") : tr(("segment." + q.demographic).c_str());
          if (begin_combo("##demographic", cur_demo.c_str())) {
            for (const char* dm : {"", "age_group", "gender", "occupation"}) {
              std::string item = std::string(*dm ? tr(("segment." + std::string(dm)).c_str()) : tr("survey.demographic.none")) +
                                 "###demo_" + (*dm ? dm : "none");
              if (ImGui::Selectable(item.c_str(), q.demographic == dm)) q.demographic = dm;
            }
            ImGui::EndCombo();
          }
        }
        if (small_button(lbl("survey.add_option", "add_option").c_str())) {
          int n = static_cast<int>(q.options.size()) + 1;
          std::string v = "o" + std::to_string(n);
          for (bool taken = true; taken;) {  // option values stay unique
            taken = false;
            for (const SurveyOption& o : q.options) taken = taken || o.value == v;
            if (taken) v = "o" + std::to_string(++n);
          }
          q.options.push_back({v, ""});
        }
      }
      if (q.type == QuestionType::number) {
        ImGui::SetNextItemWidth(fit_px(100));
        ImGui::InputDouble(lbl("survey.min", "qmin").c_str(), &q.min, 0, 0, "%.0f");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fit_px(100));
        ImGui::InputDouble(lbl("survey.max", "qmax").c_str(), &q.max, 0, 0, "%.0f");
      }
      // Skip logic: shown only when an earlier question's answer is one of the values.
      bool has_if = q.show_if.has_value();
      if (ImGui::Checkbox(lbl("survey.show_if", "show_if").c_str(), &has_if))
        q.show_if = has_if ? std::optional<ShowIf>(ShowIf{}) : std::nullopt;
      if (q.show_if) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fit_px(120));
        ImGui::InputTextWithHint("##if_q", tr("survey.if_question"), &q.show_if->question);
        ImGui::SameLine();
        std::string values;
        for (const json& v : q.show_if->in) values += (values.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
        ImGui::SetNextItemWidth(fit_px(160));
        if (ImGui::InputTextWithHint("##if_in", tr("survey.if_values"), &values)) {
          q.show_if->in.clear();
          size_t at = 0;
          while (at <= values.size()) {
            size_t comma = values.find(',', at);
            std::string v = values.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
            if (!v.empty()) {
              bool digits = v.find_first_not_of("0123456789") == std::string::npos;
              q.show_if->in.push_back(digits ? json(std::stoll(v)) : json(v));
            }
            if (comma == std::string::npos) break;
            at = comma + 1;
          }
        }
      }
      ImGui::EndChild();
      ImGui::PopID();
      if (remove) {
        sec.questions.erase(sec.questions.begin() + static_cast<std::ptrdiff_t>(qi));
        break;
      }
    }
    ImGui::PopID();
  }
  if (!d.focus_question.empty()) {  // the new question is the last: scroll to the end first
    ImGui::SetScrollHereY(1.0f);
    if (d.focus_wait > 0) --d.focus_wait;
    frames_wanted_ = std::max(frames_wanted_, 3);
  }
  ImGui::EndDisabled();
  ImGui::Separator();
  // Preview: the form as the learner sees it, checked as a response would be.
  if (ImGui::CollapsingHeader(lbl("survey.preview", "survey_preview").c_str())) {
    Error pe;
    SurveySchema checked;
    if (parse_survey_schema(survey_schema_json(d.draft), checked, pe)) {
      draw_survey_form(checked, d.preview_answers);
      Error ve;
      if (validate_answers(checked, d.preview_answers, ve))
        ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", tr("survey.preview_ok"));
      else
        ImGui::TextColored(ink(0.72f, 0.38f, 0.02f, 1), "%s", ve.message.c_str());
    } else {
      error_line(pe);
    }
  }
  ImGui::EndChild();
  ImGui::EndChild();
}

// ---- learner mode ---------------------------------------------------------------------------

void DeskUi::learner_opened(const json& open) {
  learner_.open = open;
  Error err;
  learner_.loaded = open.contains("survey") && parse_survey_schema(open["survey"], learner_.schema, err);
  if (!learner_.loaded) learner_.status = "refused";
}

void DeskUi::learner_status(const std::string& code, const std::string& detail) {
  learner_.status = code;
  learner_.detail = detail;
  if (code == "sent") learner_.revising = false;
}

void DeskUi::draw_learner(Millis now) {
  (void)now;
  LearnerView& l = learner_;
  ImGui::BeginChild("##learner", ImVec2(0, 0), false);
  if (l.status == "offline_first") {
    ImGui::TextWrapped("%s", tr("learner.offline_first"));
  } else if (!l.loaded) {
    if (l.status == "refused") ImGui::TextWrapped("%s", tr("learner.bad_link"));
    else ImGui::TextDisabled("%s", tr("phase.starting"));
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.10f, 0.30f, 0.62f, 1));
    ImGui::TextWrapped("%s", l.schema.title.c_str());
    ImGui::PopStyleColor();
    char about[512];
    std::snprintf(about, sizeof about, tr("learner.about"), static_cast<long long>(l.open.value("ticket_number", 0)),
                  l.open.value("subject", "").c_str());
    ImGui::TextDisabled("%s", about);
    if (!l.open.value("course", "").empty()) ImGui::TextDisabled("%s", l.open.value("course", "").c_str());
    ImGui::Separator();
    if (l.status == "sent" && !l.revising) {
      ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), "%s", tr("learner.thanks"));
      if (ImGui::Button(lbl("learner.revise", "learner_revise").c_str())) l.revising = true;
    } else {
      draw_survey_form(l.schema, l.answers);
      if (ImGui::Button(lbl("learner.submit", "learner_submit").c_str())) {
        // Checked here as the server will, so the learner hears about a gap at once.
        if (validate_answers(l.schema, l.answers, l.error)) {
          json body{{"response_id", l.open.value("response_id", "")},
                    {"version_op", l.open.value("version_op", "")},
                    {"answers", l.answers}};
          if (on_learner_submit) on_learner_submit(body.dump());
        }
      }
      if (!l.error.code.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ink(0.78f, 0.12f, 0.12f, 1));
        ImGui::TextWrapped("%s", l.error.message.c_str());
        ImGui::PopStyleColor();
        if (validate_answers(l.schema, l.answers, l.error)) l.error = {};  // fixed: the message goes
      }
    }
    if (l.status == "saved") ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("learner.saved"));
    if (l.status == "refused") {
      json e = json::parse(l.detail, nullptr, false);
      std::string why = e.is_object() ? e.value("message", "") : l.detail;
      ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s %s", tr("learner.refused"), why.c_str());
    }
    ImGui::TextDisabled("%s", tr("learner.privacy"));
  }
  ImGui::EndChild();
}

void DeskUi::draw_surveys(Millis now, float width, float height) {
  ImGui::BeginChild("##surveys", ImVec2(width, height), false);
  const State& s = desk_.state();
  // Which survey, and the filters.
  std::vector<const PublishedSurvey*> latest;
  for (const PublishedSurvey& p : s.surveys)
    if (s.survey(p.schema.id) == &p) latest.push_back(&p);
  if (latest.empty()) {
    ImGui::TextDisabled("%s", tr("survey.none"));
    ImGui::EndChild();
    return;
  }
  if (!s.survey(stats_.survey_id)) stats_.survey_id = latest[0]->schema.id;
  const PublishedSurvey* cur = s.survey(stats_.survey_id);
  ImGui::SetNextItemWidth(fit_px(220));
  std::string preview = cur->schema.title + " v" + std::to_string(cur->schema.version);
  if (begin_combo("##survey_pick", preview.c_str())) {
    for (const PublishedSurvey* p : latest)
      if (ImGui::Selectable((p->schema.title + " v" + std::to_string(p->schema.version) + "###survey_" + p->schema.id).c_str(),
                            p == cur)) {
        stats_.survey_id = p->schema.id;
        stats_.revision = -1;
      }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fit_px(150));
  int ch = stats_.channel;
  if (enum_combo("##survey_channel", "channel", kChannels, ch, true, tr("field.channel"))) {
    stats_.channel = ch;
    stats_.revision = -1;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fit_px(150));
  int tier = stats_.tier;
  if (enum_combo("##survey_tier", "role", kRoles, tier, true, tr("field.role"))) {
    stats_.tier = tier;
    stats_.revision = -1;
  }
  ImGui::SameLine();
  static const int kDays[] = {0, 7, 30, 90};
  ImGui::SetNextItemWidth(fit_px(120));
  std::string days_label = stats_.days ? std::to_string(stats_.days) + tr("survey.days_suffix") : tr("survey.all_time");
  if (begin_combo("##survey_days", days_label.c_str())) {
    for (int dd : kDays) {
      std::string item = (dd ? std::to_string(dd) + tr("survey.days_suffix") : std::string(tr("survey.all_time"))) +
                         "###days_" + std::to_string(dd);
      if (ImGui::Selectable(item.c_str(), dd == stats_.days)) {
        stats_.days = dd;
        stats_.revision = -1;
      }
    }
    ImGui::EndCombo();
  }
  same_line_if_fits(em_px(180));
  ImGui::SetNextItemWidth(fit_px(180));
  const Course* course = s.course(stats_.course_id);
  std::string course_label = std::string(tr("field.course")) + tr("punct.colon") + (course ? course->name : tr("filter.all"));
  if (begin_combo("##survey_course", course_label.c_str())) {
    if (ImGui::Selectable(tr("filter.all"), !course)) {
      stats_.course_id.clear();
      stats_.revision = -1;
    }
    for (const Course& k : s.courses)
      if (ImGui::Selectable((k.name + "###course_" + k.id).c_str(), course == &k)) {
        stats_.course_id = k.id;
        stats_.revision = -1;
      }
    ImGui::EndCombo();
  }
  same_line_if_fits(em_px(150));
  static const char* const kCustomers[] = {"", "learner", "parent"};
  ImGui::SetNextItemWidth(fit_px(150));
  std::string who = std::string(tr("survey.customer")) + tr("punct.colon") +
                    (stats_.customer.empty() ? tr("filter.all") : tr(("survey.customer." + stats_.customer).c_str()));
  if (begin_combo("##survey_customer", who.c_str())) {
    for (const char* c : kCustomers) {
      std::string item = std::string(*c ? tr(("survey.customer." + std::string(c)).c_str()) : tr("filter.all")) +
                         "###customer_" + (*c ? c : "all");
      if (ImGui::Selectable(item.c_str(), stats_.customer == c)) {
        stats_.customer = c;
        stats_.revision = -1;
      }
    }
    ImGui::EndCombo();
  }
  const Agent* me = s.agent(desk_.actor());
  if (me && me->role == Role::supervisor) {  // when the CSAT goes out after a ticket
    same_line_if_fits(em_px(220));
    ImGui::SetNextItemWidth(fit_px(220));
    std::string timing = std::string(tr(("survey.timing." + s.csat_timing).c_str()));
    if (begin_combo("##csat_timing", timing.c_str())) {
      for (const char* t : {"on_resolve", "with_callback"})
        if (ImGui::Selectable((std::string(tr(("survey.timing." + std::string(t)).c_str())) + "###timing_" + t).c_str(),
                              s.csat_timing == t) &&
            s.csat_timing != t) {
          Error e;
          submit({{"type", "survey.set_timing"}, {"csat_timing", t}}, now, &e);
        }
      ImGui::EndCombo();
    }
  }
  SurveyFilter f;
  f.survey_id = stats_.survey_id;
  f.customer = stats_.customer;
  if (stats_.channel >= 0) f.channel = to_id(kChannels[stats_.channel]);
  if (stats_.tier >= 0) f.tier = to_id(kRoles[stats_.tier]);
  f.course_id = stats_.course_id;
  if (stats_.days) f.from = now - static_cast<Millis>(stats_.days) * 24 * 3600 * 1000;
  // Export what the filters show: CSV (UTF-8 with BOM, for Excel) or JSON.
  same_line_if_fits(em_px(160));
  for (const char* format : {"csv", "json"}) {
    std::string label = std::string(tr(format == std::string("csv") ? "survey.export_csv" : "survey.export_json")) +
                        "###export_" + format;
    if (small_button(label.c_str()) && on_download) {
      json q{{"type", "survey.export"}, {"survey_id", f.survey_id}, {"format", format}};
      if (!f.channel.empty()) q["channel"] = f.channel;
      if (!f.tier.empty()) q["tier"] = f.tier;
      if (!f.course_id.empty()) q["course_id"] = f.course_id;
      if (f.from) q["from"] = f.from;
      if (!f.customer.empty()) q["customer"] = f.customer;
      json out;
      Error e;
      if (run_query(s, q, now, out, e)) on_download(out["filename"], out["mime"], out["text"]);
    }
    ImGui::SameLine();
  }
  ImGui::NewLine();
  // Recomputed only when the data or the filters changed, over columns kept in step
  // with the State (new answers appended, not re-read).
  if (stats_.revision != s.revision) {
    stats_.columns.sync(s, stats_.survey_id);
    stats_.result = stats_.columns.stats(s, f);
    stats_.rates = survey_rates(s, stats_.survey_id);
    stats_.revision = s.revision;
  }
  const json& r = stats_.result;
  const json& all = stats_.rates["all"];
  char head[256];
  std::snprintf(head, sizeof head, tr("survey.summary"), static_cast<long long>(r.value("n", 0)),
                static_cast<long long>(all.value("sent", 0)), static_cast<long long>(all.value("answered", 0)),
                100.0 * all.value("rate", 0.0));
  ImGui::TextDisabled("%s", head);
  if (ImGui::IsItemHovered()) {  // per channel: sent, opened (the learner's link), answered
    ImGui::BeginTooltip();
    for (auto it = stats_.rates.begin(); it != stats_.rates.end(); ++it) {
      if (it.key() == "all") continue;
      ImGui::Text(tr("survey.rate_line"), tr_enum("channel", it.key().c_str()), static_cast<long long>(it->value("sent", 0)),
                  static_cast<long long>(it->value("opened", 0)), static_cast<long long>(it->value("answered", 0)),
                  100.0 * it->value("rate", 0.0));
    }
    ImGui::EndTooltip();
  }
  if (cur->schema.kind == "qa_review") {
    // Quality review: a sample of closed tickets nobody has scored yet, newest first.
    ImGui::SameLine();
    if (small_button(lbl("survey.qa_sample", "qa_sample").c_str())) {
      stats_.sample.clear();
      std::vector<const Ticket*> closed;
      for (const Ticket& t : s.tickets) {
        if (t.status != Status::closed && t.status != Status::resolved) continue;
        bool scored = false;
        for (const SurveyResponse& r : s.responses) scored = scored || (r.ticket_id == t.id && r.survey_id == cur->schema.id);
        if (!scored) closed.push_back(&t);
      }
      // Spread over the list (every k-th), so one agent's day does not fill the sample.
      size_t step = std::max<size_t>(1, closed.size() / 5);
      for (size_t i = 0; i < closed.size() && stats_.sample.size() < 5; i += step) stats_.sample.push_back(closed[i]->id);
    }
    for (const std::string& id : stats_.sample) {
      const Ticket* t = s.ticket(id);
      if (!t) continue;
      const Agent* a = s.agent(t->assignee);
      std::string row = "#" + std::to_string(t->number) + " " + t->subject + (a ? " · " + a->name : "") + "###sample_" + id;
      if (ImGui::Selectable(row.c_str(), false)) {
        selected_ = t->id;
        view_ = View::tickets;
      }
    }
  }

  if (ImGui::BeginTabBar("##survey_tabs")) {
    std::string t1 = lbl("survey.tab_questions", "survey_tab_questions"), t2 = lbl("survey.tab_cross", "survey_tab_cross"),
                t3 = lbl("survey.tab_corr", "survey_tab_corr");
    bool q_open = begin_tab_item(t1);
    if (q_open) {
      ImGui::BeginChild("##survey_questions", ImVec2(0, 0), false);
      for (const Question* q : cur->schema.all_questions()) {
        const json qs = r.value("questions", json::object()).value(q->id, json::object());
        ImGui::PushID(q->id.c_str());
        ImGui::SeparatorText(q->text.c_str());
        int64_t n = qs.value("n", 0);
        std::string line = std::string("n = ") + std::to_string(n);
        if (is_numeric(q->type))
          line += "   " + std::string(tr("survey.mean")) + " " + num(qs.value("mean", json())) + "   sd " +
                  num(qs.value("sd", json())) + "   " + tr("survey.median") + " " + num(qs.value("median", json()), "%.1f");
        if (qs.contains("top2box") && qs["top2box"].is_number())
          line += "   " + std::string(tr("survey.top2box")) + " " + num(qs["top2box"].get<double>() * 100, "%.1f%%");
        if (qs.contains("nps") && qs["nps"].is_number()) line += "   NPS " + num(qs["nps"], "%+.1f");
        ImGui::TextUnformatted(line.c_str());
        if (q->type == QuestionType::text) {
          std::string terms;
          for (const auto& t : qs.value("terms", json::array()))
            terms += t[0].get<std::string>() + "(" + std::to_string(t[1].get<int64_t>()) + ")  ";
          ImGui::TextWrapped("%s %s", tr("survey.terms"), terms.c_str());
        } else {
          freq_bars(*q, qs.value("freq", json::object()), n);
        }
        ImGui::PopID();
      }
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    bool c_open = begin_tab_item(t2);
    if (c_open) {
      // Cross analysis: means per group and the chi-square test, for one segment.
      std::vector<std::string> segments;
      const json crosstab = r.value("crosstab", json::object());
      for (auto it = crosstab.begin(); it != crosstab.end(); ++it) segments.push_back(it.key());
      if (!segments.empty()) {
        if (std::find(segments.begin(), segments.end(), stats_.segment) == segments.end()) stats_.segment = segments[0];
        ImGui::SetNextItemWidth(fit_px(180));
        std::string seg_label = std::string(tr("survey.segment")) + tr("punct.colon") + tr(("segment." + stats_.segment).c_str());
        if (begin_combo("##segment", seg_label.c_str())) {
          for (const std::string& g : segments)
            if (ImGui::Selectable((std::string(tr(("segment." + g).c_str())) + "###seg_" + g).c_str(), g == stats_.segment))
              stats_.segment = g;
          ImGui::EndCombo();
        }
        const json& ct = crosstab[stats_.segment];
        if (ImGui::BeginTable("##cross", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY)) {
          ImGui::TableSetupColumn(tr("survey.question"), 0, 2.0f);
          ImGui::TableSetupColumn(tr("survey.groups"), 0, 3.0f);
          ImGui::TableSetupColumn(tr("survey.chi2"), ImGuiTableColumnFlags_WidthFixed, em_px(70));
          ImGui::TableSetupColumn(tr("survey.df"), ImGuiTableColumnFlags_WidthFixed, em_px(36));
          ImGui::TableSetupColumn("p", ImGuiTableColumnFlags_WidthFixed, em_px(70));
          ImGui::TableHeadersRow();
          for (const Question* q : cur->schema.all_questions()) {
            if (!ct.contains(q->id)) continue;
            const json& cq = ct.at(q->id);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", q->text.c_str());
            ImGui::TableNextColumn();
            std::string groups;
            const json groups_json = cq.value("groups", json::object());
            for (auto g = groups_json.begin(); g != groups_json.end(); ++g) {
              groups += segment_value(cur->schema, stats_.segment, g.key()) + " n=" + std::to_string(g->value("n", 0));
              if (g->contains("mean") && g->at("mean").is_number()) groups += " " + num(g->at("mean"));
              groups += tr("punct.semicolon");
            }
            ImGui::TextWrapped("%s", groups.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(cq.value("chi2", json())).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(cq.value("df", json()).is_number() ? std::to_string(cq["df"].get<int64_t>()).c_str() : "—");
            ImGui::TableNextColumn();
            bool sig = cq.value("p", json()).is_number() && cq["p"].get<double>() < 0.05;
            if (sig) ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s", num(cq["p"], "%.4f").c_str());
            else ImGui::TextUnformatted(num(cq.value("p", json()), "%.4f").c_str());
          }
          ImGui::EndTable();
        }
      }
      ImGui::EndTabItem();
    }
    bool r_open = begin_tab_item(t3);
    if (r_open) {
      // The correlation heat map of the numeric items (Pearson; Spearman on hover).
      std::vector<const Question*> items;
      for (const Question* q : cur->schema.all_questions())
        if (is_numeric(q->type)) items.push_back(q);
      const json corr = r.value("correlation", json::object());
      const json pe = corr.value("pearson", json::object());
      const json sp = corr.value("spearman", json::object());
      float cell = std::clamp((ImGui::GetContentRegionAvail().x - 140) / std::max<float>(1, static_cast<float>(items.size())), 28.0f, 64.0f);
      ImVec2 origin = ImGui::GetCursorScreenPos();
      ImDrawList* dl = ImGui::GetWindowDrawList();
      for (size_t i = 0; i < items.size(); ++i) {
        dl->AddText(ImVec2(origin.x, origin.y + 24 + cell * static_cast<float>(i) + cell * 0.3f), ImGui::GetColorU32(ImGuiCol_Text), items[i]->id.c_str());
        dl->AddText(ImVec2(origin.x + 140 + cell * static_cast<float>(i), origin.y), ImGui::GetColorU32(ImGuiCol_Text), items[i]->id.substr(0, 9).c_str());
        for (size_t k = 0; k < items.size(); ++k) {
          std::string key = i < k ? items[i]->id + "|" + items[k]->id : items[k]->id + "|" + items[i]->id;
          double rv = i == k ? 1.0 : pe.value(key, json()).is_number() ? pe[key].get<double>() : 0.0;
          ImVec2 a(origin.x + 140 + cell * static_cast<float>(k), origin.y + 24 + cell * static_cast<float>(i));
          ImVec2 b(a.x + cell - 2, a.y + cell - 2);
          dl->AddRectFilled(a, b, heat(rv));
          char txt[16];
          std::snprintf(txt, sizeof txt, "%.2f", rv);
          dl->AddText(ImVec2(a.x + 3, a.y + cell * 0.3f), ImGui::GetColorU32(ImVec4(0.1f, 0.1f, 0.1f, 1)), txt);
          if (ImGui::IsMouseHoveringRect(a, b) && i != k)
            ImGui::SetTooltip(tr("survey.corr_tip"), items[i]->text.c_str(), items[k]->text.c_str(),
                              num(pe.value(key, json()), "%.4f").c_str(), num(sp.value(key, json()), "%.4f").c_str());
        }
      }
      ImGui::Dummy(ImVec2(140 + cell * static_cast<float>(items.size()), 24 + cell * static_cast<float>(items.size())));
      ImGui::EndTabItem();
    }
    std::string t4 = lbl("survey.tab_design", "survey_tab_design");
    bool d_open = begin_tab_item(t4);
    if (d_open) {
      draw_survey_designer(*cur, now);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

}  // namespace edudesk::ui
