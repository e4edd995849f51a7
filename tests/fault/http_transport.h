#pragma once
// The desk's Transport over real HTTP (cpp-httplib), for the fault tests: one
// synchronous request per call, `done` invoked before send returns, a new
// connection per request (no keep-alive), short timeouts, status 0 when there is
// no answer (refused, reset, closed, timed out).
#include <httplib.h>

#include <string>

#include "app/sync_driver.h"

namespace edudesk::faulttest {

class HttpTransport : public Transport {
 public:
  HttpTransport(std::string host, int port) : host_(std::move(host)), port_(port) {}

  void set_port(int port) { port_ = port; }
  int port() const { return port_; }
  // How long to wait for an answer before counting the request as unanswered.
  void set_read_timeout_ms(int ms) { read_timeout_ms_ = ms; }
  int64_t requests() const { return requests_; }
  const Response& last() const { return last_; }

  void send(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
            std::function<void(Response)> done) override {
    ++requests_;
    httplib::Client c(host_, port_);
    c.set_keep_alive(false);
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(read_timeout_ms_ / 1000, (read_timeout_ms_ % 1000) * 1000);
    c.set_write_timeout(5, 0);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Result r = method == "GET" ? c.Get(path.c_str(), headers)
                                        : c.Post(path.c_str(), headers, body, "application/json");
    Response out;
    if (r) {
      out.status = r->status;
      out.body = r->body;
    }
    last_ = out;
    done(std::move(out));
  }

 private:
  std::string host_;
  int port_;
  int read_timeout_ms_ = 5000;
  int64_t requests_ = 0;
  Response last_;
};

}  // namespace edudesk::faulttest
