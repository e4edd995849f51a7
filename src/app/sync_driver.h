#pragma once
// Decides when to log in, push and pull, and reads the answers; the platform only
// moves bytes (Transport: fetch in the browser, a loopback in tests). One request
// at a time, so a desk never races itself.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/desk.h"

namespace edudesk {

class Transport {
 public:
  struct Response {
    int status = 0;  // 0: no answer at all (offline, DNS, refused, timeout)
    std::string body;
  };
  virtual ~Transport() = default;
  virtual void send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token, std::function<void(Response)> done) = 0;
};

struct SyncStatus {
  bool online = true;         // the browser's hint; a failed request also counts
  bool busy = false;          // a request is under way
  bool signed_in = false;
  Millis last_success = 0;    // the last time push and pull both went through
  std::string last_error;     // machine-readable, e.g. "offline", "bad_credentials", "not_json"
  int64_t pending = 0;        // Ops waiting for the server
  int64_t rejected = 0;       // Ops the server refused for good
  Millis next_try = 0;
};

class SyncDriver {
 public:
  SyncDriver(Desk& desk, Transport& transport) : desk_(desk), transport_(transport) {}

  void set_credentials(std::string agent_id, std::string password) {
    agent_ = std::move(agent_id);
    password_ = std::move(password);
  }
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }
  std::function<void(const std::string& token)> on_token;  // the platform keeps it
  std::function<void()> on_change;                          // something to redraw

  // Called often (each frame or timer); starts the next request when one is due.
  void tick(Millis now);
  // "Sync now", the `online` event: forget the backoff and go.
  void sync_now(Millis now);
  void set_online(bool online, Millis now);

  const SyncStatus& status();
  static constexpr Millis kPullEvery = 30000;

 private:
  void login(Millis now);
  void push(Millis now);
  void pull(Millis now);
  void failed(Millis now, const std::string& why);
  void done_ok(Millis now);

  Desk& desk_;
  Transport& transport_;
  std::string agent_, password_, token_;
  SyncStatus status_;
  bool want_pull_ = true;
  // Bumped by sync_now: a pull under way when the person asked clears want_pull_ only if no
  // ask came during it (its answer may predate what they are waiting for).
  int64_t asks_ = 0;
  Millis last_pull_ = 0;
  int64_t max_batch_ = 200;
};

}  // namespace edudesk
