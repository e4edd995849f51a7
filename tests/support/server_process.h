#pragma once
// The real `edudesk serve` process for the test suites that start it (tests/server and
// tests/fault): a temporary folder (database, a stand-in web app, the server's stderr),
// fork/exec on a free port, SIGTERM/SIGKILL and restarts on the same --db.
// The path of the server binary is the compile definition EDUDESK_BIN, which
// CMakeLists.txt sets on each test executable that compiles server_process.cpp.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/model.h"

namespace edudesk::testsupport {

Millis now_ms();

// A fresh folder under $TMPDIR, removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// One `edudesk serve` child process; the database and its log live in `dir`.
class ServerProcess {
 public:
  explicit ServerProcess(const TempDir& dir, std::vector<std::string> extra_args = {});
  ~ServerProcess();  // kills a still running server (SIGKILL) and reaps it
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts on a free port (the previous one when it is still free) and waits until
  // /api/v1/health answers.
  bool start(std::string* why = nullptr);
  // Sends `sig` and waits; returns the exit code, or 128 + signal when killed.
  int stop(int sig);
  int kill9() { return stop(9); }
  // The arguments after the fixed ones for the next start().
  void set_args(std::vector<std::string> extra) { extra_ = std::move(extra); }
  // Stops (SIGTERM unless `sig` says otherwise), sets new arguments, starts again.
  bool restart(std::vector<std::string> extra_args, int sig = 15, std::string* why = nullptr);
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }
  int port() const { return port_; }
  std::string db() const { return dir_.file("desk.sqlite"); }
  std::string log() const;  // what the server wrote to stderr so far
  // The process's peak resident memory in KiB (VmHWM), -1 when not running.
  int64_t peak_rss_kib() const;

 private:
  const TempDir& dir_;
  std::vector<std::string> extra_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace edudesk::testsupport
