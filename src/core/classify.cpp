#include "core/classify.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/state.h"
#include "core/text_search.h"
#include "core/utf8.h"

namespace edudesk {

namespace {

bool is_stop_word(std::string_view w) {
  static constexpr std::string_view kStop[] = {"a", "an", "the", "to", "of", "and", "is", "it", "in",
                                               "on", "at", "for", "my", "i", "s", "t", "me"};
  for (auto s : kStop)
    if (s == w) return true;
  return false;
}

// The English words of normalised text, in order, joined by single spaces and padded with
// one space on each side (" my account was hacked "): phrase cues match whole words.
std::string english_words(std::string_view norm) {
  std::string out = " ", word;
  size_t i = 0;
  auto flush = [&] {
    if (!word.empty()) out += word + " ";
    word.clear();
  };
  while (i < norm.size()) {
    uint32_t cp = next_codepoint(norm, i);
    if (is_word_char(cp)) word += static_cast<char>(cp);
    else if (cp != '\'') flush();
  }
  flush();
  return out;
}

// Urgent (P1) cues. CJK cues are matched in the normalised (simplified) text, so the
// traditional spellings (帳號被盜, 記者, 消基會 …) are covered; English cues are matched on
// whole words (a cue without a trailing space matches a word prefix: "unauthori").
constexpr std::string_view kUrgentCjk[] = {
    // account theft, fraudulent payments
    "盗" /* 被盗, 盗号, 盗刷, 盗用, 被人盗了 */, "被黑", "被刷了", "被人登录", "被人转走", "不是我本人", "不是本人", "冒充客服",
    // mass outage
    "全部学生", "全部同学", "全部班级", "所有学生", "所有同学", "所有人都", "全班同学都", "全班都", "整个班",
    "整个年级", "整个平台", "整个系统", "平台整个", "系统崩", "都崩了", "大面积", "几百个", "全国",
    // media, regulator, legal threats
    "曝光", "12315", "媒体", "记者", "报导", "报道", "黑猫", "教育局", "消协", "消费者协会", "消基会", "消保官",
    "市场监管", "工商局", "起诉", "律师", "法院", "告你们", "报警", "微博", "抖音", "发到网上", "举报",
    // child safety
    "私下加", "私聊", "私下传", "发照片", "她的照片", "他的照片", "要照片", "下流", "猥亵", "性骚扰", "动手动脚",
    "线下见面", "体罚", "罚站", "去死"};
constexpr std::string_view kUrgentEnglish[] = {
    " hacked ", " hack ", " stolen ", " unauthori", " media ", " the press ", " newspaper", " journalist",
    " lawyer", " legal action ", " sue ", " court ", " regulator", " consumer council ", " police ",
    " child safety ", " privately messag", " asking for photos ", " harass", " inappropriate",
    " all students ", " no student ", " none of the students ", " nobody can", " no one can",
    " whole platform ", " platform is down ", " whole class ", " entire class ", " all classes "};

constexpr std::string_view kComplaintWords[] = {"投诉", "举报", "申诉", "差评", " complain", " complaint"};
constexpr std::string_view kDisputeWords[] = {"态度", "退款", "退费", "退钱", "不退", "骂", "敷衍", "踢皮球",
                                              "没人处理", "不处理", " rude ", " attitude ", " refund"};

bool contains_any(std::string_view norm, std::string_view words, const std::string_view* cues, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    std::string_view c = cues[k];
    std::string_view hay = c.front() == ' ' ? words : norm;
    if (hay.find(c) != std::string_view::npos) return true;
  }
  return false;
}
template <size_t N>
bool contains_any(std::string_view norm, std::string_view words, const std::string_view (&cues)[N]) {
  return contains_any(norm, words, cues, N);
}

bool urgent_normalised(std::string_view norm, std::string_view words) {
  return contains_any(norm, words, kUrgentCjk) || contains_any(norm, words, kUrgentEnglish);
}

bool serious_normalised(std::string_view norm, std::string_view words) {
  return urgent_normalised(norm, words) ||
         (contains_any(norm, words, kComplaintWords) && contains_any(norm, words, kDisputeWords));
}

// ---- the keyword-rules-only baseline -------------------------------------------------
struct CategoryKeywords {
  Category category;
  std::vector<std::string_view> cues;
};
const std::vector<CategoryKeywords>& category_keywords() {
  static const std::vector<CategoryKeywords> k = {
      {Category::course_quality,
       {"老师", "讲", "内容", "质量", "作业", "批改", "水平", "口音", "迟到", "教学", "讲义", "难度", "练习",
        " teacher", " tutor", " lesson", " homework", " teaching", " content ", " marked "}},
      {Category::technical,
       {"卡", "闪退", "黑屏", "声音", "画面", "直播间", "进不去", "进不了", "回放", "重播", "加载", "载入", "网络",
        "崩", "上传", "打不开", "报错", "掉线", "麦克风", "摄像头", "白板", "系统", "平台", "缓冲", "视频", "影片",
        "客户端", "版本", " app ", " crash", " lag ", " video ", " freez", " sound ", " audio ", " down ",
        " loading ", " load ", " upload", " fail", " replay "}},
      {Category::service_attitude,
       {"态度", "客服", "班主任", "顾问", "不回", "敷衍", "骂", "凶", "推销", "不耐烦", "挂我电话", "助教", "销售",
        "表扬", "私下", " rude ", " attitude ", " advisor ", " support ", " sales ", " staff ", " replies "}},
      {Category::after_sales,
       {"退款", "退费", "退钱", "发票", "换课", "转班", "换成", "转到", "续费", "续约", "扣了", "扣费", "扣款", "扣我",
        "支付", "付款", "订单", "教材", "寄", "合同", "差价", "优惠", "到账", "分期", "课时卡", "暂停",
        " refund", " invoice", " charged ", " billed ", " payment ", " textbooks ", " renewal ", " switch ",
        " cancel ", " discount ", " renew "}},
      {Category::account_security,
       {"密码", "登录", "登入", "登陆", "验证码", "账号", "帐号", "账户", "被盗", "盗刷", "盗号", "手机号", "换绑",
        "绑定", "解绑", "实名", "注销", "冻结", "锁", " password", " login ", " log ", " account ",
        " verification ", " sms ", " hacked ", " hack ", " stolen ", " locked "}},
  };
  return k;
}
constexpr std::string_view kEnquiryCues[] = {"请问", "建议", "希望", "想了解", "有没有", "咨询", "谢谢", "表扬", "好评",
                                             " do you ", " what ", " how long ", " can i ", " suggestion ",
                                             " thanks ", " is there ", " are your ", " does "};
constexpr std::string_view kHurryCues[] = {"马上", "赶紧", "尽快", "急", "快开始", "还剩", "两次", "重复扣", "没来",
                                           "骂", " minutes ", " twice ", " rude ", " urgent "};

template <size_t N>
std::array<double, N> one_hot(size_t k) {
  std::array<double, N> a{};
  a[k] = 1.0;
  return a;
}

}  // namespace

std::vector<std::string> text_features(std::string_view utf8) {
  std::vector<std::string> out;
  for_each_run(
      normalize_text(utf8),
      [&](std::string_view run) {  // every character, and every pair of neighbours
        for (size_t k = 0; k < run.size(); k += 3) {
          out.emplace_back(run.substr(k, 3));
          if (k + 3 < run.size()) out.emplace_back(run.substr(k, 6));
        }
      },
      [&](const std::string& word) {
        if (!is_stop_word(word)) out.push_back(word);
      });
  return out;
}

bool urgent_cue(std::string_view text) {
  const std::string norm = normalize_text(text);
  return urgent_normalised(norm, english_words(norm));
}

bool serious_complaint(std::string_view text) {
  const std::string norm = normalize_text(text);
  return serious_normalised(norm, english_words(norm));
}

// ---- naive Bayes ----------------------------------------------------------------------
void NaiveBayes::add(const std::vector<std::string>& features, size_t label, int times) {
  if (label >= docs.size() || times == 0) return;
  docs[label] += times;
  for (const auto& f : features) {
    auto it = counts.try_emplace(f, docs.size(), 0).first;
    it->second[label] += times;
    tokens[label] += times;
    if (times < 0 && std::all_of(it->second.begin(), it->second.end(), [](int32_t n) { return n == 0; }))
      counts.erase(it);  // taken back: the vocabulary is as if it had never been added
  }
}

std::vector<double> NaiveBayes::posterior(const std::vector<std::string>& features) const {
  const size_t k = docs.size();
  std::vector<double> logp(k, 0.0);
  if (k == 0) return logp;
  int64_t total = 0;
  for (auto d : docs) total += d;
  const double vocab = static_cast<double>(counts.size());
  for (size_t c = 0; c < k; ++c)
    logp[c] = std::log((static_cast<double>(docs[c]) + alpha) / (static_cast<double>(total) + alpha * k));
  for (const auto& f : features) {
    auto it = counts.find(f);
    if (it == counts.end()) continue;  // unseen in training: no evidence either way
    for (size_t c = 0; c < k; ++c)
      logp[c] += std::log((it->second[c] + alpha) / (static_cast<double>(tokens[c]) + alpha * vocab));
  }
  const double top = *std::max_element(logp.begin(), logp.end());
  double sum = 0;
  for (auto& v : logp) sum += (v = std::exp(v - top));
  for (auto& v : logp) v /= sum;
  return logp;
}

// ---- the classifier --------------------------------------------------------------------
Classifier::Classifier() : category_(std::size(kCategories)), priority_(std::size(kPriorities)) {}

void Classifier::add(std::string_view text, Category category, Priority priority, int times) {
  const auto f = text_features(text);
  category_.add(f, static_cast<size_t>(category), times);
  priority_.add(f, static_cast<size_t>(priority), times);
  examples_ += times;
}

Classification Classifier::classify(std::string_view text) const {
  Classification r;
  if (!is_valid_utf8(text)) {
    r.category_scores = one_hot<6>(static_cast<size_t>(Category::other));
    r.priority_scores = one_hot<4>(static_cast<size_t>(Priority::P3));
    return r;
  }
  const auto f = text_features(text);
  if (f.empty()) {  // blank, or only punctuation: nothing to go by
    r.priority = Priority::P4;
    r.category_scores = one_hot<6>(static_cast<size_t>(Category::other));
    r.priority_scores = one_hot<4>(static_cast<size_t>(Priority::P4));
    return r;
  }
  const auto pc = category_.posterior(f);
  const auto pp = priority_.posterior(f);
  std::copy(pc.begin(), pc.end(), r.category_scores.begin());
  std::copy(pp.begin(), pp.end(), r.priority_scores.begin());
  r.category = kCategories[std::max_element(pc.begin(), pc.end()) - pc.begin()];
  const std::string norm = normalize_text(text);
  const std::string words = english_words(norm);
  r.urgent_rule = urgent_normalised(norm, words);
  if (r.urgent_rule) {
    r.priority = Priority::P1;
  } else {
    // P1 is for the urgent cues: without one, the best of P2..P4.
    r.priority = kPriorities[std::max_element(pp.begin() + 1, pp.end()) - pp.begin()];
  }
  r.flag_supervisor = r.priority == Priority::P1 || serious_normalised(norm, words);
  return r;
}

const Classifier& Classifier::builtin() {
  static const Classifier model = [] {
    Classifier c;
    for (const auto& e : builtin_examples()) c.add(e.text, e.category, e.priority);
    return c;
  }();
  return model;
}

Classification classify(std::string_view text) { return Classifier::builtin().classify(text); }

Classification classify_rules_only(std::string_view text) {
  Classification r;
  const std::string norm = normalize_text(text);
  const std::string words = english_words(norm);
  std::array<int, 6> hits{};
  for (const auto& k : category_keywords())
    for (auto cue : k.cues) {
      std::string_view hay = cue.front() == ' ' ? std::string_view(words) : std::string_view(norm);
      if (hay.find(cue) != std::string_view::npos) ++hits[static_cast<size_t>(k.category)];
    }
  size_t best = static_cast<size_t>(Category::other);
  for (size_t c = 0; c < hits.size(); ++c)
    if (hits[c] > 0 && (best == static_cast<size_t>(Category::other) || hits[c] > hits[best])) best = c;
  r.category = kCategories[best];
  r.urgent_rule = urgent_normalised(norm, words);
  if (r.urgent_rule) r.priority = Priority::P1;
  else if (contains_any(norm, words, kEnquiryCues)) r.priority = Priority::P4;
  else if (contains_any(norm, words, kHurryCues)) r.priority = Priority::P2;
  else r.priority = Priority::P3;
  r.category_scores = one_hot<6>(best);
  r.priority_scores = one_hot<4>(static_cast<size_t>(r.priority));
  r.flag_supervisor = serious_normalised(norm, words);
  return r;
}

std::optional<LabelledExample> parse_labelled_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t a = line.find('\t');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = line.find('\t', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto cat = parse_category(line.substr(0, a));
  auto pri = parse_priority(line.substr(a + 1, b - a - 1));
  std::string_view text = line.substr(b + 1);
  if (!cat || !pri || text.empty() || text.find('\t') != std::string_view::npos || !is_valid_utf8(text))
    return std::nullopt;
  return LabelledExample{*cat, *pri, std::string(text)};
}

const std::vector<LabelledExample>& builtin_examples() {
  struct Row {
    const char* category;
    const char* priority;
    const char* text;
  };
  static constexpr Row kRows[] = {
#include "core/classify_data.inc"
  };
  static const std::vector<LabelledExample> examples = [] {
    std::vector<LabelledExample> v;
    v.reserve(std::size(kRows));
    for (const auto& r : kRows) {
      auto c = parse_category(r.category);
      auto p = parse_priority(r.priority);
      if (c && p) v.push_back({*c, *p, r.text});
    }
    return v;
  }();
  return examples;
}

// ---- learning from the agents' corrections ------------------------------------------

namespace {

// The correction a ticket holds, without building its text; nullptr when it holds none.
const TimelineEntry* correction_entry(const State& s, const Ticket& t) {
  if (t.category == t.initial_category || t.category_by.entry < 0 ||
      static_cast<size_t>(t.category_by.entry) >= t.timeline.size())
    return nullptr;
  const TimelineEntry& e = t.timeline[static_cast<size_t>(t.category_by.entry)];
  if (e.kind != EntryKind::field_change || e.field != "category" || !s.agent(e.author)) return nullptr;
  return &e;
}

// What the customer wrote: the subject and the first customer message.
std::string ticket_text(const Ticket& t) {
  for (const auto& e : t.timeline)
    if (e.kind == EntryKind::customer_message) return t.subject + " " + e.text;
  return t.subject;
}

bool same_labels(const LabelledExample& a, const LabelledExample& b) {
  return a.category == b.category && a.priority == b.priority && a.text == b.text;
}

}  // namespace

std::vector<Correction> collect_corrections(const State& s) {
  std::vector<Correction> out;
  for (const Ticket& t : s.tickets)
    if (const TimelineEntry* e = correction_entry(s, t))
      out.push_back({t.id, e->id, {t.category, t.priority, ticket_text(t)}});
  return out;
}

std::vector<LabelledExample> misclassified_by_builtin(const std::vector<LabelledExample>& examples) {
  std::vector<LabelledExample> out;
  for (const auto& e : examples)
    if (Classifier::builtin().classify(e.text).category != e.category) out.push_back(e);
  return out;
}

LearningClassifier::LearningClassifier(int weight) : model_(Classifier::builtin()), weight_(std::max(weight, 1)) {}

void LearningClassifier::learn(const LabelledExample& e) { model_.add(e.text, e.category, e.priority, weight_); }

size_t LearningClassifier::learn_from(const State& s) {
  ++pass_;
  size_t changed = 0, found = 0;
  for (const Ticket& t : s.tickets) {
    const TimelineEntry* e = correction_entry(s, t);
    if (!e) continue;
    ++found;
    auto it = learned_.find(t.id);
    if (it != learned_.end() && it->second.op_id == e->id && it->second.example.category == t.category &&
        it->second.example.priority == t.priority) {
      it->second.pass = pass_;
      continue;  // learned as it is
    }
    LabelledExample now{t.category, t.priority, ticket_text(t)};
    if (it != learned_.end()) {
      if (same_labels(it->second.example, now)) {  // another op, the same labels: nothing to relearn
        it->second.op_id = e->id;
        it->second.pass = pass_;
        continue;
      }
      const LabelledExample& old = it->second.example;
      model_.remove(old.text, old.category, old.priority, weight_);
    } else {
      it = learned_.emplace(t.id, Learned{}).first;
    }
    learn(now);
    it->second = {e->id, std::move(now), pass_};
    ++changed;
  }
  if (found != learned_.size()) {  // some are no longer corrections: take them back
    for (auto it = learned_.begin(); it != learned_.end();) {
      if (it->second.pass == pass_) {
        ++it;
        continue;
      }
      const LabelledExample& old = it->second.example;
      model_.remove(old.text, old.category, old.priority, weight_);
      it = learned_.erase(it);
      ++changed;
    }
  }
  return changed;
}

}  // namespace edudesk
