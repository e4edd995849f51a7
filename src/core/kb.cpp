#include "core/kb.h"

#include <algorithm>
#include <utility>

#include "core/fields.h"
#include "core/utf8.h"

namespace edudesk {

namespace {

using nlohmann::json;

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

const TemplateVariable* template_variable(std::string_view name) {
  for (const TemplateVariable& v : kTemplateVariables)
    if (name == v.name) return &v;
  return nullptr;
}

// Calls on_text(piece) for the text between variables and on_var(name, written) for each
// {{name}} (`written` is the whole "{{ name }}"), in order.
template <class OnText, class OnVar>
void for_each_piece(std::string_view body, OnText&& on_text, OnVar&& on_var) {
  size_t i = 0;
  while (i < body.size()) {
    const size_t open = body.find("{{", i);
    const size_t close = open == std::string_view::npos ? open : body.find("}}", open + 2);
    if (close == std::string_view::npos) {
      on_text(body.substr(i));
      return;
    }
    on_text(body.substr(i, open - i));
    std::string_view name = body.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    on_var(name, body.substr(open, close + 2 - open));
    i = close + 2;
  }
}

void note_once(std::vector<std::string>& list, std::string_view name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.emplace_back(name);
}

bool fail(Error& err, const char* code, const char* field, std::string message) {
  err = {code, field, std::move(message)};
  return false;
}

bool read_slug(const json& j, const char* key, std::string& out, Error& err) {
  if (!read_string(j, key, out, err, kb_limits::id, true)) return false;
  if (!is_kb_slug(out))
    return fail(err, "invalid_value", key, std::string("'") + key + "' must be a slug: a-z, 0-9, '-' and '_'");
  return true;
}

// What an entry is about: its title and keywords (one per line).
std::string topic_text(const KbEntry& e) {
  std::string t = e.title + "\n";
  for (const std::string& w : e.keywords) t += w + "\n";
  return t;
}

// All of an entry: the topic, then the body without its {{variables}}.
std::string entry_text(const KbEntry& e) {
  std::string t = topic_text(e);
  for_each_piece(
      e.body, [&](std::string_view piece) { t += piece; }, [&](std::string_view, std::string_view) { t += "\n"; });
  return t;
}

}  // namespace

bool operator==(const KbEntry& a, const KbEntry& b) {
  return a.id == b.id && a.category == b.category && a.subcategory == b.subcategory && a.title == b.title &&
         a.keywords == b.keywords && a.body == b.body;
}

bool is_kb_slug(std::string_view s) {
  if (s.empty() || static_cast<int64_t>(s.size()) > kb_limits::id) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_'))) return false;
  }
  return true;
}

json kb_entry_to_json(const KbEntry& e) {
  return json{{"id", e.id},       {"category", to_id(e.category)}, {"subcategory", e.subcategory},
              {"title", e.title}, {"keywords", e.keywords},        {"body", e.body}};
}

bool kb_entry_from_json(const json& j, KbEntry& out, Error& err) {
  if (!j.is_object()) return fail(err, "wrong_type", "", "an entry must be a JSON object");
  KbEntry e;
  if (!read_slug(j, "id", e.id, err) || !read_enum(j, "category", e.category, err, true, parse_category) ||
      !read_slug(j, "subcategory", e.subcategory, err) ||
      !read_string(j, "title", e.title, err, kb_limits::title, true) ||
      !read_string(j, "body", e.body, err, kb_limits::body, true))
    return false;
  const auto kw = j.find("keywords");
  if (kw == j.end() || kw->is_null()) return fail(err, "missing_field", "keywords", "'keywords' is required");
  if (!kw->is_array()) return fail(err, "wrong_type", "keywords", "'keywords' must be a list of strings");
  if (static_cast<int64_t>(kw->size()) > kb_limits::keywords)
    return fail(err, "too_long", "keywords",
                "'keywords' has " + std::to_string(kw->size()) + " entries; at most " +
                    std::to_string(kb_limits::keywords) + " are allowed");
  for (const json& k : *kw) {
    if (!k.is_string()) return fail(err, "wrong_type", "keywords", "every keyword must be a string");
    const std::string& s = k.get_ref<const std::string&>();
    if (!is_valid_utf8(s)) return fail(err, "invalid_utf8", "keywords", "a keyword is not valid UTF-8 text");
    if (blank(s) || utf8_length(s) > kb_limits::keyword || s.find('\n') != std::string::npos)
      return fail(err, "invalid_value", "keywords",
                  "every keyword must be one line of 1 to " + std::to_string(kb_limits::keyword) + " characters");
    e.keywords.push_back(s);
  }
  std::string unknown;
  for_each_piece(
      e.body, [](std::string_view) {},
      [&](std::string_view name, std::string_view) {
        if (unknown.empty() && !template_variable(name)) unknown = std::string(name);
      });
  if (!unknown.empty())
    return fail(err, "invalid_value", "body", "'body' uses the unknown variable {{" + unknown + "}}");
  out = std::move(e);
  return true;
}

bool kb_entry_from_json(const json& j, KbEntry& out, std::string& err) {
  Error e;
  if (kb_entry_from_json(j, out, e)) return true;
  err = (e.field.empty() ? std::string("entry") : e.field) + ": " + e.message;
  return false;
}

const std::vector<KbEntry>& builtin_kb_entries() {
  struct Row {
    const char* id;
    const char* category;
    const char* subcategory;
    const char* title;
    const char* keywords;  // one per line
    const char* body;
  };
  static constexpr Row kRows[] = {
#include "core/kb_data.inc"
  };
  static const std::vector<KbEntry> entries = [] {
    std::vector<KbEntry> v;
    v.reserve(std::size(kRows));
    for (const Row& r : kRows) {
      KbEntry e;
      e.id = r.id;
      e.category = parse_category(r.category).value_or(Category::other);
      e.subcategory = r.subcategory;
      e.title = r.title;
      std::string_view kws(r.keywords);
      while (!kws.empty()) {
        const size_t nl = std::min(kws.find('\n'), kws.size());
        e.keywords.emplace_back(kws.substr(0, nl));
        kws.remove_prefix(std::min(nl + 1, kws.size()));
      }
      e.body = r.body;
      v.push_back(std::move(e));
    }
    return v;
  }();
  return entries;
}

Expansion expand_template(std::string_view body, const std::map<std::string, std::string>& vars) {
  Expansion x;
  x.text.reserve(body.size());
  for_each_piece(
      body, [&](std::string_view piece) { x.text += piece; },
      [&](std::string_view name, std::string_view written) {
        const TemplateVariable* v = template_variable(name);
        if (!v) {
          x.text += written;
          note_once(x.unknown, name);
          return;
        }
        auto it = vars.find(v->name);
        if (it != vars.end() && !blank(it->second)) {
          x.text += it->second;
        } else {
          x.text += v->placeholder;
          note_once(x.missing, name);
        }
      });
  return x;
}

// ---- KnowledgeBase ---------------------------------------------------------------------------

KnowledgeBase::KnowledgeBase() : KnowledgeBase(builtin_kb_entries()) {}

KnowledgeBase::KnowledgeBase(std::vector<KbEntry> entries) : entries_(std::move(entries)) { reindex(); }

void KnowledgeBase::index_entry(size_t i) {
  index_.add(static_cast<uint32_t>(i), entry_text(entries_[i]));
  topic_.add(static_cast<uint32_t>(i), topic_text(entries_[i]));
}

void KnowledgeBase::reindex() {
  index_.clear();
  topic_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_entry(i);
}

const KbEntry* KnowledgeBase::find(std::string_view id) const {
  for (const KbEntry& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

void KnowledgeBase::set(KbEntry e) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].id != e.id) continue;
    entries_[i] = std::move(e);
    index_entry(i);
    return;
  }
  entries_.push_back(std::move(e));
  index_entry(entries_.size() - 1);
}

bool KnowledgeBase::remove(std::string_view id) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const KbEntry& e) { return e.id == id; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  reindex();  // positions moved; a few hundred entries index in well under a millisecond
  return true;
}

std::vector<KnowledgeBase::Suggestion> KnowledgeBase::suggest(std::string_view ticket_text,
                                                              std::optional<Category> category, size_t k) const {
  // An entry is a candidate only if the text shares a term with its title or keywords (a
  // word met only in a body, such as 今天, says little about what the entry answers); the
  // topic's score then counts on top of the whole entry's.
  std::vector<double> topic(entries_.size(), 0.0);
  for (const TextIndex::Match& m : topic_.best_matches(ticket_text, 0)) topic[m.doc] = m.score;
  std::vector<Suggestion> out;
  for (const TextIndex::Match& m : index_.best_matches(ticket_text, 0)) {
    if (topic[m.doc] <= 0) continue;
    const bool same = category && entries_[m.doc].category == *category;
    out.push_back({m.doc, (m.score + 1.5 * topic[m.doc]) * (same ? 1.3 : 1.0)});
  }
  std::sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) {
    return a.score != b.score ? a.score > b.score : a.index < b.index;
  });
  if (out.size() > k) out.resize(k);
  return out;
}

std::vector<size_t> KnowledgeBase::search(std::string_view query) const {
  std::vector<size_t> out;
  const std::vector<uint32_t> hits = index_.search(query);
  std::vector<bool> allowed(entries_.size(), false);
  for (uint32_t h : hits) allowed[h] = true;
  for (const TextIndex::Match& m : index_.best_matches(query, 0, &allowed)) out.push_back(m.doc);
  return out;
}

}  // namespace edudesk
