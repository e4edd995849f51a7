// Checking one response against its survey version (issue 5): types and ranges,
// required questions, skip logic, unknown ids. The message names the question.
#include <cmath>
#include <cstdio>

#include "core/survey.h"
#include "core/utf8.h"

namespace edudesk {

namespace {
bool fail(Error& err, const Question& q, const char* code, const std::string& why) {
  err = {code, q.id, "「" + q.text + "」" + why};
  return false;
}

bool is_option(const Question& q, const std::string& v) {
  for (const SurveyOption& o : q.options)
    if (o.value == v) return true;
  return false;
}

bool answered(const nlohmann::json& a) {
  if (a.is_null()) return false;
  if (a.is_string()) return !a.get_ref<const std::string&>().empty();
  if (a.is_array()) return !a.empty();
  return true;
}

bool check_value(const Question& q, const nlohmann::json& a, Error& err) {
  auto int_in = [&](int64_t lo, int64_t hi) {
    if (!a.is_number_integer()) return fail(err, q, "wrong_type", "的答案须为整数");
    int64_t v = a.get<int64_t>();
    if (v < lo || v > hi)
      return fail(err, q, "out_of_range", "的答案须在 " + std::to_string(lo) + " 到 " + std::to_string(hi) + " 之间");
    return true;
  };
  switch (q.type) {
    case QuestionType::likert5:
    case QuestionType::rating: return int_in(1, 5);
    case QuestionType::nps: return int_in(0, 10);
    case QuestionType::number: {
      if (!a.is_number()) return fail(err, q, "wrong_type", "的答案须为数字");
      double v = a.get<double>();
      if (!std::isfinite(v) || v < q.min || v > q.max) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "的答案须在 %g 到 %g 之间", q.min, q.max);
        return fail(err, q, "out_of_range", buf);
      }
      return true;
    }
    case QuestionType::single:
      if (!a.is_string() || !is_option(q, a.get<std::string>())) return fail(err, q, "invalid_value", "的答案不是可选项之一");
      return true;
    case QuestionType::multiple: {
      if (!a.is_array()) return fail(err, q, "wrong_type", "的答案须为选项列表");
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string() || !is_option(q, a[i].get<std::string>()))
          return fail(err, q, "invalid_value", "的答案含有不存在的选项");
        for (size_t k = 0; k < i; ++k)
          if (a[k] == a[i]) return fail(err, q, "invalid_value", "的答案重复选择了同一选项");
      }
      return true;
    }
    case QuestionType::text: {
      if (!a.is_string()) return fail(err, q, "wrong_type", "的答案须为文字");
      const std::string& s = a.get_ref<const std::string&>();
      if (!is_valid_utf8(s)) return fail(err, q, "invalid_utf8", "的答案包含无效字符");
      int64_t max = q.max > 0 ? static_cast<int64_t>(q.max) : 2000;
      if (utf8_length(s) > max) return fail(err, q, "too_long", "的答案超过 " + std::to_string(max) + " 字");
      return true;
    }
  }
  return true;
}
}  // namespace

bool validate_answers(const SurveySchema& s, const nlohmann::json& answers, Error& err) {
  if (!answers.is_object()) {
    err = {"wrong_type", "answers", "answers must be an object {question id: value}"};
    return false;
  }
  for (auto it = answers.begin(); it != answers.end(); ++it)
    if (!s.question(it.key())) {
      err = {"unknown_question", it.key(), "no question '" + it.key() + "' in this survey version"};
      return false;
    }
  for (const Question* q : s.all_questions()) {
    auto it = answers.find(q->id);
    bool has = it != answers.end() && answered(*it);
    if (!is_shown(s, *q, answers)) {
      // Skipped by the logic: an answer here contradicts an earlier one.
      if (has) return fail(err, *q, "skip_logic", "按前面的回答不应出现，不能作答");
      continue;
    }
    if (!has) {
      if (q->required) return fail(err, *q, "missing_field", "为必答题");
      continue;
    }
    if (!check_value(*q, *it, err)) return false;
  }
  return true;
}

}  // namespace edudesk
