#pragma once
// Request counters and latencies for GET /api/v1/metrics (Prometheus text format).
// Thread-safe: the HTTP thread pool records into it concurrently.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace edudesk::server {

class Metrics {
 public:
  Metrics();
  // `route` is a fixed label (the endpoint, "static" or "other"), never the raw path.
  void record(const std::string& route, int status, double seconds);
  // Everything recorded so far, as Prometheus exposition text.
  std::string render() const;

 private:
  struct Histogram {
    std::vector<int64_t> counts;  // per bucket, not cumulative
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace edudesk::server
