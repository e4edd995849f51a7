#pragma once
// Hybrid logical clock: wall-clock milliseconds plus a counter, never going
// backwards and always ahead of every stamp seen. Ops are ordered by
// (hlc, op id), a total order every replica agrees on.
#include <cstdint>
#include <string>
#include <tuple>

namespace edudesk {

struct Hlc {
  int64_t ms = 0;
  int64_t counter = 0;
};
inline bool operator<(const Hlc& a, const Hlc& b) { return std::tie(a.ms, a.counter) < std::tie(b.ms, b.counter); }
inline bool operator==(const Hlc& a, const Hlc& b) { return a.ms == b.ms && a.counter == b.counter; }

// An Op's place in the total order.
struct Stamp {
  Hlc hlc;
  std::string op_id;  // empty = "before everything"
};
inline bool operator<(const Stamp& a, const Stamp& b) {
  return std::tie(a.hlc.ms, a.hlc.counter, a.op_id) < std::tie(b.hlc.ms, b.hlc.counter, b.op_id);
}

class HlcClock {
 public:
  // The stamp for a new local Op at wall time `wall`.
  Hlc tick(int64_t wall) {
    if (wall > last_.ms) last_ = {wall, 0};
    else ++last_.counter;
    return last_;
  }
  // Every stamp seen (loaded, pulled) pushes the clock past it.
  void observe(const Hlc& seen) {
    if (last_ < seen) last_ = seen;
  }
  Hlc last() const { return last_; }

 private:
  Hlc last_;
};

}  // namespace edudesk
