// bench/analytics/analytics_bench.cpp: the ticket analytics of src/core/analytics.h over a CSV
// of bench/analytics/generate.mjs, natively (bench/CMakeLists.txt: edudesk_analytics_bench) and
// as WASM under node (cmake/WebApp.cmake: edudesk_analytics_bench.js, the same code).
//   edudesk_analytics_bench --tickets FILE.csv [--runs 5] [--results OUT.json]
// The file is read into memory first (not timed); timed: the import into columns (load), then
// each query `runs` times after one warm-up run (median). Then the incremental path: LiveAnalytics built once, one
// new ticket appended and taken in (median of `runs`), its answers checked against the full
// queries. Prints one JSON line; --results writes the answers (the JSON of `edudesk analytics
// --query all`) for bench/analytics/compare.mjs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

#include "../bench_util.h"
#include "core/analytics.h"

namespace {

using nlohmann::json;
using namespace edudesk::bench;

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  const char* results_path = nullptr;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tickets") == 0) path = argv[i + 1];
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--results") == 0) results_path = argv[i + 1];
  }
  if (!path || runs < 1) {
    std::fprintf(stderr, "usage: edudesk_analytics_bench --tickets FILE.csv [--runs 5] [--results OUT.json]\n");
    return 2;
  }
  std::string csv;
  if (!read_file(path, csv)) {
    std::fprintf(stderr, "analytics bench: cannot read '%s'\n", path);
    return 2;
  }

  edudesk::TicketColumns t;
  edudesk::Error err;
  const auto t0 = Clock::now();
  if (!edudesk::import_tickets_csv(csv, t, err)) {
    std::fprintf(stderr, "analytics bench: %s: %s\n", path, err.message.c_str());
    return 1;
  }
  const double load_ms = ms_since(t0);
  const size_t csv_bytes = csv.size();
  std::string().swap(csv);  // the app keeps columns, not the text

  edudesk::Q1Result r1;
  edudesk::Q2Result r2;
  edudesk::Q3Result r3;
  edudesk::Q4Result r4;
  edudesk::Q5Result r5;
  double fastest[5];
  const double q1 = time_median(runs, [&] { r1 = edudesk::analytics_q1(t); }, &fastest[0]);
  const double q2 = time_median(runs, [&] { r2 = edudesk::analytics_q2(t); }, &fastest[1]);
  const double q3 = time_median(runs, [&] { r3 = edudesk::analytics_q3(t); }, &fastest[2]);
  const double q4 = time_median(runs, [&] { r4 = edudesk::analytics_q4(t); }, &fastest[3]);
  const double q5 = time_median(runs, [&] { r5 = edudesk::analytics_q5(t); }, &fastest[4]);
  const json answers{{"tickets", t.size()}, {"q1", edudesk::to_json(r1)}, {"q2", edudesk::to_json(r2)},
                     {"q3", edudesk::to_json(r3)}, {"q4", edudesk::to_json(r4)}, {"q5", edudesk::to_json(r5)}};

  // A filter as the dashboard sets it: one category over the second half of the range.
  edudesk::AnalyticsFilter f;
  f.category = edudesk::Category::technical;
  f.from_day = (r5.first_day + r5.last_day) / 2;
  double filtered_all = time_median(runs, [&] {
    const edudesk::RowMask m = edudesk::analytics_mask(t, f);
    r1 = edudesk::analytics_q1(t, &m);
    r2 = edudesk::analytics_q2(t, &m);
    r3 = edudesk::analytics_q3(t, &m);
    r4 = edudesk::analytics_q4(t, &m);
    r5 = edudesk::analytics_q5(t, &m);
  });

  // Incremental: the live answers built once, then new tickets one at a time.
  edudesk::LiveAnalytics live;
  const auto tb = Clock::now();
  live.sync(t);
  const double live_build_ms = ms_since(tb);
  std::vector<double> add_ms, answer_ms;
  edudesk::TicketFacts next = t.row(t.size() - 1);
  for (int k = 0; k < runs; ++k) {
    next.id = t.id().back() + 1;
    next.created_at += 60;
    next.resolve_s = 3600 + k;
    next.csat = 1 + k % 5;
    auto ta = Clock::now();
    if (!t.append(next, err)) {
      std::fprintf(stderr, "analytics bench: append: %s\n", err.message.c_str());
      return 1;
    }
    live.sync(t);
    add_ms.push_back(ms_since(ta));
    ta = Clock::now();
    r1 = live.q1();
    r2 = live.q2();
    r3 = live.q3();
    r4 = live.q4(t);
    r5 = live.q5(t);
    answer_ms.push_back(ms_since(ta));
  }
  const json live_answers{{"tickets", t.size()},          {"q1", edudesk::to_json(r1)}, {"q2", edudesk::to_json(r2)},
                          {"q3", edudesk::to_json(r3)},   {"q4", edudesk::to_json(r4)}, {"q5", edudesk::to_json(r5)}};
  json full;
  edudesk::analytics_json(t, "all", full, err);
  if (live_answers != full) {
    std::fprintf(stderr, "analytics bench: the incremental answers differ from a full recompute\n");
    return 1;
  }

#ifdef __EMSCRIPTEN__
  const char* engine = "cpp-wasm";
  const double heap_mb = static_cast<double>(emscripten_get_heap_size()) / 1048576;
#else
  const char* engine = "cpp-native";
  const double heap_mb = -1;
#endif
  json line{{"engine", engine},
            {"tickets", answers["tickets"]},
            {"csv_mb", round3(static_cast<double>(csv_bytes) / 1048576)},
            {"load_ms", round3(load_ms)},
            {"q1_ms", round3(q1)},
            {"q2_ms", round3(q2)},
            {"q3_ms", round3(q3)},
            {"q4_ms", round3(q4)},
            {"q5_ms", round3(q5)},
            {"sum_ms", round3(q1 + q2 + q3 + q4 + q5)},
            {"fastest_ms", {round3(fastest[0]), round3(fastest[1]), round3(fastest[2]), round3(fastest[3]), round3(fastest[4])}},
            {"filtered_all_ms", round3(filtered_all)},
            {"live_build_ms", round3(live_build_ms)},
            {"new_ticket_ms", round3(median(add_ms))},
            {"live_answers_ms", round3(median(answer_ms))},
            {"columns_mb", round3(static_cast<double>(t.memory_bytes()) / 1048576)},
            {"peak_rss_mb", round3(peak_rss_mb())}};
  if (heap_mb > 0) line["wasm_heap_mb"] = round3(heap_mb);
  if (results_path) {
    FILE* out = std::fopen(results_path, "wb");
    const std::string text = answers.dump();
    if (!out || std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fclose(out) != 0) {
      std::fprintf(stderr, "analytics bench: cannot write '%s'\n", results_path);
      return 1;
    }
    line["results"] = results_path;
  }
  std::printf("%s\n", line.dump().c_str());
  return 0;
}
