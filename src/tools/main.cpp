// The `edudesk` command: serve the desk, or write the demo data set.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "core/analytics.h"
#include "core/classify.h"
#include "core/demo.h"
#include "core/refund_policy.h"
#include "core/survey.h"
#include "core/utf8.h"
#include "server/http_server.h"

namespace {
int usage(FILE* to) {
  std::fprintf(to,
               "usage:\n"
               "  edudesk serve [--host H] [--port N] [--db FILE] [--web DIR] [--quiet]\n"
               "                [--no-demo] [--demo-password P] [--max-db-mb N] [--fake-pay-fail N]\n"
               "                [--embed-origins 'https://portal.example …']\n"
               "      serves the web app and the sync API /api/v1 (docs/SYNC.md); default 127.0.0.1:8080 and\n"
               "      ./edudesk.sqlite (env EDUDESK_HOST, EDUDESK_PORT, EDUDESK_DB). An empty database is seeded\n"
               "      with the demo desk and an account per demo agent, password 'edudesk', unless --no-demo.\n"
               "      Only its own pages and the --embed-origins (env EDUDESK_EMBED_ORIGINS) may frame the desk.\n"
               "  edudesk demo --out FILE [--seed N] [--end MS] [--tickets N]\n"
               "      writes the seeded demo desk as JSON lines, one Op per line\n"
               "  edudesk refund-quote\n"
               "      reads one refund request per line on stdin (JSON object) and prints one JSON line per request:\n"
               "      {\"refund_fen\",\"rule\",\"needs_approval\",\"approver_role\",\"explanation\"} or {\"error\":\"<field>: <why>\"}.\n"
               "      Blank lines are skipped; a bad line gives an error line and the exit code stays 0. Fields:\n"
               "        paid_fen, lessons_total, lessons_attended      integers (fen, lessons), required\n"
               "        paid_at, requested_at    ISO-8601, e.g. 2026-11-01T10:00:00+08:00, ...Z, 2026-11-01;\n"
               "                                 without an offset read in UTC+8; required\n"
               "        reason                   personal | quality_mismatch | technical_failure | duplicate_purchase\n"
               "        agent_role               junior | mid | senior | tech_support | supervisor\n"
               "        verified (false), materials_shipped (false), materials_fee_fen (0),\n"
               "        fault_affected_lessons (0)   optional, defaults in brackets; any other key is an error\n"
               "      e.g. echo '{\"paid_fen\":199900,\"paid_at\":\"2026-11-01T10:00\",\"requested_at\":\"2026-11-05T09:00\",\n"
               "        \"lessons_total\":30,\"lessons_attended\":2,\"reason\":\"personal\",\"agent_role\":\"junior\"}' | edudesk refund-quote\n"
               "  edudesk survey-stats --schema SURVEY.json --responses RESPONSES.csv\n"
               "      prints the statistics of the responses as JSON (docs/SURVEYS.md): per question n, mean, sd, median,\n"
               "      freq, top2box, nps, terms; Pearson and Spearman correlations; cross tabs by segment with chi-square.\n"
               "      CSV: header response_id, segment columns (channel, course, agent, category, priority) and one column\n"
               "      per question id; empty cells are missing; multiple choice as \"a;b\". Exit 1 on a bad file.\n"
               "  edudesk analytics --tickets TICKETS.csv [--query q1|q2|q3|q4|q5|all]\n"
               "      prints the ticket analytics as JSON (docs/ANALYTICS.md), the same numbers the dashboard shows:\n"
               "      q1 per category count, mean and p90 of resolve_s, resolution rate; q2 first-response SLA breach\n"
               "      rate by priority x tier; q3 category x channel counts; q4 per agent CSAT n, mean, sd and Pearson r\n"
               "      of resolve_s and CSAT; q5 per course per day counts and the spikes above mean + 4 sd. Default all.\n"
               "      CSV header: id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,\n"
               "      channel,csat,refund_fen (created_at in unix seconds; empty = missing). Exit 2 for a bad argument or\n"
               "      a file that cannot be read, 1 for a malformed CSV (the message names the line and column).\n"
               "  edudesk classify [--learn FILE.tsv [--weight N]]\n"
               "      reads one customer message per line on stdin (UTF-8) and prints one line per input line:\n"
               "      category<TAB>priority, plus <TAB>supervisor when it should be flagged for the supervisor\n"
               "      (docs/CLASSIFY.md). A blank line gives other<TAB>P4; a line that is not UTF-8 gives\n"
               "      other<TAB>P3 and a warning on stderr. Exit 0.\n"
               "      --learn: first learns the lines of FILE (category<TAB>priority<TAB>message) that the built-in\n"
               "      model puts in another category, as agents' corrections counted N times each (default 3);\n"
               "      a count goes to stderr. Exit 2 if FILE cannot be read, 1 for a malformed line.\n");
  return to == stderr ? 2 : 0;
}

bool parse_int(const char* s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s, &end, 10);
  return end && *end == 0 && end != s;
}

int cmd_demo(int argc, char** argv) {
  edudesk::DemoOptions opt;
  opt.end = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  std::string out;
  for (int i = 2; i < argc; ++i) {
    long long v = 0;
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--out" && has_val) out = argv[++i];
    else if (a == "--seed" && has_val && parse_int(argv[++i], v)) opt.seed = static_cast<uint64_t>(v);
    else if (a == "--end" && has_val && parse_int(argv[++i], v)) opt.end = v;
    else if (a == "--tickets" && has_val && parse_int(argv[++i], v) && v > 0 && v <= 1000000) opt.tickets = static_cast<int>(v);
    else {
      std::fprintf(stderr, "edudesk demo: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  if (out.empty()) return usage(stderr);
  std::ofstream f(out, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "edudesk demo: cannot write '%s'\n", out.c_str());
    return 1;
  }
  auto ops = edudesk::demo_ops(opt);
  for (const auto& op : ops) f << edudesk::op_to_json(op).dump() << '\n';
  f.close();
  if (!f) {
    std::fprintf(stderr, "edudesk demo: writing '%s' failed (disk full?)\n", out.c_str());
    return 1;
  }
  std::fprintf(stderr, "edudesk demo: %zu ops written to %s\n", ops.size(), out.c_str());
  return 0;
}

// One JSON line out per non-blank line in; errors are per line, so the exit code is 0.
int cmd_refund_quote(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "edudesk refund-quote: bad argument '%s'\n", argv[2]);
    return usage(stderr);
  }
  const edudesk::RefundPolicy policy;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t\r\f\v") == std::string::npos) continue;
    std::string out = edudesk::refund_quote_line(line, policy)
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

// `--learn FILE`: the lines the built-in model puts in another category are learned as
// agents' corrections (what collect_corrections finds in a store). Exit 2 when the file
// cannot be read, 1 for a malformed line.
int learn_file(const std::string& path, edudesk::LearningClassifier& model) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "edudesk classify: cannot read '%s'\n", path.c_str());
    return 2;
  }
  std::vector<edudesk::LabelledExample> lines;
  std::string line;
  long long n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = edudesk::parse_labelled_line(line);
    if (!e) {
      std::fprintf(stderr, "edudesk classify: %s:%lld: not category<TAB>priority<TAB>message\n", path.c_str(), n);
      return 1;
    }
    lines.push_back(std::move(*e));
  }
  const auto wrong = edudesk::misclassified_by_builtin(lines);
  for (const auto& e : wrong) model.learn(e);
  std::fprintf(stderr, "edudesk classify: learned %zu corrections (weight %d) from %s; %zu lines already right\n",
               wrong.size(), model.weight(), path.c_str(), lines.size() - wrong.size());
  return 0;
}

// One output line per input line (so `paste` lines them up), flushed at once; exit 0.
int cmd_classify(int argc, char** argv) {
  std::string learn;
  long long weight = edudesk::LearningClassifier::kDefaultWeight;
  bool weight_set = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--learn" && has_val) learn = argv[++i];
    else if (a == "--weight" && has_val && parse_int(argv[++i], weight) && weight >= 1 && weight <= 1000) weight_set = true;
    else {
      std::fprintf(stderr, "edudesk classify: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  if (weight_set && learn.empty()) {
    std::fprintf(stderr, "edudesk classify: --weight goes with --learn\n");
    return usage(stderr);
  }
  std::optional<edudesk::LearningClassifier> learned;
  if (!learn.empty()) {
    learned.emplace(static_cast<int>(weight));
    if (int rc = learn_file(learn, *learned)) return rc;
  }
  std::string line;
  long long n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!edudesk::is_valid_utf8(line))
      std::fprintf(stderr, "edudesk classify: line %lld: not valid UTF-8, classified as other/P3\n", n);
    const edudesk::Classification c = learned ? learned->classify(line) : edudesk::classify(line);
    std::string out = std::string(edudesk::to_id(c.category)) + '\t' + edudesk::to_id(c.priority);
    if (c.flag_supervisor) out += "\tsupervisor";
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

bool read_whole_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

// `edudesk survey-stats`: exit 2 for bad arguments, 1 for a file that cannot be read or is wrong.
int cmd_survey_stats(int argc, char** argv) {
  std::string schema_path, responses_path;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--schema" && has_val) schema_path = argv[++i];
    else if (a == "--responses" && has_val) responses_path = argv[++i];
    else {
      std::fprintf(stderr, "edudesk survey-stats: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  if (schema_path.empty() || responses_path.empty()) {
    std::fprintf(stderr, "edudesk survey-stats: --schema and --responses are both required\n");
    return usage(stderr);
  }
  std::string text;
  if (!read_whole_file(schema_path, text)) {
    std::fprintf(stderr, "edudesk survey-stats: cannot read '%s'\n", schema_path.c_str());
    return 1;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {  // e.what() names the line and column
    std::fprintf(stderr, "edudesk survey-stats: %s: not valid JSON: %s\n", schema_path.c_str(), e.what());
    return 1;
  }
  edudesk::SurveySchema schema;
  edudesk::Error err;
  if (!edudesk::parse_survey_schema(j, schema, err)) {
    std::fprintf(stderr, "edudesk survey-stats: %s: %s: %s\n", schema_path.c_str(),
                 err.field.empty() ? "schema" : err.field.c_str(), err.message.c_str());
    return 1;
  }
  if (!read_whole_file(responses_path, text)) {
    std::fprintf(stderr, "edudesk survey-stats: cannot read '%s'\n", responses_path.c_str());
    return 1;
  }
  edudesk::ResponseTable table;
  if (!edudesk::parse_responses_csv(schema, text, table, err)) {
    std::fprintf(stderr, "edudesk survey-stats: %s: %s\n", responses_path.c_str(), err.message.c_str());
    return 1;
  }
  std::string out = edudesk::survey_stats(schema, table).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// `edudesk analytics`: exit 2 for bad arguments or an unreadable file, 1 for a malformed CSV.
int cmd_analytics(int argc, char** argv) {
  std::string tickets_path, query = "all";
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--tickets" && has_val) tickets_path = argv[++i];
    else if (a == "--query" && has_val) query = argv[++i];
    else {
      std::fprintf(stderr, "edudesk analytics: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  if (tickets_path.empty()) {
    std::fprintf(stderr, "edudesk analytics: --tickets FILE.csv is required\n");
    return usage(stderr);
  }
  if (query != "all" && query != "q1" && query != "q2" && query != "q3" && query != "q4" && query != "q5") {
    std::fprintf(stderr, "edudesk analytics: unknown query '%s'; one of q1, q2, q3, q4, q5, all\n", query.c_str());
    return 2;
  }
  std::string text;
  if (!read_whole_file(tickets_path, text)) {
    std::fprintf(stderr, "edudesk analytics: cannot read '%s'\n", tickets_path.c_str());
    return 2;
  }
  edudesk::TicketColumns table;
  edudesk::Error err;
  if (!edudesk::import_tickets_csv(text, table, err)) {
    std::fprintf(stderr, "edudesk analytics: %s: %s\n", tickets_path.c_str(), err.message.c_str());
    return 1;
  }
  nlohmann::json out;
  if (!edudesk::analytics_json(table, query, out, err)) {
    std::fprintf(stderr, "edudesk analytics: %s\n", err.message.c_str());
    return 2;
  }
  std::string s = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  s += '\n';
  std::fwrite(s.data(), 1, s.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int cmd_serve(int argc, char** argv) {
  edudesk::server::ServeOptions opt;
  opt.web_dir = EDUDESK_DEFAULT_WEB_DIR;
  long long v = 0;
  if (const char* p = std::getenv("EDUDESK_PORT")) {
    if (!parse_int(p, v) || v < 0 || v > 65535) {
      std::fprintf(stderr, "edudesk serve: EDUDESK_PORT='%s' is not a port\n", p);
      return 2;
    }
    opt.port = static_cast<int>(v);
  }
  if (const char* h = std::getenv("EDUDESK_HOST"); h && *h) opt.host = h;
  if (const char* d = std::getenv("EDUDESK_DB"); d && *d) opt.db = d;
  if (const char* o = std::getenv("EDUDESK_EMBED_ORIGINS"); o && *o) opt.embed_origins = o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool has_val = i + 1 < argc;
    if (a == "--port" && has_val && parse_int(argv[++i], v) && v >= 0 && v < 65536) opt.port = static_cast<int>(v);
    else if (a == "--host" && has_val) opt.host = argv[++i];
    else if (a == "--db" && has_val && *argv[i + 1]) opt.db = argv[++i];
    else if (a == "--web" && has_val) opt.web_dir = argv[++i];
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--embed-origins" && has_val) opt.embed_origins = argv[++i];
    else if (a == "--no-demo") opt.demo = false;
    else if (a == "--demo-password" && has_val && *argv[i + 1]) opt.demo_password = argv[++i];
    else if (a == "--fake-pay-fail" && has_val && parse_int(argv[++i], v) && v >= 0) opt.fake_pay_fail = v;
    else if (a == "--max-db-mb" && has_val && parse_int(argv[++i], v) && v >= 0 && v <= 1000000) opt.max_db_mb = v;
    else {
      std::fprintf(stderr, "edudesk serve: bad argument '%s'\n", a.c_str());
      return usage(stderr);
    }
  }
  return edudesk::server::serve(opt);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  std::string cmd = argv[1];
  if (cmd == "serve") return cmd_serve(argc, argv);
  if (cmd == "demo") return cmd_demo(argc, argv);
  if (cmd == "refund-quote") return cmd_refund_quote(argc, argv);
  if (cmd == "survey-stats") return cmd_survey_stats(argc, argv);
  if (cmd == "classify") return cmd_classify(argc, argv);
  if (cmd == "analytics") return cmd_analytics(argc, argv);
  if (cmd == "--help" || cmd == "help" || cmd == "-h") return usage(stdout);
  std::fprintf(stderr, "edudesk: unknown command '%s'\n", cmd.c_str());
  return usage(stderr);
}
