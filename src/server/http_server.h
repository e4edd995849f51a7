#pragma once
// `edudesk serve`: one process that serves the web app and the REST API.
// Today: the static app and /api/health; the sync API (/api/v1) joins in the sync issue.
#include <string>

namespace edudesk::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir;  // the built web app (build/wasm/web)
  bool quiet = false;   // no request log
};

// Blocks until SIGINT/SIGTERM; finishes in-flight requests before returning.
int serve(const ServeOptions& opt);

}  // namespace edudesk::server
