// Refunds and goodwill (issue 4): the refund tab of a ticket (quote with its
// explanation, approve / ask for approval / reject / withdraw / review, coupons and
// extensions), the refunds queue, and the supervisor's policy editor.
#include <algorithm>
#include <cstdio>

#include "app/i18n.h"
#include "core/refunds.h"
#include "imgui.h"
#include "misc/cpp/imgui_stdlib.h"
#include "ui/desk_ui.h"
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

using nlohmann::json;

namespace {

ImVec4 refund_color(RefundStatus s) {
  switch (s) {
    case RefundStatus::quoted: return ImVec4(0.10f, 0.45f, 0.85f, 1);
    case RefundStatus::awaiting_approval: return ImVec4(0.80f, 0.45f, 0.00f, 1);
    case RefundStatus::approved: return ImVec4(0.55f, 0.35f, 0.70f, 1);
    case RefundStatus::paid: return ImVec4(0.15f, 0.55f, 0.25f, 1);
    case RefundStatus::rejected: return ImVec4(0.78f, 0.12f, 0.12f, 1);
    case RefundStatus::withdrawn: return ImVec4(0.45f, 0.45f, 0.45f, 1);
  }
  return ImVec4(0, 0, 0, 1);
}

std::string agent_name(const State& s, const std::string& id) {
  if (id == "system") return tr("refund.server");
  const Agent* a = s.agent(id);
  return a ? a->name : id;
}

// "已批准，等待付款" for an approved refund that has not reached the server yet.
const char* status_text(const Refund& r) {
  if (r.status == RefundStatus::approved) return tr("refund.approved_unpaid");
  return tr_enum("refund_status", to_id(r.status));
}

// One line per event: who did what, and what happened to it when it met a concurrent one.
std::string event_line(const State& s, const Refund& r, const RefundEvent& e) {
  char buf[512];
  std::string what = tr_enum("refund_step", to_id(e.step));
  if (e.step == RefundStep::approval_requested) what += " → " + std::string(tr_enum("role", e.value.c_str()));
  if (e.step == RefundStep::paid) what += " · " + e.value;
  if (e.step == RefundStep::reviewed) what += " · " + std::string(tr_enum("root_cause", e.value.c_str()));
  std::snprintf(buf, sizeof buf, "%s  %s  %s", format_time(e.at).c_str(), agent_name(s, e.by).c_str(), what.c_str());
  std::string line = buf;
  if (!e.text.empty()) line += tr("punct.colon") + e.text;
  if (e.conflict == Conflict::duplicate && e.step == RefundStep::approved) {
    // The second approval of the same refund: say who was paid on, and that it was once.
    std::snprintf(buf, sizeof buf, tr("refund.second_approval"), agent_name(s, r.approved_by).c_str());
    line += "  " + std::string(buf);
  } else if (e.conflict != Conflict::none) {
    std::snprintf(buf, sizeof buf, tr("refund.event_ignored"), tr_enum("refund_status", e.kept_value.c_str()));
    line += "  " + std::string(buf);
  }
  return line;
}
}  // namespace

void DeskUi::draw_refund_panel(const Ticket& t, Millis now) {
  const State& s = desk_.state();
  const Agent* me = s.agent(desk_.actor());
  Role my_role = me ? me->role : Role::tech_support;
  const RefundPolicy& policy = s.current_policy();
  if (refund_form_.ticket_id != t.id) {
    refund_form_ = RefundForm{};
    refund_form_.ticket_id = t.id;
    goodwill_form_ = GoodwillForm{};
  }

  // ---- this ticket's refunds, newest first
  std::vector<const Refund*> mine;
  for (const Refund& r : s.refunds)
    if (r.ticket_id == t.id) mine.push_back(&r);
  std::sort(mine.begin(), mine.end(), [](const Refund* a, const Refund* b) { return a->quoted_at > b->quoted_at; });
  for (const Refund* r : mine) {
    ImGui::PushID(r->id.c_str());
    ImGui::BeginChild("##refund", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
    ImGui::TextColored(refund_color(r->status), "%s", status_text(*r));
    ImGui::SameLine();
    ImGui::Text("%s", format_yuan(r->refund_fen).c_str());
    ImGui::SameLine();
    const RefundPolicy* p = s.policy(r->policy_id);
    ImGui::TextDisabled("%s · %s v%lld · %s %s", tr_enum("refund_rule", to_id(r->rule)), tr("refund.policy"),
                        static_cast<long long>(p ? p->version : 0), agent_name(s, r->quoted_by).c_str(),
                        format_time(r->quoted_at).c_str());
    if (desk_.is_pending(r->origin_op)) {
      ImGui::SameLine();
      ImGui::TextColored(ink(0.75f, 0.45f, 0.05f, 1), "%s", tr("storage.pending_mark"));
    }
    ImGui::TextDisabled("%s%s%s", tr("refund.reason"), tr("punct.colon"), tr_enum("refund_reason", to_id(r->facts.reason)));
    ImGui::TextWrapped("%s", r->explanation.c_str());
    if (small_button(lbl("timeline.copy", "copy_explanation").c_str())) ImGui::SetClipboardText(r->explanation.c_str());
    if (r->status == RefundStatus::awaiting_approval) {
      ImGui::TextColored(ink(0.80f, 0.45f, 0.00f, 1), tr("refund.waiting_for"), tr_enum("role", r->approver_role.c_str()));
    }
    if (r->status == RefundStatus::approved)
      ImGui::TextColored(ink(0.55f, 0.35f, 0.70f, 1), "%s", tr("refund.paid_by_server"));
    if (r->status == RefundStatus::paid) {
      ImGui::TextColored(ink(0.15f, 0.55f, 0.25f, 1), tr("refund.paid_line"), r->payment_ref.c_str(),
                         format_time(r->paid_at).c_str(), agent_name(s, r->approved_by).c_str());
    }
    if (!r->closed_reason.empty() && r->status == RefundStatus::rejected)
      ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s%s%s", tr("refund.rejected_because"), tr("punct.colon"), r->closed_reason.c_str());
    for (const RefundEvent& e : r->events) {
      std::string line = event_line(s, *r, e);
      if (e.conflict != Conflict::none) ImGui::PushStyleColor(ImGuiCol_Text, ink(0.72f, 0.38f, 0.02f, 1));
      else ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", line.c_str());
      ImGui::PopStyleColor();
    }

    // Actions this agent may take now.
    bool open = r->status == RefundStatus::quoted || r->status == RefundStatus::awaiting_approval ||
                r->status == RefundStatus::approved;
    bool can_decide = p && may_approve(*p, my_role, r->refund_fen, r->rule);
    auto act = [&](json cmd) {
      cmd["refund_id"] = r->id;
      submit(cmd, now, &refund_action_error_);
      if (refund_action_error_.code.empty()) refund_note_.clear();
    };
    if (r->status == RefundStatus::quoted || r->status == RefundStatus::awaiting_approval) {
      if (can_decide) {
        if (ImGui::Button(lbl("refund.approve", "refund_approve").c_str())) act({{"type", "refund.approve"}});
        ImGui::SameLine();
      } else if (r->status == RefundStatus::quoted) {
        RefundQuote q;
        Error e;
        std::string label = tr("refund.request_approval");
        if (p && quote_refund(*p, r->facts, my_role, q, e) && q.approver_role)
          label += std::string(" → ") + tr_enum("role", to_id(*q.approver_role));
        if (ImGui::Button((label + "###refund_request").c_str()))
          act({{"type", "refund.request_approval"}, {"note", refund_note_}});
        ImGui::SameLine();
      }
    }
    if (open) {
      // On a phone the note takes its own line; beside the buttons it would be a sliver.
      float avail = ImGui::GetContentRegionAvail().x;  // what is left of this line
      bool own_line = avail < 420;
      if (own_line) ImGui::NewLine();
      ImGui::SetNextItemWidth(own_line ? -1.0f : std::min(em_px(260), avail - em_px(200)));
      ImGui::InputTextWithHint("##refund_note", tr("refund.note_hint"), &refund_note_);
      // Beside the note when it fits; below it when the note took the whole line.
      bool beside = !own_line;
      if (can_decide && r->status != RefundStatus::approved) {
        if (beside) ImGui::SameLine();
        beside = true;
        if (ImGui::Button(lbl("refund.reject", "refund_reject").c_str()))
          act({{"type", "refund.reject"}, {"reason", refund_note_}});
      }
      if (beside) ImGui::SameLine();
      if (ImGui::Button(lbl("refund.withdraw", "refund_withdraw").c_str()))
        act({{"type", "refund.withdraw"}, {"note", refund_note_}});
    } else if (r->root_cause.empty()) {
      // Review and archive: reason and root cause feed the analytics.
      ImGui::SetNextItemWidth(fit_px(150));
      const char* cause = kRootCauses[refund_cause_];
      if (begin_combo("##root_cause", tr_enum("root_cause", cause))) {
        for (int i = 0; kRootCauses[i]; ++i)
          if (ImGui::Selectable((std::string(tr_enum("root_cause", kRootCauses[i])) + "###cause_" + kRootCauses[i]).c_str(),
                                i == refund_cause_))
            refund_cause_ = i;
        ImGui::EndCombo();
      }
      ImGui::SameLine();
      ImGui::SetNextItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x - 110));
      ImGui::InputTextWithHint("##review_note", tr("refund.note_hint"), &refund_note_);
      ImGui::SameLine();
      if (ImGui::Button(lbl("refund.review", "refund_review").c_str()))
        act({{"type", "refund.review"}, {"root_cause", kRootCauses[refund_cause_]}, {"note", refund_note_}});
    } else {
      ImGui::TextDisabled("%s%s%s %s", tr("refund.root_cause"), tr("punct.colon"), tr_enum("root_cause", r->root_cause.c_str()),
                          r->review_note.c_str());
    }
    ImGui::EndChild();
    ImGui::PopID();
  }
  error_line(refund_action_error_);

  // ---- a new quote: the policy computes, the agent explains
  std::vector<const Order*> orders;
  for (const Order& o : s.orders)
    if (o.customer_id == t.customer_id) orders.push_back(&o);
  if (ImGui::CollapsingHeader(lbl("refund.new", "refund_new").c_str(),
                              mine.empty() ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
    RefundForm& f = refund_form_;
    if (orders.empty()) {
      ImGui::TextDisabled("%s", tr("refund.no_orders"));
    } else {
      if (f.order_id.empty() || !s.order(f.order_id)) {
        f.order_id = orders[0]->id;
        for (const Order* o : orders)
          if (o->course_id == t.course_id && o->refunded_by.empty()) f.order_id = o->id;
      }
      auto order_label = [&](const Order& o) {
        const Course* k = s.course(o.course_id);
        char buf[256];
        std::snprintf(buf, sizeof buf, tr("refund.order_line"), k ? k->name.c_str() : o.course_id.c_str(),
                      format_yuan(o.paid_fen).c_str(), format_time(o.paid_at).substr(0, 10).c_str(),
                      static_cast<long long>(o.lessons_attended), static_cast<long long>(o.lessons_total));
        return std::string(buf) + (o.refunded_by.empty() ? "" : std::string(" · ") + tr("refund.order_refunded"));
      };
      const Order* sel = s.order(f.order_id);
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(tr("refund.order"));
      ImGui::SameLine();
      ImGui::SetNextItemWidth(std::min(460.0f, ImGui::GetContentRegionAvail().x));
      if (begin_combo("##refund_order", order_label(*sel).c_str())) {
        for (const Order* o : orders)
          if (ImGui::Selectable((order_label(*o) + "###order_" + o->id).c_str(), o->id == f.order_id)) f.order_id = o->id;
        ImGui::EndCombo();
      }
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(tr("refund.reason"));
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fit_px(170));
      enum_combo("##refund_reason", "refund_reason", kRefundReasons, f.reason, false);
      RefundReason reason = kRefundReasons[f.reason];
      bool fault = reason == RefundReason::quality_mismatch || reason == RefundReason::technical_failure;
      if (fault) {
        ImGui::SameLine();
        ImGui::Checkbox(lbl("refund.verified", "refund_verified").c_str(), &f.verified);
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(tr("refund.affected"));
        ImGui::SameLine();
        ImGui::SetNextItemWidth(fit_px(90));
        ImGui::InputInt("##refund_affected", &f.affected);
        f.affected = std::max(0, f.affected);
      }
      // The quote, live: what the policy gives for these facts now.
      RefundDraft d{t.id, f.order_id, reason, fault && f.verified, fault ? f.affected : 0, now};
      RefundFacts facts;
      RefundQuote q;
      Error qe;
      bool ok = preview_refund(s, d, desk_.actor(), facts, q, qe);
      if (ok) {
        ImGui::Text("%s", tr("refund.quote"));
        ImGui::SameLine();
        ImGui::TextColored(ink(0.10f, 0.30f, 0.62f, 1), "%s", format_yuan(q.refund_fen).c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%s · %s v%lld", tr_enum("refund_rule", to_id(q.rule)), tr("refund.policy"),
                            static_cast<long long>(policy.version));
        if (q.needs_approval) {
          ImGui::SameLine();
          ImGui::TextColored(ink(0.80f, 0.45f, 0.00f, 1), tr("refund.needs_approval"),
                             tr_enum("role", to_id(*q.approver_role)));
        }
        // The explanation follows the quote until the agent edits it.
        if (f.explanation.empty() || f.explanation == f.generated) f.explanation = q.explanation;
        f.generated = q.explanation;
        // What the learner will read, wrapped as they will see it; the editor below
        // (ImGui's multiline input does not wrap) is opened on demand.
        ImGui::TextDisabled("%s", tr("refund.explanation"));
        ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.96f, 0.97f, 1.0f, 1));
        ImGui::BeginChild("##explanation_text", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
        ImGui::TextWrapped("%s", f.explanation.c_str());
        ImGui::EndChild();
        ImGui::PopStyleColor();
        if (small_button(lbl(f.editing ? "refund.edit_done" : "refund.edit", "refund_edit").c_str()))
          f.editing = !f.editing;
        if (f.explanation != f.generated) {
          ImGui::SameLine();
          if (small_button(lbl("refund.regenerate", "refund_regenerate").c_str())) f.explanation = f.generated;
        }
        if (f.editing)
          ImGui::InputTextMultiline("##refund_explanation", &f.explanation,
                                    ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * 4.5f));
        ImGui::Checkbox(lbl("refund.send", "refund_send").c_str(), &f.send);
        ImGui::SameLine();
        if (ImGui::Button(lbl("refund.create", "refund_create").c_str())) {
          json cmd{{"type", "refund.quote"},   {"ticket_id", t.id},           {"order_id", f.order_id},
                   {"reason", to_id(reason)},  {"verified", fault && f.verified},
                   {"fault_affected_lessons", fault ? f.affected : 0}, {"explanation", f.explanation},
                   {"send_to_customer", f.send}, {"requested_at", now}};
          submit(cmd, now, &f.error);
          if (f.error.code.empty()) {
            f.explanation.clear();
            f.generated.clear();
            f.editing = false;
          }
        }
      }
      error_line(ok ? f.error : qe);  // why this order cannot be quoted, or why the quote was refused
    }
  }

  // ---- goodwill: a coupon or a course extension, beside or instead of a refund
  if (ImGui::CollapsingHeader(lbl("goodwill.title", "goodwill").c_str())) {
    GoodwillForm& g = goodwill_form_;
    const Authority& a = policy.authority(my_role);
    for (const Goodwill& gw : s.goodwill) {
      if (gw.ticket_id != t.id) continue;
      if (gw.kind == GoodwillKind::coupon)
        ImGui::BulletText(tr("goodwill.coupon_line"), format_yuan(gw.amount_fen).c_str(),
                          format_time(gw.expires_at).substr(0, 10).c_str(), agent_name(s, gw.by).c_str());
      else
        ImGui::BulletText(tr("goodwill.extension_line"), static_cast<long long>(gw.days), agent_name(s, gw.by).c_str());
      if (!gw.note.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", gw.note.c_str());
      }
    }
    ImGui::SetNextItemWidth(fit_px(120));
    enum_combo("##goodwill_kind", "goodwill", kGoodwillKinds, g.kind, false);
    ImGui::SameLine();
    json cmd{{"type", "goodwill.offer"}, {"ticket_id", t.id}, {"kind", to_id(kGoodwillKinds[g.kind])}};
    bool valid = true;
    if (kGoodwillKinds[g.kind] == GoodwillKind::coupon) {
      ImGui::SetNextItemWidth(fit_px(100));
      ImGui::InputTextWithHint("##coupon_yuan", tr("goodwill.amount_hint"), &g.amount);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fit_px(90));
      ImGui::InputInt(lbl("goodwill.valid_days", "coupon_days").c_str(), &g.valid_days);
      g.valid_days = std::clamp(g.valid_days, 1, 365);
      Fen fen = 0;
      valid = parse_yuan(g.amount, fen);
      cmd["amount_fen"] = fen;
      cmd["expires_at"] = now + g.valid_days * kDayMs;
      ImGui::TextDisabled(tr("goodwill.limit_coupon"),
                          a.coupon_limit_fen < 0 ? tr("goodwill.no_limit") : format_yuan(a.coupon_limit_fen).c_str());
    } else {
      ImGui::SetNextItemWidth(fit_px(90));
      ImGui::InputInt(lbl("goodwill.days", "extension_days").c_str(), &g.days);
      g.days = std::clamp(g.days, 1, 3650);
      cmd["days"] = g.days;
      std::string lim = a.extension_limit_days < 0 ? tr("goodwill.no_limit") : std::to_string(a.extension_limit_days);
      ImGui::TextDisabled(tr("goodwill.limit_days"), lim.c_str());
    }
    ImGui::SetNextItemWidth(std::min(300.0f, ImGui::GetContentRegionAvail().x - 90));
    ImGui::InputTextWithHint("##goodwill_note", tr("refund.note_hint"), &g.note);
    if (!g.note.empty()) cmd["note"] = g.note;
    ImGui::SameLine();
    if (ImGui::Button(lbl("goodwill.offer", "goodwill_offer").c_str())) {
      if (!valid) g.error = {"invalid_value", "amount_fen", "not an amount"};
      else submit(cmd, now, &g.error);
      if (g.error.code.empty()) g = GoodwillForm{};
    }
    error_line(g.error);
  }
}

void DeskUi::draw_refunds(Millis now, float width, float height) {
  ImGui::BeginChild("##refunds", ImVec2(width, height), false);
  const State& s = desk_.state();
  const Agent* me = s.agent(desk_.actor());
  Role my_role = me ? me->role : Role::tech_support;
  ImGui::Checkbox(lbl("refunds.awaiting_me", "refunds_awaiting_me").c_str(), &refunds_awaiting_me_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fit_px(180));
  enum_combo("##refund_status_filter", "refund_status", kRefundStatuses, refunds_status_, true, tr("field.status"));
  ImGui::SameLine();
  char pol[128];
  std::snprintf(pol, sizeof pol, tr("refunds.policy_button"), static_cast<long long>(s.current_policy().version));
  if (ImGui::Button((std::string(pol) + "###policy_open").c_str())) {
    policy_draft_ = s.current_policy();
    policy_error_ = {};
    policy_open_ = true;
  }

  std::vector<const Refund*> rows;
  for (const Refund& r : s.refunds) {
    if (refunds_awaiting_me_ && !awaits_role(r, my_role)) continue;
    if (refunds_status_ >= 0 && r.status != kRefundStatuses[refunds_status_]) continue;
    rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [](const Refund* a, const Refund* b) { return a->updated_at > b->updated_at; });
  Fen total = 0;
  for (const Refund* r : rows) total += r->refund_fen;
  char sum[160];
  std::snprintf(sum, sizeof sum, tr("refunds.summary"), static_cast<long long>(rows.size()), format_yuan(total).c_str());
  ImGui::TextDisabled("%s", sum);

  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH |
                          ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##refund_table", 7, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr("field.number"), ImGuiTableColumnFlags_WidthFixed, em_px(64));
    ImGui::TableSetupColumn(tr("field.customer"), 0, 1.0f);
    ImGui::TableSetupColumn(tr("field.course"), 0, 1.6f);
    ImGui::TableSetupColumn(tr("refund.amount"), ImGuiTableColumnFlags_WidthFixed, em_px(96));
    ImGui::TableSetupColumn(tr("refund.rule"), 0, 1.0f);
    ImGui::TableSetupColumn(tr("field.status"), 0, 1.2f);
    ImGui::TableSetupColumn(tr("refund.updated"), ImGuiTableColumnFlags_WidthFixed, em_px(80));
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(rows.size()));
    while (clip.Step()) {
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const Refund& r = *rows[static_cast<size_t>(i)];
        const Ticket* t = s.ticket(r.ticket_id);
        const Customer* c = s.customer(r.customer_id);
        const Course* k = s.course(r.course_id);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        std::string row_label = "#" + std::to_string(t ? t->number : 0) + "###refund_row_" + r.id;
        if (ImGui::Selectable(row_label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, row_height())) && t) {
          selected_ = t->id;
          view_ = View::tickets;
          open_refund_tab_ = true;
        }
        widgets_note_last(row_label.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c ? c->name.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k ? k->name.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_yuan(r.refund_fen).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr_enum("refund_rule", to_id(r.rule)));
        ImGui::TableNextColumn();
        ImGui::TextColored(refund_color(r.status), "%s", status_text(r));
        if (r.status == RefundStatus::awaiting_approval) {
          ImGui::SameLine();
          ImGui::TextDisabled("→ %s", tr_enum("role", r.approver_role.c_str()));
        }
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", format_age(now - r.updated_at).c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  draw_policy_editor(now);
}

void DeskUi::draw_policy_editor(Millis now) {
  if (policy_open_) ImGui::OpenPopup("###policy_editor");
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, ImGui::GetIO().DisplaySize.x - 20), 0), ImGuiCond_Always);
  bool keep = true;
  if (!ImGui::BeginPopupModal((std::string(tr("policy.title")) + "###policy_editor").c_str(), &keep,
                              ImGuiWindowFlags_NoSavedSettings)) {
    policy_open_ = false;
    return;
  }
  const State& s = desk_.state();
  const Agent* me = s.agent(desk_.actor());
  bool supervisor = me && me->role == Role::supervisor;
  RefundPolicy& p = policy_draft_;
  ImGui::TextDisabled(tr("policy.version"), static_cast<long long>(s.current_policy().version));
  if (!supervisor) ImGui::TextColored(ink(0.80f, 0.45f, 0.00f, 1), "%s", tr("policy.read_only"));
  ImGui::BeginDisabled(!supervisor);
  int hours = static_cast<int>(p.cooling_off_hours), lessons = static_cast<int>(p.cooling_off_max_lessons);
  int offset_h = static_cast<int>(p.utc_offset_minutes / 60);
  ImGui::SetNextItemWidth(fit_px(120));
  if (ImGui::InputInt(lbl("policy.cooling_hours", "policy_hours").c_str(), &hours)) p.cooling_off_hours = std::max(0, hours);
  ImGui::SetNextItemWidth(fit_px(120));
  if (ImGui::InputInt(lbl("policy.cooling_lessons", "policy_lessons").c_str(), &lessons))
    p.cooling_off_max_lessons = std::max(0, lessons);
  ImGui::SetNextItemWidth(fit_px(120));
  if (ImGui::InputInt(lbl("policy.utc_offset", "policy_offset").c_str(), &offset_h))
    p.utc_offset_minutes = std::clamp(offset_h, -12, 14) * 60;
  if (ImGui::BeginTable("##authority", 5, ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn(tr("field.role"));
    ImGui::TableSetupColumn(tr("policy.refund_limit"));
    ImGui::TableSetupColumn(tr("policy.any_rule"));
    ImGui::TableSetupColumn(tr("policy.coupon_limit"));
    ImGui::TableSetupColumn(tr("policy.extension_limit"));
    ImGui::TableHeadersRow();
    std::pair<Role, Authority*> rows[] = {
        {Role::junior, &p.junior}, {Role::mid, &p.mid}, {Role::senior, &p.senior}, {Role::supervisor, &p.supervisor}};
    for (auto& [role, a] : rows) {
      ImGui::PushID(to_id(role));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(tr_enum("role", to_id(role)));
      // Limits in yuan; empty = without limit.
      auto money = [&](const char* id, Fen& v) {
        std::string text = v < 0 ? "" : format_yuan(v);
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputTextWithHint(id, tr("policy.unlimited"), &text)) {
          Fen f = 0;
          if (text.empty()) v = -1;
          else if (parse_yuan(text, f)) v = f;
        }
      };
      ImGui::TableNextColumn();
      money("##refund_limit", a->refund_limit_fen);
      ImGui::TableNextColumn();
      ImGui::Checkbox("##any_rule", &a->any_rule);
      ImGui::TableNextColumn();
      money("##coupon_limit", a->coupon_limit_fen);
      ImGui::TableNextColumn();
      std::string days = a->extension_limit_days < 0 ? "" : std::to_string(a->extension_limit_days);
      ImGui::SetNextItemWidth(-1);
      if (ImGui::InputTextWithHint("##ext_days", tr("policy.unlimited"), &days, ImGuiInputTextFlags_CharsDecimal)) {
        if (days.empty()) a->extension_limit_days = -1;
        else if (days.size() <= 4 && days.find_first_not_of("0123456789") == std::string::npos)
          a->extension_limit_days = std::stoll(days);
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndDisabled();
  error_line(policy_error_);
  if (supervisor) {
    // policy.set reads the fields it knows; the draft's id and version are the command's to set.
    if (ImGui::Button(lbl("policy.save", "policy_save").c_str())) {
      submit({{"type", "policy.set"}, {"policy", policy_to_json(p)}}, now, &policy_error_);
      if (policy_error_.code.empty()) keep = false;
    }
    ImGui::SameLine();
  }
  if (ImGui::Button(lbl("new.cancel", "policy_cancel").c_str()) || ImGui::IsKeyPressed(ImGuiKey_Escape)) keep = false;
  if (!keep) {
    policy_open_ = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace edudesk::ui
