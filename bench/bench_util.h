#pragma once
// What the C++ benchmarks share (bench/analytics, bench/dashboard): timing by median, the
// input file read in one allocation, the peak resident set.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace edudesk::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double round3(double v) { return std::round(v * 1000) / 1000; }

// The whole file in one allocation of its size (growing a string would hold twice the text).
inline bool read_file(const char* path, std::string& out) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  bool ok = std::fseek(f, 0, SEEK_END) == 0;
  const long size = ok ? std::ftell(f) : -1;
  ok = ok && size >= 0 && std::fseek(f, 0, SEEK_SET) == 0;
  if (ok) {
    out.resize(static_cast<size_t>(size));
    ok = std::fread(out.data(), 1, out.size(), f) == out.size();
  }
  std::fclose(f);
  return ok;
}

// VmHWM (peak resident set) of this process in MiB, from /proc/self/status (under node
// with NODERAWFS that is the node process); -1 when unknown.
inline double peak_rss_mb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  double mb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) mb = std::atof(line + 6) / 1024;
  std::fclose(f);
  return mb;
}

// The median of `runs` timed calls after one untimed warm-up call (as every engine does: JIT
// tiers, caches); the fastest goes to *fastest (other work on a shared machine only ever adds
// time).
template <typename F>
double time_median(int runs, F f, double* fastest = nullptr) {
  f();
  std::vector<double> t;
  for (int k = 0; k < runs; ++k) {
    const auto t0 = Clock::now();
    f();
    t.push_back(ms_since(t0));
  }
  if (fastest) *fastest = *std::min_element(t.begin(), t.end());
  return median(t);
}

}  // namespace edudesk::bench
