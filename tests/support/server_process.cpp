#include "server_process.h"

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef EDUDESK_BIN
#error "EDUDESK_BIN (the path of the edudesk binary) must be defined by the build"
#endif

namespace edudesk::testsupport {

namespace fs = std::filesystem;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/edudesk-test-XXXXXX";
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

bool port_is_free(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}
}  // namespace

ServerProcess::ServerProcess(const TempDir& dir, std::vector<std::string> extra_args)
    : dir_(dir), extra_(std::move(extra_args)) {
  // `serve` insists on a built web app; a stand-in is enough here.
  fs::create_directories(dir_.file("web"));
  std::ofstream(dir_.file("web/index.html")) << "<!doctype html><title>edudesk test</title>";
  std::ofstream(dir_.file("web/edudesk.wasm")) << "not really wasm";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

bool ServerProcess::start(std::string* why) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (port_ == 0 || attempt > 0 || !port_is_free(port_)) port_ = free_port();
    std::vector<std::string> args = {EDUDESK_BIN, "serve", "--port", std::to_string(port_), "--db", db(),
                                     "--web", dir_.file("web"), "--quiet"};
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

int ServerProcess::stop(int sig) {
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

bool ServerProcess::restart(std::vector<std::string> extra_args, int sig, std::string* why) {
  if (running()) stop(sig);
  set_args(std::move(extra_args));
  return start(why);
}

std::string ServerProcess::log() const {
  std::ifstream f(dir_.file("server.log"));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int64_t ServerProcess::peak_rss_kib() const {
  if (pid_ <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  return -1;
}

}  // namespace edudesk::testsupport
