#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace edudesk::servertest {

namespace fs = std::filesystem;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/edudesk-server-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {
// A port nobody listens on right now (the kernel's pick for port 0).
int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof a;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(s);
  return port;
}
}  // namespace

Server::Server(const TempDir& dir, std::vector<std::string> extra_args) : dir_(dir), extra_(std::move(extra_args)) {
  // `serve` insists on a built web app; a stand-in is enough here.
  fs::create_directories(dir_.file("web"));
  std::ofstream(dir_.file("web/index.html")) << "<!doctype html><title>edudesk test</title>";
  std::ofstream(dir_.file("web/edudesk.wasm")) << "not really wasm";
}

Server::~Server() {
  if (pid_ > 0) stop(SIGKILL);
}

std::unique_ptr<httplib::Client> Server::client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(2, 0);
  c->set_read_timeout(20, 0);
  c->set_write_timeout(20, 0);
  return c;
}

bool Server::start(std::string* why) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    std::vector<std::string> args = {EDUDESK_BIN, "serve",   "--port", std::to_string(port_), "--db", db(),
                                     "--web",     dir_.file("web"), "--quiet"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::string log_path = dir_.file("server.log");
    pid_t pid = fork();
    if (pid < 0) {
      if (why) *why = "fork failed";
      return false;
    }
    if (pid == 0) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    pid_ = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    bool exited = false;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited = true;
        break;
      }
      httplib::Client c("127.0.0.1", port_);
      c.set_connection_timeout(0, 200000);
      auto r = c.Get("/api/v1/health");
      if (r && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      stop(SIGKILL);
      if (why) *why = "the server did not answer /api/v1/health within 15 s; log:\n" + log();
      return false;
    }
    pid_ = -1;
    // Exit code 1 with "cannot listen": someone took the port meanwhile; try another.
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 1 && log().find("cannot listen") != std::string::npos)) {
      if (why) *why = "the server exited at start (status " + std::to_string(status) + "); log:\n" + log();
      return false;
    }
  }
  if (why) *why = "no free port after 5 attempts";
  return false;
}

int Server::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string Server::log() const {
  std::ifstream f(dir_.file("server.log"));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

namespace {
HttpResult to_result(const httplib::Result& r) {
  HttpResult out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.j = json::parse(out.body, nullptr, false);
  return out;
}
httplib::Headers auth(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}
}  // namespace

HttpResult get(httplib::Client& c, const std::string& path, const std::string& token) {
  return to_result(c.Get(path.c_str(), auth(token)));
}

HttpResult post(httplib::Client& c, const std::string& path, const std::string& body, const std::string& token) {
  return to_result(c.Post(path.c_str(), auth(token), body, "application/json"));
}

int64_t last_seq(httplib::Client& c) {
  HttpResult r = get(c, "/api/v1/health");
  if (r.status != 200 || !r.j.is_object() || !r.j.contains("last_seq")) return -1;
  return r.j["last_seq"].get<int64_t>();
}

Desk::Desk(std::string agent, std::string device_prefix)
    : agent_id(std::move(agent)), client_id(device_prefix), ids(device_prefix + "-") {}

bool Desk::login(httplib::Client& c, const std::string& password) {
  HttpResult r = post(c, "/api/v1/login", json{{"agent_id", agent_id}, {"password", password}}.dump());
  if (r.status != 200 || !r.j.is_object() || !r.j.contains("token")) return false;
  token = r.j["token"].get<std::string>();
  return true;
}

bool Desk::pull_all(httplib::Client& c, int64_t page, int* pages) {
  if (pages) *pages = 0;
  for (;;) {
    HttpResult r = get(c, "/api/v1/pull?after=" + std::to_string(cursor) + "&limit=" + std::to_string(page), token);
    if (r.status != 200) return false;
    sync::PullResponse pr;
    std::string why;
    if (!sync::parse_pull_response(r.body, pr, why)) return false;
    for (const sync::PulledOp& p : pr.ops) {
      Error e;
      apply(state, p.op, e);
      clock.observe(p.op.hlc);
      pulled.push_back(p);
    }
    if (pages) ++*pages;
    if (pr.cursor < cursor) return false;  // a cursor never goes back
    cursor = pr.cursor;
    if (!pr.more) return true;
    if (pr.ops.empty()) return false;  // "more" without progress would loop forever
  }
}

std::vector<Op> Desk::make(const json& cmd) {
  Context ctx{now_ms(), agent_id, &ids, &clock};
  Decision d;
  Error err;
  if (!decide(state, cmd, ctx, d, err)) return {};
  for (const Op& op : d.ops) apply(state, op, err);
  last_result = d.result;
  return d.ops;
}

std::vector<Op> Desk::ticket_with_replies(int replies, size_t text_bytes) {
  std::vector<Op> out;
  if (state.customers.empty() || state.courses.empty()) return out;
  out = make({{"type", "ticket.create"},
              {"customer_id", state.customers.front().id},
              {"course_id", state.courses.front().id},
              {"channel", "chat"},
              {"subject", "回放视频打不开"},
              {"text", "第三讲的回放一直在转圈"},
              {"category", "technical"},
              {"priority", "P2"}});
  if (out.empty()) return out;
  std::string ticket_id = last_result["ticket_id"].get<std::string>();
  std::string text;
  while (text.size() + 3 <= text_bytes) text += "好";
  if (text.empty()) text = "ok";
  for (int i = 0; i < replies; ++i) {
    auto ops = make({{"type", "ticket.reply"}, {"ticket_id", ticket_id}, {"text", text}});
    if (ops.empty()) return {};
    out.insert(out.end(), ops.begin(), ops.end());
  }
  return out;
}

std::string Desk::push_body(const std::string& batch_id, const std::vector<Op>& ops) const {
  return sync::to_json(sync::PushRequest{client_id, batch_id, ops}).dump();
}

bool Desk::push(httplib::Client& c, const std::string& batch_id, const std::vector<Op>& ops, sync::PushResponse& out,
                HttpResult* raw) {
  HttpResult r = post(c, "/api/v1/push", push_body(batch_id, ops), token);
  if (raw) *raw = r;
  std::string why;
  return r.status == 200 && sync::parse_push_response(r.body, batch_id, out, why);
}

}  // namespace edudesk::servertest
