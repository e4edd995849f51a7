// Automatic classification (issue 3): normalisation, features, the urgent rules, the
// built-in model and its evaluation on held-out messages it never saw
// (tests/data/classify_heldout.tsv), against a keyword-rules-only baseline.
// The floors are set just under what was measured (docs/CLASSIFY.md). Then learning from
// the agents' corrections: collected from a store, followed incrementally, and measured on
// held-out messages and on a school's own vocabulary (tests/data/classify_school.tsv).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/classify.h"
#include "support.h"

using namespace edudesk;
using edudesk::test::base_state;
using edudesk::test::make;

namespace {

std::vector<LabelledExample> read_tsv(const char* name) {
  std::ifstream f(std::string(EDUDESK_SOURCE_DIR "/tests/data/") + name, std::ios::binary);
  REQUIRE(f.good());
  std::vector<LabelledExample> out;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty()) continue;
    auto e = parse_labelled_line(line);
    INFO(name << ":" << n << ": " << line);
    REQUIRE(e.has_value());
    out.push_back(*e);
  }
  return out;
}

struct Metrics {
  std::array<int, 6> right{}, total{};
  int correct = 0, n = 0, priority_correct = 0;
  int p1_true = 0, p1_predicted = 0, p1_hit = 0;
  double overall() const { return n ? double(correct) / n : 0; }
  double priority_accuracy() const { return n ? double(priority_correct) / n : 0; }
  double p1_recall() const { return p1_true ? double(p1_hit) / p1_true : 0; }
  double p1_precision() const { return p1_predicted ? double(p1_hit) / p1_predicted : 0; }
  double per_category(size_t c) const { return total[c] ? double(right[c]) / total[c] : 0; }
};

template <class F>
Metrics evaluate(const std::vector<LabelledExample>& set, F&& predict) {
  Metrics m;
  for (const auto& e : set) {
    Classification r = predict(e.text);
    size_t c = static_cast<size_t>(e.category);
    ++m.total[c];
    ++m.n;
    if (r.category == e.category) ++m.right[c], ++m.correct;
    if (r.priority == e.priority) ++m.priority_correct;
    bool truth = e.priority == Priority::P1, said = r.priority == Priority::P1;
    m.p1_true += truth;
    m.p1_predicted += said;
    m.p1_hit += truth && said;
  }
  return m;
}

std::string report(const char* name, const Metrics& m) {
  char buf[160];
  std::string s = name;
  s += ":";
  for (size_t c = 0; c < 6; ++c) {
    std::snprintf(buf, sizeof buf, " %s %.3f (%d/%d)", to_id(kCategories[c]), m.per_category(c), m.right[c], m.total[c]);
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "; overall %.3f (%d/%d); priority %.3f; P1 recall %.3f (%d/%d), precision %.3f (%d/%d)",
                m.overall(), m.correct, m.n, m.priority_accuracy(), m.p1_recall(), m.p1_hit, m.p1_true,
                m.p1_precision(), m.p1_hit, m.p1_predicted);
  s += buf;
  return s;
}

// The experiments' split: odd lines of a file (1st, 3rd, …) are the school's corrections
// part, even lines the evaluation part. The files have no blank lines.
std::vector<LabelledExample> lines_of(const std::vector<LabelledExample>& set, bool odd) {
  std::vector<LabelledExample> out;
  for (size_t i = 0; i < set.size(); ++i)
    if ((i % 2 == 0) == odd) out.push_back(set[i]);
  return out;
}

// Agents correct the messages of `corrections` the built-in model got wrong; then the
// built-in and the learning model are compared on `evaluation`.
struct Scenario {
  size_t corrected = 0;
  Metrics before, after;
};
Scenario run_scenario(const std::vector<LabelledExample>& corrections, const std::vector<LabelledExample>& evaluation,
                      int weight) {
  LearningClassifier model(weight);
  const auto wrong = misclassified_by_builtin(corrections);
  for (const auto& e : wrong) model.learn(e);
  Scenario r;
  r.corrected = wrong.size();
  r.before = evaluate(evaluation, [](const std::string& t) { return Classifier::builtin().classify(t); });
  r.after = evaluate(evaluation, [&](const std::string& t) { return model.classify(t); });
  return r;
}

Op ticket_op(const std::string& n, const std::string& subject, const std::string& text, Category suggested,
             Priority priority = Priority::P3) {
  nlohmann::json d = {{"ticket_id", "t-" + n}, {"number", 10000 + std::stoi(n)}, {"customer_id", "c-1"},
                      {"channel", "chat"},      {"subject", subject},              {"category", to_id(suggested)},
                      {"priority", to_id(priority)}};
  if (!text.empty()) d["text"] = text;
  return make(("t" + n).c_str(), op_type::ticket_created, d, test::kT0 + std::stoi(n));
}
Op field_op(const std::string& id, const std::string& ticket, const char* field, const char* value, Millis at,
            const char* by = "a-1") {
  return make(id.c_str(), op_type::field_set, {{"ticket_id", ticket}, {"field", field}, {"value", value}}, at, by);
}
void must_apply(State& s, const Op& op) {
  Error e;
  const ApplyOutcome r = apply(s, op, e);
  INFO(op.id << ": " << e.code << " " << e.message);
  REQUIRE(r == ApplyOutcome::applied);
}

// The two models suggest exactly the same on these texts.
void same_model(const LearningClassifier& a, const Classifier& b, const std::vector<LabelledExample>& texts) {
  CHECK(a.model().examples() == b.examples());
  for (const auto& e : texts) {
    INFO(e.text);
    const Classification x = a.classify(e.text), y = b.classify(e.text);
    CHECK(x.category_scores == y.category_scores);
    CHECK(x.priority_scores == y.priority_scores);
  }
}

}  // namespace

TEST_CASE("classify: normalisation folds traditional, full-width and case", "[classify]") {
  CHECK(normalize_text("課程退費") == "课程退费");
  CHECK(normalize_text("帳號") == "账号");
  CHECK(normalize_text("賬號被盜") == "账号被盗");
  CHECK(normalize_text("錢還沒到帳") == "钱还没到账");
  CHECK(normalize_text("ＡＰＰ　閃退１２３") == "app 闪退123");
  CHECK(normalize_text("Hello World") == "hello world");
  CHECK(normalize_text("can’t") == "can't");
  CHECK(normalize_text("课程退费") == "课程退费");  // simplified stays as it is
  CHECK(normalize_text("\xff\xfe") == "");          // invalid UTF-8
}

TEST_CASE("classify: features are CJK unigrams and bigrams and English words", "[classify]") {
  auto f = text_features("APP 一直 crash，怎麼辦");
  auto has = [&](const char* x) { return std::find(f.begin(), f.end(), x) != f.end(); };
  CHECK(has("app"));
  CHECK(has("crash"));
  CHECK(has("一直"));
  CHECK(has("一"));
  CHECK(has("怎么"));   // traditional 怎麼 normalised
  CHECK(has("么办"));
  CHECK_FALSE(has("直c"));
  CHECK_FALSE(has("直怎"));  // no bigram across a word or punctuation
  CHECK(text_features("I can't log in to my account") ==
        std::vector<std::string>{"cant", "log", "account"});  // stop words left out
  CHECK(text_features("，。！  ").empty());
}

TEST_CASE("classify: urgent cues in simplified, traditional and English", "[classify]") {
  for (const char* s : {"我的账号被盗了", "我的帳號被盜了", "微信被盗刷了", "全班同学都进不去", "整个平台都挂了",
                        "再不退钱我就去12315", "我要找媒體報導", "我已经找了律师", "老师私下加我女儿微信",
                        "My account was hacked", "Someone used my stolen card", "I will contact my lawyer",
                        "I'll go to the media", "None of the students can join", "The whole platform is down",
                        "account 被 hack 了"})
    CHECK(urgent_cue(s));
  for (const char* s : {"作业照片上传不了", "忘记密码了怎么重置", "老师当着全班同学的面批评孩子", "Please press play",
                        "I forgot my password", "请问暑假班什么时候开始"})
    CHECK_FALSE(urgent_cue(s));
  CHECK(serious_complaint("客服态度太差了，我要投诉"));
  CHECK(serious_complaint("我要投訴，退款一直不處理"));
  CHECK(serious_complaint("I want to file a complaint, your agent was rude"));
  CHECK_FALSE(serious_complaint("请问发票怎么开"));
}

TEST_CASE("classify: the built-in model is the labelled set", "[classify]") {
  // src/core/classify_data.inc is generated by scripts/gen_classify_data.py and committed:
  // this fails when the TSV changed and the .inc was not regenerated.
  const auto tsv = read_tsv("classify_labelled.tsv");
  const auto& built = builtin_examples();
  REQUIRE(built.size() == tsv.size());
  for (size_t i = 0; i < tsv.size(); ++i) {
    INFO("line " << i + 1 << ": " << tsv[i].text);
    CHECK(built[i].text == tsv[i].text);
    CHECK(built[i].category == tsv[i].category);
    CHECK(built[i].priority == tsv[i].priority);
  }
  CHECK(Classifier::builtin().examples() == static_cast<int64_t>(tsv.size()));
}

TEST_CASE("classify: the data sets are large, disjoint and cover every label", "[classify]") {
  const auto lab = read_tsv("classify_labelled.tsv");
  const auto held = read_tsv("classify_heldout.tsv");
  CHECK(lab.size() >= 320);
  CHECK(held.size() >= 120);
  std::array<int, 6> cats{};
  std::array<int, 4> pris{};
  for (const auto& e : lab) ++cats[static_cast<size_t>(e.category)], ++pris[static_cast<size_t>(e.priority)];
  for (int n : cats) CHECK(n >= 35);
  for (int n : pris) CHECK(n >= 30);
  std::vector<std::string> texts;
  for (const auto& e : lab) texts.push_back(e.text);
  for (const auto& e : held) texts.push_back(e.text);
  for (const auto& e : read_tsv("classify_school.tsv")) texts.push_back(e.text);
  std::sort(texts.begin(), texts.end());
  CHECK(std::adjacent_find(texts.begin(), texts.end()) == texts.end());  // no duplicates, no overlap
}

TEST_CASE("classify: held-out accuracy, naive Bayes against keyword rules", "[classify]") {
  Classifier model;
  for (const auto& e : read_tsv("classify_labelled.tsv")) model.add(e.text, e.category, e.priority);
  const auto held = read_tsv("classify_heldout.tsv");
  const Metrics nb = evaluate(held, [&](const std::string& t) { return model.classify(t); });
  const Metrics rules = evaluate(held, [](const std::string& t) { return classify_rules_only(t); });
  WARN(report("naive Bayes + P1 rules", nb));
  WARN(report("keyword rules only", rules));
  // Measured (130 held-out messages): overall 0.946, priority 0.885, P1 recall 0.952 and
  // precision 1.000, the weakest category 0.850; rules only: overall 0.854.
  CHECK(nb.overall() >= 0.92);
  CHECK(nb.p1_recall() >= 0.9);
  CHECK(nb.p1_precision() >= 0.9);
  CHECK(nb.priority_accuracy() >= 0.85);
  for (size_t c = 0; c < 6; ++c) {
    INFO(to_id(kCategories[c]));
    CHECK(nb.per_category(c) >= 0.8);
  }
  CHECK(nb.overall() > rules.overall());  // learning helps
}

TEST_CASE("classify: traditional, English and mixed messages", "[classify]") {
  struct Case {
    const char* text;
    Category category;
  };
  const Case cases[] = {
      {"請問退費要多久才會到帳", Category::after_sales},
      {"直播課的畫面一直卡住", Category::technical},
      {"簡訊驗證碼收不到，登入不了", Category::account_security},
      {"I want a refund for the lessons we did not use", Category::after_sales},
      {"The replay video keeps buffering and won't load", Category::technical},
      {"I forgot my password and the SMS code never arrives", Category::account_security},
      {"APP 一直 crash 怎么办", Category::technical},
      {"想 refund 剩下的课", Category::after_sales},
      {"ＡＰＰ　一直閃退", Category::technical},  // full-width and traditional
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(classify(c.text).category == c.category);
  }
  auto r = classify("My account was hacked and someone bought courses with my card");
  CHECK(r.category == Category::account_security);
  CHECK(r.priority == Priority::P1);
  CHECK(r.urgent_rule);
  CHECK(r.flag_supervisor);
  auto q = classify("請問暑假班什麼時候開始報名");
  CHECK(q.priority == Priority::P4);
  CHECK_FALSE(q.flag_supervisor);
  double sum = 0;
  for (double s : r.category_scores) sum += s;
  CHECK(sum == Approx(1.0));
  CHECK(r.category_scores[static_cast<size_t>(Category::account_security)] > 0.5);
}

TEST_CASE("classify: blank and invalid text", "[classify]") {
  auto blank = classify("   ");
  CHECK(blank.category == Category::other);
  CHECK(blank.priority == Priority::P4);
  CHECK_FALSE(blank.flag_supervisor);
  auto bad = classify("\xe4\xbd");
  CHECK(bad.category == Category::other);
  CHECK(bad.priority == Priority::P3);
}

TEST_CASE("classify: agents' corrections change a prediction", "[classify]") {
  Classifier model;
  for (const auto& e : builtin_examples()) model.add(e.text, e.category, e.priority);
  const char* text = "孩子的学习平板屏幕摔碎了，能保修吗";
  const Category before = model.classify(text).category;
  REQUIRE(before != Category::after_sales);
  // Agents file such messages under after_sales (the tablet is sold with the course).
  const char* corrections[] = {"学习平板屏幕坏了，能保修吗", "平板摔碎了能不能保修换新", "学习平板保修期多久"};
  int added = 0;
  while (model.classify(text).category != Category::after_sales && added < 9) {
    model.add(corrections[added % 3], Category::after_sales, Priority::P3);
    ++added;
  }
  CHECK(model.classify(text).category == Category::after_sales);
  CHECK(added <= 3);
  CHECK(model.examples() == static_cast<int64_t>(builtin_examples().size()) + added);
  CHECK(Classifier::builtin().classify(text).category == before);  // the built-in model is untouched
}

// ---- learning from the agents' corrections ------------------------------------------------

TEST_CASE("classify: an add taken back leaves the model as it was", "[classify]") {
  Classifier model = Classifier::builtin();
  const char* text = "伴学群里没人回消息 the 学习机 is broken";
  model.add(text, Category::service_attitude, Priority::P2, 3);
  CHECK(model.examples() == Classifier::builtin().examples() + 3);
  CHECK(model.classify(text).category == Category::service_attitude);
  model.remove(text, Category::service_attitude, Priority::P2, 3);
  LearningClassifier unchanged(1);
  same_model(unchanged, model, {{Category::other, Priority::P3, text}, {Category::other, Priority::P3, "学习机坏了"}});
}

TEST_CASE("classify: corrections are collected from the store", "[classify]") {
  State s = base_state();
  must_apply(s, ticket_op("1", "学习机", "屏幕摔裂了能保修吗", Category::technical, Priority::P2));
  must_apply(s, ticket_op("2", "回放打不开", "第三讲的回放一直转圈", Category::technical));
  must_apply(s, ticket_op("3", "伴学群", "没人回消息", Category::other));
  must_apply(s, ticket_op("4", "打卡返现", "还没到账", Category::other));
  must_apply(s, ticket_op("5", "小鹅通", "", Category::technical));
  const Millis t = test::kT0 + 1000;
  must_apply(s, field_op("f1", "t-1", "category", "after_sales", t));  // corrected
  must_apply(s, field_op("f2", "t-1", "priority", "P3", t + 1));       // and its priority
  must_apply(s, field_op("f3", "t-2", "priority", "P1", t));           // priority only: no correction
  must_apply(s, field_op("f4", "t-3", "category", "service_attitude", t));
  must_apply(s, field_op("f5", "t-3", "category", "other", t + 1));  // changed back: no correction
  must_apply(s, field_op("f6", "t-4", "category", "after_sales", t, "routing-bot"));  // not an agent
  must_apply(s, field_op("f7", "t-5", "category", "account_security", t));  // no customer message: the subject

  const auto c = collect_corrections(s);
  REQUIRE(c.size() == 2);
  CHECK(c[0].ticket_id == "t-1");
  CHECK(c[0].op_id == "f1");
  CHECK(c[0].example.text == "学习机 屏幕摔裂了能保修吗");
  CHECK(c[0].example.category == Category::after_sales);
  CHECK(c[0].example.priority == Priority::P3);  // the final priority
  CHECK(c[1].ticket_id == "t-5");
  CHECK(c[1].example.text == "小鹅通");
  CHECK(c[1].example.category == Category::account_security);
}

TEST_CASE("classify: LearningClassifier follows the store incrementally", "[classify]") {
  State s = base_state();
  const std::vector<LabelledExample> probes = {
      {Category::other, Priority::P3, "学习机开不了机"}, {Category::other, Priority::P3, "伴学群没人管"},
      {Category::other, Priority::P3, "直播间被禁言"},   {Category::other, Priority::P3, "回放打不开"}};
  must_apply(s, ticket_op("1", "学习机", "学习机屏幕摔裂了能保修吗", Category::technical));
  must_apply(s, ticket_op("2", "伴学群", "伴学群里问问题没人回", Category::other));
  LearningClassifier learner;  // follows the store as it changes
  CHECK(learner.weight() == LearningClassifier::kDefaultWeight);
  CHECK(learner.learn_from(s) == 0);
  same_model(learner, Classifier::builtin(), probes);

  Millis t = test::kT0 + 1000;
  must_apply(s, field_op("f1", "t-1", "category", "after_sales", t));
  CHECK(learner.learn_from(s) == 1);
  CHECK(learner.learn_from(s) == 0);  // nothing new: nothing done
  CHECK(learner.tickets_learned() == 1);
  CHECK(learner.model().examples() == Classifier::builtin().examples() + 3);
  must_apply(s, field_op("f2", "t-2", "category", "service_attitude", t));
  must_apply(s, field_op("f3", "t-1", "category", "account_security", t + 5));  // corrected again
  CHECK(learner.learn_from(s) == 2);
  CHECK(learner.tickets_learned() == 2);
  CHECK(learner.model().examples() == Classifier::builtin().examples() + 6);  // the old label taken back
  {
    LearningClassifier fresh;  // the same store learned at once
    fresh.learn_from(s);
    same_model(learner, fresh.model(), probes);
  }
  must_apply(s, field_op("f4", "t-1", "priority", "P2", t + 6));  // the priority corrected too: relearned
  CHECK(learner.learn_from(s) == 1);
  must_apply(s, field_op("f5", "t-1", "category", "technical", t + 7));  // back to the suggestion
  CHECK(learner.learn_from(s) == 1);
  CHECK(learner.tickets_learned() == 1);
  REQUIRE(unapply(s, "f2"));  // the server refused t-2's correction
  CHECK(learner.learn_from(s) == 1);
  CHECK(learner.tickets_learned() == 0);
  same_model(learner, Classifier::builtin(), probes);  // every correction taken back exactly
}

TEST_CASE("classify: learning from corrections, measured", "[classify]") {
  const auto held = read_tsv("classify_heldout.tsv");
  const auto school = read_tsv("classify_school.tsv");
  CHECK(school.size() >= 40);
  const auto held_learn = lines_of(held, true), held_eval = lines_of(held, false);
  const auto school_learn = lines_of(school, true), school_eval = lines_of(school, false);

  // Which weight: overall accuracy on the evaluation part before -> after, for the split
  // above and the reverse one (learn the even lines, evaluate on the odd ones).
  std::string sweep =
      "weight: held-out | reversed | school | reversed | all 130 held-out after the school's odd | even lines";
  for (int w : {1, 2, 3, 4, 5, 8}) {
    const Scenario runs[] = {run_scenario(held_learn, held_eval, w), run_scenario(held_eval, held_learn, w),
                             run_scenario(school_learn, school_eval, w), run_scenario(school_eval, school_learn, w),
                             run_scenario(school_learn, held, w), run_scenario(school_eval, held, w)};
    sweep += "\n  w=" + std::to_string(w) + ":";
    for (const auto& r : runs) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.3f->%.3f |", r.before.overall(), r.after.overall());
      sweep += buf;
    }
  }
  WARN(sweep);

  const int w = LearningClassifier::kDefaultWeight;
  // 1. Held-out: the odd lines are the school's corrections, the even lines the evaluation.
  const Scenario h = run_scenario(held_learn, held_eval, w);
  WARN("held-out, " << h.corrected << " of " << held_learn.size() << " corrected\n"
                    << report("  built-in", h.before) << "\n"
                    << report("  learned ", h.after));
  // 2. A school's own vocabulary (学习机, 伴学群, AI 陪练, 打卡, 小鹅通, 直播间 …).
  const Scenario sc = run_scenario(school_learn, school_eval, w);
  WARN("school vocabulary, " << sc.corrected << " of " << school_learn.size() << " corrected\n"
                             << report("  built-in", sc.before) << "\n"
                             << report("  learned ", sc.after));
  // 3. Does the school's vocabulary cost accuracy on the general held-out set?
  const Scenario drift = run_scenario(school_learn, held, w);
  WARN(report("held-out (all 130) after the school's corrections", drift.after));

  // Measured with w = 3 (docs/CLASSIFY.md): held-out 0.969 -> 0.969 (5 corrections; the two
  // errors left are not like any of them), reversed 0.923 -> 0.923; school 0.571 -> 0.857
  // (9 corrections), reversed 0.571 -> 0.905; all 130 held-out after the school's
  // corrections 0.946 -> 0.954 (odd lines) and 0.954 (even lines). P1 comes from the rules:
  // recall 0.952 before and after. The floors: no loss on the held-out set, at least +0.2
  // (4 of 21 messages) on the school's.
  const Scenario h_rev = run_scenario(held_eval, held_learn, w);
  const Scenario sc_rev = run_scenario(school_eval, school_learn, w);
  const Scenario drift_rev = run_scenario(school_eval, held, w);
  for (const Scenario* r : {&h, &h_rev, &drift, &drift_rev}) {
    CHECK(r->after.overall() >= r->before.overall());
    CHECK(r->after.p1_recall() >= r->before.p1_recall());
    CHECK(r->after.p1_precision() >= r->before.p1_precision());
  }
  CHECK(h.corrected == 5);
  CHECK(sc.corrected == 9);
  CHECK(sc.after.overall() >= sc.before.overall() + 0.2);
  CHECK(sc_rev.after.overall() >= sc_rev.before.overall() + 0.2);
  CHECK(sc.after.priority_accuracy() >= sc.before.priority_accuracy());
  for (size_t c = 0; c < 6; ++c) {  // no category of the school's gets worse
    INFO(to_id(kCategories[c]));
    CHECK(sc.after.right[c] >= sc.before.right[c]);
  }
}

TEST_CASE("classify: learning through the store equals learning the messages", "[classify]") {
  // The school scenario again, through Ops: each ticket created with the built-in
  // suggestion, an agent correcting the wrong ones; learn_from finds exactly those.
  const auto school = read_tsv("classify_school.tsv");
  const auto school_learn = lines_of(school, true);
  State s = base_state();
  int n = 0;
  for (const auto& e : school_learn) {
    ++n;
    const Classification c = Classifier::builtin().classify(e.text);
    // "-" has no features: the ticket's text classifies as the message alone
    must_apply(s, ticket_op(std::to_string(n), "-", e.text, c.category, c.priority));
    if (c.category != e.category)
      must_apply(s, field_op("f" + std::to_string(n), "t-" + std::to_string(n), "category", to_id(e.category),
                             test::kT0 + 5000 + n));
    if (c.priority != e.priority)
      must_apply(s, field_op("p" + std::to_string(n), "t-" + std::to_string(n), "priority", to_id(e.priority),
                             test::kT0 + 5000 + n));
  }
  LearningClassifier through_store, direct;
  CHECK(through_store.learn_from(s) == misclassified_by_builtin(school_learn).size());
  for (const auto& e : misclassified_by_builtin(school_learn)) direct.learn(e);
  same_model(through_store, direct.model(), school);
}
