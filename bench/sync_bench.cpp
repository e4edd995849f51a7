// The sync load client of bench/run.sh: talks to a real `edudesk serve` on 127.0.0.1
// over the wire format of src/sync/protocol.h and prints one JSON line per run.
//
//   sync_bench wait       --port P [--timeout S]
//       waits until GET /api/v1/health answers 200 (exit 1 after S seconds)
//   sync_bench throughput --port P [--ops 100000] [--batch 250] [--page 1000]
//       logs in, pulls the desk, makes --ops realistic Ops through edudesk::decide,
//       pushes them in batches, then pulls the whole log back in pages
//   sync_bench load       --port P [--threads 8] [--seconds 10] [--batch 10]
//       --threads connections (one demo agent each, round robin) push small batches
//       for a fixed time; sustained accepted Ops/s and request latency percentiles
//   sync_bench idle       --port P [--threads 8] [--timeout 10]
//       --threads connections make one request each and stay open, idle; then the
//       time one more request on a new connection takes
//
// Only 127.0.0.1 is ever contacted. Every run stops by itself (fixed op count or
// fixed duration, and HTTP timeouts).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/commands.h"
#include "core/enums.h"
#include "core/rng.h"
#include "core/state.h"
#include "sync/protocol.h"

using namespace edudesk;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kHost = "127.0.0.1";  // loopback only, by construction

struct Args {
  std::string mode;
  int port = 0;
  int64_t ops = 100000;
  int64_t batch = 250;
  int64_t page = 1000;
  int threads = 8;
  double seconds = 10;
  double timeout = 10;
  std::string password = "edudesk";
  std::vector<std::string> agents = {"a-wangmin", "a-lijing",   "a-zhangwei",
                                     "a-liuyang", "a-chenchen", "a-zhaolei"};
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "sync_bench: %s\n", why.c_str());
  std::exit(1);
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<httplib::Client> connect(int port) {
  auto c = std::make_unique<httplib::Client>(kHost, port);
  c->set_keep_alive(true);  // like a browser: one connection, many requests
  c->set_tcp_nodelay(true);  // as browsers do: no Nagle delay between headers and body
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(30, 0);
  c->set_write_timeout(30, 0);
  return c;
}

std::string login(httplib::Client& c, const std::string& agent, const std::string& password) {
  json body{{"agent_id", agent}, {"password", password}};
  auto res = c.Post("/api/v1/login", body.dump(), "application/json");
  if (!res) die("login as " + agent + ": no answer (" + httplib::to_string(res.error()) + ")");
  if (res->status != 200) die("login as " + agent + ": HTTP " + std::to_string(res->status) + " " + res->body);
  json j = json::parse(res->body, nullptr, false);
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) die("login: no token in " + res->body);
  return j["token"].get<std::string>();
}

struct PullStats {
  int64_t ops = 0, requests = 0, bytes = 0, cursor = 0;
  double parse_s = 0;  // of it, the client reading the answers
};

// Pulls the log after `after` in pages of `page`; each Op goes to `take`.
template <typename F>
PullStats pull_all(httplib::Client& c, const std::string& token, int64_t after, int64_t page, F take) {
  httplib::Headers h{{"Authorization", "Bearer " + token}};
  PullStats st;
  st.cursor = after;
  for (;;) {
    std::string path = "/api/v1/pull?after=" + std::to_string(st.cursor) + "&limit=" + std::to_string(page);
    auto res = c.Get(path.c_str(), h);
    if (!res) die("pull: no answer (" + httplib::to_string(res.error()) + ")");
    if (res->status != 200) die("pull: HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 300));
    sync::PullResponse pr;
    std::string why;
    auto tp = Clock::now();
    if (!sync::parse_pull_response(res->body, pr, why)) die("pull: unreadable answer: " + why);
    st.parse_s += since(tp);
    ++st.requests;
    st.bytes += static_cast<int64_t>(res->body.size());
    st.ops += static_cast<int64_t>(pr.ops.size());
    for (sync::PulledOp& p : pr.ops) take(p);
    st.cursor = pr.cursor;
    if (!pr.more) break;
  }
  return st;
}

// One agent's desk making realistic changes on its own tickets: new tickets with a
// customer of the desk, replies, internal notes, status and priority/category changes.
class Generator {
 public:
  Generator(std::string agent, std::string id_prefix, uint64_t seed)
      : agent_(std::move(agent)), ids_(std::move(id_prefix)), rng_(seed) {}

  State& state() { return s_; }
  void observe(const Op& op) {
    Error e;
    clock_.observe(op.hlc);
    apply(s_, op, e);
  }

  // Appends at least `n` Ops (a command can yield more than one) to `out`.
  void make(int64_t n, std::vector<Op>& out) {
    if (s_.customers.empty()) die("the desk has no customers (was it seeded with the demo?)");
    int64_t made = 0, failures = 0;
    while (made < n) {
      json cmd = next_command();
      Context ctx{wall_ms(), agent_, &ids_, &clock_};
      Decision d;
      Error e;
      if (!decide(s_, cmd, ctx, d, e)) {  // e.g. a status change no longer allowed: try another
        if (++failures > 1000 + n) die("decide keeps refusing: " + e.code + " " + e.message);
        continue;
      }
      for (Op& op : d.ops) {
        Error ae;
        if (apply(s_, op, ae) == ApplyOutcome::rejected) die("own op rejected locally: " + ae.message);
        if (op.type == op_type::ticket_created) mine_.push_back(op.data["ticket_id"].get<std::string>());
        out.push_back(std::move(op));
        ++made;
      }
    }
  }

 private:
  json next_command() {
    static const char* const kSubjects[] = {"第三讲回放打不开", "退款申请：高中数学冲刺班", "发票抬头需要修改",
                                            "直播课卡顿，声音断断续续", "课程有效期能否延长", "账号登录不上",
                                            "作业提交后显示失败", "想换到周末班"};
    static const char* const kTexts[] = {"您好，老师，第三讲的回放一直在转圈，换了浏览器也不行，麻烦看一下。",
                                         "孩子报的班想申请退款，已经上了两次课，请问怎么算？",
                                         "昨天的直播课后半段一直卡，手机和电脑都试过了。",
                                         "我的账号提示密码错误，但我没有改过密码。"};
    static const char* const kReplies[] = {"您好，我们已经收到您的反馈，正在处理，预计今天内给您答复。",
                                           "请您清除浏览器缓存后重试，如果还有问题请告诉我们您的设备型号。",
                                           "退款按已上课时折算，具体金额我会在核实后发给您。",
                                           "已为您延长有效期 30 天，请刷新页面查看。"};
    static const char* const kNotes[] = {"已转技术支持，CDN 节点可能有问题。", "家长情绪较急，优先处理。",
                                         "同一问题本周第三次出现，需要汇总给教研。", "等财务确认退款金额。"};
    const bool create = mine_.empty() || rng_.chance(10);
    if (create) {
      const Customer& c = s_.customers[static_cast<size_t>(rng_.below(static_cast<int64_t>(s_.customers.size())))];
      json cmd{{"type", "ticket.create"},        {"channel", rng_.chance(50) ? "chat" : "phone"},
               {"customer_id", c.id},            {"subject", rng_.pick(kSubjects)},
               {"text", rng_.pick(kTexts)},      {"priority", to_id(rng_.pick(kPriorities))}};
      if (!s_.courses.empty() && rng_.chance(60))
        cmd["course_id"] = s_.courses[static_cast<size_t>(rng_.below(static_cast<int64_t>(s_.courses.size())))].id;
      return cmd;
    }
    // Mostly the recent tickets, like a working desk.
    size_t span = std::min<size_t>(mine_.size(), 200);
    const std::string& tid = mine_[mine_.size() - 1 - static_cast<size_t>(rng_.below(static_cast<int64_t>(span)))];
    const Ticket* t = s_.ticket(tid);
    int64_t roll = rng_.below(100);
    if (roll < 35) return {{"type", "ticket.reply"}, {"ticket_id", tid}, {"text", rng_.pick(kReplies)}};
    if (roll < 55) return {{"type", "ticket.note"}, {"ticket_id", tid}, {"text", rng_.pick(kNotes)}};
    if (roll < 80 && t) {
      for (int tries = 0; tries < 5; ++tries) {
        Status to = rng_.pick(kStatuses);
        if (to != t->status && status_change_allowed(t->status, to))
          return {{"type", "ticket.set_status"}, {"ticket_id", tid}, {"status", to_id(to)}};
      }
    }
    if (roll < 92 && t) {
      Priority p = rng_.pick(kPriorities);
      if (p != t->priority) return {{"type", "ticket.set_priority"}, {"ticket_id", tid}, {"priority", to_id(p)}};
    }
    if (t) {
      Category c = rng_.pick(kCategories);
      if (c != t->category) return {{"type", "ticket.set_category"}, {"ticket_id", tid}, {"category", to_id(c)}};
    }
    return {{"type", "ticket.note"}, {"ticket_id", tid}, {"text", rng_.pick(kNotes)}};
  }

  std::string agent_;
  PrefixIds ids_;
  HlcClock clock_;
  Rng rng_;
  State s_;
  std::vector<std::string> mine_;
};

struct PushOutcome {
  bool ok = false;
  int status = 0;
  int64_t accepted = 0, duplicate = 0, rejected = 0;
  std::string first_reject;
};

PushOutcome push(httplib::Client& c, const httplib::Headers& h, const std::string& body, const std::string& batch_id) {
  PushOutcome o;
  auto res = c.Post("/api/v1/push", h, body, "application/json");
  if (!res) return o;
  o.status = res->status;
  if (res->status != 200) return o;
  sync::PushResponse pr;
  std::string why;
  if (!sync::parse_push_response(res->body, batch_id, pr, why)) return o;
  o.ok = true;
  for (const sync::PushResult& r : pr.results) {
    if (r.verdict == sync::Verdict::accepted) ++o.accepted;
    else if (r.verdict == sync::Verdict::duplicate) ++o.duplicate;
    else {
      ++o.rejected;
      if (o.first_reject.empty()) o.first_reject = r.code + ": " + r.reason;
    }
  }
  return o;
}

// The batches of `ops` as wire bodies (made before the clock starts: a client's
// outbox is already serialized when it pushes).
using Bodies = std::vector<std::pair<std::string, std::string>>;  // (batch id, JSON body)
void append_bodies(const std::string& client_id, const std::vector<Op>& ops, int64_t batch, Bodies& out) {
  for (size_t i = 0; i < ops.size(); i += static_cast<size_t>(batch)) {
    sync::PushRequest req;
    req.client_id = client_id;
    req.batch_id = client_id + "-b" + std::to_string(out.size() + 1);
    size_t end = std::min(ops.size(), i + static_cast<size_t>(batch));
    req.ops.assign(ops.begin() + static_cast<std::ptrdiff_t>(i), ops.begin() + static_cast<std::ptrdiff_t>(end));
    out.emplace_back(req.batch_id, sync::to_json(req).dump(-1, ' ', false, json::error_handler_t::replace));
  }
}
Bodies bodies(const std::string& client_id, const std::vector<Op>& ops, int64_t batch) {
  Bodies out;
  append_bodies(client_id, ops, batch, out);
  return out;
}

std::string run_id() { return std::to_string(getpid()) + "-" + std::to_string(wall_ms() % 100000000); }

int cmd_wait(const Args& a) {
  auto t0 = Clock::now();
  while (since(t0) < a.timeout) {
    httplib::Client c(kHost, a.port);
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(2, 0);
    auto res = c.Get("/api/v1/health");
    if (res && res->status == 200) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr, "sync_bench: no healthy server on %s:%d after %.0f s\n", kHost, a.port, a.timeout);
  return 1;
}

int cmd_throughput(const Args& a) {
  auto cli = connect(a.port);
  const std::string agent = a.agents.front();
  std::string token = login(*cli, agent, a.password);
  httplib::Headers h{{"Authorization", "Bearer " + token}};

  // The desk as the server has it (the demo desk), so commands see real customers.
  const std::string rid = run_id();
  Generator gen(agent, "bench-" + rid + "-", 20261124);
  PullStats before = pull_all(*cli, token, 0, a.page, [&](const sync::PulledOp& p) { gen.observe(p.op); });

  auto tg = Clock::now();
  std::vector<Op> ops;
  ops.reserve(static_cast<size_t>(a.ops + 8));
  gen.make(a.ops, ops);
  double gen_s = since(tg);
  auto ts = Clock::now();
  auto batches = bodies("bench-" + rid, ops, a.batch);
  double encode_s = since(ts);
  int64_t push_bytes = 0;
  for (auto& b : batches) push_bytes += static_cast<int64_t>(b.second.size());

  // Push: every batch, in order, each answered before the next (like the outbox).
  int64_t accepted = 0, duplicate = 0, rejected = 0;
  std::string first_reject;
  auto tp = Clock::now();
  for (auto& [batch_id, body] : batches) {
    PushOutcome o = push(*cli, h, body, batch_id);
    if (!o.ok) die("push of " + batch_id + " failed (HTTP " + std::to_string(o.status) + ")");
    accepted += o.accepted;
    duplicate += o.duplicate;
    rejected += o.rejected;
    if (first_reject.empty()) first_reject = o.first_reject;
  }
  double push_s = since(tp);

  // Pull: the whole log from the start (a new device signing in).
  int64_t mine = 0;
  const std::string prefix = "bench-" + rid + "-";
  auto tl = Clock::now();
  PullStats after = pull_all(*cli, token, 0, a.page, [&](const sync::PulledOp& p) {
    if (p.op.id.compare(0, prefix.size(), prefix) == 0) ++mine;
  });
  double pull_s = since(tl);

  if (accepted != static_cast<int64_t>(ops.size()))
    std::fprintf(stderr, "sync_bench: only %lld of %zu ops accepted (%lld rejected, first: %s)\n",
                 static_cast<long long>(accepted), ops.size(), static_cast<long long>(rejected), first_reject.c_str());
  if (mine != accepted)
    std::fprintf(stderr, "sync_bench: pulled %lld of our %lld accepted ops\n", static_cast<long long>(mine),
                 static_cast<long long>(accepted));

  const double n = static_cast<double>(ops.size());
  json out{{"mode", "throughput"},
           {"ops", ops.size()},
           {"batch", a.batch},
           {"page", a.page},
           {"accepted", accepted},
           {"duplicate", duplicate},
           {"rejected", rejected},
           {"desk_ops_before", before.ops},
           {"gen_s", gen_s},
           {"encode_s", encode_s},
           {"push_s", push_s},
           {"push_requests", batches.size()},
           {"push_ops_s", n / push_s},
           {"push_bytes_per_op", static_cast<double>(push_bytes) / n},
           {"pull_ops", after.ops},
           {"pull_requests", after.requests},
           {"pull_s", pull_s},
           {"pull_client_parse_s", after.parse_s},
           {"pull_ops_s", static_cast<double>(after.ops) / pull_s},
           {"pull_bytes_per_op", static_cast<double>(after.bytes) / static_cast<double>(after.ops)},
           {"total_s", push_s + pull_s},
           {"verified", accepted == static_cast<int64_t>(ops.size()) && mine == accepted}};
  std::printf("%s\n", out.dump().c_str());
  return accepted == static_cast<int64_t>(ops.size()) && mine == accepted ? 0 : 1;
}

// Opens --threads keep-alive connections that each make one request and then sit
// idle (like open desks between two polls), then times one request on a new
// connection: how long a desk waits when others merely hold connections open.
int cmd_idle(const Args& a) {
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < a.threads; ++i) {
    idle.push_back(connect(a.port));
    idle.back()->set_read_timeout(static_cast<time_t>(a.timeout), 0);
    auto res = idle.back()->Get("/api/v1/health");
    if (!res || res->status != 200) break;  // the server stopped answering new connections: that is the finding
  }
  httplib::Client probe(kHost, a.port);
  probe.set_connection_timeout(5, 0);
  probe.set_read_timeout(static_cast<time_t>(a.timeout), 0);
  auto t = Clock::now();
  auto res = probe.Get("/api/v1/health");
  double ms = since(t) * 1000;
  idle.clear();
  json out{{"mode", "idle"}, {"idle_connections", a.threads}, {"answered", res && res->status == 200},
           {"probe_ms", ms}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int cmd_load(const Args& a) {
  struct Worker {
    std::unique_ptr<httplib::Client> cli;
    std::string agent, token, client_id;
    std::unique_ptr<Generator> gen;
    Bodies batches;
    int64_t refills = 0;
    double max_ms = 0, max_at_s = 0;  // the slowest request, and when it was sent
    std::vector<double> latencies;
    int64_t accepted = 0, rejected = 0, errors = 0, requests = 0;
    std::string first_reject;
  };
  const int n = a.threads;
  std::vector<Worker> w(static_cast<size_t>(n));
  const std::string rid = run_id();

  // Ops made before the clock starts, for what the server is expected to take at most
  // (BENCH_LOAD_PREPARE Ops/s, default 25,000); a worker that runs out makes more
  // on the fly (counted as refills: then the client spends time it would not).
  const char* prep_env = std::getenv("BENCH_LOAD_PREPARE");
  const int64_t prepare_ops_s = prep_env ? std::atoll(prep_env) : 25000;
  const int64_t per_worker = std::max<int64_t>(
      a.batch * 20, static_cast<int64_t>(static_cast<double>(prepare_ops_s) * a.seconds / n) + a.batch);

  // Sessions (a login costs a PBKDF2 on the server) and Ops, before the clock starts.
  // One pull of the demo desk is shared: every worker starts from the same desk.
  {
    auto cli = connect(a.port);
    std::string token = login(*cli, a.agents.front(), a.password);
    std::vector<Op> desk;
    pull_all(*cli, token, 0, 1000, [&](const sync::PulledOp& p) { desk.push_back(p.op); });
    std::vector<std::thread> prep;
    for (int i = 0; i < n; ++i) {
      prep.emplace_back([&, i] {
        Worker& k = w[static_cast<size_t>(i)];
        k.agent = a.agents[static_cast<size_t>(i) % a.agents.size()];
        k.client_id = "load-" + rid + "-c" + std::to_string(i);
        k.gen = std::make_unique<Generator>(k.agent, k.client_id + "-", 1000 + static_cast<uint64_t>(i));
        for (const Op& op : desk) k.gen->observe(op);
        std::vector<Op> ops;
        k.gen->make(per_worker, ops);
        append_bodies(k.client_id, ops, a.batch, k.batches);
      });
    }
    for (auto& t : prep) t.join();
  }
  // The server's thread pool keeps a worker on an idle keep-alive connection until
  // its timeout: each login's connection is closed at once, so logins beyond the
  // pool size do not wait for it, and the timed run starts on fresh connections.
  for (Worker& k : w) {
    k.token = login(*connect(a.port), k.agent, a.password);
    k.cli = connect(a.port);
    k.latencies.reserve(k.batches.size());
  }

  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  Clock::time_point t0, deadline;
  std::vector<std::thread> threads;
  std::vector<Clock::time_point> last_done(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Worker& k = w[static_cast<size_t>(i)];
      httplib::Headers h{{"Authorization", "Bearer " + k.token}};
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return go; });
      }
      size_t next = 0;
      while (Clock::now() < deadline) {
        if (next == k.batches.size()) {
          ++k.refills;
          std::vector<Op> ops;
          k.gen->make(a.batch * 50, ops);
          append_bodies(k.client_id, ops, a.batch, k.batches);
        }
        auto& [batch_id, body] = k.batches[next++];
        auto t = Clock::now();
        PushOutcome o = push(*k.cli, h, body, batch_id);
        auto done = Clock::now();
        ++k.requests;
        if (!o.ok) {
          ++k.errors;
          continue;
        }
        k.latencies.push_back(std::chrono::duration<double, std::milli>(done - t).count());
        if (k.latencies.back() > k.max_ms) {
          k.max_ms = k.latencies.back();
          k.max_at_s = std::chrono::duration<double>(t - t0).count();
        }
        k.accepted += o.accepted;
        k.rejected += o.rejected;
        if (k.first_reject.empty()) k.first_reject = o.first_reject;
        last_done[static_cast<size_t>(i)] = done;
      }
      k.cli.reset();  // hang up at once: an idle connection would hold a server worker
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    t0 = Clock::now();
    deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
    for (auto& d : last_done) d = t0;
    go = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  Clock::time_point end = t0;
  for (auto& d : last_done) end = std::max(end, d);
  double elapsed = std::chrono::duration<double>(end - t0).count();

  std::vector<double> lat;
  int64_t accepted = 0, rejected = 0, errors = 0, requests = 0;
  std::string first_reject;
  for (Worker& k : w) {
    lat.insert(lat.end(), k.latencies.begin(), k.latencies.end());
    accepted += k.accepted;
    rejected += k.rejected;
    errors += k.errors;
    requests += k.requests;
    if (first_reject.empty()) first_reject = k.first_reject;
  }
  double max_at_s = 0, max_ms = 0;
  for (Worker& k : w)
    if (k.max_ms > max_ms) max_ms = k.max_ms, max_at_s = k.max_at_s;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    if (lat.empty()) return 0.0;
    size_t idx = static_cast<size_t>(p / 100.0 * static_cast<double>(lat.size() - 1) + 0.5);
    return lat[std::min(idx, lat.size() - 1)];
  };
  if (rejected) std::fprintf(stderr, "sync_bench: %lld ops rejected (first: %s)\n", static_cast<long long>(rejected), first_reject.c_str());
  int64_t refills = 0;
  for (Worker& k : w) refills += k.refills;
  if (refills) std::fprintf(stderr, "sync_bench: workers made Ops on the fly %lld times (raise BENCH_LOAD_PREPARE)\n", static_cast<long long>(refills));
  json out{{"mode", "load"},
           {"threads", n},
           {"batch", a.batch},
           {"seconds", elapsed},
           {"requests", requests},
           {"errors", errors},
           {"accepted", accepted},
           {"rejected", rejected},
           {"accepted_ops_s", elapsed > 0 ? static_cast<double>(accepted) / elapsed : 0.0},
           {"requests_s", elapsed > 0 ? static_cast<double>(requests) / elapsed : 0.0},
           {"p50_ms", pct(50)},
           {"p90_ms", pct(90)},
           {"p99_ms", pct(99)},
           {"max_ms", lat.empty() ? 0.0 : lat.back()},
           {"max_at_s", max_at_s},
           {"refills", refills}};
  std::printf("%s\n", out.dump().c_str());
  return errors == 0 ? 0 : 1;
}

bool parse_num(const char* s, double& out) {
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end && *end == 0 && end != s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sync_bench wait|throughput|load|idle --port P [options] (see bench/README.md)\n");
    return 2;
  }
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    double v = 0;
    if (i + 1 >= argc) die("missing value for " + k);
    const char* val = argv[++i];
    if (k == "--password") { a.password = val; continue; }
    if (k == "--agent") { a.agents = {val}; continue; }
    if (!parse_num(val, v) || v < 0) die("bad value for " + k + ": " + val);
    if (k == "--port") a.port = static_cast<int>(v);
    else if (k == "--ops") a.ops = static_cast<int64_t>(v);
    else if (k == "--batch") a.batch = static_cast<int64_t>(v);
    else if (k == "--page") a.page = static_cast<int64_t>(v);
    else if (k == "--threads") a.threads = static_cast<int>(v);
    else if (k == "--seconds") a.seconds = v;
    else if (k == "--timeout") a.timeout = v;
    else die("unknown option " + k);
  }
  if (a.port <= 0 || a.port > 65535) die("--port is required");
  if (a.batch < 1 || a.batch > sync::limits::max_batch_ops) die("--batch must be 1..500");
  if (a.page < 1 || a.page > sync::limits::max_pull_page) die("--page must be 1..1000");
  if (a.threads < 1 || a.threads > 256) die("--threads must be 1..256");
  if (a.seconds <= 0 || a.seconds > 120) die("--seconds must be in (0, 120]");
  if (a.mode == "wait") return cmd_wait(a);
  if (a.mode == "throughput") return cmd_throughput(a);
  if (a.mode == "load") return cmd_load(a);
  if (a.mode == "idle") return cmd_idle(a);
  die("unknown mode " + a.mode);
}
