#include "server/http_server.h"

#include <httplib.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace edudesk::server {
namespace {
httplib::Server* g_server = nullptr;
void on_signal(int) {
  if (g_server) g_server->stop();
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}
}  // namespace

int serve(const ServeOptions& opt) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(opt.web_dir) / "index.html") || !fs::exists(fs::path(opt.web_dir) / "edudesk.wasm")) {
    std::fprintf(stderr, "edudesk serve: no built web app in '%s' (run scripts/build.sh, or pass --web DIR)\n",
                 opt.web_dir.c_str());
    return 2;
  }
  httplib::Server svr;
  g_server = &svr;
  const auto started = std::chrono::steady_clock::now();

  svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  svr.set_file_extension_and_mimetype_mapping("otf", "font/otf");
  svr.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
  svr.set_mount_point("/", opt.web_dir);
  // The app shell must revalidate so a new build is picked up; hashed assets come later.
  svr.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
  });
  svr.set_payload_max_length(8 * 1024 * 1024);

  svr.Get("/api/health", [&](const httplib::Request&, httplib::Response& res) {
    auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    nlohmann::json j{{"ok", true}, {"service", "edudesk"}, {"uptime_s", up}, {"time", utc_now()}};
    res.set_content(j.dump(), "application/json");
  });
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0) {
      nlohmann::json j{{"ok", false}, {"error", {{"code", "not_found"}, {"message", "no such endpoint: " + req.path}}}};
      res.set_content(j.dump(), "application/json");
    }
  });
  if (!opt.quiet) {
    svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %s %d %zu\n", utc_now().c_str(), req.method.c_str(), req.path.c_str(), res.status,
                   res.body.size());
    });
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (!svr.bind_to_port(opt.host.c_str(), opt.port)) {
    std::fprintf(stderr, "edudesk serve: cannot listen on %s:%d (in use? try --port)\n", opt.host.c_str(), opt.port);
    return 1;
  }
  std::fprintf(stderr, "edudesk: serving %s on http://%s:%d/\n", opt.web_dir.c_str(), opt.host.c_str(), opt.port);
  std::fflush(stderr);
  svr.listen_after_bind();
  g_server = nullptr;
  std::fprintf(stderr, "edudesk: stopped\n");
  return 0;
}

}  // namespace edudesk::server
