#pragma once
// Chinese-aware text search (docs/KB.md): the normalisation every text of the desk goes
// through (shared with the classifier), the terms a text is indexed by, and `TextIndex`,
// an incremental inverted index over documents with uint32 ids.
//
// Terms (of normalised text):
//  - CJK: every pair of adjacent characters of a run (character bigrams: no word
//    segmentation, so "退款" is found in "我想退款了"); a character standing alone in
//    its run is indexed as itself. A query of one character matches it wherever it
//    stands: its term is the union of every bigram holding it.
//  - Latin letters: words ([a-z]+); a query word of 2+ letters matches as a prefix
//    ("refun" finds "refund").
//  - Digits: a run of 1-3 digits is a word ("3", "45"); a run of 4+ digits ("2026110512",
//    the digits of "O2026110512") is indexed by all its 4-digit substrings, so any
//    4+ digit part of an order or phone number finds it. Letters and digits are split
//    ("o2026110512" is "o" + digits).
// A query matches a document holding every one of its terms (AND). No positions are
// kept: a chain of bigrams (4-digit grams) that all occur, but apart, also matches.
//
// Pure C++17: no I/O, clock or randomness.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/utf8.h"

namespace edudesk {

// ---- normalisation --------------------------------------------------------------------

// One code point as search and the classifier see it: full-width ASCII -> ASCII, the
// ideographic space -> ' ', curly apostrophes -> '\'', traditional -> simplified (the
// table in text_search.cpp: the traditional characters of Big5's frequently used set
// that differ from their simplified form, ~1,900 pairs), A-Z -> a-z.
uint32_t normalize_codepoint(uint32_t cp);
// The whole text normalised, code point by code point. Invalid UTF-8 gives "".
std::string normalize_text(std::string_view utf8);
// Pairs in the traditional -> simplified table.
size_t trad_simp_pairs();

// CJK unified ideographs (with extension A and the compatibility block).
inline bool is_cjk(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF);
}
inline bool is_word_char(uint32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'); }

// Cuts normalised text into runs: `on_cjk(std::string_view run)` for each run of CJK
// characters (every character 3 bytes of UTF-8), `on_word(const std::string& w)` for each
// run of [a-z0-9] (an apostrophe inside a word is dropped: "can't" -> "cant"). Anything
// else separates runs. The classifier's features and the search terms both start here.
template <class OnCjk, class OnWord>
void for_each_run(std::string_view norm, OnCjk&& on_cjk, OnWord&& on_word) {
  size_t i = 0, run_start = 0, run_end = 0;
  std::string word;
  auto flush_run = [&] {
    if (run_end > run_start) on_cjk(norm.substr(run_start, run_end - run_start));
    run_start = run_end = 0;
  };
  auto flush_word = [&] {
    if (!word.empty()) on_word(word);
    word.clear();
  };
  while (i < norm.size()) {
    const size_t start = i;
    const uint32_t cp = next_codepoint(norm, i);
    if (is_cjk(cp)) {
      flush_word();
      if (run_end != start) run_start = start;  // a new run
      run_end = i;
    } else if (is_word_char(cp)) {
      flush_run();
      word += static_cast<char>(cp);
    } else if (cp == '\'' && !word.empty()) {
      // "can't" -> "cant"
    } else {
      flush_run();
      flush_word();
    }
  }
  flush_run();
  flush_word();
}

// The terms of a text, readable, in order of appearance (repeats kept): CJK bigrams
// ("退款"), lone CJK characters ("卡"), words ("refund", "o", "45") and 4-digit grams
// written with a leading '#' ("#2026"). What `TextIndex` indexes; for tests and tools.
std::vector<std::string> search_terms(std::string_view text);

// ---- the index --------------------------------------------------------------------------

// An inverted index from terms to documents. Documents are identified by the caller's
// uint32 ids, best small and dense (ticket indices, entry positions): the index keeps an
// array as long as the largest id. Posting lists are sorted uint32 vectors of "slots":
// each `add` gives the document a new slot (the next number), so an update appends to
// the end of the lists and never rebuilds; the old slot is dead and its postings are
// dropped by `compact`, run by `add`/`remove` once dead postings are a quarter of all.
// Search order is therefore "most recently added or replaced first".
class TextIndex {
 public:
  // With `keep_frequencies`, each posting also keeps how often the term occurs in the
  // document (BM25's tf; the knowledge base). Without, tf counts as 1 (ticket search).
  explicit TextIndex(bool keep_frequencies = false) : keep_tf_(keep_frequencies) {}

  // Adds the document, or replaces its text if it is in the index.
  void add(uint32_t doc, std::string_view text);
  void remove(uint32_t doc);
  bool contains(uint32_t doc) const;
  size_t size() const { return live_docs_; }
  void clear();

  // Every document holding every term of the query (AND), most recently added first;
  // at most `limit` (0: all). With `allowed`, only documents d < allowed->size() with
  // (*allowed)[d] set. A query without terms (blank, punctuation) matches nothing.
  std::vector<uint32_t> search(std::string_view query, size_t limit = 0,
                               const std::vector<bool>* allowed = nullptr) const;

  struct Match {
    uint32_t doc = 0;
    double score = 0;
  };
  // Documents holding any term of the query, ranked by BM25 (k1 1.2, b 0.75; rare terms
  // weigh more, a term repeated in the query counts with saturation), best first; ties by
  // doc id. At most `limit` (0: all). For suggestions: the query may be a whole message.
  std::vector<Match> best_matches(std::string_view query, size_t limit,
                                  const std::vector<bool>* allowed = nullptr) const;

  // Drops the postings of replaced and removed documents and renumbers the slots.
  void compact();

  struct Stats {
    size_t docs = 0;          // live documents
    size_t slots = 0;         // slots in use (live + dead)
    size_t terms = 0;         // distinct terms in the dictionary
    size_t postings = 0;      // entries in posting lists (live + dead)
    size_t dead_postings = 0;
    size_t bytes = 0;         // an estimate of the heap it holds
  };
  Stats stats() const;

 private:
  struct Postings {
    std::vector<uint32_t> slots;  // ascending
    std::vector<uint16_t> tf;     // parallel to slots, only with keep_frequencies
  };
  // A query term: the union of these terms' postings (one id for most terms).
  using QueryTerm = std::vector<uint32_t>;
  struct Query {
    std::vector<QueryTerm> terms;  // in order; a term with no ids matches nothing
    std::vector<uint32_t> repeats;  // how often each term occurs in the query
  };

  uint32_t term_id(uint64_t key);
  uint32_t word_id(const std::string& w);
  Query parse_query(std::string_view query) const;
  // The slots of one query term, ascending (a union is built into `scratch`).
  const std::vector<uint32_t>& term_slots(const QueryTerm& t, std::vector<uint32_t>& scratch) const;
  bool live(uint32_t slot) const { return doc_slot_[slot_doc_[slot]] == slot; }
  void maybe_compact();

  bool keep_tf_ = false;
  std::vector<Postings> postings_;                        // by term id
  std::unordered_map<uint64_t, uint32_t> fixed_terms_;    // CJK and digit-gram keys -> term id
  std::map<std::string, uint32_t, std::less<>> words_;    // words, sorted for prefix queries
  std::unordered_map<uint32_t, std::vector<uint32_t>> char_terms_;  // CJK char -> its bigrams and itself
  std::vector<uint32_t> slot_doc_;                        // slot -> doc
  std::vector<uint32_t> slot_terms_;                      // slot -> distinct terms (its postings)
  std::vector<uint32_t> slot_len_;                        // slot -> term occurrences (BM25's length)
  std::vector<uint32_t> doc_slot_;                        // doc -> its live slot, kNone if none
  size_t live_docs_ = 0;
  size_t total_postings_ = 0, dead_postings_ = 0;
  uint64_t live_length_ = 0;                              // sum of slot_len_ over live slots
};

}  // namespace edudesk
