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
// (the labelled set, later the agents' corrections). Pure: no I/O, clock or randomness.
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
  void add(const std::vector<std::string>& features, size_t label);
  // Posterior probabilities of each class (features unseen in training are ignored).
  std::vector<double> posterior(const std::vector<std::string>& features) const;

  double alpha = 1.0;  // Laplace smoothing
  std::vector<int64_t> docs;    // examples per class
  std::vector<int64_t> tokens;  // feature occurrences per class
  std::unordered_map<std::string, std::vector<int32_t>> counts;  // feature -> occurrences per class
};

struct Classifier {
  Classifier();
  // The learning step: one labelled example (the built-in set, or an agent's correction).
  void add(std::string_view text, Category category, Priority priority);
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

}  // namespace edudesk
