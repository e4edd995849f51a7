#pragma once
// Automatic classification (issue 3): a ticket's first message gives a suggested category,
// priority and a "flag for the supervisor" (docs/CLASSIFY.md).
//
// Text is normalised (traditional -> simplified for ~1,900 common characters, full-width ->
// half-width, ASCII lower-cased), cut into features (CJK unigrams and bigrams within a run
// of CJK characters, English words) and scored by two multinomial naive Bayes models with
// Laplace smoothing, one for the category and one for the priority. Keyword rules for the
// urgent cues (account theft, mass outage, media/regulator/lawyer threats, child safety)
// force P1, in simplified, traditional and English. `Classifier::add` is the learning step
// (the labelled set); `LearningClassifier` adds a store's corrections to the built-in model.
// Pure: no I/O, clock or randomness.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/enums.h"
#include "core/text_search.h"

namespace edudesk {

// Text is normalised by `normalize_text` (core/text_search.h, shared with search):
// traditional -> simplified, full-width ASCII and the ideographic space -> ASCII, ASCII
// lower-cased. Invalid UTF-8 gives "".

// The features of a text (normalised first): every CJK character and every pair of
// adjacent CJK characters of a run, and every English word/number ([a-z0-9]+, apostrophes
// dropped, a few stop words left out). A feature may repeat (the model counts them).
std::vector<std::string> text_features(std::string_view utf8);

struct Classification {
  Category category = Category::other;
  Priority priority = Priority::P3;
  bool flag_supervisor = false;
  bool urgent_rule = false;                  // one of the P1 keyword rules matched
  std::array<double, 6> category_scores{};   // posterior probabilities, in kCategories order
  std::array<double, 4> priority_scores{};   // posterior probabilities, in kPriorities order
};

// A multinomial naive Bayes over the features of `text_features`, K classes.
struct NaiveBayes {
  explicit NaiveBayes(size_t classes = 0) : docs(classes, 0), tokens(classes, 0) {}
  // One example `times` times. A negative `times` takes back an earlier add of the same
  // features and label exactly (a feature left with no counts is dropped, so the model is
  // as if it had never been added); taking back what was not added is not checked.
  void add(const std::vector<std::string>& features, size_t label, int times = 1);
  // Posterior probabilities of each class (features unseen in training are ignored).
  std::vector<double> posterior(const std::vector<std::string>& features) const;

  double alpha = 1.0;  // Laplace smoothing
  std::vector<int64_t> docs;    // examples per class
  std::vector<int64_t> tokens;  // feature occurrences per class
  std::unordered_map<std::string, std::vector<int32_t>> counts;  // feature -> occurrences per class
};

struct Classifier {
  Classifier();
  // The learning step: one labelled example (the built-in set, or an agent's correction),
  // counted `times` times.
  void add(std::string_view text, Category category, Priority priority, int times = 1);
  // Takes back an `add` of the same text, labels and times (LearningClassifier relearns a
  // ticket corrected again this way).
  void remove(std::string_view text, Category category, Priority priority, int times = 1) {
    add(text, category, priority, -times);
  }
  Classification classify(std::string_view text) const;
  int64_t examples() const { return examples_; }

  // Trained on the compiled-in labelled set (tests/data/classify_labelled.tsv).
  static const Classifier& builtin();

 private:
  NaiveBayes category_;
  NaiveBayes priority_;
  int64_t examples_ = 0;
};

// With Classifier::builtin(). Empty or blank text: other/P4; invalid UTF-8: other/P3.
Classification classify(std::string_view text);

// The keyword-rules-only baseline (what a desk without learning does): category by the
// most keyword hits (ties: the order of kCategories, none: other), P1 by the urgent rules,
// P4 for enquiry/suggestion cues, P2 for "urgent"/"right now" cues, else P3.
Classification classify_rules_only(std::string_view text);

// True if an urgent (P1) cue occurs in the text (normalised first).
bool urgent_cue(std::string_view text);
// True if the text reads as a serious complaint: a P1 cue, or a complaint word (投诉, 举报,
// complain …) together with an attitude or refund dispute (态度, 退款, 不退, 骂, rude, refund …).
bool serious_complaint(std::string_view text);

struct LabelledExample {
  Category category = Category::other;
  Priority priority = Priority::P3;
  std::string text;
};
// One `category<TAB>priority<TAB>message` line (a trailing \r is ignored); nullopt if malformed.
std::optional<LabelledExample> parse_labelled_line(std::string_view line);
// The compiled-in labelled set, in file order (src/core/classify_data.inc).
const std::vector<LabelledExample>& builtin_examples();

// ---- learning from the agents' corrections (docs/CLASSIFY.md, "Learning") ---------------

struct State;

// A ticket an agent put in another category than the desk suggested, as a labelled example.
struct Correction {
  std::string ticket_id;
  std::string op_id;        // the field_change that set the ticket's final category
  LabelledExample example;  // subject + " " + first customer message; final category and priority
};
// The corrections of a store, in ticket order: the tickets whose folded category was set by
// a field_change "category" entry authored by an agent of `s`, and differs from the
// ticket's `initial_category` (what the desk set at creation, normally the suggestion).
// A category changed and changed back, or changed by a non-agent, is no correction.
std::vector<Correction> collect_corrections(const State& s);

// The examples that the built-in model puts in the wrong category, in order: the ones
// agents would correct if the desk suggested with it. What the experiments of
// docs/CLASSIFY.md and `edudesk classify --learn` learn from a labelled file.
std::vector<LabelledExample> misclassified_by_builtin(const std::vector<LabelledExample>& examples);

// The built-in model plus a school's corrections, each counted `weight` times (one
// correction says more about this school's messages than one built-in example; the weight
// was measured, docs/CLASSIFY.md). `classify` is `Classifier::classify`: the P1 keyword
// rules stay as they are, learning only moves the category and the P2..P4 priority.
//
// One LearningClassifier follows one State: call `learn_from(state)` whenever
// `State::revision` changed, then `classify(text)`. It remembers, per ticket id, the
// correction it learned (the field_change op id and the labels). A ticket corrected again
// later (another category or priority) is taken back and learned with its new labels, and
// one that is no longer a correction (set back to the suggestion, its Op taken back by
// `unapply`, the ticket gone) is taken back: the model is always the built-in set plus the
// store's current corrections × weight, whatever order the Ops arrived in, so every
// replica holding the same Ops suggests the same. Cost per call: one pass over the tickets
// (two comparisons each) and the features of the tickets whose correction is new or changed.
class LearningClassifier {
 public:
  static constexpr int kDefaultWeight = 3;
  explicit LearningClassifier(int weight = kDefaultWeight);  // weight < 1 counts as 1

  // Brings the model up to date with the corrections of `s`; returns how many tickets were
  // learned, relearned or taken back (0: nothing changed).
  size_t learn_from(const State& s);
  // One labelled message learned as a correction (`weight` times), outside any ticket
  // (`edudesk classify --learn`, the experiments). Not taken back by learn_from.
  void learn(const LabelledExample& e);

  Classification classify(std::string_view text) const { return model_.classify(text); }
  const Classifier& model() const { return model_; }
  int weight() const { return weight_; }
  size_t tickets_learned() const { return learned_.size(); }

 private:
  struct Learned {
    std::string op_id;
    LabelledExample example;
    uint64_t pass = 0;  // the learn_from call that last found it
  };
  Classifier model_;
  int weight_;
  uint64_t pass_ = 0;
  std::unordered_map<std::string, Learned> learned_;  // ticket id -> what was learned from it
};

}  // namespace edudesk
