#pragma once
// A fault-injecting HTTP proxy on 127.0.0.1 between a desk and the server: one
// thread, plain POSIX sockets, one connection at a time (the desk's transport does
// not keep connections alive, so one connection is one request). Each request is
// read whole, then handled by a mode: the next queued one-shot fault whose path
// prefix matches, or the default mode.
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace edudesk::faulttest {

class FaultProxy {
 public:
  enum class Mode {
    pass,           // forward the request, return the answer
    drop_request,   // close the connection without forwarding (nothing reaches the server)
    drop_response,  // forward, read the server's whole answer, close without it (a lost acknowledgement)
    cut_response,   // forward, pass on the head and half the answer's body, then close
    truncate,       // forward half the body with a Content-Length to match (a re-framed, truncated body)
    cut_request,    // forward the head and half the body, then end the stream (a connection cut mid-body)
    corrupt,        // forward with bytes in the middle of the body overwritten by 0xFF
    inflate,        // forward with the body padded by JSON whitespace beyond the server's 4 MiB cap
    replay,         // forward the same request twice, return the second answer
    portal,         // answer 200 with an HTML login page itself (a captive portal)
    delay,          // wait delay_ms, then forward
  };
  static const char* name(Mode m);

  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  void set_upstream(int port) { upstream_ = port; }
  void set_default(Mode m);
  void set_delay_ms(int ms) { delay_ms_ = ms; }
  // The next request whose path starts with `path_prefix` gets `m` (queued in order).
  void once(Mode m, const std::string& path_prefix = "");
  size_t queued() const;

  // What went through, in order.
  struct Seen {
    std::string method, path;
    Mode mode = Mode::pass;
    int upstream_status = 0;  // the server's answer (0: not forwarded or no answer)
    int client_status = 0;    // what the desk got (0: the connection was closed on it)
  };
  std::vector<Seen> seen() const;
  int count(const std::string& path_prefix) const;  // requests seen with this path prefix
  void clear_seen();
  // The raw bytes of the last request with this path prefix ("" if none).
  std::string last_request(const std::string& path_prefix) const;
  // Sends raw request bytes to the upstream and returns the raw answer ("" if none).
  std::string send_upstream(const std::string& request) const;

 private:
  void loop();
  void handle(int client);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> upstream_;
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  Mode default_ = Mode::pass;
  std::deque<std::pair<Mode, std::string>> queue_;
  std::vector<Seen> seen_;
  std::vector<std::pair<std::string, std::string>> last_;  // path → raw request
  std::thread thread_;
};

// The status code of a raw HTTP answer (0 if it is not one).
int http_status(const std::string& raw_response);
// The body of a raw HTTP request or answer.
std::string http_body(const std::string& raw);

}  // namespace edudesk::faulttest
