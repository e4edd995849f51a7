#pragma once
// The knowledge base of standard answers (常见问题应答手册, docs/KB.md): the entries the
// app ships (assets/kb/answers.zh-Hans.json, compiled into kb_data.inc), the JSON form of
// one entry with its checks (supervisors edit entries; an edit travels as an Op), reply
// templates with variables, and answer suggestions for the ticket being read.
// Pure: no I/O, clock or randomness.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/enums.h"
#include "core/error.h"
#include "core/text_search.h"

namespace edudesk {

namespace kb_limits {
constexpr int64_t id = 64;         // id and subcategory: a slug [a-z0-9][a-z0-9_-]*
constexpr int64_t title = 120;     // code points
constexpr int64_t body = 4000;
constexpr int64_t keyword = 32;
constexpr int64_t keywords = 20;
}  // namespace kb_limits

struct KbEntry {
  std::string id;           // stable slug: "refund-cooling-off"
  Category category = Category::other;
  std::string subcategory;  // slug: refund, invoice, login, playback …
  std::string title;
  std::vector<std::string> keywords;  // what customers say: 退款, 退費, refund …
  std::string body;         // the reply, with {{variables}} (kTemplateVariables)
};

bool operator==(const KbEntry& a, const KbEntry& b);

// True for [a-z0-9][a-z0-9_-]* of at most kb_limits::id characters.
bool is_kb_slug(std::string_view s);

// {"id", "category", "subcategory", "title", "keywords": [...], "body"}
nlohmann::json kb_entry_to_json(const KbEntry& e);
// Reads and checks one entry: every field present and of its type, UTF-8, the slugs, a
// known category, title ≤ 120 and body ≤ 4000 characters, ≤ 20 keywords of ≤ 32, only
// known {{variables}} in the body. On failure `out` is unchanged and `err.field` names the
// field ("title", "keywords", "body" …). Never throws.
bool kb_entry_from_json(const nlohmann::json& j, KbEntry& out, Error& err);
// The same, with the error as one line: "<field>: <reason>".
bool kb_entry_from_json(const nlohmann::json& j, KbEntry& out, std::string& err);

// The entries the app ships, in file order (src/core/kb_data.inc).
const std::vector<KbEntry>& builtin_kb_entries();

// ---- templates --------------------------------------------------------------------------

// The variables a body may use, and what stands in for a missing value.
struct TemplateVariable {
  const char* name;         // customer_name
  const char* placeholder;  // 【客户姓名】
};
constexpr TemplateVariable kTemplateVariables[] = {
    {"customer_name", "【客户姓名】"}, {"course", "【课程名称】"},   {"order", "【订单号】"},
    {"due", "【处理时限】"},           {"agent_name", "【客服姓名】"}, {"ticket_number", "【工单号】"}};

struct Expansion {
  std::string text;
  std::vector<std::string> unknown;  // {{x}} with x not a template variable: left as written
  std::vector<std::string> missing;  // known variables without a value (absent or blank): placeholder shown
};
// Replaces each {{name}} (spaces inside the braces allowed) by vars[name]. An unknown name is
// left visible as written and reported; a known name without a value becomes its
// placeholder (【客户姓名】) and is reported, so an agent sees what is still to fill in.
// A "{{" without "}}" is plain text. Each name is reported once, in order of appearance.
Expansion expand_template(std::string_view body, const std::map<std::string, std::string>& vars);

// ---- the knowledge base -------------------------------------------------------------------

class KnowledgeBase {
 public:
  KnowledgeBase();  // the built-in entries
  explicit KnowledgeBase(std::vector<KbEntry> entries);

  const std::vector<KbEntry>& entries() const { return entries_; }
  const KbEntry* find(std::string_view id) const;
  // Adds the entry, or replaces the one with its id (a supervisor's edit: kb.entry_set).
  void set(KbEntry e);
  // Removes the entry with this id (kb.entry_removed); false if there is none.
  bool remove(std::string_view id);

  struct Suggestion {
    size_t index = 0;  // into entries()
    double score = 0;  // BM25 of the whole entry + 1.5 × BM25 of its title and keywords; × 1.3 in the ticket's category
  };
  // The k entries that best answer the ticket's text (its subject and the customer's
  // messages): only entries whose title or keywords share a term with the text; among them
  // those of the ticket's category (if given) are preferred. Best first, ties in entry order.
  std::vector<Suggestion> suggest(std::string_view ticket_text, std::optional<Category> category, size_t k) const;
  // Entries holding every term of the query (the agent's search box), best match first.
  std::vector<size_t> search(std::string_view query) const;

 private:
  void index_entry(size_t i);
  void reindex();

  std::vector<KbEntry> entries_;
  TextIndex index_{true};  // the whole entry; doc id = position in entries_
  TextIndex topic_{true};  // its title and keywords
};

}  // namespace edudesk
