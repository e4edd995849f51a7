// Survey schemas (issue 5): reading one strictly (every error names its field, e.g.
// "sections[1].questions[0].options"), writing it back (parse(json(s)) == s) and the
// skip logic. The format is documented in docs/SURVEYS.md.
#include <cmath>
#include <set>

#include "core/fields.h"
#include "core/survey.h"
#include "core/utf8.h"

namespace edudesk {

namespace {

using nlohmann::json;

constexpr size_t kMaxSections = 50;
constexpr size_t kMaxQuestions = 200;
constexpr size_t kMaxOptions = 50;
constexpr size_t kMaxShowIfValues = 50;
constexpr int64_t kMaxText = 500;         // titles, question texts, option labels (code points)
constexpr int64_t kMaxTextAnswer = 10000;  // the largest `max` of a text question

const char* const kDemographics[] = {"age_group", "gender", "occupation"};

bool fail(Error& err, const char* code, std::string field, std::string message) {
  err = {code, std::move(field), std::move(message)};
  return false;
}

// [a-z0-9_]{1,32}
bool is_id(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string echo(const std::string& s) {
  if (!is_valid_utf8(s)) return "'?'";
  if (utf8_length(s) <= 40) return "'" + s + "'";
  std::string cut;
  size_t i = 0;
  for (int k = 0; k < 40 && i < s.size(); ++k) {
    size_t start = i;
    next_codepoint(s, i);
    cut.append(s, start, i - start);
  }
  return "'" + cut + "…'";
}

std::string at(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

// Every key of `obj` must be one of `known` (a misspelt "show-if" is an error, not ignored).
template <size_t N>
bool known_keys(const json& obj, const char* const (&known)[N], const std::string& path, Error& err) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      const std::string key = is_valid_utf8(it.key()) && utf8_length(it.key()) <= 40 ? it.key() : std::string("?");
      return fail(err, "unknown_field", at(path, key.c_str()), "is not a field here (misspelt?)");
    }
  }
  return true;
}

// core/fields.h's read_string with the field named by its whole path.
bool text_field(const json& obj, const char* key, const std::string& path, std::string& out, int64_t max_len,
                bool required, Error& err) {
  if (read_string(obj, key, out, err, max_len, required)) return true;
  err.field = at(path, key);
  return false;
}

bool id_field(const json& obj, const char* key, const std::string& path, std::string& out, Error& err) {
  if (!text_field(obj, key, path, out, 32, true, err)) return false;
  if (!is_id(out))
    return fail(err, "invalid_value", at(path, key),
                echo(out) + " is not an id: 1 to 32 of a-z, 0-9 and _");
  return true;
}

bool number_field(const json& obj, const char* key, const std::string& path, double& out, Error& err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fail(err, "missing_field", at(path, key), "is required");
  if (!it->is_number()) return fail(err, "wrong_type", at(path, key), "must be a number");
  out = it->get<double>();
  if (!std::isfinite(out)) return fail(err, "invalid_value", at(path, key), "must be a finite number");
  return true;
}

bool parse_options(const json& q, const std::string& path, Question& out, Error& err) {
  const std::string opath = at(path, "options");
  auto it = q.find("options");
  if (it == q.end() || it->is_null())
    return fail(err, "missing_field", opath, "a " + std::string(to_id(out.type)) + " question needs options");
  if (!it->is_array()) return fail(err, "wrong_type", opath, "must be a list of {value, label}");
  if (it->empty())
    return fail(err, "missing_field", opath, "a " + std::string(to_id(out.type)) + " question needs options");
  if (it->size() > kMaxOptions)
    return fail(err, "too_many", opath, std::to_string(it->size()) + " options; at most 50 are allowed");
  static const char* const kKeys[] = {"value", "label"};
  for (size_t k = 0; k < it->size(); ++k) {
    const json& o = (*it)[k];
    const std::string p = opath + "[" + std::to_string(k) + "]";
    if (!o.is_object()) return fail(err, "wrong_type", p, "must be an object {value, label}");
    if (!known_keys(o, kKeys, p, err)) return false;
    SurveyOption opt;
    if (!id_field(o, "value", p, opt.value, err)) return false;
    if (!text_field(o, "label", p, opt.label, kMaxText, true, err)) return false;
    for (const SurveyOption& prev : out.options)
      if (prev.value == opt.value)
        return fail(err, "duplicate_id", at(p, "value"), "option value " + echo(opt.value) + " is used twice");
    out.options.push_back(std::move(opt));
  }
  return true;
}

// show_if: {question: an earlier question's id, in: [values]} — values of the source's kind.
bool parse_show_if(const json& q, const std::string& path, const SurveySchema& so_far, const std::set<std::string>& later,
                   Question& out, Error& err) {
  auto it = q.find("show_if");
  if (it == q.end() || it->is_null()) return true;
  const std::string spath = at(path, "show_if");
  if (!it->is_object()) return fail(err, "wrong_type", spath, "must be an object {question, in}");
  static const char* const kKeys[] = {"question", "in"};
  if (!known_keys(*it, kKeys, spath, err)) return false;
  ShowIf si;
  if (!text_field(*it, "question", spath, si.question, 32, true, err)) return false;
  const Question* src = so_far.question(si.question);
  if (si.question == out.id) return fail(err, "invalid_value", at(spath, "question"), "a question cannot depend on itself");
  if (!src) {
    if (later.count(si.question))
      return fail(err, "invalid_value", at(spath, "question"),
                  echo(si.question) + " comes later; skip logic may refer to an earlier question only");
    return fail(err, "unknown_question", at(spath, "question"), "no question " + echo(si.question) + " in this survey");
  }
  const std::string ipath = at(spath, "in");
  auto in = it->find("in");
  if (in == it->end() || in->is_null()) return fail(err, "missing_field", ipath, "is required");
  if (!in->is_array()) return fail(err, "wrong_type", ipath, "must be a list of answer values");
  if (in->empty()) return fail(err, "missing_field", ipath, "needs at least one value");
  if (in->size() > kMaxShowIfValues) return fail(err, "too_many", ipath, "at most 50 values are allowed");
  for (size_t k = 0; k < in->size(); ++k) {
    const json& v = (*in)[k];
    const std::string p = ipath + "[" + std::to_string(k) + "]";
    if (is_numeric(src->type)) {
      if (!v.is_number() || !std::isfinite(v.get<double>()))
        return fail(err, "wrong_type", p, "must be a number (" + src->id + " is a " + to_id(src->type) + " question)");
    } else if (src->type == QuestionType::single || src->type == QuestionType::multiple) {
      if (!v.is_string()) return fail(err, "wrong_type", p, "must be an option value of " + src->id);
      bool found = false;
      for (const SurveyOption& o : src->options) found = found || o.value == v.get_ref<const std::string&>();
      if (!found) return fail(err, "invalid_value", p, echo(v.get<std::string>()) + " is not an option of " + src->id);
    } else {
      if (!v.is_string() || !is_valid_utf8(v.get_ref<const std::string&>()))
        return fail(err, "wrong_type", p, "must be a text (" + src->id + " is a text question)");
    }
    si.in.push_back(v);
  }
  out.show_if = std::move(si);
  return true;
}

bool parse_question(const json& q, const std::string& path, const SurveySchema& so_far, const std::set<std::string>& later,
                    std::set<std::string>& demographics, Question& out, Error& err) {
  if (!q.is_object()) return fail(err, "wrong_type", path, "must be an object");
  static const char* const kKeys[] = {"id",  "type",        "text",   "required", "options",
                                      "min", "max", "demographic", "show_if"};
  if (!known_keys(q, kKeys, path, err)) return false;
  if (!id_field(q, "id", path, out.id, err)) return false;
  if (so_far.question(out.id)) return fail(err, "duplicate_id", at(path, "id"), "question id " + echo(out.id) + " is used twice");
  std::string type;
  if (!text_field(q, "type", path, type, 32, true, err)) return false;
  auto t = parse_question_type(type);
  if (!t)
    return fail(err, "unknown_type", at(path, "type"),
                echo(type) + " is not one of likert5, nps, single, multiple, rating, number, text");
  out.type = *t;
  if (!text_field(q, "text", path, out.text, kMaxText, true, err)) return false;
  if (!read_bool(q, "required", out.required, err)) {
    err.field = at(path, "required");
    return false;
  }
  const bool choice = out.type == QuestionType::single || out.type == QuestionType::multiple;
  if (choice) {
    if (!parse_options(q, path, out, err)) return false;
  } else if (present(q, "options")) {
    return fail(err, "invalid_value", at(path, "options"), "only single and multiple questions have options");
  }
  if (out.type == QuestionType::number) {
    if (!number_field(q, "min", path, out.min, err) || !number_field(q, "max", path, out.max, err)) return false;
    if (out.max < out.min) return fail(err, "invalid_value", at(path, "max"), "is less than min");
  } else {
    if (present(q, "min")) return fail(err, "invalid_value", at(path, "min"), "only number questions have min");
    if (out.type == QuestionType::text) {
      int64_t max = 0;
      if (!read_int(q, "max", max, err, false)) {
        err.field = at(path, "max");
        return false;
      }
      if (max < 0 || max > kMaxTextAnswer)
        return fail(err, "invalid_value", at(path, "max"), "a text's max length is 0 (2000) to 10000 characters");
      out.max = static_cast<double>(max);
    } else if (present(q, "max")) {
      return fail(err, "invalid_value", at(path, "max"), "only number and text questions have max");
    }
  }
  if (!text_field(q, "demographic", path, out.demographic, 32, false, err)) return false;
  if (!out.demographic.empty()) {
    bool ok = false;
    for (const char* d : kDemographics) ok = ok || out.demographic == d;
    if (!ok)
      return fail(err, "invalid_value", at(path, "demographic"),
                  echo(out.demographic) + " is not one of age_group, gender, occupation");
    if (out.type != QuestionType::single)
      return fail(err, "invalid_value", at(path, "demographic"), "only a single-choice question can be a demographic");
    if (!demographics.insert(out.demographic).second)
      return fail(err, "duplicate_id", at(path, "demographic"), "two questions ask for " + out.demographic);
  }
  return parse_show_if(q, path, so_far, later, out, err);
}

json option_json(const SurveyOption& o) { return json{{"value", o.value}, {"label", o.label}}; }

bool answered(const json& a) {
  if (a.is_null()) return false;
  if (a.is_string()) return !a.get_ref<const std::string&>().empty();
  if (a.is_array()) return !a.empty();
  return true;
}

bool matches(const json& answer, const json& value) {
  if (answer.is_number() && value.is_number()) return answer.get<double>() == value.get<double>();
  if (answer.is_string() && value.is_string())
    return answer.get_ref<const std::string&>() == value.get_ref<const std::string&>();
  return false;
}

bool shown(const SurveySchema& s, const Question& q, const json& answers, int depth) {
  if (!q.show_if) return true;
  if (depth > static_cast<int>(kMaxQuestions) || !answers.is_object()) return false;
  const Question* src = s.question(q.show_if->question);
  if (!src || !shown(s, *src, answers, depth + 1)) return false;
  auto it = answers.find(src->id);
  if (it == answers.end() || !answered(*it)) return false;
  const json& a = *it;
  for (const json& v : q.show_if->in) {
    if (a.is_array()) {
      for (const json& chosen : a)
        if (matches(chosen, v)) return true;
    } else if (matches(a, v)) {
      return true;
    }
  }
  return false;
}

}  // namespace

const char* to_id(QuestionType t) {
  switch (t) {
    case QuestionType::likert5: return "likert5";
    case QuestionType::nps: return "nps";
    case QuestionType::single: return "single";
    case QuestionType::multiple: return "multiple";
    case QuestionType::rating: return "rating";
    case QuestionType::number: return "number";
    case QuestionType::text: return "text";
  }
  return "text";
}

std::optional<QuestionType> parse_question_type(std::string_view s) { return parse_id(kQuestionTypes, s); }

bool is_numeric(QuestionType t) {
  return t == QuestionType::likert5 || t == QuestionType::nps || t == QuestionType::rating ||
         t == QuestionType::number;
}

const Question* SurveySchema::question(const std::string& id) const {
  for (const SurveySection& sec : sections)
    for (const Question& q : sec.questions)
      if (q.id == id) return &q;
  return nullptr;
}

std::vector<const Question*> SurveySchema::all_questions() const {
  std::vector<const Question*> out;
  for (const SurveySection& sec : sections)
    for (const Question& q : sec.questions) out.push_back(&q);
  return out;
}

bool operator==(const SurveyOption& a, const SurveyOption& b) { return a.value == b.value && a.label == b.label; }
bool operator==(const ShowIf& a, const ShowIf& b) { return a.question == b.question && a.in == b.in; }
bool operator==(const Question& a, const Question& b) {
  return a.id == b.id && a.type == b.type && a.text == b.text && a.required == b.required && a.options == b.options &&
         a.min == b.min && a.max == b.max && a.demographic == b.demographic && a.show_if == b.show_if;
}
bool operator==(const SurveySection& a, const SurveySection& b) {
  return a.title == b.title && a.questions == b.questions;
}
bool operator==(const SurveySchema& a, const SurveySchema& b) {
  return a.id == b.id && a.title == b.title && a.version == b.version && a.kind == b.kind && a.sections == b.sections;
}

bool parse_survey_schema(const nlohmann::json& j, SurveySchema& out, Error& err) {
  if (!j.is_object()) return fail(err, "wrong_type", "", "a survey schema must be a JSON object");
  static const char* const kKeys[] = {"id", "title", "version", "kind", "sections"};
  if (!known_keys(j, kKeys, "", err)) return false;
  SurveySchema s;
  if (!id_field(j, "id", "", s.id, err)) return false;
  if (!text_field(j, "title", "", s.title, kMaxText, true, err)) return false;
  if (!read_int(j, "version", s.version, err, false)) return false;
  if (s.version < 1) return fail(err, "invalid_value", "version", "must be 1 or more");
  std::string kind;
  if (!text_field(j, "kind", "", kind, 32, false, err)) return false;
  if (!kind.empty()) {
    if (kind != "survey" && kind != "qa_review")
      return fail(err, "invalid_value", "kind", echo(kind) + " is not one of survey, qa_review");
    s.kind = kind;
  }
  auto secs = j.find("sections");
  if (secs == j.end() || secs->is_null()) return fail(err, "missing_field", "sections", "is required");
  if (!secs->is_array()) return fail(err, "wrong_type", "sections", "must be a list of sections");
  if (secs->empty()) return fail(err, "missing_field", "sections", "a survey needs at least one section");
  if (secs->size() > kMaxSections)
    return fail(err, "too_many", "sections", std::to_string(secs->size()) + " sections; at most 50 are allowed");

  // Every question id, to tell "refers to a later question" from "refers to no question".
  std::set<std::string> later;
  for (const json& sec : *secs)
    if (sec.is_object() && sec.contains("questions") && sec["questions"].is_array())
      for (const json& q : sec["questions"])
        if (q.is_object() && q.contains("id") && q["id"].is_string()) later.insert(q["id"].get<std::string>());

  std::set<std::string> demographics;
  size_t total = 0;
  for (size_t i = 0; i < secs->size(); ++i) {
    const json& sec = (*secs)[i];
    const std::string path = "sections[" + std::to_string(i) + "]";
    if (!sec.is_object()) return fail(err, "wrong_type", path, "must be an object {title, questions}");
    static const char* const kSectionKeys[] = {"title", "questions"};
    if (!known_keys(sec, kSectionKeys, path, err)) return false;
    SurveySection section;
    if (!text_field(sec, "title", path, section.title, kMaxText, false, err)) return false;
    auto qs = sec.find("questions");
    const std::string qpath = path + ".questions";
    if (qs == sec.end() || qs->is_null()) return fail(err, "missing_field", qpath, "is required");
    if (!qs->is_array()) return fail(err, "wrong_type", qpath, "must be a list of questions");
    if (qs->empty()) return fail(err, "missing_field", qpath, "a section needs at least one question");
    total += qs->size();
    if (total > kMaxQuestions) return fail(err, "too_many", qpath, "more than 200 questions in the survey");
    s.sections.push_back(std::move(section));
    for (size_t k = 0; k < qs->size(); ++k) {
      Question q;
      if (!parse_question((*qs)[k], qpath + "[" + std::to_string(k) + "]", s, later, demographics, q, err))
        return false;
      s.sections.back().questions.push_back(std::move(q));
    }
  }
  out = std::move(s);
  return true;
}

nlohmann::json survey_schema_json(const SurveySchema& s) {
  json sections = json::array();
  for (const SurveySection& sec : s.sections) {
    json qs = json::array();
    for (const Question& q : sec.questions) {
      json o{{"id", q.id}, {"type", to_id(q.type)}, {"text", q.text}, {"required", q.required}};
      if (q.type == QuestionType::single || q.type == QuestionType::multiple) {
        json opts = json::array();
        for (const SurveyOption& opt : q.options) opts.push_back(option_json(opt));
        o["options"] = std::move(opts);
      }
      if (q.type == QuestionType::number) {
        o["min"] = q.min;
        o["max"] = q.max;
      }
      if (q.type == QuestionType::text && q.max > 0) o["max"] = static_cast<int64_t>(q.max);
      if (!q.demographic.empty()) o["demographic"] = q.demographic;
      if (q.show_if) o["show_if"] = json{{"question", q.show_if->question}, {"in", q.show_if->in}};
      qs.push_back(std::move(o));
    }
    sections.push_back(json{{"title", sec.title}, {"questions", std::move(qs)}});
  }
  return json{{"id", s.id},
              {"title", s.title},
              {"version", s.version},
              {"kind", s.kind},
              {"sections", std::move(sections)}};
}

bool is_shown(const SurveySchema& s, const Question& q, const nlohmann::json& answers) {
  return shown(s, q, answers, 0);
}

}  // namespace edudesk
