// bench/snapshot/snapshot_bench.cpp: what restoring the State from a snapshot costs (issue 8's warm
// start), natively (bench/CMakeLists.txt) and as WASM under node (cmake/WebApp.cmake), the same code.
//   edudesk_snapshot_bench --ops FILE.jsonl --snapshot FILE.snap [--runs 5]
// With --ops (native): applies the op log to a State and writes its snapshot to --snapshot, with
// the size of each part. Then (both): reads --snapshot `runs` times into a fresh State and prints
// the median, one JSON line.
#include <cstdio>
#include <cstring>
#ifdef __EMSCRIPTEN__
#include <malloc.h>
#endif
#include <string>
#include <vector>

#include "../bench_util.h"
#include "core/snapshot.h"
#include "core/state.h"

namespace {
using namespace edudesk;
using namespace edudesk::bench;
using nlohmann::json;

// The bytes each part of the State adds to the snapshot (the snapshot without it, subtracted).
json parts(const State& s, size_t whole, const char* variants) {
  json out = json::object();
  auto without = [&](const char* name, auto clear) {
    State t = s;
    clear(t);
    const std::string bytes = snapshot_write(t);
    out[name] = whole - bytes.size();
    if (variants) {
      FILE* f = std::fopen((std::string(variants) + "-" + name).c_str(), "wb");
      if (f) std::fwrite(bytes.data(), 1, bytes.size(), f), std::fclose(f);
    }
  };
  without("applied_ops", [](State& t) { t.applied_ops.clear(); });
  without("op_ticket", [](State& t) { t.op_ticket.clear(); });
  without("tickets", [](State& t) { t.tickets.clear(); t.ticket_index.clear(); });
  without("timelines", [](State& t) { for (auto& k : t.tickets) k.timeline.clear(); });
  without("customers", [](State& t) { t.customers.clear(); t.customer_index.clear(); });
  without("orders", [](State& t) { t.orders.clear(); t.order_index.clear(); });
  without("refunds", [](State& t) { t.refunds.clear(); t.refund_index.clear(); t.op_refund.clear(); });
  without("tasks", [](State& t) { t.tasks.clear(); t.task_index.clear(); t.op_task.clear(); });
  without("responses", [](State& t) { t.responses.clear(); t.response_groups.clear(); t.survey_sends.clear(); });
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  const char *ops_path = nullptr, *snap_path = nullptr;
  int runs = 5, pregrow_mb = 0;  // --pregrow-mb: grow and touch the heap first (the share of page faults)
  bool steps = false;            // --steps 1: one restore in steps, as a browser's start does it
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ops")) ops_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--snapshot")) snap_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--pregrow-mb")) pregrow_mb = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]) != 0;
  }
  if (!snap_path) {
    std::fprintf(stderr, "usage: edudesk_snapshot_bench [--ops FILE.jsonl] --snapshot FILE.snap [--runs 5]\n");
    return 2;
  }
  json result = json::object();
  if (ops_path) {
    State s;
    FILE* f = std::fopen(ops_path, "rb");
    if (!f) return std::fprintf(stderr, "cannot open %s\n", ops_path), 1;
    std::string line;
    char buf[1 << 16];
    size_t n_ops = 0;
    auto t0 = Clock::now();
    while (std::fgets(buf, sizeof buf, f)) {
      line += buf;
      if (line.empty() || line.back() != '\n') continue;
      Op op;
      Error err;
      if (op_from_json(json::parse(line), op, err)) apply(s, op, err), ++n_ops;
      line.clear();
    }
    std::fclose(f);
    result["ops"] = n_ops;
    result["tickets"] = s.tickets.size();
    result["replay_ms"] = round3(ms_since(t0));
    t0 = Clock::now();
    const std::string bytes = snapshot_write(s);
    result["write_ms"] = round3(ms_since(t0));
    result["bytes"] = bytes.size();
    result["parts"] = parts(s, bytes.size(), std::getenv("SNAP_VARIANTS"));
    FILE* o = std::fopen(snap_path, "wb");
    if (!o || std::fwrite(bytes.data(), 1, bytes.size(), o) != bytes.size()) return 1;
    std::fclose(o);
  }
  std::string bytes;
  if (!read_file(snap_path, bytes)) return std::fprintf(stderr, "cannot read %s\n", snap_path), 1;
  if (pregrow_mb > 0) {
    const size_t n = static_cast<size_t>(pregrow_mb) << 20;
    const auto t0 = Clock::now();
    if (volatile char* p = static_cast<volatile char*>(std::malloc(n))) {
      for (size_t i = 0; i < n; i += 4096) p[i] = 0;  // each page touched once
      std::free(const_cast<char*>(p));
    }
    result["pregrow_ms"] = round3(ms_since(t0));
  }
  if (steps) {
    // On a fresh heap, all bytes there, steps of 256 tickets (the web app's): until the State can
    // be drawn with its newest tickets, the longest step after that, and the whole.
    State s;
    SnapshotLoader loader;
    const auto t0 = Clock::now();
    loader.start(s, bytes.data(), bytes.size());
    double longest = 0, first_tickets = -1;
    int n = 0;
    SnapshotLoader::Step st = SnapshotLoader::Step::more;
    while (st == SnapshotLoader::Step::more) {
      const auto ts = Clock::now();
      st = loader.step(bytes.size(), 256);
      ++n;
      if (first_tickets < 0 && !s.tickets.empty()) first_tickets = ms_since(t0);
      else longest = std::max(longest, ms_since(ts));
    }
    if (st != SnapshotLoader::Step::done) return std::fprintf(stderr, "%s\n", loader.error().c_str()), 1;
    result["steps"] = n;
    result["first_tickets_ms"] = round3(first_tickets);
    result["longest_step_ms"] = round3(longest);
    result["whole_ms"] = round3(ms_since(t0));
    std::printf("%s\n", result.dump().c_str());
    return 0;
  }
  std::vector<double> times;
  for (int r = 0; r <= runs; ++r) {
    State s;
    std::string err;
    const auto t0 = Clock::now();
    if (!snapshot_read(bytes.data(), bytes.size(), s, err)) return std::fprintf(stderr, "%s\n", err.c_str()), 1;
    if (r) times.push_back(ms_since(t0));
    else result["first_read_ms"] = round3(ms_since(t0));  // a fresh heap, as a page's first restore
    result["restored_tickets"] = s.tickets.size();
#ifdef __EMSCRIPTEN__
    result["state_heap_bytes"] = mallinfo().uordblks - bytes.size();  // what the restored State holds
#endif
  }
  result["read_ms"] = round3(median(times));
  result["read_ms_all"] = times;
  result["peak_rss_mb"] = peak_rss_mb();
  std::printf("%s\n", result.dump().c_str());
  return 0;
}
