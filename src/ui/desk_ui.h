#pragma once
// The desk's ImGui interface. It reads the State through the Desk and changes it
// only by submitting Commands; it holds nothing but view state (filters, drafts).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/desk.h"
#include "app/i18n.h"
#include "app/sync_driver.h"
#include "core/classify.h"
#include "core/dashboard.h"
#include "core/report.h"
#include "core/query.h"
#include "core/refunds.h"
#include "core/surveys.h"
#include "core/ticket_search.h"
#include "core/workflow.h"

struct ImFont;

namespace edudesk::ui {

// starting: the loading screen; arriving: the stored desk is drawn while the rest of it loads
// (Desk::loading: nothing can be changed yet); ready: everything is in.
enum class Phase { starting, arriving, ready, storage_failed };

class DeskUi {
 public:
  explicit DeskUi(Desk& desk) : desk_(desk) {}

  void set_phase(Phase p, std::string message = {}) { phase_ = p; phase_message_ = std::move(message); }
  Phase phase() const { return phase_; }

  // Fonts: the CJK font arrives after the first frame; the atlas is rebuilt at the
  // device-pixel ratio so text is crisp. Call before ImGui::NewFrame; returns true
  // when the renderer must re-upload the font texture.
  void set_cjk_font(std::vector<unsigned char> otf) { cjk_font_ = std::move(otf); fonts_dirty_ = true; }
  bool has_cjk_font() const { return !cjk_font_.empty(); }
  bool prepare_fonts(float dpr);
  // Glyphs on demand: the base font holds the common characters; when the data (or what the
  // agent types or pastes) holds one it lacks, the chunk of the face with that character's
  // block of 256 code points is fetched (on_fetch_glyphs: fonts/more/XXXX.otf) and merged into
  // the atlas, with only the characters seen. A block the face does not have is not asked again.
  std::function<void(uint32_t block)> on_fetch_glyphs;
  void glyphs_arrived(uint32_t block, std::vector<unsigned char> otf);
  void glyphs_absent(uint32_t block);
  // For the page API: the characters of `utf8` the atlas has no glyph for, and the chunks.
  nlohmann::json glyph_status(const std::string& utf8) const;

  void apply_theme();
  void draw(Millis now);
  // Frames a view needs drawn beyond the input's (e.g. scroll, then focus); the
  // platform asks for them after each frame. Redraw stays on demand otherwise.
  int take_frames_wanted() {
    int n = frames_wanted_;
    frames_wanted_ = 0;
    return n;
  }

  void set_sync(SyncDriver* driver) { sync_ = driver; }
  void set_storage_estimate(double usage, double quota) { storage_usage_ = usage; storage_quota_ = quota; }
  // A new version of the app waits; `on_update` is called when the agent chooses it.
  void set_update_available() { update_available_ = true; }
  std::function<void()> on_update;

  // The browser wiped this desk's store; `lost` changes had not reached the server.
  void set_store_wiped(int64_t lost) { wiped_ = true; wiped_lost_ = lost; }

  // Learner mode (issue 5): the page of a survey link shows only that survey, filled in by
  // the learner; no desk data. The platform hands over the opened survey and the state of
  // the answer ("opened", "saved", "sent", "refused", "offline_first").
  void set_learner_mode() { learner_mode_ = true; }
  // Practice mode (情景模拟): a local sandbox; a banner on every screen says nothing syncs.
  void set_practice_mode() { practice_ = true; }
  // Tests that compare the State across reloads turn the SLA rule off (?sla_rule=off): its
  // escalations depend on the clock. Another desk or the server escalates instead.
  void set_sla_rule(bool on) { sla_rule_ = on; }
  std::function<void(bool enter)> on_practice;
  void learner_opened(const nlohmann::json& open);
  void learner_status(const std::string& code, const std::string& detail);
  std::function<void(const std::string& body)> on_learner_submit;
  // The course portal (issue 8, portal_view.cpp). Learner mode for the portal's signed-in
  // learner (also set_learner_mode): submit a request, follow their own requests, answer a
  // survey, nothing of the desk. The platform hands over /api/v1/learner/tickets (or the
  // copy kept offline) and the state of the last request ("saved", "sent", "refused",
  // "unauthorized"); the portal's prefill fills the form.
  void set_portal_mode() { portal_mode_ = true; }
  void portal_tickets(const nlohmann::json& list);
  void portal_request_status(const std::string& code, const nlohmann::json& detail);
  void portal_prefill(const nlohmann::json& prefill);  // {subject, text, order_id, course_id, course_name}
  void portal_open(const std::string& ticket_id);      // shows that request's conversation
  const std::string& portal_survey_ticket() const { return portal_.survey_ticket; }
  std::function<void(const std::string& request_json)> on_portal_submit;
  std::function<void(const std::string& send_id, const std::string& key)> on_portal_survey;
  // The embedded agent desk: the portal's createTicket opens the new-ticket form prefilled
  // ({name, phone, order_id, course_id, subject, text}; the customer found by phone).
  void open_new_ticket(const nlohmann::json& prefill);
  // An agent asks the server for a survey send's learner link (the platform copies it to
  // the clipboard); the answer comes back through survey_link_ready (url, or "" and why).
  std::function<void(const std::string& send_id)> on_survey_link;
  void survey_link_ready(const std::string& send_id, const std::string& url, const std::string& error) {
    link_ = {send_id, url, error};
  }

  // Hands a file to the person (the browser's download); set by the platform.
  std::function<void(const std::string& filename, const std::string& mime, const std::string& data)> on_download;

  // Told when the person picks another language (the platform remembers it).
  std::function<void(Lang)> on_lang_changed;

  // Accessibility (issue 8): larger text (100, 125 or 150 %: the font and the style's sizes)
  // and a high-contrast theme, picked next to the language; the platform restores them before
  // the first frame (set_a11y) and remembers each change (on_a11y_changed).
  void set_a11y(int text_percent, bool high_contrast);
  int text_percent() const { return text_percent_; }
  bool high_contrast() const { return high_contrast_; }
  std::function<void(int text_percent, bool high_contrast)> on_a11y_changed;

  // Deep links: "#/ticket/10234" or "#/". navigate() follows the address bar (a
  // link, the back button); on_navigate tells the platform where the person went.
  void navigate(std::string route);  // by value: it may be handed pending_route_, which it clears
  std::function<void(const std::string& route)> on_navigate;

 private:
  void draw_top_bar(Millis now);
  void draw_status_line(Millis now);
  // True once the whole stored desk is in; while it arrives (Phase::arriving) says that this
  // view waits for it, and false.
  bool whole_or_note();
  void draw_view_switch(Millis now);
  void draw_sync_state(Millis now);
  void draw_inbox(Millis now, float width, float height);
  void draw_ticket(Millis now, float width, float height);
  void draw_new_ticket(Millis now);
  void draw_conversation(const Ticket& t, Millis now);
  void draw_refund_panel(const Ticket& t, Millis now);  // refund_view.cpp
  void draw_refunds(Millis now, float width, float height);
  void draw_policy_editor(Millis now);
  void draw_surveys(Millis now, float width, float height);  // survey_view.cpp
  void draw_survey_form(const SurveySchema& s, nlohmann::json& answers);
  void draw_ticket_surveys(const Ticket& t, Millis now);
  void draw_survey_designer(const PublishedSurvey& cur, Millis now);
  void draw_learner(Millis now);
  void draw_portal(Millis now);  // portal_view.cpp
  void draw_ticket_workflow(const Ticket& t, Millis now);  // workday_view.cpp
  void draw_closure_popup(const Ticket& t, Millis now);
  void open_closure(const Ticket& t, Status to);
  void draw_tasks(Millis now, float width, float height);
  void draw_incidents(Millis now, float width, float height);
  void draw_review(Millis now);
  void refresh_workday(Millis now);
  void draw_sla_editor(Millis now);
  void run_sla_rule(Millis now);
  void handle_shortcuts(Millis now);
  void draw_kb_suggestions(const Ticket& t, Millis now);
  void draw_kb_editor(Millis now);
  void draw_dashboard(Millis now, float width, float height);  // dashboard_view.cpp
  AnalyticsFilter dashboard_filter(Millis now);
  void refresh_dashboard(Millis now);
  void dashboard_pick(const DashboardPick& p, std::string label);
  void download_table(const ReportTable& t);
  // Submits a Command; `error_out` gets its error, or is cleared on success.
  Submitted submit(const nlohmann::json& cmd, Millis now, Error* error_out);
  void refresh_rows(Millis now);

  Desk& desk_;
  int frames_wanted_ = 0;
  bool learner_mode_ = false;
  bool practice_ = false;
  struct { std::string send_id, url, error; } link_;  // the last survey link asked for
  struct LearnerView {
    nlohmann::json open;  // what /api/v1/learner/open answered (kept offline by the platform)
    SurveySchema schema;
    bool loaded = false, revising = false;
    std::string status, detail;
    nlohmann::json answers = nlohmann::json::object();
    Error error;
  } learner_;
  bool portal_mode_ = false;
  struct PortalView {
    nlohmann::json list;  // {tickets:[…], pending:[…], offline}
    std::string subject, text, order_id, course_id, course_name;
    std::string status;    // of the last request: "", "saved", "sent", "refused", "unauthorized"
    nlohmann::json detail;
    std::string open_once;     // a request to open (once) on the next frame
    std::string survey_ticket;  // the ticket whose survey is open ("" = the list)
    Error error;
  } portal_;
  Phase phase_ = Phase::starting;
  std::string phase_message_;

  std::vector<unsigned char> cjk_font_;
  bool fonts_dirty_ = true;
  bool atlas_has_cjk_ = false;  // the atlas was built from the CJK font: missing glyphs are known
  void note_glyph_demand();
  struct GlyphChunk {
    enum class Stage { fetching, loaded, absent } stage = Stage::fetching;
    std::vector<unsigned char> otf;
    std::vector<uint32_t> wanted;  // the characters seen in this block that the base lacks
    std::vector<uint32_t> ranges;  // ImGui's pairs from `wanted`, alive while the atlas builds
  };
  std::map<uint32_t, GlyphChunk> glyph_chunks_;
  std::vector<uint32_t> glyphs_pending_;  // seen, not yet checked against the atlas
  float font_dpr_ = 0;
  int text_percent_ = 100;      // the larger-text setting
  bool high_contrast_ = false;  // black on white, strong borders and focus
  bool touch_ = false;          // a phone-sized screen: tap targets of at least 40 CSS px
  bool style_dirty_ = true;     // apply_theme() again before the next window

  // inbox view state; the search box asks the bigram index (kept in step a slice per frame)
  TicketSearch search_index_;
  int64_t indexed_revision_ = -1;
  TicketFilter filter_;
  std::string search_;
  TicketSort sort_;
  std::vector<const Ticket*> rows_;
  int64_t rows_revision_ = -1;
  Millis rows_at_ = 0;  // when the rows were listed (while a snapshot arrives: at most 4 times a second)
  bool rows_dirty_ = true;
  std::string selected_;
  std::string route_;          // the route last told to or taken from the address bar
  std::string pending_route_;  // a link that arrived before the data did
  int64_t pending_revision_ = -1;  // the State it was last looked for in
  bool one_column_ = false;  // phone layout: list or ticket, with a way back
  int narrow_table_ = 0;  // the inbox table's columns for its width: 0 all, 1 fewer, 2 a phone's

  // ticket view state
  std::string reply_draft_;
  std::string reply_ticket_;  // the draft belongs to this ticket
  std::string timeline_ticket_;  // the ticket whose timeline was drawn last frame
  size_t timeline_seen_ = 0;     // its entries then: scroll to the newest when it grows
  Error reply_error_;

  // which list the left side shows: the tickets or the refunds queue
  enum class View { tickets, refunds, surveys, tasks, incidents, dashboard } view_ = View::tickets;
  bool open_refund_tab_ = false;  // the next ticket drawn opens on its refund tab

  // refund tab, refunds queue and policy editor (refund_view.cpp)
  struct RefundForm {
    std::string ticket_id, order_id, explanation, generated;  // generated: the policy's text it follows
    int reason = 0, affected = 0;
    bool verified = false, send = true, editing = false;
    Error error;
  } refund_form_;
  struct GoodwillForm {
    int kind = 0, valid_days = 30, days = 7;
    std::string amount, note;
    Error error;
  } goodwill_form_;
  std::string refund_note_;
  int refund_cause_ = 0;
  Error refund_action_error_;
  bool refunds_awaiting_me_ = false;
  int refunds_status_ = -1;
  bool policy_open_ = false;
  RefundPolicy policy_draft_;
  Error policy_error_;

  // surveys (survey_view.cpp)
  struct SurveyForm {
    std::string ticket_id;
    nlohmann::json answers = nlohmann::json::object();
    Error error;
  } survey_form_, qa_form_;
  struct SurveyStatsView {
    std::string survey_id, segment;
    int channel = -1, tier = -1, days = 0;  // days: 0 = all time, else the last N days
    std::string course_id, customer;
    std::vector<std::string> sample;  // QA: tickets drawn for review
    int64_t revision = -1;  // the State the result was computed from
    nlohmann::json result, rates;
    SurveyColumns columns;
  } stats_;
  struct SurveyDesigner {
    std::string for_op;  // the version the draft started from
    std::string focus_question;  // just added: scrolled into view, then focused
    int focus_wait = 0;          // frames until the focus request (after the scroll)
    SurveySchema draft;
    nlohmann::json preview_answers = nlohmann::json::object();
    Error error;
  } designer_;

  // the agent's day (workday_view.cpp)
  struct { int target = 0; std::string reason; Error error; bool open_request = false; } escalate_form_;
  struct { std::string number; Error error; } merge_form_;
  struct {
    Status to = Status::resolved;
    int resolution = -1, cause = -1;
    bool open_request = false;
    Error error;
  } closure_;
  struct { std::string title; int when = 0; Error error; } reminder_;
  int tasks_kind_ = -1;  // all kinds
  bool tasks_all_ = false, tasks_done_ = false, tasks_cached_all_ = false, tasks_cached_done_ = false;
  std::vector<Task> tasks_;
  int64_t tasks_revision_ = -1;
  Millis tasks_at_ = 0;
  std::map<std::string, std::string> task_outcomes_;
  Error task_error_;
  struct WorkdayCache {
    int64_t revision = -1;
    Millis at = 0;
    std::vector<IncidentSuggestion> suggestions;
    std::map<std::string, std::vector<size_t>> by_incident, review;  // indices into State::tickets
    int my_tasks = 0, open_incidents = 0;
  } workday_;
  std::string incident_open_, incident_reply_;
  struct { std::string for_id, text; int cause = -1; } incident_review_;
  Error incident_error_;
  Millis sla_checked_at_ = 0;
  bool sla_rule_ = true;
  struct { std::string text, for_stamp; Error error; } sla_edit_;
  // knowledge base: rebuilt when the supervisors' edits change; suggestions per ticket
  KnowledgeBase kb_;
  int64_t kb_built_ = -1;
  std::string kb_for_;  // ticket id + timeline size + kb revision the suggestions are for
  std::vector<size_t> kb_suggested_;
  struct { bool open = false; std::string id, title, body, keywords; int category = 5; Error error; } kb_edit_;
  bool focus_reply_ = false, focus_search_ = false;

  // the dashboard (dashboard_view.cpp): columns in step with the State, the aggregates of
  // the chosen range and filters, what was clicked
  struct DashboardView {
    int range = 1;  // 7, 30, 90 days, custom
    std::string from, to, range_error;
    int category = -1, channel = -1, tier = -1;
    std::string agent, course;
    bool by_category = false;
    DashboardColumns columns;
    DashboardAggregator agg;
    bool computed = false;
    double last_full_ms = 0, last_update_ms = 0;
    size_t last_update_rows = 0;
    Millis finished_at = 0;
    DashboardKpis kpis;
    std::vector<HotSpot> hot;
    std::vector<CourseRefunds> refunds;
    double refund_average = 0;
    std::vector<GroupRow> agent_rows, tier_rows;
    CustomerInsights customers;
    int64_t customers_revision = -1;
    int churn_selected = -1;
    DashboardPick pick;
    std::string pick_label;
    std::vector<size_t> pick_rows;
    bool picked = false, scroll_to_pick = false;
    Error error;
  } dash_;

  // new ticket form; its classifier learns from the agents' category corrections
  LearningClassifier classifier_;
  int64_t learned_revision_ = -1;
  bool new_open_ = false;
  struct NewTicketForm {
    std::string customer_search, customer_id, name, phone, subject, text, course_id, order_id;
    bool is_parent = false, new_customer = false, identity_checked = false;
    int channel = 0, category = 5, priority = 2;
    bool category_set = false, priority_set = false;  // chosen by the agent: not re-classified
    std::string classified_text;                      // subject + text last classified
    std::optional<Classification> suggestion;
    Error error;
  } form_;

  // the last action and whether it is durable
  int64_t last_batch_ = 0;
  SyncDriver* sync_ = nullptr;
  double storage_usage_ = 0, storage_quota_ = 0;
  bool wiped_ = false;
  bool update_available_ = false;
  int64_t wiped_lost_ = 0;
};

}  // namespace edudesk::ui
