#include "sync/protocol.h"

namespace edudesk::sync {

using nlohmann::json;

const char* to_id(Verdict v) {
  switch (v) {
    case Verdict::accepted: return "accepted";
    case Verdict::duplicate: return "duplicate";
    case Verdict::rejected: return "rejected";
  }
  return "rejected";
}

json to_json(const PushRequest& r) {
  json ops = json::array();
  for (const Op& op : r.ops) ops.push_back(op_to_json(op));
  return {{"client_id", r.client_id}, {"batch_id", r.batch_id}, {"ops", std::move(ops)}};
}

json to_json(const PushResponse& r) {
  json res = json::array();
  for (const PushResult& p : r.results) {
    json j{{"id", p.id}, {"verdict", to_id(p.verdict)}};
    if (p.verdict == Verdict::rejected) {
      j["code"] = p.code;
      j["reason"] = p.reason;
    } else {
      j["seq"] = p.seq;
    }
    res.push_back(std::move(j));
  }
  return {{"batch_id", r.batch_id}, {"results", std::move(res)}, {"server_time", r.server_time}};
}

json to_json(const PullResponse& r) {
  json ops = json::array();
  for (const PulledOp& p : r.ops) ops.push_back({{"seq", p.seq}, {"op", op_to_json(p.op)}});
  return {{"ops", std::move(ops)}, {"cursor", r.cursor}, {"more", r.more}, {"server_time", r.server_time}};
}

int64_t json_depth(const std::string& body) {
  int64_t depth = 0, max = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') max = std::max(max, ++depth);
    else if (c == '}' || c == ']') --depth;
  }
  return max;
}

namespace {
bool get_int(const json& j, const char* k, int64_t& out) {
  auto it = j.find(k);
  if (it == j.end() || !it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}
}  // namespace

bool parse_push_response(const std::string& body, const std::string& batch_id, PushResponse& out, std::string& why) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return why = "the answer is not JSON (a portal or proxy page?)", false;
  auto b = j.find("batch_id");
  if (b == j.end() || !b->is_string() || b->get<std::string>() != batch_id)
    return why = "the answer is for another batch", false;
  auto res = j.find("results");
  if (res == j.end() || !res->is_array()) return why = "the answer has no results", false;
  out = PushResponse{batch_id, {}, 0};
  get_int(j, "server_time", out.server_time);
  for (const json& r : *res) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || !r.contains("verdict") ||
        !r["verdict"].is_string())
      return why = "a result is malformed", false;
    PushResult p;
    p.id = r["id"].get<std::string>();
    std::string v = r["verdict"].get<std::string>();
    if (v == "accepted") p.verdict = Verdict::accepted;
    else if (v == "duplicate") p.verdict = Verdict::duplicate;
    else if (v == "rejected") p.verdict = Verdict::rejected;
    else return why = "unknown verdict '" + v + "'", false;
    if (p.verdict == Verdict::rejected) {
      p.code = r.value("code", std::string("rejected"));
      p.reason = r.value("reason", std::string());
    } else if (!get_int(r, "seq", p.seq)) {
      return why = "an accepted op has no seq", false;
    }
    out.results.push_back(std::move(p));
  }
  return true;
}

bool parse_pull_response(const std::string& body, PullResponse& out, std::string& why) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return why = "the answer is not JSON (a portal or proxy page?)", false;
  auto ops = j.find("ops");
  if (ops == j.end() || !ops->is_array() || !get_int(j, "cursor", out.cursor))
    return why = "the answer has no ops or cursor", false;
  auto more = j.find("more");
  out.more = more != j.end() && more->is_boolean() && more->get<bool>();
  out.server_time = 0;
  get_int(j, "server_time", out.server_time);
  out.ops.clear();
  for (const json& p : *ops) {
    PulledOp po;
    Error err;
    if (!p.is_object() || !get_int(p, "seq", po.seq) || !p.contains("op") || !op_from_json(p["op"], po.op, err))
      return why = "a pulled op is malformed", false;
    out.ops.push_back(std::move(po));
  }
  return true;
}

bool parse_push_request(const std::string& body, PushRequest& out, std::vector<PushResult>& bad, Error& err) {
  if (static_cast<int64_t>(body.size()) > limits::max_body_bytes) {
    err = {"too_large", "", "the request body exceeds " + std::to_string(limits::max_body_bytes) + " bytes"};
    return false;
  }
  if (json_depth(body) > limits::max_json_depth) {
    err = {"too_deep", "", "the JSON nests deeper than " + std::to_string(limits::max_json_depth) + " levels"};
    return false;
  }
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    err = {"bad_json", "", "the body is not a JSON object (truncated or corrupted?)"};
    return false;
  }
  auto cid = j.find("client_id");
  auto bid = j.find("batch_id");
  auto ops = j.find("ops");
  if (cid == j.end() || !cid->is_string() || bid == j.end() || !bid->is_string() || ops == j.end() ||
      !ops->is_array()) {
    err = {"bad_request", "", "a push needs client_id, batch_id and ops"};
    return false;
  }
  if (static_cast<int64_t>(ops->size()) > limits::max_batch_ops) {
    err = {"too_many_ops", "ops",
           "a batch holds at most " + std::to_string(limits::max_batch_ops) + " ops; split it"};
    return false;
  }
  out.client_id = cid->get<std::string>();
  out.batch_id = bid->get<std::string>();
  out.ops.clear();
  bad.clear();
  for (const json& oj : *ops) {
    Op op;
    Error e;
    if (op_from_json(oj, op, e)) {
      out.ops.push_back(std::move(op));
    } else {
      std::string id = oj.is_object() && oj.contains("id") && oj["id"].is_string() ? oj["id"].get<std::string>() : "";
      bad.push_back({id, Verdict::rejected, 0, e.code, e.message, e.field});
    }
  }
  return true;
}

}  // namespace edudesk::sync
