// Ticket analytics: the columns, the CSV import, Q1 … Q5 and their incremental twin.
// Definitions in docs/ANALYTICS.md; the benchmark in bench/analytics/.
//
// Speed (1,000,000 tickets in the browser): the CSV is read once with no per-field
// allocation (numbers parsed while they are scanned, enum ids matched by length then
// bytes, agents and courses through an open-addressing dictionary); every query is one
// or two passes over byte or int32 columns into small count tables, written for what WASM
// engines compile well (few loads per row, constant offsets, no unpredictable branches).
// Sums are exact integers (128-bit where squares could overflow), so a query over the
// columns and the incremental LiveAnalytics give bit-identical answers; p90 finds the
// bucket of its order statistic with a histogram of the top bits, then orders that
// bucket alone.
#include "core/analytics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/refund_policy.h"

namespace edudesk {

namespace {

using nlohmann::json;
__extension__ typedef __int128 i128;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kUtc8 = 8 * 3600;
constexpr int64_t kSpikeMinTickets = 20;
constexpr double kSpikeSds = 4;
constexpr size_t kCategoryCount = std::size(kCategories);
constexpr size_t kPriorityCount = std::size(kPriorities);
constexpr size_t kTierCount = std::size(kRoles);
constexpr size_t kChannelCount = std::size(kChannels);
static_assert(kCategoryCount == 6 && kChannelCount == 6 && kPriorityCount == 4 && kTierCount == 5,
              "the result structs of analytics.h are sized for these vocabularies");

constexpr const char* kColumns[] = {"id",       "created_at", "first_response_s", "resolve_s",
                                    "category", "priority",   "tier",             "agent_id",
                                    "course_id", "channel",   "csat",             "refund_fen"};
constexpr size_t kColumnCount = std::size(kColumns);

json or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// The ids of one closed vocabulary (core/enums.h), matched by length, then bytes.
struct Vocabulary {
  std::vector<std::string_view> ids;
  template <typename E, size_t N>
  explicit Vocabulary(const E (&all)[N]) {
    for (E v : all) ids.emplace_back(to_id(v));
  }
  int find(std::string_view s) const {
    for (size_t k = 0; k < ids.size(); ++k)
      if (ids[k].size() == s.size() && std::memcmp(ids[k].data(), s.data(), s.size()) == 0) return static_cast<int>(k);
    return -1;
  }
  std::string list() const {
    std::string out;
    for (std::string_view id : ids) out.append(out.empty() ? "" : ", ").append(id);
    return out;
  }
};

// One Vocabulary per enum (a static of each instantiation).
template <typename E, size_t N>
const Vocabulary& vocabulary(const E (&all)[N]) {
  static const Vocabulary v(all);
  return v;
}

uint64_t hash_bytes(std::string_view s) {  // FNV-1a, 64 bit
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return h;
}

// Agent and course ids: non-empty, at most 64 bytes, no separator, quote or line break.
bool id_text_ok(std::string_view s, std::string& why) {
  if (s.empty()) {
    why = "is empty";
    return false;
  }
  if (s.size() > kAnalyticsMaxIdBytes) {
    why = "has " + std::to_string(s.size()) + " bytes; at most 64 are allowed";
    return false;
  }
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      why = "holds a comma, a quote or a line break";
      return false;
    }
  return true;
}

// What a checker says about one value (empty = fine).
std::string check_seconds(int64_t v) {
  return v == kAnalyticsMissing || (v >= 0 && v <= kAnalyticsMaxSeconds) ? std::string()
                                                                          : "must be 0 … 2147483646 seconds, or missing";
}

bool fail(Error& err, const char* code, std::string field, std::string message) {
  err = {code, std::move(field), std::move(message)};
  return false;
}

bool check_facts(const TicketFacts& t, Error& err) {
  std::string why;
  if (t.created_at < 0 || t.created_at > kAnalyticsMaxCreatedAt)
    return fail(err, "out_of_range", "created_at", "created_at must be 0 … 253402300799 (unix seconds)");
  if (!(why = check_seconds(t.first_response_s)).empty()) return fail(err, "out_of_range", "first_response_s", "first_response_s " + why);
  if (!(why = check_seconds(t.resolve_s)).empty()) return fail(err, "out_of_range", "resolve_s", "resolve_s " + why);
  if (t.csat < 0 || t.csat > 5) return fail(err, "out_of_range", "csat", "csat must be 1 … 5, or 0 for no answer");
  if (t.refund_fen < 0) return fail(err, "out_of_range", "refund_fen", "refund_fen must be ≥ 0");
  if (!id_text_ok(t.agent_id, why)) return fail(err, "invalid_value", "agent_id", "agent_id " + why);
  if (!id_text_ok(t.course_id, why)) return fail(err, "invalid_value", "course_id", "course_id " + why);
  return true;
}

}  // namespace

// ---- small definitions --------------------------------------------------------------------

bool operator==(const TicketFacts& a, const TicketFacts& b) {
  return a.id == b.id && a.created_at == b.created_at && a.first_response_s == b.first_response_s &&
         a.resolve_s == b.resolve_s && a.category == b.category && a.priority == b.priority && a.tier == b.tier &&
         a.agent_id == b.agent_id && a.course_id == b.course_id && a.channel == b.channel && a.csat == b.csat &&
         a.refund_fen == b.refund_fen;
}

int32_t analytics_day(int64_t created_at) {
  const int64_t local = created_at + kUtc8;
  return static_cast<int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

std::string analytics_day_label(int32_t day) {
  // The calendar arithmetic lives in refund_policy: "2025年3月1日 00:00" at midnight of the day.
  const std::string zh = format_local_zh(int64_t{day} * 86400000, 0);
  int64_t part[3] = {0, 0, 0};
  size_t k = 0;
  for (size_t i = 0; i < zh.size() && k < 3; ++i) {
    const unsigned char c = static_cast<unsigned char>(zh[i]);
    if (c >= '0' && c <= '9') {
      part[k] = part[k] * 10 + (c - '0');
    } else if (c >= 0x80 && i > 0 && zh[i - 1] >= '0' && zh[i - 1] <= '9') {
      ++k;  // 年, 月, 日 end a number
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(part[0]),
                static_cast<long long>(part[1]), static_cast<long long>(part[2]));
  return buf;
}

int32_t sla_target_s(Priority p) {
  switch (p) {
    case Priority::P1: return 300;
    case Priority::P2: return 1800;
    case Priority::P3: return 14400;
    case Priority::P4: return 86400;
  }
  return 86400;
}

// ---- StringDictionary -----------------------------------------------------------------------

size_t StringDictionary::slot(std::string_view s, uint64_t h) const {
  const size_t mask = table_.size() - 1;
  size_t i = static_cast<size_t>(h) & mask;
  for (;;) {
    const uint32_t c = table_[i];
    if (c == 0) return i;
    if (hashes_[c - 1] == h && values_[c - 1] == s) return i;
    i = (i + 1) & mask;
  }
}

void StringDictionary::grow() {
  std::vector<uint32_t> old = std::move(table_);
  table_.assign(old.empty() ? 64 : old.size() * 2, 0);
  for (uint32_t c : old)
    if (c != 0) table_[slot(values_[c - 1], hashes_[c - 1])] = c;
}

uint32_t StringDictionary::code_of(std::string_view s) {
  if ((values_.size() + 1) * 2 > table_.size()) grow();
  const uint64_t h = hash_bytes(s);
  const size_t i = slot(s, h);
  if (table_[i] != 0) return table_[i] - 1;
  values_.emplace_back(s);
  hashes_.push_back(h);
  table_[i] = static_cast<uint32_t>(values_.size());
  return table_[i] - 1;
}

uint32_t StringDictionary::find(std::string_view s) const {
  if (table_.empty()) return kNone;
  const uint32_t c = table_[slot(s, hash_bytes(s))];
  return c == 0 ? kNone : c - 1;
}

std::vector<uint32_t> StringDictionary::sorted_codes() const {
  std::vector<uint32_t> order(values_.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<uint32_t>(k);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return values_[a] < values_[b]; });
  return order;
}

// ---- TicketColumns --------------------------------------------------------------------------

void TicketColumns::reserve(size_t rows) {
  for (auto* v : {&id_, &created_at_, &refund_fen_}) v->reserve(rows);
  for (auto* v : {&day_, &first_response_s_, &resolve_s_}) v->reserve(rows);
  for (auto* v : {&category_, &priority_, &tier_, &channel_, &csat_}) v->reserve(rows);
  for (auto* v : {&agent_, &course_}) v->reserve(rows);
}

size_t TicketColumns::memory_bytes() const {
  size_t bytes = 0;
  for (auto* v : {&id_, &created_at_, &refund_fen_}) bytes += v->capacity() * 8;
  for (auto* v : {&day_, &first_response_s_, &resolve_s_}) bytes += v->capacity() * 4;
  for (auto* v : {&category_, &priority_, &tier_, &channel_, &csat_}) bytes += v->capacity();
  for (auto* v : {&agent_, &course_}) bytes += v->capacity() * 4;
  for (const StringDictionary* d : {&agents_, &courses_})
    for (const std::string& s : d->values()) bytes += sizeof s + s.capacity() + 12;
  return bytes + id_slots_.capacity() * 8;
}

namespace {
uint64_t mix_id(int64_t id) {
  uint64_t h = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}
}  // namespace

// The set of ids, as rows + 1 in an open-addressing table; brought up to the table's size.
void TicketColumns::index_ids() const {
  if ((id_.size() + 1) * 2 > id_slots_.size()) {
    size_t cap = 1024;
    while (cap < (id_.size() + 1) * 4) cap *= 2;
    id_slots_.assign(cap, 0);
    id_indexed_ = 0;
  }
  const size_t mask = id_slots_.size() - 1;
  for (; id_indexed_ < id_.size(); ++id_indexed_) {
    size_t i = mix_id(id_[id_indexed_]) & mask;
    while (id_slots_[i] != 0) i = (i + 1) & mask;
    id_slots_[i] = static_cast<int64_t>(id_indexed_) + 1;
  }
}

int64_t TicketColumns::find_id(int64_t id) const {
  if (id_.empty() || id > max_id_) return -1;
  index_ids();
  const size_t mask = id_slots_.size() - 1;
  for (size_t i = mix_id(id) & mask; id_slots_[i] != 0; i = (i + 1) & mask)
    if (id_[static_cast<size_t>(id_slots_[i] - 1)] == id) return id_slots_[i] - 1;
  return -1;
}

bool TicketColumns::id_taken(int64_t id, size_t except_row) const {
  const int64_t row = find_id(id);
  return row >= 0 && static_cast<size_t>(row) != except_row;
}

bool TicketColumns::append(const TicketFacts& t, Error& err) {
  if (!check_facts(t, err)) return false;
  if (id_taken(t.id, SIZE_MAX)) return fail(err, "duplicate_id", "id", "ticket id " + std::to_string(t.id) + " is already in the table");
  if (size() == id_.capacity()) reserve(size() + size() / 4 + 1024);  // grow by a quarter, not double
  id_.push_back(t.id);
  created_at_.push_back(t.created_at);
  day_.push_back(analytics_day(t.created_at));
  first_response_s_.push_back(t.first_response_s);
  resolve_s_.push_back(t.resolve_s);
  category_.push_back(static_cast<uint8_t>(t.category));
  priority_.push_back(static_cast<uint8_t>(t.priority));
  tier_.push_back(static_cast<uint8_t>(t.tier));
  agent_.push_back(agents_.code_of(t.agent_id));
  course_.push_back(courses_.code_of(t.course_id));
  channel_.push_back(static_cast<uint8_t>(t.channel));
  csat_.push_back(static_cast<uint8_t>(t.csat));
  refund_fen_.push_back(t.refund_fen);
  max_id_ = std::max(max_id_, t.id);
  note_day(day_.back());
  max_resolve_s_ = std::max(max_resolve_s_, t.resolve_s);
  return true;
}

bool TicketColumns::set(size_t row, const TicketFacts& t, Error& err) {
  if (row >= size()) return fail(err, "not_found", "row", "row " + std::to_string(row) + " is not in the table");
  if (!check_facts(t, err)) return false;
  if (t.id != id_[row]) {
    if (id_taken(t.id, row)) return fail(err, "duplicate_id", "id", "ticket id " + std::to_string(t.id) + " is already in the table");
    id_slots_.clear();  // the index is rebuilt on the next lookup
    id_indexed_ = 0;
    max_id_ = std::max(max_id_, t.id);
  }
  const int32_t day = analytics_day(t.created_at);
  if (day != day_[row] && (day_[row] == first_day_ || day_[row] == last_day_)) days_stale_ = true;
  note_day(day);
  id_[row] = t.id;
  created_at_[row] = t.created_at;
  day_[row] = day;
  first_response_s_[row] = t.first_response_s;
  resolve_s_[row] = t.resolve_s;
  max_resolve_s_ = std::max(max_resolve_s_, t.resolve_s);
  category_[row] = static_cast<uint8_t>(t.category);
  priority_[row] = static_cast<uint8_t>(t.priority);
  tier_[row] = static_cast<uint8_t>(t.tier);
  agent_[row] = agents_.code_of(t.agent_id);
  course_[row] = courses_.code_of(t.course_id);
  channel_[row] = static_cast<uint8_t>(t.channel);
  csat_[row] = static_cast<uint8_t>(t.csat);
  refund_fen_[row] = t.refund_fen;
  return true;
}

bool TicketColumns::day_range(int32_t& first, int32_t& last) const {
  if (empty()) return false;
  if (days_stale_) {
    const auto [lo, hi] = std::minmax_element(day_.begin(), day_.end());
    first_day_ = *lo;
    last_day_ = *hi;
    days_stale_ = false;
  }
  first = first_day_;
  last = last_day_;
  return true;
}

TicketFacts TicketColumns::row(size_t i) const {
  TicketFacts t;
  t.id = id_[i];
  t.created_at = created_at_[i];
  t.first_response_s = first_response_s_[i];
  t.resolve_s = resolve_s_[i];
  t.category = kCategories[category_[i]];
  t.priority = kPriorities[priority_[i]];
  t.tier = kRoles[tier_[i]];
  t.agent_id = agents_.value(agent_[i]);
  t.course_id = courses_.value(course_[i]);
  t.channel = kChannels[channel_[i]];
  t.csat = csat_[i];
  t.refund_fen = refund_fen_[i];
  return t;
}

// ---- CSV --------------------------------------------------------------------------------------

namespace {

// Bytes that end an unquoted field (or make it one to read slowly: a quote).
struct StopBytes {
  bool stop[256] = {};
  StopBytes() {
    for (unsigned char c : {',', '\n', '\r', '"'}) stop[c] = true;
  }
};
const StopBytes kStop;

bool at_field_end(const char* p, const char* end) { return p == end || *p == ',' || *p == '\n' || *p == '\r'; }

// Lines in the text (for reserving the columns): 8 bytes at a time.
size_t count_lines(const char* p, const char* end) {
  size_t n = 1;
  constexpr uint64_t kNl = 0x0A0A0A0A0A0A0A0Aull, k7F = 0x7F7F7F7F7F7F7F7Full, kHigh = 0x8080808080808080ull;
  for (; p + 8 <= end; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t x = w ^ kNl;  // a zero byte where there was a line feed
    n += static_cast<size_t>(__builtin_popcountll(~(((x & k7F) + k7F) | x) & kHigh));
  }
  for (; p < end; ++p) n += *p == '\n';
  return n;
}

std::string echo(std::string_view s) {
  if (s.size() <= 40) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, 40)) + "…'";
}

}  // namespace

class TicketCsvReader {
 public:
  TicketCsvReader(std::string_view csv, Error& err) : p_(csv.data()), end_(csv.data() + csv.size()), err_(err) {}

  bool run(TicketColumns& t) {
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;
    if (!header()) return false;
    t.reserve(count_lines(p_, end_));
    while (p_ < end_) {
      ++line_;
      if (*p_ == '\n' || *p_ == '\r') {  // a blank line
        next_line();
        continue;
      }
      if (!record(t)) return false;
    }
    return true;
  }

 private:
  void next_line() {
    if (p_ < end_ && *p_ == '\r') ++p_;
    if (p_ < end_ && *p_ == '\n') ++p_;
  }

  bool error(size_t col, const std::string& why) {
    return fail(err_, "invalid_value", kColumns[col],
                "line " + std::to_string(line_) + ", column '" + kColumns[col] + "': " + why);
  }
  bool line_error(const std::string& why) {
    return fail(err_, "bad_csv", "csv", "line " + std::to_string(line_) + ": " + why);
  }

  bool header() {
    line_ = 1;
    size_t k = 0;
    for (;;) {
      std::string_view name;
      if (!field_text(k < kColumnCount ? k : kColumnCount - 1, name)) return false;
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
      if (k >= kColumnCount)
        return line_error("the header has more than 12 columns; it must be exactly " + header_text());
      if (name != kColumns[k])
        return line_error("column " + std::to_string(k + 1) + " of the header is " + echo(name) + ", expected '" +
                          kColumns[k] + "'; the header must be " + header_text());
      ++k;
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      break;
    }
    if (k < kColumnCount)
      return line_error("the header has " + std::to_string(k) + " columns; it must be " + header_text());
    next_line();
    return true;
  }

  static std::string header_text() {
    std::string h;
    for (const char* c : kColumns) h.append(h.empty() ? "" : ",").append(c);
    return h;
  }

  // The text of the field at p_ (p_ then stands on its separator or line end). A quoted
  // field (RFC 4180: "" is one quote) is unquoted into a buffer.
  bool field_text(size_t col, std::string_view& out) {
    if (p_ < end_ && *p_ == '"') {
      buf_.clear();
      const int64_t opened = line_;
      ++p_;
      for (;;) {
        if (p_ >= end_) {
          line_ = opened;
          return error(col, "a quoted field is not closed");
        }
        if (*p_ == '"') {
          if (p_ + 1 < end_ && p_[1] == '"') {
            buf_ += '"';
            p_ += 2;
            continue;
          }
          ++p_;
          break;
        }
        if (*p_ == '\n') ++line_;
        buf_ += *p_++;
      }
      if (!at_field_end(p_, end_)) return error(col, "text after the closing quote of a field");
      out = buf_;
      return true;
    }
    const char* b = p_;
    while (p_ < end_ && !kStop.stop[static_cast<unsigned char>(*p_)]) ++p_;
    if (p_ < end_ && *p_ == '"') return error(col, "a quote inside a field that does not start with one");
    out = std::string_view(b, static_cast<size_t>(p_ - b));
    return true;
  }

  static std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  // A whole number 0 … max; `empty_ok`: an empty field gives -1.
  bool number(size_t col, int64_t max, bool empty_ok, int64_t& out) {
    // Fast path: digits straight up to the separator.
    const char* b = p_;
    uint64_t v = 0;
    while (p_ < end_ && static_cast<unsigned>(*p_ - '0') < 10 && p_ - b < 18) v = v * 10 + static_cast<unsigned>(*p_++ - '0');
    if (at_field_end(p_, end_)) {
      if (p_ == b) {
        if (!empty_ok) return error(col, "is empty; a whole number is required");
        out = -1;
        return true;
      }
      if (v > static_cast<uint64_t>(max)) return error(col, echo(std::string_view(b, static_cast<size_t>(p_ - b))) + " is too large (at most " + std::to_string(max) + ")");
      out = static_cast<int64_t>(v);
      return true;
    }
    // Slow path: quotes, spaces, signs, fractions, long numbers and mistakes.
    p_ = b;
    std::string_view text;
    if (!field_text(col, text)) return false;
    const std::string_view s = trimmed(text);
    if (s.empty()) {
      if (!empty_ok) return error(col, "is empty; a whole number is required");
      out = -1;
      return true;
    }
    size_t i = s[0] == '+' ? 1 : 0;
    v = 0;
    bool digits = i < s.size();
    for (; i < s.size() && digits; ++i) {
      const unsigned d = static_cast<unsigned>(s[i] - '0');
      if (d >= 10) digits = false;
      else if (v > (static_cast<uint64_t>(max) - d) / 10) return error(col, echo(s) + " is too large (at most " + std::to_string(max) + ")");
      else v = v * 10 + d;
    }
    if (!digits) return error(col, echo(s) + " is not a whole number ≥ 0" + (empty_ok ? " (or empty for missing)" : ""));
    out = static_cast<int64_t>(v);
    return true;
  }

  // One of a vocabulary's ids.
  bool word(size_t col, const Vocabulary& v, uint8_t& out) {
    std::string_view text;
    if (!field_text(col, text)) return false;
    int k = v.find(text);
    if (k < 0) k = v.find(trimmed(text));
    if (k < 0) return error(col, echo(text) + " is not one of " + v.list());
    out = static_cast<uint8_t>(k);
    return true;
  }

  bool dictionary(size_t col, StringDictionary& d, uint32_t& out) {
    std::string_view text;
    if (!field_text(col, text)) return false;
    if (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t'))
      text = trimmed(text);
    std::string why;
    if (!id_text_ok(text, why)) return error(col, (text.empty() ? "the id " : echo(text) + " ") + why);
    out = d.code_of(text);
    return true;
  }

  // After field `col`: a comma before the next one, or the line end after the last.
  bool separator(size_t col) {
    if (col + 1 < kColumnCount) {
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        return true;
      }
      return line_error(std::to_string(col + 1) + " fields; the header has 12");
    }
    if (p_ < end_ && *p_ == ',') {
      size_t n = kColumnCount;
      while (p_ < end_ && *p_ != '\n' && *p_ != '\r') n += *p_++ == ',';
      return line_error(std::to_string(n) + " fields; the header has 12");
    }
    next_line();
    return true;
  }

  bool record(TicketColumns& t) {
    int64_t id = 0, created = 0, first = 0, resolve = 0, csat = 0, refund = 0;
    uint8_t cat = 0, pri = 0, tier = 0, chan = 0;
    uint32_t agent = 0, course = 0;
    const bool ok = number(0, INT64_MAX, false, id) && separator(0) &&
                    number(1, kAnalyticsMaxCreatedAt, false, created) && separator(1) &&
                    number(2, kAnalyticsMaxSeconds, true, first) && separator(2) &&
                    number(3, kAnalyticsMaxSeconds, true, resolve) && separator(3) &&
                    word(4, vocabulary(kCategories), cat) && separator(4) && word(5, vocabulary(kPriorities), pri) && separator(5) &&
                    word(6, vocabulary(kRoles), tier) && separator(6) && dictionary(7, t.agents_, agent) && separator(7) &&
                    dictionary(8, t.courses_, course) && separator(8) && word(9, vocabulary(kChannels), chan) &&
                    separator(9) && number(10, 5, true, csat) && separator(10) &&
                    number(11, INT64_MAX, false, refund) && separator(11);
    if (!ok) return false;
    if (csat == 0) return error(10, "'0' is not an answer: csat is 1 … 5, or empty for none");
    if (id <= t.max_id_ && t.id_taken(id, SIZE_MAX)) {
      const size_t other = static_cast<size_t>(t.find_id(id));
      const int64_t other_line = row_line_.empty() ? static_cast<int64_t>(other) + 2 : row_line_[other];
      return error(0, "ticket id " + std::to_string(id) + " is also on line " + std::to_string(other_line));
    }
    t.id_.push_back(id);
    t.created_at_.push_back(created);
    t.day_.push_back(static_cast<int32_t>((created + kUtc8) / 86400));
    t.note_day(t.day_.back());
    t.first_response_s_.push_back(static_cast<int32_t>(first));
    t.resolve_s_.push_back(static_cast<int32_t>(resolve));
    t.max_resolve_s_ = std::max(t.max_resolve_s_, static_cast<int32_t>(resolve));
    t.category_.push_back(cat);
    t.priority_.push_back(pri);
    t.tier_.push_back(tier);
    t.agent_.push_back(agent);
    t.course_.push_back(course);
    t.channel_.push_back(chan);
    t.csat_.push_back(static_cast<uint8_t>(csat < 0 ? 0 : csat));
    t.refund_fen_.push_back(refund);
    t.max_id_ = std::max(t.max_id_, id);
    if (!row_line_.empty() || line_ != static_cast<int64_t>(t.size()) + 1) {
      // Lines and rows part ways (blank lines, line breaks in quotes): remember each row's line.
      if (row_line_.empty())
        for (size_t r = 0; r + 1 < t.size(); ++r) row_line_.push_back(static_cast<int64_t>(r) + 2);
      row_line_.push_back(line_);
    }
    return true;
  }

  const char* p_;
  const char* end_;
  Error& err_;
  int64_t line_ = 0;
  std::string buf_;
  std::vector<int64_t> row_line_;  // the line of each row, once they differ from row + 2
};

bool import_tickets_csv(std::string_view csv, TicketColumns& out, Error& err) {
  TicketColumns t;
  TicketCsvReader reader(csv, err);
  if (!reader.run(t)) return false;
  out = std::move(t);
  return true;
}

std::string tickets_csv(const TicketColumns& t) {
  std::string out;
  for (const char* c : kColumns) out.append(out.empty() ? "" : ",").append(c);
  out += '\n';
  auto opt = [&](int64_t v) {
    if (v >= 0) out += std::to_string(v);
  };
  for (size_t i = 0; i < t.size(); ++i) {
    out += std::to_string(t.id()[i]) + ',' + std::to_string(t.created_at()[i]) + ',';
    opt(t.first_response_s()[i]);
    out += ',';
    opt(t.resolve_s()[i]);
    out += ',';
    out.append(to_id(kCategories[t.category()[i]])).append(",").append(to_id(kPriorities[t.priority()[i]]));
    out.append(",").append(to_id(kRoles[t.tier()[i]])).append(",").append(t.agents().value(t.agent()[i]));
    out.append(",").append(t.courses().value(t.course()[i])).append(",").append(to_id(kChannels[t.channel()[i]]));
    out += ',';
    if (t.csat()[i] > 0) out += std::to_string(t.csat()[i]);
    out += ',' + std::to_string(t.refund_fen()[i]) + '\n';
  }
  return out;
}

// ---- filters ----------------------------------------------------------------------------------

RowMask analytics_mask(const TicketColumns& t, const AnalyticsFilter& f) {
  const size_t n = t.size();
  RowMask m(n, 1);
  uint8_t* keep = m.data();
  if (f.from_day != INT32_MIN || f.to_day != INT32_MAX) {
    const int32_t* day = t.day().data();
    for (size_t i = 0; i < n; ++i) keep[i] &= day[i] >= f.from_day && day[i] <= f.to_day;
  }
  auto narrow = [&](const std::vector<uint8_t>& col, int code) {
    const uint8_t* c = col.data();
    for (size_t i = 0; i < n; ++i) keep[i] &= c[i] == code;
  };
  if (f.category) narrow(t.category(), static_cast<int>(*f.category));
  if (f.priority) narrow(t.priority(), static_cast<int>(*f.priority));
  if (f.tier) narrow(t.tier(), static_cast<int>(*f.tier));
  if (f.channel) narrow(t.channel(), static_cast<int>(*f.channel));
  auto by_code = [&](const std::vector<uint32_t>& col, const StringDictionary& d, const std::string& value) {
    const uint32_t code = d.find(value);
    const uint32_t* c = col.data();
    for (size_t i = 0; i < n; ++i) keep[i] &= c[i] == code;
  };
  if (!f.agent_id.empty()) by_code(t.agent(), t.agents(), f.agent_id);
  if (!f.course_id.empty()) by_code(t.course(), t.courses(), f.course_id);
  return m;
}

// ---- the queries --------------------------------------------------------------------------------

namespace {

using CategorySums = LiveAnalytics::CategorySums;
using AgentSums = LiveAnalytics::AgentSums;

// Calls fn(i) for every selected row: a tight loop without a mask.
template <typename Fn>
void each_row(size_t n, const RowMask* mask, Fn fn) {
  if (!mask) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  const uint8_t* keep = mask->data();
  const size_t rows = std::min(n, mask->size());
  for (size_t i = 0; i < rows; ++i)
    if (keep[i]) fn(i);
}

constexpr size_t kBlockRows = size_t{1} << 30;  // 32-bit counters count at most this many rows
constexpr uint32_t kPairBits = 6, kNoCell = 63;   // count_cells: up to 63 cells, 63 = not selected

// Two rows make one count in a table of pairs (cell of the first | cell of the second << 6),
// two tables in turn: half a memory increment per row, and neighbouring rows do not wait on
// each other. A row that is not selected counts in cell 63. cell(i, k) is the cell of row
// i + k (a base plus a constant, which WASM engines fold into the load's offset). Where the
// cells come straight from byte columns, cells8(i) gives those of rows i … i + 7 as the bytes
// of one word, computed eight at a time (fewer loads: what WASM engines pay most for;
// NoCells8 where that does not pay).
struct NoCells8 {
  uint64_t operator()(size_t) const { return 0; }
};

template <bool Masked, typename Cell, typename Cells8>
void count_pairs(size_t b, size_t e, const uint8_t* keep, uint32_t* t0, uint32_t* t1, Cell cell, Cells8 cells8) {
  size_t i = b;
  if constexpr (!Masked && !std::is_same_v<Cells8, NoCells8>) {
    constexpr uint64_t kLow = 0x3F, kHigh = 0xFC0;  // byte 2j → bits 0-5, byte 2j+1 → bits 6-11
    for (; i + 8 <= e; i += 8) {
      const uint64_t c = cells8(i);
      ++t0[(c & kLow) | (c >> 2 & kHigh)];
      ++t1[(c >> 16 & kLow) | (c >> 18 & kHigh)];
      ++t0[(c >> 32 & kLow) | (c >> 34 & kHigh)];
      ++t1[(c >> 48 & kLow) | (c >> 50 & kHigh)];
    }
  }
  auto at = [&](size_t j, size_t k) -> uint32_t {
    if (Masked) return (keep + j)[k] ? cell(j, k) : kNoCell;
    return cell(j, k);
  };
  for (; i + 4 <= e; i += 4) {
    ++t0[at(i, 0) | at(i, 1) << kPairBits];
    ++t1[at(i, 2) | at(i, 3) << kPairBits];
  }
  for (; i < e; ++i) ++t0[at(i, 0) | kNoCell << kPairBits];
}

// How many selected rows fall in each of `cells` (≤ 63) cells.
template <typename Cell, typename Cells8>
std::vector<int64_t> count_cells(size_t n, const RowMask* mask, size_t cells, Cell cell, Cells8 cells8) {
  constexpr size_t kPairs = size_t{1} << (2 * kPairBits);
  std::vector<uint32_t> tab(2 * kPairs);
  std::vector<int64_t> out(kNoCell + 1, 0);
  const uint8_t* keep = mask ? mask->data() : nullptr;
  const size_t rows = mask ? std::min(n, mask->size()) : n;
  for (size_t b = 0; b < rows; b += kBlockRows) {
    const size_t e = std::min(rows, b + kBlockRows);
    std::fill(tab.begin(), tab.end(), 0u);
    if (keep) count_pairs<true>(b, e, keep, tab.data(), tab.data() + kPairs, cell, cells8);
    else count_pairs<false>(b, e, keep, tab.data(), tab.data() + kPairs, cell, cells8);
    for (size_t p = 0; p < kPairs; ++p) {
      const uint32_t c = tab[p] + tab[kPairs + p];
      out[p & kNoCell] += c;
      out[p >> kPairBits] += c;
    }
  }
  out.resize(cells);
  return out;
}

uint64_t load8(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Bytes × 6 with no carry between them (every result byte stays below 256).
uint64_t times6(uint64_t b) { return (b << 2) + (b << 1); }

// p90 by linear interpolation (numpy's default): position 0.9 (n − 1) = k + m/10 in the sorted
// values; lo and hi are the values at k and k + 1 (hi unused when m = 0).
struct P90Position {
  size_t k = 0;
  int64_t tenths = 0;
  explicit P90Position(int64_t n) : k(static_cast<size_t>(9 * (n - 1) / 10)), tenths(9 * (n - 1) % 10) {}
  double value(int32_t lo, int32_t hi) const {
    return tenths == 0 ? lo : lo + static_cast<double>(int64_t{hi} - lo) * (static_cast<double>(tenths) / 10);
  }
};

Q1Result finish_q1(const std::array<CategorySums, 6>& sums, const std::array<double, 6>& p90) {
  Q1Result r;
  for (size_t c = 0; c < kCategoryCount; ++c) {
    const CategorySums& s = sums[c];
    if (s.count == 0) continue;
    CategoryRow row;
    row.category = kCategories[c];
    row.count = s.count;
    row.resolved = s.resolved;
    row.resolve_sum_s = s.resolve_sum;
    row.resolution_rate = static_cast<double>(s.resolved) / static_cast<double>(s.count);
    row.mean_resolve_s = s.resolved > 0 ? static_cast<double>(s.resolve_sum) / static_cast<double>(s.resolved) : kNaN;
    row.p90_resolve_s = p90[c];
    r.rows.push_back(row);
  }
  return r;
}

using SlaTable = std::array<std::array<int64_t, 5>, 4>;

Q2Result finish_q2(const SlaTable& n, const SlaTable& breaches) {
  Q2Result r;
  for (size_t p = 0; p < kPriorityCount; ++p)
    for (size_t k = 0; k < kTierCount; ++k) {
      if (n[p][k] == 0) continue;
      SlaCell c;
      c.priority = kPriorities[p];
      c.tier = kRoles[k];
      c.n = n[p][k];
      c.breaches = breaches[p][k];
      c.breach_rate = static_cast<double>(c.breaches) / static_cast<double>(c.n);
      r.cells.push_back(c);
    }
  return r;
}

void add_csat(AgentSums& s, int64_t y, int32_t x, int64_t sign) {
  s.csat_n += sign;
  s.csat_sum += sign * y;
  s.csat_sq += sign * y * y;
  if (x < 0) return;
  s.pairs += sign;
  s.x_sum += sign * x;
  s.y_sum += sign * y;
  s.y_sq += sign * y * y;
  s.x_sq += sign * static_cast<i128>(int64_t{x} * x);
  s.xy += sign * static_cast<i128>(int64_t{x} * y);
}

// n·Σv² − (Σv)²: n² times the population variance, exact.
i128 spread(int64_t n, i128 sum_sq, i128 sum) { return n * sum_sq - sum * sum; }

Q4Result finish_q4(const StringDictionary& agents, const std::vector<AgentSums>& sums) {
  Q4Result r;
  for (uint32_t code : agents.sorted_codes()) {
    if (code >= sums.size() || sums[code].tickets == 0) continue;
    const AgentSums& s = sums[code];
    AgentRow a;
    a.agent_id = agents.value(code);
    a.tickets = s.tickets;
    a.csat_n = s.csat_n;
    a.csat_mean = s.csat_n > 0 ? static_cast<double>(s.csat_sum) / static_cast<double>(s.csat_n) : kNaN;
    a.csat_sd = s.csat_n > 1 ? std::sqrt(static_cast<double>(spread(s.csat_n, s.csat_sq, s.csat_sum)) /
                                         (static_cast<double>(s.csat_n) * static_cast<double>(s.csat_n - 1)))
                             : kNaN;
    a.pairs = s.pairs;
    a.r_resolve_csat = kNaN;
    if (s.pairs >= 2) {
      const i128 sxx = spread(s.pairs, s.x_sq, s.x_sum), syy = spread(s.pairs, s.y_sq, s.y_sum);
      const i128 sxy = s.pairs * s.xy - static_cast<i128>(s.x_sum) * s.y_sum;
      if (sxx > 0 && syy > 0) {
        const double rr = static_cast<double>(sxy) / std::sqrt(static_cast<double>(sxx) * static_cast<double>(syy));
        a.r_resolve_csat = std::max(-1.0, std::min(1.0, rr));
      }
    }
    r.agents.push_back(std::move(a));
  }
  return r;
}

// Per course code, its non-zero days in day order: cells[begin[c] … begin[c + 1]).
struct CourseCells {
  std::vector<size_t> begin;
  std::vector<DayCount> cells;
};

Q5Result finish_q5(const StringDictionary& courses, const CourseCells& cc, int32_t first, int32_t last) {
  Q5Result r;
  r.first_day = first;
  r.last_day = last;
  const int64_t days = r.days();
  if (days == 0) return r;
  const double d = static_cast<double>(days);
  r.cells.reserve(cc.cells.size());
  for (uint32_t code : courses.sorted_codes()) {
    if (code + 1 >= cc.begin.size() || cc.begin[code] == cc.begin[code + 1]) continue;
    const DayCount* b = cc.cells.data() + cc.begin[code];
    const DayCount* e = cc.cells.data() + cc.begin[code + 1];
    int64_t sum = 0;
    i128 sq = 0;
    for (const DayCount* c = b; c != e; ++c) {
      sum += c->n;
      sq += int64_t{c->n} * c->n;
    }
    CourseRow row;
    row.course_id = courses.value(code);
    row.tickets = sum;
    row.mean = static_cast<double>(sum) / d;
    row.sd = days > 1 ? std::sqrt(static_cast<double>(spread(days, sq, sum)) / (d * (d - 1))) : kNaN;
    row.first_cell = r.cells.size();
    row.cell_count = static_cast<size_t>(e - b);
    r.cells.insert(r.cells.end(), b, e);
    const double threshold = row.mean + kSpikeSds * row.sd;
    if (std::isfinite(threshold))
      for (const DayCount* c = b; c != e; ++c)
        if (c->n >= kSpikeMinTickets && c->n > threshold)
          r.spikes.push_back({row.course_id, c->day, c->n, row.mean, row.sd, threshold});
    r.courses.push_back(std::move(row));
  }
  return r;
}

}  // namespace

// Q1 in two passes with no gathering of the resolve times. Pass 1: per category, a histogram
// of the resolve times by their top 11 bits (bucket 2048: unresolved) — which gives the
// counts too — and the exact sums. Then the bucket holding each category's order statistic k
// (p90's lower neighbour) is known, and pass 2 keeps only that bucket's times (k + 1 is in it
// too, or is the smallest time of the later buckets).
Q1Result analytics_q1(const TicketColumns& t, const RowMask* mask) {
  constexpr int kDigitBits = 11;
  constexpr uint32_t kBuckets = 1u << kDigitBits, kStride = kBuckets + 1;
  const uint8_t* cat = t.category().data();
  const int32_t* rs = t.resolve_s().data();
  const uint8_t* keep = mask ? mask->data() : nullptr;
  const size_t rows = mask ? std::min(t.size(), mask->size()) : t.size();
  int width = 0;
  while (width < 31 && (t.max_resolve_s() >> width) != 0) ++width;
  const int shift = std::max(0, width - kDigitBits);

  std::vector<uint64_t> hist(kCategoryCount * kStride, 0);
  std::vector<uint32_t> block(kCategoryCount * kStride);
  int64_t sums4[4][6] = {};  // four interleaved copies: rows of one category do not wait on each other
  for (size_t b = 0; b < rows; b += kBlockRows) {
    const size_t e = std::min(rows, b + kBlockRows);
    std::fill(block.begin(), block.end(), 0u);
    uint32_t* h = block.data();
    auto pass = [&](auto selected) {
      // A missing time is -1: as unsigned, its top bits are beyond every bucket, so the min
      // puts it in bucket 2048; and -1 + 1 adds 0 to the sum.
      auto row = [&](size_t i, size_t k, int64_t* sum) {
        const int32_t r = (rs + i)[k];
        const uint32_t c = (cat + i)[k], w = selected(i + k);
        h[c * kStride + std::min(static_cast<uint32_t>(r) >> shift, kBuckets)] += w;
        sum[c] += (r + (r < 0)) & -static_cast<int32_t>(w);
      };
      size_t i = b;
      for (; i + 4 <= e; i += 4) {
        row(i, 0, sums4[0]);
        row(i, 1, sums4[1]);
        row(i, 2, sums4[2]);
        row(i, 3, sums4[3]);
      }
      for (; i < e; ++i) row(i, 0, sums4[0]);
    };
    if (keep) pass([keep](size_t i) -> uint32_t { return keep[i]; });
    else pass([](size_t) -> uint32_t { return 1; });
    for (size_t k = 0; k < hist.size(); ++k) hist[k] += block[k];
  }
  std::array<int64_t, 6> sum{};
  for (size_t c = 0; c < kCategoryCount; ++c) sum[c] = sums4[0][c] + sums4[1][c] + sums4[2][c] + sums4[3][c];

  std::array<CategorySums, 6> sums{};
  std::array<uint32_t, 6> bucket_of{};  // the bucket holding order statistic k; kStride: none
  std::array<size_t, 6> below{};        // resolved times in the buckets before it
  for (size_t c = 0; c < kCategoryCount; ++c) {
    const uint64_t* hc = hist.data() + c * kStride;
    for (uint32_t d = 0; d < kBuckets; ++d) sums[c].resolved += static_cast<int64_t>(hc[d]);
    sums[c].count = sums[c].resolved + static_cast<int64_t>(hc[kBuckets]);
    sums[c].resolve_sum = sum[c];
    bucket_of[c] = kStride;
    if (sums[c].resolved == 0) continue;
    const size_t k = P90Position(sums[c].resolved).k;
    uint32_t d = 0;
    while (below[c] + hc[d] <= k) below[c] += static_cast<size_t>(hc[d++]);
    bucket_of[c] = d;
  }
  // Pass 2: the times of those buckets. A time that is missing (-1) or not selected is ~0 as
  // unsigned, whose bucket is beyond every real one; the one branch is rarely taken.
  std::array<std::vector<int32_t>, 6> in_bucket;
  auto pass2 = [&](auto selected) {
    for (size_t i = 0; i < rows; ++i) {
      const int32_t r = rs[i];
      const uint32_t rr = selected(i) ? static_cast<uint32_t>(r) : ~0u;  // -1 too is ~0
      const uint32_t c = cat[i];
      if ((rr >> shift) == bucket_of[c]) in_bucket[c].push_back(r);
    }
  };
  if (keep) pass2([keep](size_t i) { return keep[i] != 0; });
  else pass2([](size_t) { return true; });
  // The smallest time of category c beyond its bucket: wanted only when order statistic k is
  // the last of the bucket (rare), so found by a pass of its own then.
  auto after = [&](size_t c) {
    int32_t m = INT32_MAX;
    for (size_t i = 0; i < rows; ++i) {
      const int32_t r = rs[i];
      if (cat[i] == c && r >= 0 && (!keep || keep[i]) && (static_cast<uint32_t>(r) >> shift) > bucket_of[c])
        m = std::min(m, r);
    }
    return m;
  };
  std::array<double, 6> p90{};
  for (size_t c = 0; c < kCategoryCount; ++c) {
    if (sums[c].resolved == 0) {
      p90[c] = kNaN;
      continue;
    }
    const P90Position at(sums[c].resolved);
    std::vector<int32_t>& v = in_bucket[c];
    const size_t k = at.k - below[c];
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    const int32_t lo = v[k];
    const int32_t hi = at.tenths == 0 ? lo
                       : k + 1 < v.size() ? *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(k) + 1, v.end())
                                          : after(c);
    p90[c] = at.value(lo, hi);
  }
  return finish_q1(sums, p90);
}

Q2Result analytics_q2(const TicketColumns& t, const RowMask* mask) {
  const uint8_t* pri = t.priority().data();
  const uint8_t* tier = t.tier().data();
  const int32_t* fr = t.first_response_s().data();
  uint32_t target[4];
  for (size_t p = 0; p < kPriorityCount; ++p) target[p] = static_cast<uint32_t>(sla_target_s(kPriorities[p]));
  // Cell 2 (priority · 5 + tier) + breach; a missing first response (-1) is above every target.
  const std::vector<int64_t> cells = count_cells(
      t.size(), mask, 2 * kPriorityCount * kTierCount,
      [&](size_t i, size_t k) {
        const uint32_t p = (pri + i)[k];
        return 2 * (p * 5 + (tier + i)[k]) + (static_cast<uint32_t>((fr + i)[k]) > target[p]);
      },
      NoCells8{});
  SlaTable tn{}, tb{};
  for (size_t c = 0; c < kPriorityCount * kTierCount; ++c) {
    tn[c / 5][c % 5] = cells[2 * c] + cells[2 * c + 1];
    tb[c / 5][c % 5] = cells[2 * c + 1];
  }
  return finish_q2(tn, tb);
}

Q3Result analytics_q3(const TicketColumns& t, const RowMask* mask) {
  const uint8_t* cat = t.category().data();
  const uint8_t* chan = t.channel().data();
  const std::vector<int64_t> cells =
      count_cells(
          t.size(), mask, kCategoryCount * kChannelCount,
          [&](size_t i, size_t k) { return 6u * (cat + i)[k] + (chan + i)[k]; },
          [&](size_t i) { return times6(load8(cat + i)) + load8(chan + i); });
  Q3Result r;
  for (size_t c = 0; c < cells.size(); ++c) r.counts[c / 6][c % 6] = cells[c];
  return r;
}

namespace {

// Q4's pass: per (agent, CSAT value) the tickets (value 0: no CSAT), and per (agent, CSAT value)
// of the pairs (tickets with a resolve_s too) their count, Σx and Σx² (x = resolve_s; Σx² in two
// 64-bit halves): exact, one increment for most rows (three in four have no CSAT).
struct PairCell {
  uint64_t n = 0, x_sum = 0, x_sq_lo = 0, x_sq_hi = 0;
};
struct AgentCells {
  std::vector<uint64_t> tickets;
  std::vector<PairCell> pairs;
  explicit AgentCells(size_t cells) : tickets(cells), pairs(cells) {}
};

template <bool Masked>
void agent_pass(const TicketColumns& t, const uint8_t* keep, size_t rows, AgentCells& a) {
  const uint32_t* agent = t.agent().data();
  const uint8_t* csat = t.csat().data();
  const int32_t* rs = t.resolve_s().data();
  uint64_t* tickets = a.tickets.data();
  PairCell* pairs = a.pairs.data();
  for (size_t i = 0; i < rows; ++i) {
    if (Masked && !keep[i]) continue;
    const uint32_t y = csat[i], cell = 6 * agent[i] + y;
    ++tickets[cell];
    const int32_t x = rs[i];
    if (y != 0 && x >= 0) {
      PairCell& p = pairs[cell];
      const uint64_t sq = static_cast<uint64_t>(int64_t{x} * x);
      ++p.n;
      p.x_sum += static_cast<uint64_t>(x);
      p.x_sq_lo += sq;
      p.x_sq_hi += p.x_sq_lo < sq;
    }
  }
}

}  // namespace

Q4Result analytics_q4(const TicketColumns& t, const RowMask* mask) {
  const size_t agents = t.agents().size();
  AgentCells cells(6 * agents);
  if (mask) agent_pass<true>(t, mask->data(), std::min(t.size(), mask->size()), cells);
  else agent_pass<false>(t, nullptr, t.size(), cells);
  std::vector<AgentSums> sums(agents);
  for (size_t a = 0; a < agents; ++a) {
    AgentSums& s = sums[a];
    for (int64_t y = 0; y <= 5; ++y) {
      const size_t c = 6 * a + static_cast<size_t>(y);
      const int64_t k = static_cast<int64_t>(cells.tickets[c]);
      s.tickets += k;
      if (y == 0) continue;
      s.csat_n += k;
      s.csat_sum += y * k;
      s.csat_sq += y * y * k;
      const PairCell& pc = cells.pairs[c];
      const int64_t p = static_cast<int64_t>(pc.n);
      const int64_t xs = static_cast<int64_t>(pc.x_sum);
      s.pairs += p;
      s.x_sum += xs;
      s.y_sum += y * p;
      s.y_sq += y * y * p;
      s.x_sq += static_cast<i128>(static_cast<unsigned __int128>(pc.x_sq_hi) << 64 | pc.x_sq_lo);
      s.xy += static_cast<i128>(xs) * y;
    }
  }
  return finish_q4(t.agents(), sums);
}

Q5Result analytics_q5(const TicketColumns& t, const RowMask* mask) {
  int32_t first = 0, last = -1;
  if (!t.day_range(first, last)) return Q5Result{};
  const int32_t* day = t.day().data();
  const uint32_t* course = t.course().data();
  const uint64_t days = static_cast<uint64_t>(int64_t{last} - first + 1);
  const size_t ncourses = t.courses().size();
  CourseCells cc;
  cc.begin.assign(ncourses + 1, 0);
  if (ncourses * days <= std::max<uint64_t>(uint64_t{1} << 22, 4 * uint64_t{t.size()}) && t.size() < kBlockRows) {
    // Dense: one counter per (course, day) of the table's range, then the non-zero ones in order.
    const size_t d = static_cast<size_t>(days);
    std::vector<uint32_t> counts(ncourses * d, 0);
    uint32_t* m = counts.data();
    if (mask) {
      const uint8_t* keep = mask->data();
      const size_t rows = std::min(t.size(), mask->size());
      for (size_t i = 0; i < rows; ++i) m[course[i] * d + static_cast<size_t>(day[i] - first)] += keep[i];
    } else {
      const size_t n = t.size();
      auto cell = [&](size_t i, size_t k) { return (course + i)[k] * d + static_cast<size_t>((day + i)[k] - first); };
      size_t i = 0;
      for (; i + 4 <= n; i += 4) {
        ++m[cell(i, 0)];
        ++m[cell(i, 1)];
        ++m[cell(i, 2)];
        ++m[cell(i, 3)];
      }
      for (; i < n; ++i) ++m[cell(i, 0)];
    }
    int32_t lo = INT32_MAX, hi = INT32_MIN;  // the selected rows' range
    for (size_t c = 0; c < ncourses; ++c) {
      const uint32_t* row = m + c * d;
      for (size_t k = 0; k < d; ++k)
        if (row[k] != 0) {
          const int32_t dd = first + static_cast<int32_t>(k);
          cc.cells.push_back({dd, row[k]});
          lo = std::min(lo, dd);
          hi = std::max(hi, dd);
        }
      cc.begin[c + 1] = cc.cells.size();
    }
    if (lo > hi) return Q5Result{};
    return finish_q5(t.courses(), cc, lo, hi);
  }
  // Sparse (many courses over a long range): sort the (course, day) keys and count runs.
  std::vector<uint64_t> keys;
  each_row(t.size(), mask, [&](size_t i) {
    keys.push_back(uint64_t{course[i]} << 32 | static_cast<uint32_t>(day[i] - first));
  });
  if (keys.empty()) return Q5Result{};
  std::sort(keys.begin(), keys.end());
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    const uint32_t c = static_cast<uint32_t>(keys[i] >> 32);
    const int32_t dd = first + static_cast<int32_t>(keys[i] & 0xFFFFFFFFu);
    cc.cells.push_back({dd, static_cast<uint32_t>(j - i)});
    cc.begin[c + 1] = cc.cells.size();
    lo = std::min(lo, dd);
    hi = std::max(hi, dd);
    i = j;
  }
  for (size_t c = 0; c < ncourses; ++c) cc.begin[c + 1] = std::max(cc.begin[c + 1], cc.begin[c]);
  return finish_q5(t.courses(), cc, lo, hi);
}

// ---- JSON -------------------------------------------------------------------------------------

nlohmann::json to_json(const Q1Result& r) {
  json out = json::array();
  for (const CategoryRow& c : r.rows)
    out.push_back({{"category", to_id(c.category)},
                   {"count", c.count},
                   {"resolved", c.resolved},
                   {"resolution_rate", c.resolution_rate},
                   {"mean_resolve_s", or_null(c.mean_resolve_s)},
                   {"p90_resolve_s", or_null(c.p90_resolve_s)}});
  return out;
}

nlohmann::json to_json(const Q2Result& r) {
  json out = json::array();
  for (const SlaCell& c : r.cells)
    out.push_back({{"priority", to_id(c.priority)},
                   {"tier", to_id(c.tier)},
                   {"n", c.n},
                   {"breaches", c.breaches},
                   {"breach_rate", c.breach_rate}});
  return out;
}

nlohmann::json to_json(const Q3Result& r) {
  json cats = json::array(), chans = json::array(), counts = json::array();
  for (Category c : kCategories) cats.push_back(to_id(c));
  for (Channel c : kChannels) chans.push_back(to_id(c));
  for (const auto& row : r.counts) counts.push_back(row);
  return {{"categories", cats}, {"channels", chans}, {"counts", counts}};
}

nlohmann::json to_json(const Q4Result& r) {
  json out = json::array();
  for (const AgentRow& a : r.agents)
    out.push_back({{"agent_id", a.agent_id},
                   {"tickets", a.tickets},
                   {"csat_n", a.csat_n},
                   {"csat_mean", or_null(a.csat_mean)},
                   {"csat_sd", or_null(a.csat_sd)},
                   {"pairs", a.pairs},
                   {"r_resolve_csat", or_null(a.r_resolve_csat)}});
  return out;
}

nlohmann::json to_json(const Q5Result& r) {
  const int64_t days = r.days();
  std::vector<std::string> labels;  // one per day of the range when it is not absurdly long
  if (days > 0 && days <= 100000)
    for (int64_t k = 0; k < days; ++k) labels.push_back(analytics_day_label(static_cast<int32_t>(r.first_day + k)));
  auto label = [&](int32_t day) {
    return labels.empty() ? analytics_day_label(day) : labels[static_cast<size_t>(day - r.first_day)];
  };
  json courses = json::array(), spikes = json::array();
  for (const CourseRow& c : r.courses) {
    json counts = json::array();
    for (size_t k = c.first_cell; k < c.first_cell + c.cell_count; ++k)
      counts.push_back(json::array({label(r.cells[k].day), r.cells[k].n}));
    courses.push_back({{"course_id", c.course_id},
                       {"tickets", c.tickets},
                       {"mean", c.mean},
                       {"sd", or_null(c.sd)},
                       {"counts", std::move(counts)}});
  }
  for (const Spike& s : r.spikes)
    spikes.push_back({{"course_id", s.course_id},
                      {"day", label(s.day)},
                      {"n", s.n},
                      {"mean", s.mean},
                      {"sd", s.sd},
                      {"threshold", s.threshold}});
  return {{"first_day", days > 0 ? json(label(r.first_day)) : json(nullptr)},
          {"last_day", days > 0 ? json(label(r.last_day)) : json(nullptr)},
          {"days", days},
          {"courses", std::move(courses)},
          {"spikes", std::move(spikes)}};
}

bool analytics_json(const TicketColumns& t, std::string_view query, nlohmann::json& out, Error& err,
                    const RowMask* mask) {
  static constexpr const char* kQueries[] = {"q1", "q2", "q3", "q4", "q5"};
  const bool all = query == "all";
  if (!all && std::find(std::begin(kQueries), std::end(kQueries), query) == std::end(kQueries))
    return fail(err, "invalid_value", "query", "unknown query " + echo(query) + "; one of q1, q2, q3, q4, q5, all");
  int64_t selected = static_cast<int64_t>(t.size());
  if (mask) selected = std::count_if(mask->begin(), mask->begin() + static_cast<std::ptrdiff_t>(std::min(mask->size(), t.size())),
                                     [](uint8_t k) { return k != 0; });
  out = json{{"tickets", selected}};
  if (all || query == "q1") out["q1"] = to_json(analytics_q1(t, mask));
  if (all || query == "q2") out["q2"] = to_json(analytics_q2(t, mask));
  if (all || query == "q3") out["q3"] = to_json(analytics_q3(t, mask));
  if (all || query == "q4") out["q4"] = to_json(analytics_q4(t, mask));
  if (all || query == "q5") out["q5"] = to_json(analytics_q5(t, mask));
  return true;
}

// ---- LiveAnalytics ------------------------------------------------------------------------------

// sign +1 takes row i in, -1 takes it out. Taken-in resolve times are appended unsorted
// (sync merges them in); a taken-out one is removed from the sorted list.
void LiveAnalytics::add(const TicketColumns& t, size_t i, int sign) {
  const size_t c = t.category()[i];
  const int32_t r = t.resolve_s()[i];
  cat_[c].count += sign;
  if (r >= 0) {
    cat_[c].resolved += sign;
    cat_[c].resolve_sum += int64_t{sign} * r;
    std::vector<int32_t>& sorted = sorted_resolve_[c];
    if (sign > 0) sorted.push_back(r);
    else sorted.erase(std::lower_bound(sorted.begin(), sorted.end(), r));
  }
  const size_t p = t.priority()[i], k = t.tier()[i];
  sla_n_[p][k] += sign;
  sla_breach_[p][k] += sign * (static_cast<uint32_t>(t.first_response_s()[i]) >
                               static_cast<uint32_t>(sla_target_s(kPriorities[p])));
  cat_chan_[c][t.channel()[i]] += sign;

  if (agents_.size() < t.agents().size()) agents_.resize(t.agents().size());
  AgentSums& a = agents_[t.agent()[i]];
  a.tickets += sign;
  if (t.csat()[i] != 0) add_csat(a, t.csat()[i], r, sign);

  const int32_t day = t.day()[i];
  if ((day_total_[day] += sign) == 0) day_total_.erase(day);
  if (course_day_.size() < t.courses().size()) course_day_.resize(t.courses().size());
  std::vector<DayCount>& cells = course_day_[t.course()[i]];
  auto at = std::lower_bound(cells.begin(), cells.end(), day, [](const DayCount& x, int32_t d) { return x.day < d; });
  if (at == cells.end() || at->day != day) at = cells.insert(at, DayCount{day, 0});
  at->n += static_cast<uint32_t>(sign);
  if (at->n == 0) cells.erase(at);
}

void LiveAnalytics::sync(const TicketColumns& t) {
  if (t.size() < seen_) reset();
  std::array<size_t, 6> sorted_upto{};
  for (size_t c = 0; c < kCategoryCount; ++c) sorted_upto[c] = sorted_resolve_[c].size();
  for (; seen_ < t.size(); ++seen_) add(t, seen_, 1);
  merge_resolve_times(sorted_upto);
}

// The times appended after sorted_upto[c] sorted and merged into the sorted ones: one new
// ticket costs one binary search and a move, a first sync of n tickets O(n log n).
void LiveAnalytics::merge_resolve_times(const std::array<size_t, 6>& sorted_upto) {
  for (size_t c = 0; c < kCategoryCount; ++c) {
    std::vector<int32_t>& v = sorted_resolve_[c];
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(sorted_upto[c]);
    if (mid == v.end()) continue;
    if (v.end() - mid == 1) {
      const int32_t r = v.back();
      v.pop_back();
      v.insert(std::upper_bound(v.begin(), v.end(), r), r);
      continue;
    }
    std::sort(mid, v.end());
    std::inplace_merge(v.begin(), mid, v.end());
  }
}

bool LiveAnalytics::change(TicketColumns& t, size_t row, const TicketFacts& now, Error& err) {
  const bool counted = row < seen_;
  if (counted) add(t, row, -1);
  const bool ok = t.set(row, now, err);
  if (counted) {
    std::array<size_t, 6> sorted_upto{};
    for (size_t c = 0; c < kCategoryCount; ++c) sorted_upto[c] = sorted_resolve_[c].size();
    add(t, row, 1);  // the new facts, or the old ones back when `now` was refused
    merge_resolve_times(sorted_upto);
  }
  return ok;
}

Q1Result LiveAnalytics::q1() const {
  std::array<double, 6> p90{};
  for (size_t c = 0; c < kCategoryCount; ++c) {
    const std::vector<int32_t>& v = sorted_resolve_[c];
    const int64_t n = static_cast<int64_t>(v.size());
    if (n == 0) {
      p90[c] = kNaN;
      continue;
    }
    const P90Position at(n);
    p90[c] = at.value(v[at.k], at.tenths == 0 ? v[at.k] : v[at.k + 1]);
  }
  return finish_q1(cat_, p90);
}

Q2Result LiveAnalytics::q2() const { return finish_q2(sla_n_, sla_breach_); }

Q3Result LiveAnalytics::q3() const {
  Q3Result r;
  r.counts = cat_chan_;
  return r;
}

Q4Result LiveAnalytics::q4(const TicketColumns& t) const { return finish_q4(t.agents(), agents_); }

Q5Result LiveAnalytics::q5(const TicketColumns& t) const {
  if (day_total_.empty()) return Q5Result{};
  CourseCells cc;
  cc.begin.assign(course_day_.size() + 1, 0);
  for (size_t c = 0; c < course_day_.size(); ++c) {
    cc.cells.insert(cc.cells.end(), course_day_[c].begin(), course_day_[c].end());
    cc.begin[c + 1] = cc.cells.size();
  }
  return finish_q5(t.courses(), cc, day_total_.begin()->first, day_total_.rbegin()->first);
}

}  // namespace edudesk
