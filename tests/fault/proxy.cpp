#include "proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace edudesk::faulttest {
namespace {

constexpr size_t kServerBodyCap = 4 * 1024 * 1024;  // sync::limits::max_body_bytes

void set_timeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}
bool write_all(int fd, const std::string& s) { return write_all(fd, s.data(), s.size()); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Content-Length of a message head, -1 if absent.
long long content_length(const std::string& head) {
  std::string h = lower(head);
  size_t p = h.find("\r\ncontent-length:");
  if (p == std::string::npos) return -1;
  return std::strtoll(h.c_str() + p + 17, nullptr, 10);
}

// Reads one HTTP message: the head, then a Content-Length body; without one a
// request has no body and an answer runs until EOF. False if the head never completed.
bool read_message(int fd, std::string& out, bool is_request) {
  out.clear();
  char buf[65536];
  size_t head_end = std::string::npos;
  while (head_end == std::string::npos) {
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return false;
    out.append(buf, static_cast<size_t>(r));
    head_end = out.find("\r\n\r\n");
  }
  long long len = content_length(out.substr(0, head_end + 2));
  if (len < 0 && is_request) len = 0;
  size_t want = len >= 0 ? head_end + 4 + static_cast<size_t>(len) : std::string::npos;
  while (out.size() < want) {
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return len < 0;  // EOF ends a message without a length
    out.append(buf, static_cast<size_t>(r));
  }
  return true;
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  set_timeout(fd, 15);
  return fd;
}

// The request with a new body and a Content-Length to match.
std::string with_body(const std::string& request, const std::string& body) {
  size_t head_end = request.find("\r\n\r\n");
  std::string head = request.substr(0, head_end + 2);
  std::string h = lower(head);
  size_t p = h.find("\r\ncontent-length:");
  if (p != std::string::npos) {
    size_t e = head.find("\r\n", p + 2);
    head.erase(p, e - p);
  }
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return head + "\r\n" + body;
}

}  // namespace

int http_status(const std::string& raw) {
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.c_str() + 9);
}

std::string http_body(const std::string& raw) {
  size_t p = raw.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : raw.substr(p + 4);
}

const char* FaultProxy::name(Mode m) {
  switch (m) {
    case Mode::pass: return "pass";
    case Mode::drop_request: return "drop_request";
    case Mode::drop_response: return "drop_response";
    case Mode::cut_response: return "cut_response";
    case Mode::truncate: return "truncate";
    case Mode::cut_request: return "cut_request";
    case Mode::corrupt: return "corrupt";
    case Mode::inflate: return "inflate";
    case Mode::replay: return "replay";
    case Mode::portal: return "portal";
    case Mode::delay: return "delay";
  }
  return "?";
}

FaultProxy::FaultProxy(int upstream_port) : upstream_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("proxy: socket failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void FaultProxy::set_default(Mode m) {
  std::lock_guard<std::mutex> lock(mu_);
  default_ = m;
}

void FaultProxy::once(Mode m, const std::string& path_prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.emplace_back(m, path_prefix);
}

size_t FaultProxy::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

std::vector<FaultProxy::Seen> FaultProxy::seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_;
}

int FaultProxy::count(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const Seen& s : seen_)
    if (s.path.rfind(prefix, 0) == 0) ++n;
  return n;
}

void FaultProxy::clear_seen() {
  std::lock_guard<std::mutex> lock(mu_);
  seen_.clear();
}

std::string FaultProxy::last_request(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = last_.rbegin(); it != last_.rend(); ++it)
    if (it->first.rfind(prefix, 0) == 0) return it->second;
  return "";
}

std::string FaultProxy::send_upstream(const std::string& request) const {
  int fd = connect_to(upstream_);
  if (fd < 0) return "";
  std::string answer;
  if (write_all(fd, request)) read_message(fd, answer, false);
  ::close(fd);
  return answer;
}

void FaultProxy::loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    set_timeout(client, 15);
    handle(client);
    ::close(client);
  }
}

void FaultProxy::handle(int client) {
  std::string request;
  if (!read_message(client, request, true)) return;  // the client gave up before sending a whole request
  Seen s;
  size_t sp1 = request.find(' '), sp2 = request.find(' ', sp1 + 1);
  s.method = request.substr(0, sp1);
  s.path = request.substr(sp1 + 1, sp2 - sp1 - 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.mode = default_;
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
      if (s.path.rfind(it->second, 0) == 0) {
        s.mode = it->first;
        queue_.erase(it);
        break;
      }
    last_.emplace_back(s.path, request);
    if (last_.size() > 16) last_.erase(last_.begin());
  }
  const std::string body = http_body(request);
  std::string answer;  // what the server said
  std::string to_client;
  bool answer_client = true;

  switch (s.mode) {
    case Mode::pass:
      answer = send_upstream(request);
      break;
    case Mode::delay:
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
      answer = send_upstream(request);
      break;
    case Mode::drop_request:
      answer_client = false;
      break;
    case Mode::drop_response:
      answer = send_upstream(request);
      answer_client = false;
      break;
    case Mode::cut_response:
      answer = send_upstream(request);
      to_client = answer.substr(0, answer.size() - http_body(answer).size() / 2);
      break;
    case Mode::truncate:
      answer = send_upstream(with_body(request, body.substr(0, body.size() / 2)));
      break;
    case Mode::cut_request: {
      // The head promises the whole body; half of it comes, then the stream ends
      // (the server, seeing the peer gone, answers nothing).
      int fd = connect_to(upstream_);
      if (fd >= 0) {
        size_t head_len = request.size() - body.size();
        if (write_all(fd, request.data(), head_len + body.size() / 2)) {
          ::shutdown(fd, SHUT_WR);
          read_message(fd, answer, false);
        }
        ::close(fd);
      }
      break;
    }
    case Mode::corrupt: {
      std::string b = body;
      size_t from = b.size() / 2, n = std::min<size_t>(16, b.size() - from);
      for (size_t i = 0; i < n; ++i) b[from + i] = static_cast<char>(0xFF);
      answer = send_upstream(with_body(request, b));
      break;
    }
    case Mode::inflate: {
      // Valid JSON (trailing whitespace), just beyond the cap but below the point
      // where the server stops reading, so its 413 arrives cleanly.
      std::string b = body;
      if (b.size() < kServerBodyCap + 16 * 1024) b.append(kServerBodyCap + 16 * 1024 - b.size(), ' ');
      answer = send_upstream(with_body(request, b));
      break;
    }
    case Mode::replay:
      send_upstream(request);
      answer = send_upstream(request);
      break;
    case Mode::portal: {
      const std::string page =
          "<!doctype html><html><head><title>Wi-Fi 登录</title></head>"
          "<body><h1>欢迎使用免费 Wi-Fi</h1><p>请先登录</p></body></html>";
      to_client = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                  std::to_string(page.size()) + "\r\nConnection: close\r\n\r\n" + page;
      break;
    }
  }
  s.upstream_status = http_status(answer);
  if (answer_client && to_client.empty()) to_client = answer;
  if (!answer_client) to_client.clear();
  s.client_status = http_status(to_client);
  {
    // Recorded before the desk hears anything, so a test reading seen() after its
    // request returned always finds it.
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(s);
  }
  if (!to_client.empty()) write_all(client, to_client);
}

}  // namespace edudesk::faulttest
