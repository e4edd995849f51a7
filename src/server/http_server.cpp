#include "server/http_server.h"

#include <httplib.h>

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "server/api.h"
#include "server/fake_payments.h"
#include "server/sqlite_log.h"
#include "sync/protocol.h"

namespace edudesk::server {
namespace {

// When the current request of this worker thread started (set before routing, read
// by the logger after the response is written; one thread serves one request at a time).
thread_local std::chrono::steady_clock::time_point t_request_start;
thread_local bool t_request_started = false;

const char* error_code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_encoding";
    default: return status >= 500 ? "server_error" : "error";
  }
}

// The WASM and the fonts are types httplib does not compress on the fly: the build writes
// their brotli and gzip siblings (scripts/web_budget.py), sent here to browsers that accept
// them, while newer than the file they stand for (issue 8's download budget).
void send_precompressed(const std::filesystem::path& web, const httplib::Request& req, httplib::Response& res) {
  namespace fs = std::filesystem;
  const std::string& p = req.path;
  auto ends = [&](const char* ext) { size_t n = std::strlen(ext); return p.size() > n && p.compare(p.size() - n, n, ext) == 0; };
  if (!(ends(".wasm") || ends(".otf")) || req.has_header("Range") || p.find("..") != std::string::npos) return;
  const std::string accept = req.get_header_value("Accept-Encoding");
  std::error_code ec;
  const fs::path src = web / p.substr(1);
  const auto src_time = fs::last_write_time(src, ec);
  if (ec) return;
  for (const auto& [token, ext] : {std::pair<const char*, const char*>{"br", ".br"}, {"gzip", ".gz"}}) {
    if (accept.find(token) == std::string::npos) continue;
    fs::path sib = src;
    sib += ext;
    const auto sib_time = fs::last_write_time(sib, ec);
    if (ec || sib_time < src_time) continue;
    std::ifstream in(sib, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) continue;
    res.body = std::move(body);
    res.set_header("Content-Encoding", token);
    res.set_header("Vary", "Accept-Encoding");
    return;
  }
}
}  // namespace

int serve(const ServeOptions& opt) {
  namespace fs = std::filesystem;
  // Who may frame the desk: its own pages and the configured portals (docs/API.md, embedding).
  std::string ancestors = "frame-ancestors 'self'";
  {
    std::string list = opt.embed_origins;
    for (char& c : list)
      if (c == ',') c = ' ';
    size_t i = 0;
    while (i < list.size()) {
      size_t j = list.find(' ', i);
      if (j == std::string::npos) j = list.size();
      std::string o = list.substr(i, j - i);
      i = j + 1;
      if (o.empty()) continue;
      bool ok = (o.rfind("https://", 0) == 0 || o.rfind("http://", 0) == 0) && o.size() < 256 && o.back() != '/';
      for (char c : o)
        if (c == ';' || c == '\'' || c == '"' || static_cast<unsigned char>(c) < 0x21) ok = false;
      if (!ok) {
        std::fprintf(stderr, "edudesk serve: --embed-origins: '%s' is not an origin like https://portal.example\n",
                     o.c_str());
        return 2;
      }
      ancestors += " " + o;
    }
  }
  if (!fs::exists(fs::path(opt.web_dir) / "index.html") || !fs::exists(fs::path(opt.web_dir) / "edudesk.wasm")) {
    std::fprintf(stderr, "edudesk serve: no built web app in '%s' (run scripts/build.sh, or pass --web DIR)\n",
                 opt.web_dir.c_str());
    return 2;
  }

  SqliteLog log;
  std::string err;
  if (!log.open(opt.db, opt.max_db_mb * 1024 * 1024, err)) {
    std::fprintf(stderr, "edudesk serve: cannot open the database '%s': %s\n", opt.db.c_str(), err.c_str());
    return 1;
  }
  SyncApi api(log);
  if (!api.open(opt.demo, opt.demo_password, err)) {
    std::fprintf(stderr, "edudesk serve: cannot load the database '%s': %s\n", opt.db.c_str(), err.c_str());
    return 1;
  }
  // The demo's payment provider: its own ledger file beside the op log (docs/REFUNDS.md).
  FakePaymentProvider payments;
  if (!payments.open(opt.db + ".payments.sqlite", opt.fake_pay_fail, err)) {
    std::fprintf(stderr, "edudesk serve: cannot open the payments ledger '%s.payments.sqlite': %s\n", opt.db.c_str(),
                 err.c_str());
    return 1;
  }
  if (api.op_count_at_open() == 0 && api.last_seq() > 0)
    std::fprintf(stderr, "edudesk: seeded the demo desk into %s (%lld ops)\n", opt.db.c_str(),
                 static_cast<long long>(api.last_seq()));
  if (api.created_demo_accounts())
    std::fprintf(stderr, "edudesk: demo accounts created for every demo agent (e.g. a-wangmin), password '%s'\n",
                 opt.demo_password.c_str());

  // SIGINT/SIGTERM are blocked in every thread (the pool inherits the mask) and
  // taken by one thread with sigwait, which then stops the server: no work in a
  // signal handler, and a signal that comes before listen() is not lost.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  api.start_payments(payments);  // after the mask: its thread must not take SIGTERM

  httplib::Server svr;
  std::atomic<bool> done{false};
  // Without TCP_NODELAY httplib's separate header and body writes meet the client's
  // delayed ACK: ~40 ms per request (bench/README.md). Each idle keep-alive desk holds
  // a worker for up to the keep-alive timeout, so the pool is larger than httplib's 8.
  svr.set_tcp_nodelay(true);
  svr.new_task_queue = [] { return new httplib::ThreadPool(64); };
  svr.set_keep_alive_timeout(2);

  svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  svr.set_file_extension_and_mimetype_mapping("otf", "font/otf");
  svr.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
  svr.set_mount_point("/", opt.web_dir);
  // The app shell must revalidate so a new build is picked up; hashed assets come later.
  svr.set_file_request_handler([ancestors, web = fs::path(opt.web_dir)](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Content-Security-Policy", ancestors);
    send_precompressed(web, req, res);
  });
  // A little above the push limit: bodies beyond it are answered 413 without being
  // kept in memory; the push handler enforces the exact limit.
  svr.set_payload_max_length(static_cast<size_t>(sync::limits::max_body_bytes) + 64 * 1024);

  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = std::chrono::steady_clock::now();
    t_request_started = true;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  api.install(svr);
  // Errors of /api paths are JSON like every other API answer (handlers that already
  // wrote a body keep it).
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) != 0 || !res.body.empty()) return;
    std::string message = res.status == 404   ? "no such endpoint: " + req.path
                          : res.status == 413 ? "the request body exceeds " +
                                                    std::to_string(sync::limits::max_body_bytes) +
                                                    " bytes; split the batch"
                                              : "the request could not be handled (HTTP " +
                                                    std::to_string(res.status) + ")";
    nlohmann::json j{{"ok", false}, {"error", {{"code", error_code_for(res.status)}, {"message", message}}}};
    res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  });
  const bool quiet = opt.quiet;
  Metrics& metrics = api.metrics();
  svr.set_logger([quiet, &metrics](const httplib::Request& req, const httplib::Response& res) {
    double seconds = 0;
    if (t_request_started) {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request_start).count();
      t_request_started = false;
    }
    metrics.record(SyncApi::route_of(req.method, req.path), res.status, seconds);
    if (!quiet)
      std::fprintf(stderr, "%s %s %s %d %zu %.1fms\n", utc_now().c_str(),
                   req.method.empty() ? "-" : req.method.c_str(), req.path.empty() ? "-" : req.path.c_str(),
                   res.status, res.body.size(), seconds * 1000);
  });

  if (!svr.bind_to_port(opt.host.c_str(), opt.port)) {
    std::fprintf(stderr, "edudesk serve: cannot listen on %s:%d (in use? try --port)\n", opt.host.c_str(), opt.port);
    return 1;
  }
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (done) return;  // woken by serve() itself on the way out
    std::fprintf(stderr, "edudesk: %s, finishing in-flight requests\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    while (!svr.is_running() && !done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    svr.stop();
  });
  std::fprintf(stderr, "edudesk: serving %s and the sync API on http://%s:%d/ (database %s, last_seq %lld)\n",
               opt.web_dir.c_str(), opt.host.c_str(), opt.port, opt.db.c_str(),
               static_cast<long long>(api.last_seq()));
  std::fflush(stderr);
  bool listened = svr.listen_after_bind();  // returns after stop(), once the in-flight requests are answered
  done = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the sigwait if no signal came
  stopper.join();
  api.stop_payments();
  log.close();
  if (!listened) {
    std::fprintf(stderr, "edudesk serve: the listening socket failed\n");
    return 1;
  }
  std::fprintf(stderr, "edudesk: stopped\n");
  return 0;
}

}  // namespace edudesk::server
