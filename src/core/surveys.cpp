#include "core/surveys.h"

#include "core/report.h"

#include <algorithm>
#include <map>

#include "core/fields.h"

namespace edudesk {

using nlohmann::json;

const PublishedSurvey* State::survey(const std::string& survey_id) const {
  const PublishedSurvey* latest = nullptr;
  for (const PublishedSurvey& p : surveys)
    if (p.schema.id == survey_id) latest = &p;  // sorted by stamp: the last is the newest
  return latest;
}
const PublishedSurvey* State::survey_version(const std::string& version_op) const {
  for (const PublishedSurvey& p : surveys)
    if (p.op_id == version_op) return &p;
  return nullptr;
}

namespace {

bool fail(Error& err, const char* code, const char* field, std::string msg) {
  err = {code, field, std::move(msg)};
  return false;
}

void renumber(State& s) {
  std::map<std::string, int64_t> next;
  for (PublishedSurvey& p : s.surveys) p.schema.version = ++next[p.schema.id];
}

std::string group_key(const SurveyResponse& r) {
  return r.ticket_id.empty() ? "r|" + r.response_id : "t|" + r.ticket_id + "|" + r.survey_id;
}

// One response counts per ticket and survey: the newest by (hlc, op id). A copy of an
// earlier one (same response id, same answers) is a resend.
void refold_group(State& s, const std::string& key) {
  std::vector<SurveyResponse*> g;
  for (size_t i : s.response_groups[key]) g.push_back(&s.responses[i]);
  std::sort(g.begin(), g.end(), [](const SurveyResponse* a, const SurveyResponse* b) { return a->stamp() < b->stamp(); });
  for (size_t i = 0; i < g.size(); ++i) {
    g[i]->current = i + 1 == g.size();
    g[i]->resent = false;
    for (size_t k = 0; k < i; ++k)
      if (g[k]->response_id == g[i]->response_id && g[k]->answers == g[i]->answers) g[i]->resent = true;
  }
}

Role role_of(const State& s, const std::string& id) {
  const Agent* a = s.agent(id);
  return a ? a->role : Role::tech_support;
}

}  // namespace

// ---- apply ------------------------------------------------------------------------------------

bool apply_survey_published(State& s, const Op& op, Error& err) {
  if (op.by != "system" && role_of(s, op.by) != Role::supervisor)
    return fail(err, "forbidden", "by", "only a supervisor may publish surveys");
  if (!present(op.data, "survey")) return fail(err, "missing_field", "survey", "'survey' is required");
  PublishedSurvey p;
  if (!parse_survey_schema(op.data["survey"], p.schema, err)) return false;
  p.op_id = op.id;
  p.by = op.by;
  p.at = op.at;
  p.hlc = op.hlc;
  Stamp st = p.stamp();
  auto pos = std::upper_bound(s.surveys.begin(), s.surveys.end(), st,
                              [](const Stamp& a, const PublishedSurvey& x) { return a < x.stamp(); });
  s.surveys.insert(pos, std::move(p));
  renumber(s);
  return true;
}

bool apply_survey_sent(State& s, const Op& op, Error& err) {
  SurveySend x;
  if (!read_string(op.data, "survey_id", x.survey_id, err, limits::id, true) ||
      !read_string(op.data, "ticket_id", x.ticket_id, err, limits::id, true))
    return false;
  const Ticket* t = s.ticket(x.ticket_id);
  if (!t) return fail(err, "not_found", "ticket_id", "no ticket " + x.ticket_id);
  if (!s.survey(x.survey_id)) return fail(err, "not_found", "survey_id", "no survey " + x.survey_id);
  x.id = op.id;
  x.customer_id = t->customer_id;
  x.channel = t->channel;
  x.at = op.at;
  s.survey_sends.push_back(std::move(x));
  return true;
}

bool apply_survey_responded(State& s, const Op& op, Error& err) {
  SurveyResponse r;
  if (!read_string(op.data, "response_id", r.response_id, err, limits::id, true) ||
      !read_string(op.data, "version_op", r.version_op, err, limits::id, true) ||
      !read_string(op.data, "ticket_id", r.ticket_id, err, limits::id, false) ||
      !read_string(op.data, "customer_id", r.customer_id, err, limits::id, false) ||
      !read_string(op.data, "mode", r.mode, err, 16, true))
    return false;
  if (!r.customer_id.empty() && !s.customer(r.customer_id))
    return fail(err, "not_found", "customer_id", "no customer " + r.customer_id);
  if (r.mode != "portal" && r.mode != "phone" && r.mode != "desk")
    return fail(err, "invalid_value", "mode", "mode is portal, phone or desk");
  const PublishedSurvey* v = s.survey_version(r.version_op);
  if (!v) return fail(err, "not_found", "version_op", "no such survey version");
  if (!present(op.data, "answers")) return fail(err, "missing_field", "answers", "'answers' is required");
  r.answers = op.data["answers"];
  if (!validate_answers(v->schema, r.answers, err)) return false;
  if (!r.ticket_id.empty()) {
    const Ticket* t = s.ticket(r.ticket_id);
    if (!t) return fail(err, "not_found", "ticket_id", "no ticket " + r.ticket_id);
    r.customer_id = t->customer_id;
  }
  r.survey_id = v->schema.id;
  r.op_id = op.id;
  r.by = op.by;
  r.at = op.at;
  r.hlc = op.hlc;
  std::string key = group_key(r);
  s.response_groups[key].push_back(s.responses.size());
  s.responses.push_back(std::move(r));
  refold_group(s, key);
  return true;
}

bool apply_survey_opened(State& s, const Op& op, Error& err) {
  if (op.by != "system") return fail(err, "forbidden", "by", "only the server records an opened survey link");
  std::string send_id;
  if (!read_string(op.data, "send_id", send_id, err, limits::id, true)) return false;
  for (SurveySend& x : s.survey_sends)
    if (x.id == send_id) {
      if (x.opened_at == 0 || op.at < x.opened_at) x.opened_at = op.at;
      return true;
    }
  return fail(err, "not_found", "send_id", "no survey send " + send_id);
}

bool apply_survey_timing(State& s, const Op& op, Error& err) {
  if (op.by != "system" && role_of(s, op.by) != Role::supervisor)
    return fail(err, "forbidden", "by", "only a supervisor may change when surveys go out");
  std::string timing;
  if (!read_string(op.data, "csat_timing", timing, err, 32, true)) return false;
  if (timing != "on_resolve" && timing != "with_callback")
    return fail(err, "invalid_value", "csat_timing", "csat_timing is on_resolve or with_callback");
  if (s.csat_timing_by < op.stamp()) {  // the later setting wins, whatever the arrival order
    s.csat_timing = timing;
    s.csat_timing_by = op.stamp();
  }
  return true;
}

bool unapply_survey_op(State& s, const std::string& op_id) {
  for (size_t i = 0; i < s.responses.size(); ++i)
    if (s.responses[i].op_id == op_id) {
      std::string key = group_key(s.responses[i]);
      s.responses.erase(s.responses.begin() + static_cast<std::ptrdiff_t>(i));
      s.response_groups.clear();  // positions moved: index again (taking back is rare)
      for (size_t k = 0; k < s.responses.size(); ++k) s.response_groups[group_key(s.responses[k])].push_back(k);
      refold_group(s, key);
      return true;
    }
  for (size_t i = 0; i < s.survey_sends.size(); ++i)
    if (s.survey_sends[i].id == op_id) {
      s.survey_sends.erase(s.survey_sends.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  for (size_t i = 0; i < s.surveys.size(); ++i)
    if (s.surveys[i].op_id == op_id) {
      s.surveys.erase(s.surveys.begin() + static_cast<std::ptrdiff_t>(i));
      renumber(s);
      return true;
    }
  return false;
}

void add_surveys_image(const State& s, json& img) {
  json sv = json::array();
  for (const PublishedSurvey& p : s.surveys) sv.push_back({p.op_id, p.schema.id, p.schema.version});
  img["surveys"] = sv;
  std::vector<const SurveyResponse*> rs;
  for (const SurveyResponse& r : s.responses) rs.push_back(&r);
  std::sort(rs.begin(), rs.end(), [](const SurveyResponse* a, const SurveyResponse* b) { return a->op_id < b->op_id; });
  json jr = json::array();
  for (const SurveyResponse* r : rs)
    jr.push_back({r->op_id, r->response_id, r->version_op, r->ticket_id, r->mode, r->answers, r->current, r->resent});
  img["responses"] = jr;
  std::vector<std::string> sends;
  for (const SurveySend& x : s.survey_sends) sends.push_back(x.id + "|" + x.survey_id + "|" + x.ticket_id);
  std::sort(sends.begin(), sends.end());
  img["survey_sends"] = sends;
  img["csat_timing"] = s.csat_timing;
}

// ---- decide -----------------------------------------------------------------------------------

std::optional<Op> csat_send_on_resolve(const State& s, const Ticket& t, Context& ctx) {
  if (!s.survey("csat") || s.csat_timing != "on_resolve") return std::nullopt;
  for (const SurveySend& x : s.survey_sends)
    if (x.ticket_id == t.id && x.survey_id == "csat") return std::nullopt;  // once per ticket
  return make_op(ctx, op_type::survey_sent, json{{"survey_id", "csat"}, {"ticket_id", t.id}});
}

bool decide_survey_command(const State& s, const std::string& type, const json& cmd, Context& ctx, Decision& out,
                           Error& err, bool& known) {
  known = true;
  if (type == "survey.publish") {
    if (role_of(s, ctx.actor) != Role::supervisor)
      return fail(err, "forbidden", "type", "only a supervisor may publish surveys");
    if (!present(cmd, "survey")) return fail(err, "missing_field", "survey", "'survey' is required");
    SurveySchema schema;
    if (!parse_survey_schema(cmd["survey"], schema, err)) return false;
    json body = survey_schema_json(schema);
    body.erase("version");
    if (const PublishedSurvey* cur = s.survey(schema.id)) {
      json was = survey_schema_json(cur->schema);
      was.erase("version");
      if (was == body) return fail(err, "unchanged", "survey", "this version is already published");
    }
    Op op = make_op(ctx, op_type::survey_published, json{{"survey", body}});
    out.result = {{"survey_id", schema.id}, {"version_op", op.id}};
    out.ops.push_back(std::move(op));
    return true;
  }
  if (type == "survey.set_timing") {
    if (role_of(s, ctx.actor) != Role::supervisor)
      return fail(err, "forbidden", "type", "only a supervisor may change when surveys go out");
    std::string timing;
    if (!read_string(cmd, "csat_timing", timing, err, 32, true)) return false;
    if (timing != "on_resolve" && timing != "with_callback")
      return fail(err, "invalid_value", "csat_timing", "csat_timing is on_resolve or with_callback");
    out.ops.push_back(make_op(ctx, op_type::survey_timing_set, json{{"csat_timing", timing}}));
    return true;
  }
  if (type == "survey.send") {
    std::string ticket_id, survey_id;
    if (!read_string(cmd, "ticket_id", ticket_id, err, limits::id, true) ||
        !read_string(cmd, "survey_id", survey_id, err, limits::id, true))
      return false;
    if (!s.ticket(ticket_id)) return fail(err, "not_found", "ticket_id", "no ticket " + ticket_id);
    if (!s.survey(survey_id)) return fail(err, "not_found", "survey_id", "no survey " + survey_id);
    Op op = make_op(ctx, op_type::survey_sent, json{{"survey_id", survey_id}, {"ticket_id", ticket_id}});
    out.result["send_id"] = op.id;
    out.ops.push_back(std::move(op));
    return true;
  }
  if (type == "survey.respond") {
    std::string survey_id, response_id, ticket_id, customer_id, mode = "desk", version_op;
    if (!read_string(cmd, "survey_id", survey_id, err, limits::id, true) ||
        !read_string(cmd, "customer_id", customer_id, err, limits::id, false) ||
        !read_string(cmd, "response_id", response_id, err, limits::id, false) ||
        !read_string(cmd, "ticket_id", ticket_id, err, limits::id, false) ||
        !read_string(cmd, "mode", mode, err, 16, false) ||
        !read_string(cmd, "version_op", version_op, err, limits::id, false))
      return false;
    if (mode.empty()) mode = "desk";
    // A response keeps the version it was opened with; by default the newest.
    const PublishedSurvey* v = version_op.empty() ? s.survey(survey_id) : s.survey_version(version_op);
    if (!v || v->schema.id != survey_id) return fail(err, "not_found", "survey_id", "no survey " + survey_id);
    if (!ticket_id.empty() && !s.ticket(ticket_id)) return fail(err, "not_found", "ticket_id", "no ticket " + ticket_id);
    if (!customer_id.empty() && !s.customer(customer_id))
      return fail(err, "not_found", "customer_id", "no customer " + customer_id);
    if (!present(cmd, "answers")) return fail(err, "missing_field", "answers", "'answers' is required");
    if (!validate_answers(v->schema, cmd["answers"], err)) return false;
    if (response_id.empty()) response_id = "resp-" + ctx.ids->next();
    json data{{"response_id", response_id}, {"version_op", v->op_id}, {"mode", mode}, {"answers", cmd["answers"]}};
    if (!ticket_id.empty()) data["ticket_id"] = ticket_id;
    else if (!customer_id.empty()) data["customer_id"] = customer_id;  // a known learner's questionnaire
    Op op = make_op(ctx, op_type::survey_responded, std::move(data));
    out.result = {{"response_id", response_id}, {"version", v->schema.version}};
    out.ops.push_back(std::move(op));
    // The call-back form recorded: the ticket's open call-back task is done with it.
    if (survey_id == "callback" && !ticket_id.empty())
      for (const Task& k : s.tasks)
        if (k.ticket_id == ticket_id && k.kind == TaskKind::callback && !k.done && !k.cancelled) {
          out.ops.push_back(make_op(ctx, op_type::task_done,
                                    json{{"task_id", k.id}, {"outcome", "回访记录 " + response_id}}));
          break;
        }
    // "With the call-back": the CSAT goes out once the call-back is recorded.
    if (survey_id == "callback" && s.csat_timing == "with_callback" && !ticket_id.empty() && s.survey("csat")) {
      bool sent = false;
      for (const SurveySend& x : s.survey_sends) sent = sent || (x.ticket_id == ticket_id && x.survey_id == "csat");
      if (!sent) out.ops.push_back(make_op(ctx, op_type::survey_sent, json{{"survey_id", "csat"}, {"ticket_id", ticket_id}}));
    }
    return true;
  }
  known = false;
  return false;
}

// ---- analysis ---------------------------------------------------------------------------------

bool response_row(const State& s, const SurveyResponse& r, const SurveyFilter& f, ResponseRow& row) {
  if (!r.current || r.survey_id != f.survey_id) return false;
  if ((f.from && r.at < f.from) || (f.to && r.at >= f.to)) return false;
  if (!f.mode.empty() && r.mode != f.mode) return false;
  const PublishedSurvey* latest = s.survey(f.survey_id);
  if (!latest) return false;
  const Ticket* t = r.ticket_id.empty() ? nullptr : s.ticket(r.ticket_id);
  std::string channel = t ? to_id(t->channel) : "";
  std::string course = t ? t->course_id : "";
  const Agent* owner = t ? s.agent(t->assignee) : nullptr;
  std::string tier = owner ? to_id(owner->role) : "";
  if (!f.channel.empty() && channel != f.channel) return false;
  if (!f.course_id.empty() && course != f.course_id) return false;
  if (!f.tier.empty() && tier != f.tier) return false;
  const Customer* who = s.customer(r.customer_id);
  std::string customer = who ? (who->is_parent ? "parent" : "learner") : "";
  if (!f.customer.empty() && customer != f.customer) return false;
  row = ResponseRow{};
  row.response_id = r.response_id;
  if (!channel.empty()) row.segments["channel"] = channel;
  if (const Course* k = s.course(course)) row.segments["course"] = k->name;
  if (!tier.empty()) row.segments["tier"] = tier;
  if (owner) row.segments["agent"] = owner->name;  // QA scores and CSAT roll up per agent
  row.segments["mode"] = r.mode;
  if (!customer.empty()) row.segments["customer"] = customer;
  // Answers to questions of the newest version only (ids are stable across versions).
  for (auto it = r.answers.begin(); it != r.answers.end(); ++it) {
    const Question* q = latest->schema.question(it.key());
    if (!q) continue;
    row.answers[it.key()] = *it;
    if (!q->demographic.empty() && it->is_string()) row.segments[q->demographic] = it->get<std::string>();
  }
  return true;
}

std::vector<ResponseRow> survey_rows(const State& s, const SurveyFilter& f) {
  std::vector<ResponseRow> rows;
  ResponseRow row;
  for (const SurveyResponse& r : s.responses)
    if (response_row(s, r, f, row)) rows.push_back(std::move(row));
  return rows;
}

ResponseTable select_rows(const ResponseTable& t, const std::vector<bool>& keep) {
  ResponseTable out;
  size_t n = 0;
  for (size_t i = 0; i < t.size() && i < keep.size(); ++i) n += keep[i];
  auto pick = [&](const auto& v, auto& into) {
    if (v.empty()) return;
    into.reserve(n);
    for (size_t i = 0; i < t.size() && i < keep.size(); ++i)
      if (keep[i]) into.push_back(v[i]);
  };
  pick(t.ids, out.ids);
  for (const ResponseColumn& c : t.columns) {
    ResponseColumn k;
    k.question = c.question;
    k.type = c.type;
    k.demographic = c.demographic;
    k.options = c.options;
    k.min = c.min;
    k.max = c.max;
    pick(c.num, k.num);
    pick(c.code, k.code);
    pick(c.mask, k.mask);
    pick(c.text, k.text);
    out.columns.push_back(std::move(k));
  }
  // Dictionaries anew, in order of first appearance among the kept rows, exactly as if
  // the table had been built from those rows alone.
  for (const SegmentColumn& g : t.segments) {
    SegmentColumn k;
    k.name = g.name;
    k.code.reserve(n);
    for (size_t i = 0; i < t.size() && i < keep.size(); ++i) {
      if (!keep[i]) continue;
      int32_t c = i < g.code.size() ? g.code[i] : -1;
      k.code.push_back(c < 0 ? -1 : k.code_of(g.values[static_cast<size_t>(c)]));
    }
    bool any = false;
    for (int32_t c : k.code) any = any || c >= 0;
    if (any) out.segments.push_back(std::move(k));  // a segment only excluded rows had is absent
  }
  return out;
}

void SurveyColumns::rebuild(const State& s, const std::string& survey_id) {
  const PublishedSurvey* latest = s.survey(survey_id);
  survey_id_ = survey_id;
  version_op_ = latest ? latest->op_id : "";
  table_ = latest ? ResponseTable(latest->schema) : ResponseTable{};
  at_.clear();
  course_id_.clear();
  groups_.clear();
  seen_ = 0;
  ++rebuilds_;
}

void SurveyColumns::sync(const State& s, const std::string& survey_id) {
  const PublishedSurvey* latest = s.survey(survey_id);
  bool full = false;
  if (survey_id != survey_id_ || !latest || latest->op_id != version_op_ || s.responses.size() < seen_) {
    rebuild(s, survey_id);
    full = true;
    if (!latest) return;
  }
  SurveyFilter all;
  all.survey_id = survey_id;
  // New responses are appended; one whose ticket (or response id) was answered before
  // replaces a row, so the table is rebuilt from the counted responses (rare: a learner
  // answering again, a resend, a change taken back).
  for (size_t i = seen_; i < s.responses.size(); ++i) {
    const SurveyResponse& r = s.responses[i];
    if (r.survey_id != survey_id) continue;
    bool fresh = groups_.insert(group_key(r)).second;
    if (!fresh && !full) {
      rebuild(s, survey_id);
      full = true;
      i = static_cast<size_t>(-1);  // again from the first response
      continue;
    }
    if (!r.current) continue;
    ResponseRow row;
    if (!response_row(s, r, all, row)) continue;
    table_.add(row);
    at_.push_back(r.at);
    const Ticket* t = r.ticket_id.empty() ? nullptr : s.ticket(r.ticket_id);
    course_id_.push_back(t ? t->course_id : "");
  }
  seen_ = s.responses.size();
}

json SurveyColumns::stats(const State& s, const SurveyFilter& f) const {
  const PublishedSurvey* latest = s.survey(survey_id_);
  if (!latest) return json{{"error", "no survey " + survey_id_}};
  bool filtered = f.from || f.to || !f.channel.empty() || !f.tier.empty() || !f.mode.empty() || !f.course_id.empty() ||
                  !f.customer.empty();
  if (!filtered) return survey_stats(latest->schema, table_);
  auto seg_is = [&](const char* name, const std::string& want, size_t i) {
    if (want.empty()) return true;
    const SegmentColumn* g = table_.segment(name);
    if (!g || i >= g->code.size() || g->code[i] < 0) return false;
    return g->values[static_cast<size_t>(g->code[i])] == want;
  };
  std::vector<bool> keep(table_.size());
  for (size_t i = 0; i < table_.size(); ++i)
    keep[i] = (!f.from || at_[i] >= f.from) && (!f.to || at_[i] < f.to) && seg_is("channel", f.channel, i) &&
              seg_is("tier", f.tier, i) && seg_is("mode", f.mode, i) && seg_is("customer", f.customer, i) &&
              (f.course_id.empty() || course_id_[i] == f.course_id);
  return survey_stats(latest->schema, select_rows(table_, keep));
}

std::string survey_csv(const SurveySchema& s, const std::vector<ResponseRow>& rows) {
  auto cell = [](const std::string& v) { return csv_cell(v); };
  // Demographic segments are already question columns.
  std::vector<std::string> segments;
  for (const ResponseRow& r : rows)
    for (const auto& [k, v] : r.segments)
      if (!s.question(k) && std::find(segments.begin(), segments.end(), k) == segments.end()) segments.push_back(k);
  std::sort(segments.begin(), segments.end());
  std::vector<const Question*> qs = s.all_questions();
  std::string out = "\xEF\xBB\xBF" "response_id";
  for (const std::string& g : segments) out += "," + cell(g);
  for (const Question* q : qs) out += "," + cell(q->id);
  out += "\r\n";
  for (const ResponseRow& r : rows) {
    out += cell(r.response_id);
    for (const std::string& g : segments) {
      auto it = r.segments.find(g);
      out += "," + (it == r.segments.end() ? std::string() : cell(it->second));
    }
    for (const Question* q : qs) {
      out += ",";
      auto it = r.answers.find(q->id);
      if (it == r.answers.end() || it->is_null()) continue;
      if (it->is_string()) out += cell(it->get<std::string>());
      else if (it->is_array()) {
        std::string joined;
        for (const json& v : *it) joined += (joined.empty() ? "" : ";") + v.get<std::string>();
        out += cell(joined);
      } else {
        out += it->dump();
      }
    }
    out += "\r\n";
  }
  return out;
}

json survey_rates(const State& s, const std::string& survey_id) {
  std::map<std::string, std::pair<int64_t, int64_t>> by_channel;  // sent, answered
  std::map<std::string, int64_t> opened;
  std::unordered_set<std::string> sent_to;                       // tickets it was sent for
  for (const SurveySend& x : s.survey_sends)
    if (x.survey_id == survey_id) {
      ++by_channel[to_id(x.channel)].first;
      if (x.opened_at) ++opened[to_id(x.channel)];
      sent_to.insert(x.ticket_id);
    }
  for (const SurveyResponse& r : s.responses) {
    if (!r.current || r.survey_id != survey_id || !sent_to.count(r.ticket_id)) continue;
    if (const Ticket* t = s.ticket(r.ticket_id)) ++by_channel[to_id(t->channel)].second;
  }
  json out = json::object();
  int64_t sent = 0, answered = 0, opened_all = 0;
  for (auto& [ch, v] : by_channel) {
    out[ch] = {{"sent", v.first}, {"opened", opened[ch]}, {"answered", v.second},
               {"rate", v.first ? double(v.second) / double(v.first) : 0.0}};
    sent += v.first;
    answered += v.second;
    opened_all += opened[ch];
  }
  // Denominator of "rate": sent. Answers by phone or typed by an agent count without an opened link.
  out["all"] = {{"sent", sent}, {"opened", opened_all}, {"answered", answered},
                {"rate", sent ? double(answered) / double(sent) : 0.0}};
  return out;
}

// ---- queries ------------------------------------------------------------------------------------

bool run_survey_query(const State& s, const json& q, Millis, json& out, Error& err, bool& known) {
  std::string type = q.value("type", "");
  known = true;
  if (type == "surveys.list") {
    out = json::array();
    std::map<std::string, int64_t> counted;
    for (const SurveyResponse& r : s.responses)
      if (r.current) ++counted[r.survey_id];
    for (const PublishedSurvey& p : s.surveys) {
      if (s.survey(p.schema.id) != &p) continue;  // the newest version of each
      out.push_back({{"survey_id", p.schema.id},
                     {"title", p.schema.title},
                     {"kind", p.schema.kind},
                     {"version", p.schema.version},
                     {"version_op", p.op_id},
                     {"responses", counted[p.schema.id]}});
    }
    return true;
  }
  if (type == "survey.get") {
    std::string id, version_op;
    if (!read_string(q, "survey_id", id, err, limits::id, true) ||
        !read_string(q, "version_op", version_op, err, limits::id, false))
      return false;
    const PublishedSurvey* p = version_op.empty() ? s.survey(id) : s.survey_version(version_op);
    if (!p) return fail(err, "not_found", "survey_id", "no survey " + id);
    out = survey_schema_json(p->schema);
    out["version_op"] = p->op_id;
    return true;
  }
  if (type == "survey.responses") {
    std::string id, ticket_id;
    if (!read_string(q, "survey_id", id, err, limits::id, false) ||
        !read_string(q, "ticket_id", ticket_id, err, limits::id, false))
      return false;
    out = json::array();
    for (const SurveyResponse& r : s.responses) {
      if ((!id.empty() && r.survey_id != id) || (!ticket_id.empty() && r.ticket_id != ticket_id)) continue;
      const PublishedSurvey* v = s.survey_version(r.version_op);
      out.push_back({{"response_id", r.response_id}, {"op_id", r.op_id}, {"survey_id", r.survey_id},
                     {"version", v ? v->schema.version : 0}, {"ticket_id", r.ticket_id}, {"mode", r.mode},
                     {"answers", r.answers}, {"by", r.by}, {"at", r.at}, {"current", r.current}, {"resent", r.resent}});
    }
    return true;
  }
  if (type == "survey.stats" || type == "survey.export") {
    SurveyFilter f;
    if (!read_string(q, "survey_id", f.survey_id, err, limits::id, true) || !read_int(q, "from", f.from, err, false) ||
        !read_int(q, "to", f.to, err, false) || !read_string(q, "course_id", f.course_id, err, limits::id, false) ||
        !read_string(q, "channel", f.channel, err, 16, false) || !read_string(q, "tier", f.tier, err, 16, false) ||
        !read_string(q, "mode", f.mode, err, 16, false) || !read_string(q, "customer", f.customer, err, 16, false))
      return false;
    const PublishedSurvey* p = s.survey(f.survey_id);
    if (!p) return fail(err, "not_found", "survey_id", "no survey " + f.survey_id);
    if (type == "survey.export") {
      std::string format = "csv";
      if (!read_string(q, "format", format, err, 8, false)) return false;
      if (format.empty()) format = "csv";
      if (format != "csv" && format != "json") return fail(err, "invalid_value", "format", "format is csv or json");
      std::vector<ResponseRow> rows = survey_rows(s, f);
      if (format == "csv") {
        out = {{"filename", f.survey_id + "-v" + std::to_string(p->schema.version) + ".csv"},
               {"mime", "text/csv;charset=utf-8"},
               {"text", survey_csv(p->schema, rows)}};
      } else {
        json list = json::array();
        for (const ResponseRow& r : rows) list.push_back({{"response_id", r.response_id}, {"segments", r.segments}, {"answers", r.answers}});
        json doc{{"survey", survey_schema_json(p->schema)}, {"responses", list}, {"stats", survey_stats(p->schema, rows)}};
        out = {{"filename", f.survey_id + "-v" + std::to_string(p->schema.version) + ".json"},
               {"mime", "application/json"},
               {"text", doc.dump(2, ' ', false, json::error_handler_t::replace)}};
      }
      return true;
    }
    SurveyColumns columns;  // the one way statistics are computed, here as in the view
    columns.sync(s, f.survey_id);
    out = columns.stats(s, f);
    out["rates"] = survey_rates(s, f.survey_id);
    return true;
  }
  known = false;
  return false;
}

}  // namespace edudesk
