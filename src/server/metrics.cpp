#include "server/metrics.h"

#include <cstdio>

namespace edudesk::server {

Metrics::Metrics() : bounds_{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5} {}

void Metrics::record(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  if (h.counts.empty()) h.counts.assign(bounds_.size() + 1, 0);
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

namespace {
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

std::string Metrics::render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  out += "# HELP edudesk_http_requests_total HTTP requests by route and status.\n"
         "# TYPE edudesk_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "edudesk_http_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  out += "# HELP edudesk_http_request_duration_seconds Time from the request line to the response, by route.\n"
         "# TYPE edudesk_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += h.counts[i];
      out += "edudesk_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + num(bounds_[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "edudesk_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "edudesk_http_request_duration_seconds_sum{route=\"" + route + "\"} " + num(h.sum) + "\n";
    out += "edudesk_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(h.count) + "\n";
  }
  return out;
}

}  // namespace edudesk::server
