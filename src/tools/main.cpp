// The `edudesk` command: serve the desk, or write the demo data set.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "core/demo.h"
#include "server/http_server.h"

namespace {
int usage(FILE* to) {
  std::fprintf(to,
               "usage:\n"
               "  edudesk serve [--host H] [--port N] [--db FILE] [--web DIR] [--quiet]\n"
               "                [--no-demo] [--demo-password P] [--max-db-mb N]\n"
               "      serves the web app and the sync API /api/v1 (docs/SYNC.md); default 127.0.0.1:8080 and\n"
               "      ./edudesk.sqlite (env EDUDESK_HOST, EDUDESK_PORT, EDUDESK_DB). An empty database is seeded\n"
               "      with the demo desk and an account per demo agent, password 'edudesk', unless --no-demo.\n"
               "  edudesk demo --out FILE [--seed N] [--end MS] [--tickets N]\n"
               "      writes the seeded demo desk as JSON lines, one Op per line\n");
  return to == stderr ? 2 : 0;
}

bool parse_int(const char* s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s, &end, 10);
  return end && *end == 0 && end != s;
}

int cmd_demo(int argc, char** argv) {
  edudesk::DemoOptions opt;
  opt.end = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::string out;
  for (int i = 2; i < argc; ++i) {
    long long v = 0;
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--out" && has_val) out = argv[++i];
    else if (a == "--seed" && has_val && parse_int(argv[++i], v)) opt.seed = static_cast<uint64_t>(v);
    else if (a == "--end" && has_val && parse_int(argv[++i], v)) opt.end = v;
    else if (a == "--tickets" && has_val && parse_int(argv[++i], v) && v > 0 && v <= 1000000) opt.tickets = static_cast<int>(v);
    else {
      std::fprintf(stderr, "edudesk demo: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  if (out.empty()) return usage(stderr);
  std::ofstream f(out, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "edudesk demo: cannot write '%s'\n", out.c_str());
    return 1;
  }
  auto ops = edudesk::demo_ops(opt);
  for (const auto& op : ops) f << edudesk::op_to_json(op).dump() << '\n';
  f.close();
  if (!f) {
    std::fprintf(stderr, "edudesk demo: writing '%s' failed (disk full?)\n", out.c_str());
    return 1;
  }
  std::fprintf(stderr, "edudesk demo: %zu ops written to %s\n", ops.size(), out.c_str());
  return 0;
}

int cmd_serve(int argc, char** argv) {
  edudesk::server::ServeOptions opt;
  opt.web_dir = EDUDESK_DEFAULT_WEB_DIR;
  long long v = 0;
  if (const char* p = std::getenv("EDUDESK_PORT")) {
    if (!parse_int(p, v) || v < 0 || v > 65535) {
      std::fprintf(stderr, "edudesk serve: EDUDESK_PORT='%s' is not a port\n", p);
      return 2;
    }
    opt.port = static_cast<int>(v);
  }
  if (const char* h = std::getenv("EDUDESK_HOST"); h && *h) opt.host = h;
  if (const char* d = std::getenv("EDUDESK_DB"); d && *d) opt.db = d;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--port" && has_val && parse_int(argv[++i], v) && v >= 0 && v < 65536) opt.port = static_cast<int>(v);
    else if (a == "--host" && has_val) opt.host = argv[++i];
    else if (a == "--db" && has_val && *argv[i + 1]) opt.db = argv[++i];
    else if (a == "--web" && has_val) opt.web_dir = argv[++i];
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--no-demo") opt.demo = false;
    else if (a == "--demo-password" && has_val && *argv[i + 1]) opt.demo_password = argv[++i];
    else if (a == "--max-db-mb" && has_val && parse_int(argv[++i], v) && v >= 0 && v <= 1000000) opt.max_db_mb = v;
    else {
      std::fprintf(stderr, "edudesk serve: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  return edudesk::server::serve(opt);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  std::string cmd = argv[1];
  if (cmd == "serve") return cmd_serve(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "--help" || cmd == "help" || cmd == "-h") return usage(stdout);
  std::fprintf(stderr, "edudesk: unknown command '%s'\n", cmd.c_str());
  return usage(stderr);
}
