// bench/search_bench.cpp: full-text search over 100,000 tickets (docs/KB.md), the queue's
// search box. The tickets are made from the seeded demo desk (core/demo.h: real Chinese
// subjects, messages, replies and notes): a pool of demo tickets is generated through
// decide/apply, then copied into a State of N tickets with fresh numbers, customers
// (generated names and phones), orders (O + 10 digits) and the digits inside the texts
// redrawn, so numbers do not repeat. Generating all 100,000 through the demo would need
// ≈ 2 GB for its Ops; the texts and their statistics are the demo's either way.
// Then: TicketSearch::update builds the index (time, index size), ~30 typical queries run
// 7 times each (timed: search with no limit, all matching ticket indices), and one new
// message is indexed incrementally (both ways of TicketSearch::update). Prints one JSON line.
// Built natively (bench/CMakeLists.txt) and as WASM for node (cmake/WebApp.cmake,
// edudesk_search_bench.js). Usage: edudesk_search_bench [--tickets N] [--runs N] [--pool N]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/demo.h"
#include "core/rng.h"
#include "core/state.h"
#include "core/ticket_search.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double round1(double v) { return std::round(v * 1000) / 1000; }

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
                                 "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
                                 "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶",
                                 "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "钟", "谭", "陆", "汪", "范", "金"};
const char* const kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                              "涛", "明", "超", "秀", "霞", "平", "刚", "英", "华", "玉", "兰", "萍", "红", "鹏",
                              "辉", "建", "国", "子", "涵", "梓", "轩", "浩", "然", "欣", "怡", "雨", "萱", "宇",
                              "航", "俊", "熙", "思", "彤", "诗", "琪", "博", "文", "嘉", "睿", "晨", "佳", "一"};

const char* const kPhonePrefixes[] = {"13", "15", "17", "18", "19"};

std::string digits(edudesk::Rng& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng.below(10));
  return s;
}

// The text with every digit redrawn (order numbers, phone tails, dates in messages).
std::string redraw_digits(edudesk::Rng& rng, const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (c >= '0' && c <= '9') c = static_cast<char>('0' + rng.below(10));
  return out;
}

edudesk::State make_desk(int64_t tickets, int64_t pool_size) {
  using namespace edudesk;
  DemoOptions opt;
  opt.tickets = static_cast<int>(pool_size);
  opt.days = 365;
  opt.end = 1790000000000;  // 2026-09-21
  State pool;
  Error err;
  for (const Op& op : demo_ops(opt)) apply(pool, op, err);

  State s;
  s.agents = pool.agents;
  s.agent_index = pool.agent_index;
  s.courses = pool.courses;
  s.course_index = pool.course_index;
  Rng rng(20261124);
  const int64_t customers = tickets * 55 / 100;  // the demo's ratio: ≈ 1.8 tickets per customer
  s.customers.reserve(static_cast<size_t>(customers));
  for (int64_t i = 0; i < customers; ++i) {
    Customer c;
    c.id = "c" + std::to_string(i);
    // one draw per statement: the order of evaluation inside an expression differs between compilers
    c.name = rng.pick(kSurnames);
    c.name += rng.pick(kGiven);
    if (rng.chance(70)) c.name += rng.pick(kGiven);
    c.phone = rng.pick(kPhonePrefixes);
    c.phone += digits(rng, 9);
    c.is_parent = rng.chance(40);
    s.customer_index[c.id] = s.customers.size();
    s.customers.push_back(std::move(c));
  }
  const int64_t orders = tickets * 2 / 3;
  for (int64_t i = 0; i < orders; ++i) {
    Order o;
    o.id = "O" + std::to_string(2025 + rng.below(2));
    o.id += digits(rng, 6);
    if (s.order_index.count(o.id)) continue;
    o.customer_id = s.customers[static_cast<size_t>(rng.below(customers))].id;
    o.course_id = s.courses[static_cast<size_t>(rng.below(static_cast<int64_t>(s.courses.size())))].id;
    s.order_index[o.id] = s.orders.size();
    s.orders.push_back(std::move(o));
  }
  s.tickets.reserve(static_cast<size_t>(tickets));
  for (int64_t i = 0; i < tickets; ++i) {
    Ticket t = pool.tickets[static_cast<size_t>(i % static_cast<int64_t>(pool.tickets.size()))];
    t.id = "t" + std::to_string(i);
    t.number = 10001 + i;
    t.customer_id = s.customers[static_cast<size_t>(rng.below(customers))].id;
    t.subject = redraw_digits(rng, t.subject);
    for (TimelineEntry& e : t.timeline) e.text = redraw_digits(rng, e.text);
    s.ticket_index[t.id] = s.tickets.size();
    s.tickets.push_back(std::move(t));
  }
  s.max_ticket_number = 10000 + tickets;
  s.revision = 1;
  return s;
}

// Peak resident memory in KiB (Linux; 0 elsewhere, e.g. under node).
int64_t peak_rss_kib() {
#ifdef __EMSCRIPTEN__
  return 0;
#else
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  int64_t kib = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::atoll(line + 6);
  std::fclose(f);
  return kib;
#endif
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(k, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t tickets = 100000, runs = 7, pool = 6000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tickets") == 0) tickets = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--pool") == 0) pool = std::atoll(argv[i + 1]);
  }
  if (tickets < 1000 || runs < 1 || pool < 100) {
    std::fprintf(stderr, "usage: edudesk_search_bench [--tickets N≥1000] [--runs N] [--pool N≥100]\n");
    return 2;
  }
  const auto t_make = Clock::now();
  edudesk::State s = make_desk(tickets, pool);
  const double make_ms = ms_since(t_make);
  const int64_t rss_before = peak_rss_kib();

  edudesk::TicketSearch ts;
  const auto t_build = Clock::now();
  const size_t indexed = ts.update(s);
  const double build_ms = ms_since(t_build);
  const int64_t rss_after = peak_rss_kib();
  const edudesk::TextIndex::Stats st = ts.index().stats();
  size_t text_bytes = 0;
  for (const auto& t : s.tickets) {
    text_bytes += t.subject.size();
    for (const auto& e : t.timeline) text_bytes += e.text.size();
  }

  // Typical queries: Chinese of 1-6 characters, traditional, English, mixed, numbers
  // (a ticket number, part of an order id, a phone's middle digits), a customer, misses.
  const edudesk::Order& order = s.orders[s.orders.size() / 3];
  const edudesk::Customer& customer = s.customers[s.customers.size() / 2];
  const std::vector<std::string> queries = {
      "退款", "回放", "老师", "发票", "密码", "卡顿", "闪退", "验证码", "冷静期", "课程内容", "账号被盗",
      "更换绑定手机号", "作业批改", "直播间", "申请退款", "老师讲得太快", "課程", "帳號", "退費", "發票抬頭",
      "卡", "app", "iPad", "Python", "app 闪退", std::to_string(10001 + tickets / 2), order.id.substr(3, 6),
      customer.phone.substr(3, 5), customer.name, "量子力学", "xyzzy"};
  json per_query = json::array();
  std::vector<double> all;
  double worst_median = 0;
  for (const std::string& q : queries) {
    std::vector<double> times;
    size_t n = 0;
    for (int64_t r = 0; r < runs; ++r) {
      const auto t = Clock::now();
      n = ts.search(q).size();
      times.push_back(ms_since(t));
    }
    all.insert(all.end(), times.begin(), times.end());
    const double med = percentile(times, 0.5);
    worst_median = std::max(worst_median, med);
    per_query.push_back({{"q", q}, {"hits", n}, {"median_ms", round1(med)}, {"p90_ms", round1(percentile(times, 0.9))}});
  }

  // The queue's other filters as an allowed set (a third of the tickets).
  std::vector<bool> allowed(s.tickets.size());
  for (size_t i = 0; i < allowed.size(); ++i) allowed[i] = i % 3 == 0;
  std::vector<double> filtered;
  for (int64_t r = 0; r < runs; ++r) {
    const auto t = Clock::now();
    ts.search("退款", 0, &allowed);
    filtered.push_back(ms_since(t));
  }
  // One new message at a time, applied to its ticket, then the index brought up to date:
  // by update(s), which scans every ticket for changes, and by update_touched(s, ids), told
  // which ticket the new Op touched (as the desk knows).
  std::vector<double> scanned, hinted;
  size_t reindexed = 0;
  for (int64_t r = 0; r < 2 * runs; ++r) {
    edudesk::Ticket& t = s.tickets[static_cast<size_t>(r * 7919) % s.tickets.size()];
    edudesk::TimelineEntry e;
    e.id = "new" + std::to_string(r);
    e.text = "补充一下：订单号O20261105" + std::to_string(r) + "，量子纠缠课程的回放还是打不开";
    t.timeline.push_back(e);
    ++s.revision;
    const auto t0 = Clock::now();
    reindexed += r % 2 ? ts.update_touched(s, {t.id}) : ts.update(s);
    (r % 2 ? hinted : scanned).push_back(ms_since(t0));
  }
  const bool found_new = ts.search("量子纠缠").size() == static_cast<size_t>(2 * runs) &&
                         reindexed == static_cast<size_t>(2 * runs);

#ifdef __EMSCRIPTEN__
  const char* platform = "wasm";
#else
  const char* platform = "native";
#endif
  json line{{"bench", "ticket_search"},
            {"platform", platform},
            {"tickets", s.tickets.size()},
            {"timeline_entries_per_ticket", 0},
            {"text_mb", round1(static_cast<double>(text_bytes) / 1e6)},
            {"make_desk_ms", std::round(make_ms)},
            {"build_ms", std::round(build_ms)},
            {"indexed", indexed},
            {"index_mb", round1(static_cast<double>(st.bytes) / 1e6)},
            {"postings", st.postings},
            {"terms", st.terms},
            {"peak_rss_mb_before_index", round1(static_cast<double>(rss_before) / 1024)},
            {"peak_rss_mb_after_index", round1(static_cast<double>(rss_after) / 1024)},
            {"runs", runs},
            {"queries", queries.size()},
            {"median_ms", round1(percentile(all, 0.5))},
            {"p90_ms", round1(percentile(all, 0.9))},
            {"max_ms", round1(*std::max_element(all.begin(), all.end()))},
            {"worst_query_median_ms", round1(worst_median)},
            {"filtered_median_ms", round1(percentile(filtered, 0.5))},
            {"new_message_scan_update_median_ms", round1(percentile(scanned, 0.5))},
            {"new_message_hinted_update_median_ms", round1(percentile(hinted, 0.5))},
            {"new_message_found", found_new},
            {"per_query", per_query}};
  size_t entries = 0;
  for (const auto& t : s.tickets) entries += t.timeline.size();
  line["timeline_entries_per_ticket"] = round1(static_cast<double>(entries) / static_cast<double>(s.tickets.size()));
  std::printf("%s\n", line.dump().c_str());
  return found_new ? 0 : 1;
}
