// [SECTION] fonts and theme  [SECTION] frame layout  [SECTION] top bar and status
#include "ui/desk_ui.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app/i18n.h"
#include "imgui.h"
#include "imgui_internal.h"  // the text field being edited: characters typed, not yet in an Op
#include "ui/widget_registry.h"
#include "ui/widgets.h"

namespace edudesk::ui {

// [SECTION] fonts and theme -------------------------------------------------------------
bool DeskUi::prepare_fonts(float dpr) {
  note_glyph_demand();
  if (!fonts_dirty_ && dpr == font_dpr_) return false;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = cfg.OversampleV = 1;  // CJK glyphs are dense: oversampling only grows the atlas
  cfg.PixelSnapH = true;
  const float px = kFontPx * static_cast<float>(text_percent_) / 100.0f;  // the larger-text setting
  cfg.SizePixels = px * dpr;
  io.Fonts->TexDesiredWidth = 4096;
  io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  if (!cjk_font_.empty()) {
    cfg.FontDataOwnedByAtlas = false;  // the bytes stay in cjk_font_ and the chunks
    static const ImWchar ranges[] = {0x0020, 0xFFEF, 0};  // glyphs the subset lacks are skipped
    io.Fonts->AddFontFromMemoryTTF(cjk_font_.data(), static_cast<int>(cjk_font_.size()), px * dpr, &cfg, ranges);
    // the chunks fetched for the data's rarer characters, merged into the same font
    static_assert(sizeof(ImWchar) == sizeof(uint32_t), "rare surnames live beyond U+FFFF: IMGUI_USE_WCHAR32");
    ImFontConfig more = cfg;
    more.MergeMode = true;
    for (auto& [block, c] : glyph_chunks_) {
      if (c.stage != GlyphChunk::Stage::loaded || c.wanted.empty()) continue;
      std::sort(c.wanted.begin(), c.wanted.end());
      c.ranges.clear();
      for (uint32_t cp : c.wanted) {
        if (!c.ranges.empty() && c.ranges.back() + 1 == cp) c.ranges.back() = cp;
        else c.ranges.insert(c.ranges.end(), {cp, cp});
      }
      c.ranges.push_back(0);
      io.Fonts->AddFontFromMemoryTTF(c.otf.data(), static_cast<int>(c.otf.size()), px * dpr, &more,
                                     reinterpret_cast<const ImWchar*>(c.ranges.data()));
    }
  } else {
    io.Fonts->AddFontDefault(&cfg);  // Latin only, until the CJK font has arrived
  }
  io.Fonts->Build();
  io.FontGlobalScale = 1.0f / dpr;  // layout in CSS pixels, glyphs rasterised at device pixels
  fonts_dirty_ = false;
  font_dpr_ = dpr;
  atlas_has_cjk_ = !cjk_font_.empty();
  if (atlas_has_cjk_ && !glyphs_pending_.empty()) frames_wanted_ = std::max(frames_wanted_, 1);  // check them next
  return true;
}

// The characters the data and the agent's typing brought since the last frame, checked
// against the atlas once it holds the CJK font: a missing one asks for its block's chunk.
void DeskUi::note_glyph_demand() {
  TextCodepoints& text = desk_.text_codepoints();
  // What is being typed or pasted is not in an Op yet: the text field, when it was just edited.
  if (ImGui::GetCurrentContext()) {
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    if (g.InputTextState.ID != 0 && g.InputTextState.ID == g.ActiveId && g.InputTextState.Edited)
      for (int i = 0; i < g.InputTextState.CurLenW && i < g.InputTextState.TextW.Size; ++i)
        text.note_codepoint(static_cast<uint32_t>(g.InputTextState.TextW[i]));
  }
  std::vector<uint32_t> fresh = text.take_new();
  glyphs_pending_.insert(glyphs_pending_.end(), fresh.begin(), fresh.end());
  if (!atlas_has_cjk_ || glyphs_pending_.empty()) return;
  const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  if (!font) return;
  for (uint32_t cp : glyphs_pending_) {
    if (cp < 0x20 || font->FindGlyphNoFallback(static_cast<ImWchar>(cp))) continue;
    const uint32_t block = cp >> 8;
    auto [it, added] = glyph_chunks_.try_emplace(block);
    GlyphChunk& c = it->second;
    c.wanted.push_back(cp);
    if (added) {
      if (on_fetch_glyphs) on_fetch_glyphs(block);
    } else if (c.stage == GlyphChunk::Stage::loaded) {
      fonts_dirty_ = true;  // its chunk is here: bake the new character in
    }
  }
  glyphs_pending_.clear();
}

void DeskUi::glyphs_arrived(uint32_t block, std::vector<unsigned char> otf) {
  GlyphChunk& c = glyph_chunks_[block];
  c.stage = GlyphChunk::Stage::loaded;
  c.otf = std::move(otf);
  fonts_dirty_ = true;
}

void DeskUi::glyphs_absent(uint32_t block) { glyph_chunks_[block].stage = GlyphChunk::Stage::absent; }

nlohmann::json DeskUi::glyph_status(const std::string& utf8) const {
  nlohmann::json missing = nlohmann::json::array(), chunks = nlohmann::json::object();
  const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  TextCodepoints probe;
  probe.note(std::string_view(utf8));
  for (uint32_t cp : probe.take_new())
    if (!font || !atlas_has_cjk_ || !font->FindGlyphNoFallback(static_cast<ImWchar>(cp))) missing.push_back(cp);
  static const char* const kStage[] = {"fetching", "loaded", "absent"};
  for (const auto& [block, c] : glyph_chunks_)
    chunks[std::to_string(block)] = {{"stage", kStage[static_cast<int>(c.stage)]}, {"chars", c.wanted.size()}, {"bytes", c.otf.size()}};
  return {{"ok", true}, {"cjk_font", atlas_has_cjk_}, {"missing", missing}, {"chunks", chunks},
          {"seen", desk_.text_codepoints().size()}, {"glyphs", font ? font->Glyphs.Size : 0}};
}

void DeskUi::set_a11y(int text_percent, bool high_contrast) {
  text_percent = text_percent >= 150 ? 150 : text_percent >= 125 ? 125 : 100;
  if (text_percent != text_percent_) fonts_dirty_ = true;  // the atlas is baked at the new size
  text_percent_ = text_percent;
  high_contrast_ = high_contrast;
  style_dirty_ = true;
}

// The theme, then the sizes: scaled with the text, and tall enough to tap on a phone.
void DeskUi::apply_theme() {
  ImGuiStyle& s = ImGui::GetStyle();
  s = ImGuiStyle();  // sizes from scratch: ScaleAllSizes below must not compound
  ImGui::StyleColorsLight(&s);
  s.WindowRounding = 0;
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.PopupRounding = 6;
  s.ChildRounding = 6;
  s.FramePadding = ImVec2(8, 5);
  s.ItemSpacing = ImVec2(8, 7);
  s.CellPadding = ImVec2(6, 5);
  s.WindowPadding = ImVec2(12, 10);
  s.ScrollbarSize = 12;
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.98f, 1);
  c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_Button] = ImVec4(0.16f, 0.45f, 0.86f, 1);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.22f, 0.52f, 0.92f, 1);
  c[ImGuiCol_ButtonActive] = ImVec4(0.10f, 0.36f, 0.74f, 1);
  c[ImGuiCol_Header] = ImVec4(0.80f, 0.88f, 0.99f, 1);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.88f, 0.93f, 1.00f, 1);
  c[ImGuiCol_HeaderActive] = ImVec4(0.72f, 0.83f, 0.98f, 1);
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.93f, 0.94f, 0.96f, 1);
  c[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_Border] = ImVec4(0.82f, 0.84f, 0.88f, 1);
  s.FrameBorderSize = 1;
  // Keyboard focus (Tab, arrows) is drawn as a thick rectangle that stands out on white and on
  // the blue buttons alike.
  c[ImGuiCol_NavHighlight] = ImVec4(0.93f, 0.42f, 0.00f, 1);
  if (high_contrast_) {
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1);
    for (int i = 0; i < ImGuiCol_COUNT; ++i) c[i] = white;
    c[ImGuiCol_Text] = black;
    c[ImGuiCol_TextDisabled] = ImVec4(0.20f, 0.20f, 0.20f, 1);
    c[ImGuiCol_Border] = black;
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBgHovered] = c[ImGuiCol_ButtonHovered] = c[ImGuiCol_HeaderHovered] = c[ImGuiCol_TabHovered] =
        ImVec4(1.00f, 0.93f, 0.55f, 1);  // hover: pale yellow under black text
    c[ImGuiCol_FrameBgActive] = c[ImGuiCol_ButtonActive] = c[ImGuiCol_HeaderActive] = ImVec4(1.00f, 0.85f, 0.25f, 1);
    c[ImGuiCol_Header] = c[ImGuiCol_TabActive] = c[ImGuiCol_TabUnfocusedActive] = ImVec4(0.78f, 0.87f, 1.00f, 1);
    c[ImGuiCol_CheckMark] = c[ImGuiCol_SliderGrab] = c[ImGuiCol_SliderGrabActive] = black;
    c[ImGuiCol_ScrollbarBg] = ImVec4(0.92f, 0.92f, 0.92f, 1);
    c[ImGuiCol_ScrollbarGrab] = c[ImGuiCol_ScrollbarGrabHovered] = c[ImGuiCol_ScrollbarGrabActive] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    c[ImGuiCol_Separator] = c[ImGuiCol_SeparatorHovered] = c[ImGuiCol_SeparatorActive] = black;
    c[ImGuiCol_TableBorderStrong] = c[ImGuiCol_TableBorderLight] = black;
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.88f, 0.88f, 0.88f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(0.95f, 0.95f, 0.95f, 1);
    c[ImGuiCol_TextSelectedBg] = ImVec4(1.00f, 0.85f, 0.25f, 1);
    c[ImGuiCol_PlotLines] = c[ImGuiCol_PlotHistogram] = black;
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.45f);
    c[ImGuiCol_NavWindowingDimBg] = ImVec4(0, 0, 0, 0.2f);
    c[ImGuiCol_NavHighlight] = ImVec4(0.85f, 0.00f, 0.55f, 1);  // magenta: unlike anything else here
    c[ImGuiCol_NavWindowingHighlight] = c[ImGuiCol_DragDropTarget] = c[ImGuiCol_NavHighlight];
    s.FrameBorderSize = 2;
    s.ChildBorderSize = s.PopupBorderSize = 2;
    s.TabBorderSize = 1;
  }
  const float scale = static_cast<float>(text_percent_) / 100.0f;
  if (scale != 1.0f) s.ScaleAllSizes(scale);
  if (touch_) {
    // A frame (button, combo, field, checkbox, radio, tab) is the font plus twice FramePadding.y;
    // table rows are sized where they are drawn (kTapTarget).
    s.FramePadding.y = std::max(s.FramePadding.y, std::ceil((kTapTarget - kFontPx * scale) / 2));
    s.ScrollbarSize = std::max(s.ScrollbarSize, 16.0f);
  }
}

// [SECTION] frame layout ----------------------------------------------------------------
void DeskUi::draw(Millis now) {
  ImGuiIO& io = ImGui::GetIO();
  const bool touch = io.DisplaySize.x < 700;  // the one-column layout's width
  if (touch != touch_ || style_dirty_) {
    touch_ = touch;
    set_touch_layout(touch);
    set_high_contrast_inks(high_contrast_);
    apply_theme();
    style_dirty_ = false;
  }
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("edudesk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  draw_top_bar(now);
  if (learner_mode_) {
    if (portal_mode_) draw_portal(now);
    else draw_learner(now);
    ImGui::End();
    return;
  }
  if (phase_ != Phase::ready && phase_ != Phase::arriving) {
    ImGui::Dummy(ImVec2(0, 40));
    const char* key = phase_ == Phase::starting ? "phase.starting" : "phase.storage_failed";
    ImGui::TextWrapped("%s", tr(key));
    if (!phase_message_.empty()) ImGui::TextDisabled("%s", phase_message_.c_str());
    ImGui::End();
    return;
  }
  draw_status_line(now);
  if (phase_ == Phase::ready) run_sla_rule(now);  // its escalations are decided on the whole State
  handle_shortcuts(now);
  draw_view_switch(now);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  one_column_ = avail.x < 700;
  // While the stored desk arrives, only the inbox and the tickets are shown: the other views are
  // built on what comes after the tickets (refunds, survey sends and responses, tasks) or on all
  // of it (the dashboard, the incidents' passes over every ticket), so they wait for the whole.
  if (view_ == View::dashboard && (selected_.empty() || !desk_.state().ticket(selected_))) {
    if (whole_or_note()) draw_dashboard(now, avail.x, avail.y);  // the whole width: a ticket opened from it leaves it
  } else {
  auto draw_list = [&](float w, float h) {
    if (view_ != View::tickets && phase_ != Phase::ready) {
      ImGui::BeginChild("##arriving", ImVec2(w, h));
      whole_or_note();
      ImGui::EndChild();
    } else if (view_ == View::refunds) draw_refunds(now, w, h);
    else if (view_ == View::surveys) draw_surveys(now, w, h);
    else if (view_ == View::tasks) draw_tasks(now, w, h);
    else if (view_ == View::incidents) draw_incidents(now, w, h);
    else draw_inbox(now, w, h);
  };
  if (one_column_) {
    if (selected_.empty() || !desk_.state().ticket(selected_)) draw_list(avail.x, avail.y);
    else draw_ticket(now, avail.x, avail.y);
  } else {
    float list_w = std::max(420.0f, avail.x * 0.56f);
    draw_list(list_w, avail.y);
    ImGui::SameLine();
    draw_ticket(now, avail.x - list_w - ImGui::GetStyle().ItemSpacing.x, avail.y);
  }
  }
  draw_new_ticket(now);
  ImGui::End();

  // The address bar follows the open ticket, so the back button and links work.
  // A link to a ticket that has not arrived yet waits for it, unless the person
  // opens something else first.
  if (!pending_route_.empty()) {
    if (!selected_.empty()) pending_route_.clear();
    else if (desk_.state().revision != pending_revision_) navigate(pending_route_);  // only when data changed
  }
  const Ticket* open = selected_.empty() ? nullptr : desk_.state().ticket(selected_);
  std::string route = open                       ? "#/ticket/" + std::to_string(open->number)
                      : view_ == View::refunds ? "#/refunds"
                      : view_ == View::surveys ? "#/surveys"
                      : view_ == View::tasks   ? "#/tasks"
                      : view_ == View::incidents ? "#/incidents"
                      : view_ == View::dashboard ? "#/dashboard"
                                               : "#/";
  if (route != route_ && pending_route_.empty()) {
    route_ = route;
    if (on_navigate) on_navigate(route);
  }
}

bool DeskUi::whole_or_note() {
  if (phase_ == Phase::ready) return true;
  ImGui::Dummy(ImVec2(0, ImGui::GetTextLineHeight()));
  ImGui::TextWrapped("%s", tr("phase.arriving_view"));
  return false;
}

void DeskUi::navigate(std::string route) {
  const std::string prefix = "#/ticket/";
  pending_route_.clear();
  if (route.rfind(prefix, 0) == 0) {
    const Ticket* t = nullptr;
    char* end = nullptr;
    long long number = std::strtoll(route.c_str() + prefix.size(), &end, 10);
    if (end && *end == 0) t = desk_.state().ticket_by_number(number);
    if (!t) {
      pending_route_ = route;  // not here (yet): a pull may still bring it
      pending_revision_ = desk_.state().revision;
      return;
    }
    selected_ = t->id;
  } else {
    selected_.clear();
    view_ = route == "#/refunds"     ? View::refunds
            : route == "#/surveys"   ? View::surveys
            : route == "#/tasks"     ? View::tasks
            : route == "#/incidents" ? View::incidents
            : route == "#/dashboard" ? View::dashboard
                                     : View::tickets;
  }
  route_ = route;
}

Submitted DeskUi::submit(const nlohmann::json& cmd, Millis now, Error* error_out) {
  Submitted s = desk_.submit(cmd, now);
  if (error_out) *error_out = s.ok ? Error{} : s.error;
  if (s.ok) {
    last_batch_ = s.batch;
    rows_dirty_ = true;
  }
  return s;
}

// [SECTION] top bar and status ----------------------------------------------------------
// Tickets or refunds on the left; the refunds tab counts what waits for my approval.
void DeskUi::draw_view_switch(Millis now) {
  const State& s = desk_.state();
  const Agent* me = s.agent(desk_.actor());
  int waiting = 0;
  for (const Refund& r : s.refunds)
    if (me && awaits_role(r, me->role)) ++waiting;
  std::string refunds = std::string(tr("view.refunds")) + (waiting ? " (" + std::to_string(waiting) + ")" : "");
  if (view_tab(lbl("view.tickets", "view_tickets"), view_ == View::tickets, true)) view_ = View::tickets;
  if (view_tab(refunds + "###view_refunds", view_ == View::refunds, false)) {
    view_ = View::refunds;
    refunds_awaiting_me_ = waiting > 0;
  }
  if (view_tab(lbl("view.surveys", "view_surveys"), view_ == View::surveys, false)) view_ = View::surveys;
  // My open tasks due by now, on the tab; incidents with the open ones and suggestions. (Not
  // while the stored desk arrives: a pass over every ticket each slice, and its positions move.)
  if (phase_ == Phase::ready) refresh_workday(now);
  const int due = workday_.my_tasks;
  std::string tasks = std::string(tr("view.tasks")) + (due ? " (" + std::to_string(due) + ")" : "") + "###view_tasks";
  if (view_tab(tasks, view_ == View::tasks, false)) view_ = View::tasks;
  const int open_incidents = workday_.open_incidents;
  std::string incidents = std::string(tr("view.incidents")) + (open_incidents ? " (" + std::to_string(open_incidents) + ")" : "") + "###view_incidents";
  if (view_tab(incidents, view_ == View::incidents, false)) view_ = View::incidents;
  if (view_tab(lbl("view.dashboard", "view_dashboard"), view_ == View::dashboard, false)) {
    view_ = View::dashboard;
    selected_.clear();
  }
}

void DeskUi::draw_top_bar(Millis now) {
  ImGui::PushStyleColor(ImGuiCol_Text, high_contrast_ ? ImVec4(0, 0, 0, 1) : ImVec4(0.10f, 0.30f, 0.62f, 1));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("app.title"));
  ImGui::PopStyleColor();
  const char* lang_names[] = {"简体中文", "繁體中文", "English"};  // i18n-ok: each language named in itself
  const float scale = static_cast<float>(text_percent_) / 100.0f;
  char a11y_preview[64];
  std::snprintf(a11y_preview, sizeof a11y_preview, tr("a11y.preview"), text_percent_);
  const float a11y_w = ImGui::CalcTextSize(a11y_preview).x + ImGui::GetFrameHeight() + 20;
  float combo_w = 120 * scale + a11y_w + ImGui::GetStyle().ItemSpacing.x;  // language and display settings
  const Agent* me = desk_.state().agent(desk_.actor());
  std::string who = me ? std::string(me->name) + " · " + tr_enum("role", to_id(me->role)) : std::string();
  float who_w = ImGui::CalcTextSize(who.c_str()).x;
  const bool practice_button = !practice_ && !learner_mode_ && phase_ == Phase::ready;
  if (practice_button) who_w += ImGui::CalcTextSize(tr("practice.enter")).x + 24;  // the button sits with the name
  float right_w = combo_w + who_w + 40;
  float title_end = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  float subtitle_w = ImGui::CalcTextSize(tr("app.subtitle")).x + 16;
  if (title_end + subtitle_w + right_w < ImGui::GetWindowWidth()) {  // the subtitle only where it fits
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("app.subtitle"));
  }
  if (title_end + right_w > ImGui::GetWindowWidth()) who.clear();  // a phone: the language switch is enough
  // Beside the title when they fit; else (a phone with larger text) on the next line, whole.
  if (title_end + 20 + combo_w <= ImGui::GetWindowWidth() - ImGui::GetStyle().WindowPadding.x)
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - combo_w - (who.empty() ? 0 : who_w) - 40));
  if (!who.empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(who.c_str());
    ImGui::SameLine();
  }
  if (practice_button && !who.empty()) {
    if (small_button(lbl("practice.enter", "practice_enter").c_str()) && on_practice) on_practice(true);
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(120 * scale);
  int lang = static_cast<int>(current_lang());
  if (begin_combo("##language", lang_names[lang])) {
    for (int i = 0; i < 3; ++i) {
      ImGui::PushID(i);
      if (ImGui::Selectable(lang_names[i], lang == i) && lang != i) {
        set_lang(kLangs[i]);
        if (on_lang_changed) on_lang_changed(kLangs[i]);
      }
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  // Larger text and the high-contrast theme, remembered by the platform like the language.
  ImGui::SameLine();
  ImGui::SetNextItemWidth(a11y_w);
  if (begin_combo("##a11y", a11y_preview)) {
    ImGui::TextDisabled("%s", tr("a11y.text_size"));
    int percent = text_percent_;
    bool contrast = high_contrast_;
    for (int p : {100, 125, 150}) {
      std::string item = std::to_string(p) + "%###a11y_size_" + std::to_string(p);
      if (ImGui::Selectable(item.c_str(), percent == p)) percent = p;
      if (percent == p) widgets_mark_checked();
    }
    ImGui::Separator();
    ImGui::Checkbox(lbl("a11y.high_contrast", "a11y_contrast").c_str(), &contrast);
    if (percent != text_percent_ || contrast != high_contrast_) {
      set_a11y(percent, contrast);
      frames_wanted_ = std::max(frames_wanted_, 2);  // the atlas and the sizes change on the next frame
      if (on_a11y_changed) on_a11y_changed(text_percent_, high_contrast_);
    }
    ImGui::EndCombo();
  }
  (void)now;
  ImGui::Separator();
}

void DeskUi::draw_status_line(Millis now) {
  if (phase_ == Phase::arriving) {
    // The newest tickets are shown while the rest of the stored desk loads: said on every screen.
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.10f, 0.40f, 0.80f, 1));
    ImGui::TextWrapped(tr("phase.arriving"), phase_message_.c_str());
    ImGui::PopStyleColor();
  }
  if (practice_) {
    // On every screen: this is a sandbox, nothing leaves this browser.
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.93f, 0.90f, 1.0f, 1));
    ImGui::BeginChild("##practice", ImVec2(0, ImGui::GetFrameHeight() * 1.9f), true, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.35f, 0.15f, 0.65f, 1));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("practice.banner"));
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (small_button(lbl("practice.leave", "practice_leave").c_str()) && on_practice) on_practice(false);
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  if (wiped_) {
    // Detected, said plainly, and nothing of the server's desk was overwritten.
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.95f, 0.85f, 1));
    ImGui::BeginChild("##wiped", ImVec2(0, ImGui::GetFrameHeight() * 2.2f), true);
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.55f, 0.30f, 0.0f, 1));
    ImGui::TextWrapped(tr("storage.wiped"), static_cast<long long>(wiped_lost_));
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button(lbl("storage.wiped_ok", "wiped_ok").c_str())) wiped_ = false;
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }
  if (update_available_) {
    // Offered, never forced: a reload mid-edit would lose a draft.
    ImGui::TextColored(ink(0.10f, 0.40f, 0.80f, 1), "%s", tr("update.available"));
    ImGui::SameLine();
    if (small_button(lbl("update.reload", "reload_update").c_str()) && on_update) on_update();
  }
  draw_sync_state(now);
  // Durable before visible: "saved" only once the store has confirmed every batch.
  if (!desk_.storage_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1.0f, 0.93f, 0.90f, 1));
    ImGui::BeginChild("##storage_error", ImVec2(0, ImGui::GetFrameHeight() * 2.2f), true);
    ImGui::PushStyleColor(ImGuiCol_Text, ink(0.70f, 0.10f, 0.10f, 1));
    std::string key = "storage." + desk_.storage_error();
    ImGui::TextWrapped(tr("storage.failed"), static_cast<long long>(desk_.pending_count()),
                       has_key(key.c_str()) ? tr(key.c_str()) : desk_.storage_error().c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button(lbl("storage.retry", "retry_storage").c_str())) desk_.retry_failed();
    ImGui::EndChild();
    ImGui::PopStyleColor();
  } else {
    const bool saving = desk_.pending_count() > 0;
    const char* text = tr(saving ? "storage.saving" : last_batch_ > 0 ? "storage.saved" : "storage.local");
    const ImVec4 color = saving            ? ImVec4(0.75f, 0.45f, 0.05f, 1)
                         : last_batch_ > 0 ? ImVec4(0.15f, 0.55f, 0.25f, 1)
                                           : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
    same_line_if_fits(ImGui::CalcTextSize(text).x + 24);  // on a phone it wraps rather than being cut off
    ImGui::TextColored(ink(color), "%s", text);
  }
}

// Online or not, when the server last had everything, what waits, what went wrong.
void DeskUi::draw_sync_state(Millis now) {
  if (!sync_) return;
  const SyncStatus& st = sync_->status();
  bool trouble = !st.last_error.empty() && st.last_error != "offline";
  ImVec4 dot = !st.online || st.last_error == "offline" ? ImVec4(0.55f, 0.55f, 0.55f, 1)
               : trouble                                ? ImVec4(0.85f, 0.35f, 0.05f, 1)
                                                        : ImVec4(0.15f, 0.60f, 0.25f, 1);
  ImVec2 p = ImGui::GetCursorScreenPos();
  float r = ImGui::GetTextLineHeight() * 0.28f;
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + ImGui::GetTextLineHeight() * 0.55f), r,
                                              ImGui::GetColorU32(dot));
  ImGui::Dummy(ImVec2(r * 2 + 4, ImGui::GetTextLineHeight()));
  ImGui::SameLine();
  std::string text = !st.online || st.last_error == "offline" ? tr("sync.offline") : tr("sync.online");
  if (st.last_success > 0) text += std::string(" · ") + tr("sync.last") + " " + format_time(st.last_success).substr(11);
  if (st.pending > 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, tr("sync.pending"), static_cast<long long>(st.pending));
    text += std::string(" · ") + buf;
  }
  if (trouble) {
    std::string key = "sync.error." + st.last_error;
    text += std::string(" · ") + (has_key(key.c_str()) ? tr(key.c_str()) : st.last_error.c_str());
  }
  if (storage_quota_ > 0) {  // how much of the browser's quota the desk uses
    char buf[128];
    std::snprintf(buf, sizeof buf, tr("sync.storage"), storage_usage_ / 1048576.0, storage_quota_ / 1048576.0);
    text += std::string(" · ") + buf;
  }
  ImGui::TextWrapped("%s", text.c_str());  // a phone with larger text: on two lines, not cut off
  // on the same line while they fit (a phone at 125 % text puts them on the next)
  const std::string sync_now = lbl("sync.now", "sync_now");
  same_line_if_fits(ImGui::CalcTextSize(sync_now.c_str(), nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2);
  if (small_button(sync_now.c_str())) sync_->sync_now(now);
  if (st.rejected > 0) {
    char buf[128];
    std::snprintf(buf, sizeof buf, tr("sync.rejected"), static_cast<long long>(st.rejected));
    same_line_if_fits(ImGui::CalcTextSize(buf).x);
    ImGui::TextColored(ink(0.78f, 0.12f, 0.12f, 1), "%s", buf);
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      for (const Desk::RejectedOp& r : desk_.rejected()) {
        std::string key = "rejected." + r.code;  // the reason in the agent's language, the server's words after
        ImGui::Text("%s  %s  %s", format_time(r.op.at).c_str(), has_key(key.c_str()) ? tr(key.c_str()) : r.code.c_str(),
                    r.reason.c_str());
      }
      ImGui::EndTooltip();
    }
  }
}

}  // namespace edudesk::ui
