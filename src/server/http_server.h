#pragma once
// `edudesk serve`: one process that serves the web app and the sync API (docs/SYNC.md).
#include <cstdint>
#include <string>

namespace edudesk::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir;                   // the built web app (build/wasm/web)
  bool quiet = false;                    // no request log
  std::string db = "edudesk.sqlite";     // the SQLite file holding the op log, accounts and sessions
  bool demo = true;                      // an empty store is seeded with the demo desk and its accounts
  std::string demo_password = "edudesk"; // the password of every demo account (when they are created)
  int64_t max_db_mb = 0;                 // > 0: writes beyond this size fail like a full disk (503)
  int64_t fake_pay_fail = 0;             // the demo payment provider fails its first N requests (tests)
  // Origins of course portals that may frame the desk (embed.js), separated by spaces or
  // commas; the web app is served with CSP frame-ancestors 'self' and these, so no other
  // site can frame it (and so set the embedded desk's message allow-list).
  std::string embed_origins;
};

// Blocks until SIGINT/SIGTERM; finishes in-flight requests before returning.
// Returns 0 after a clean stop, non-zero when it could not start.
int serve(const ServeOptions& opt);

}  // namespace edudesk::server
