#pragma once
// window.edudesk: the page's JavaScript API (course portal, tests). See docs/API.md.
#include <functional>
#include <string>

#include "app/desk.h"
#include "app/sync_driver.h"

namespace edudesk::platform {

// Installs window.edudesk; `ready` resolves when mark_ready() is called.
void install_page_api(Desk& desk, SyncDriver& driver);
// Learner mode: window.edudesk with `ready`, `widgets()` and `learner()` (the answer's
// state: {status, detail}) only — no commands, no queries, nothing of the desk.
void install_learner_page_api();
void mark_ready(bool ok, const char* reason);
// {type: "glyphs", text}: which characters of `text` the font atlas lacks, and the glyph
// chunks fetched (the UI's answer: DeskUi::glyph_status).
void set_glyph_query(std::function<nlohmann::json(const std::string& text)> fn);
// Resolves the promise of the command whose Ops went into `batch`.
void page_api_batch_done(int64_t batch, bool ok, const std::string& message);

}  // namespace edudesk::platform
