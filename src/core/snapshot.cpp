#include "core/snapshot.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core_fingerprint.h"  // generated in the build folder by scripts/gen_core_fingerprint.py

namespace edudesk {

namespace {

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "snapshot.cpp copies integers as little-endian bytes"
#endif

constexpr char kMagic[6] = {'E', 'D', 'S', 'N', 'A', 'P'};
constexpr uint32_t kFormatVersion = 3;  // 2: op-id tables as arena + slots; 3: in parts, tickets newest first
constexpr size_t kSliceTickets = 1024;  // tickets a slice: what a start shows at a time as the bytes arrive

// How many values each enum of the State has: a byte beyond them is damage.
constexpr size_t enum_count(Role) { return std::size(kRoles); }
constexpr size_t enum_count(Category) { return std::size(kCategories); }
constexpr size_t enum_count(Priority) { return std::size(kPriorities); }
constexpr size_t enum_count(Status) { return std::size(kStatuses); }
constexpr size_t enum_count(Channel) { return std::size(kChannels); }
constexpr size_t enum_count(EntryKind) { return static_cast<size_t>(EntryKind::field_change) + 1; }
constexpr size_t enum_count(Conflict) { return static_cast<size_t>(Conflict::duplicate) + 1; }
constexpr size_t enum_count(RefundStatus) { return std::size(kRefundStatuses); }
constexpr size_t enum_count(RefundStep) { return static_cast<size_t>(RefundStep::reviewed) + 1; }
constexpr size_t enum_count(RefundRule) { return std::size(kRefundRules); }
constexpr size_t enum_count(RefundReason) { return std::size(kRefundReasons); }
constexpr size_t enum_count(GoodwillKind) { return std::size(kGoodwillKinds); }
constexpr size_t enum_count(QuestionType) { return std::size(kQuestionTypes); }
constexpr size_t enum_count(TaskKind) { return std::size(kTaskKinds); }
constexpr size_t enum_count(IncidentType) { return std::size(kIncidentTypes); }
constexpr size_t enum_count(IncidentStatus) { return std::size(kIncidentStatuses); }
constexpr size_t enum_count(SlaUpdateClock) { return std::size(kSlaUpdateClocks); }

// Integers travel at their own width, except size_t: always 8 bytes (wasm32 has a 4-byte one).
template <class T>
using Wire = std::conditional_t<std::is_same_v<T, size_t>, uint64_t, T>;
// Lists of these are copied as one block.
template <class T>
constexpr bool kBlock = std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && sizeof(Wire<T>) == sizeof(T);

// Unordered containers are written in the order the Reader inserts them fastest: by their
// bucket in a table reserved for their size (as the Reader reserves it), so consecutive inserts
// touch consecutive buckets instead of one cache miss each (1.27 million op ids: 0.33 s → 0.05 s
// natively), then by key, so the same State gives the same bytes.
template <class C>
std::vector<const typename C::value_type*> in_read_order(const C& c) {
  using Value = typename C::value_type;
  auto key = [](const Value& x) -> const std::string& {
    if constexpr (std::is_same_v<Value, std::string>) return x;
    else return x.first;
  };
  C probe;
  probe.reserve(c.size());
  const size_t buckets = std::max<size_t>(probe.bucket_count(), 1);
  std::vector<std::pair<size_t, const Value*>> order;
  order.reserve(c.size());
  for (const Value& x : c) order.emplace_back(c.hash_function()(key(x)) % buckets, &x);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : key(*a.second) < key(*b.second);
  });
  std::vector<const Value*> out;
  out.reserve(order.size());
  for (const auto& o : order) out.push_back(o.second);
  return out;
}

// JSON values (a survey's answers, skip logic) travel as a tag byte and their value.
enum class JsonTag : uint8_t { null, no, yes, integer, unsigned_integer, floating, string, array, object, binary };
constexpr int kMaxJsonDepth = 64;

// ---- the archives ----------------------------------------------------------------------------
// Every struct has ONE field list, `fields(ar, x)` below, which all three archives run: Writer
// appends the fields to the bytes, Reader reads them back in the same order, and MinSize counts
// the fewest bytes a value of the type takes, so that a count which cannot fit in the bytes
// left is refused before anything is reserved for it. The archives take non-const references
// so that one list serves both directions; the Writer never changes what it is given.
// Format: integers little-endian at their width, bool and enums one byte, lengths and counts
// as LEB128 varints (most are below 128: one byte), strings as their bytes, lists and maps as
// a count and their elements, an optional as a byte 0/1 and its value, JSON as a tag byte and
// its value (objects and arrays as counted lists).

class Writer {
 public:
  static constexpr bool reading = false;
  explicit Writer(std::string& out) : out_(out) {}

  template <class... T>
  void operator()(T&... v) { (io(v), ...); }
  void check(bool, const char*) {}
  template <class T>
  void index(const std::vector<T>&, std::unordered_map<std::string, size_t>&) {}

  void byte(char c) { out_.push_back(c); }
  void bytes(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  void count(uint64_t n) {
    char buf[10];
    size_t k = 0;
    for (; n >= 0x80; n >>= 7) buf[k++] = static_cast<char>(n | 0x80);
    buf[k++] = static_cast<char>(n);
    bytes(buf, k);
  }

  void io(bool& b) { byte(b ? 1 : 0); }
  template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
  void io(T& e) { byte(static_cast<char>(e)); }
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  void io(T& v) {
    Wire<T> w = v;
    bytes(&w, sizeof w);
  }
  void io(std::string& s) {
    count(s.size());
    bytes(s.data(), s.size());
  }
  void io(json& j) {
    auto tag = [&](JsonTag t) { byte(static_cast<char>(t)); };
    switch (j.type()) {
      case json::value_t::boolean: return tag(j.get<bool>() ? JsonTag::yes : JsonTag::no);
      case json::value_t::number_integer: return tag(JsonTag::integer), io(j.get_ref<json::number_integer_t&>());
      case json::value_t::number_unsigned:
        return tag(JsonTag::unsigned_integer), io(j.get_ref<json::number_unsigned_t&>());
      case json::value_t::number_float: return tag(JsonTag::floating), io(j.get_ref<json::number_float_t&>());
      case json::value_t::string: return tag(JsonTag::string), io(j.get_ref<std::string&>());
      case json::value_t::array: return tag(JsonTag::array), io(j.get_ref<json::array_t&>());
      case json::value_t::object:
        tag(JsonTag::object);
        count(j.size());
        for (auto& [k, v] : j.get_ref<json::object_t&>()) {
          io(const_cast<std::string&>(k));
          io(v);
        }
        return;
      case json::value_t::binary: {
        auto& b = j.get_binary();
        tag(JsonTag::binary);
        io(static_cast<std::vector<uint8_t>&>(b));
        bool has = b.has_subtype();
        uint64_t subtype = has ? b.subtype() : 0;
        return (*this)(has, subtype);
      }
      case json::value_t::null:
      case json::value_t::discarded: return tag(JsonTag::null);
    }
  }
  template <class T>
  void io(std::vector<T>& v) {
    count(v.size());
    if constexpr (kBlock<T>) bytes(v.data(), v.size() * sizeof(T));
    else for (T& x : v) io(x);
  }
  template <class T, size_t N>
  void io(std::array<T, N>& a) {
    for (T& x : a) io(x);
  }
  template <class T>
  void io(std::optional<T>& o) {
    byte(o ? 1 : 0);
    if (o) io(*o);
  }
  template <class V>
  void io(std::map<std::string, V>& m) {
    count(m.size());
    for (auto& [k, v] : m) {
      io(const_cast<std::string&>(k));
      io(v);
    }
  }
  template <class V>
  void io(std::unordered_map<std::string, V>& m) {
    count(m.size());
    for (const auto* kv : in_read_order(m)) {
      io(const_cast<std::string&>(kv->first));
      io(const_cast<V&>(kv->second));
    }
  }
  void io(std::unordered_set<std::string>& s) {
    count(s.size());
    for (const std::string* k : in_read_order(s)) io(const_cast<std::string&>(*k));
  }
  // An id table as its two parts, restored by two block copies (core/id_table.h).
  template <bool V>
  void io(IdTable<V>& t) {
    io(const_cast<std::string&>(t.raw_arena()));
    io(const_cast<std::vector<uint32_t>&>(t.raw_slots()));
  }
  template <class T>
  auto io(T& t) -> decltype(fields(*this, t)) { fields(*this, t); }

 private:
  std::string& out_;
};

class MinSize {
 public:
  size_t n = 0;

  template <class... T>
  void operator()(T&... v) { (io(v), ...); }
  void check(bool, const char*) {}
  template <class T>
  void index(const std::vector<T>&, std::unordered_map<std::string, size_t>&) {}

  void io(bool&) { n += 1; }
  template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
  void io(T&) { n += 1; }
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  void io(T&) { n += sizeof(Wire<T>); }
  void io(std::string&) { n += 1; }
  void io(json&) { n += 1; }
  template <class T>
  void io(std::vector<T>&) { n += 1; }
  template <class T, size_t N>
  void io(std::array<T, N>& a) {
    for (T& x : a) io(x);
  }
  template <class T>
  void io(std::optional<T>&) { n += 1; }
  template <class V>
  void io(std::map<std::string, V>&) { n += 1; }
  template <class V>
  void io(std::unordered_map<std::string, V>&) { n += 1; }
  void io(std::unordered_set<std::string>&) { n += 1; }
  template <bool V>
  void io(IdTable<V>&) { n += 2; }
  template <class T>
  auto io(T& t) -> decltype(fields(*this, t)) { fields(*this, t); }
};

// The fewest bytes a T takes in a snapshot (at least 1).
template <class T>
size_t min_size() {
  static const size_t n = [] {
    T t{};
    MinSize m;
    m.io(t);
    return std::max<size_t>(m.n, 1);
  }();
  return n;
}

class Reader {
 public:
  static constexpr bool reading = true;
  Reader(const char* begin, const char* end) : begin_(begin), p_(begin), end_(end) {}
  // A part of the bytes from `at`, errors counted from `begin`.
  Reader(const char* begin, const char* at, const char* end) : begin_(begin), p_(at), end_(end) {}

  bool ok() const { return ok_; }
  const std::string& error() const { return err_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const char* position() const { return p_; }
  void fail(const std::string& what) {
    if (ok_) err_ = what + " at byte " + std::to_string(p_ - begin_);
    ok_ = false;
    p_ = end_;  // every later read fails at once, without allocating
  }

  template <class... T>
  void operator()(T&... v) { (io(v), ...); }
  void check(bool good, const char* what) {
    if (!good) fail(what);
  }
  // An index id → position, rebuilt from its list (faster than storing it, and never stale).
  template <class T>
  void index(const std::vector<T>& v, std::unordered_map<std::string, size_t>& idx) {
    idx.clear();
    idx.reserve(v.size());
    for (size_t i = 0; i < v.size() && ok_; ++i)
      if (!idx.emplace(v[i].id, i).second) fail("two records with one id");
  }

  uint64_t count() {
    if (p_ != end_ && !(static_cast<uint8_t>(*p_) & 0x80)) return static_cast<uint8_t>(*p_++);
    uint64_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) {
        fail("the data ends inside a length");
        return 0;
      }
      const auto b = static_cast<uint8_t>(*p_++);
      n |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return n;
    }
    fail("a malformed length");
    return 0;
  }
  // A count of elements of type T, refused when they could not fit in the bytes left.
  template <class T>
  size_t elements(size_t min_each = min_size<T>()) {
    const uint64_t n = count();
    if (n > left() / min_each) {
      fail("a count of " + std::to_string(n) + " overruns the data (" + std::to_string(left()) + " bytes left)");
      return 0;
    }
    return static_cast<size_t>(n);
  }
  // The next `n` bytes, nullptr when there are fewer.
  const char* take(uint64_t n, const char* what) {
    if (n > left()) {
      fail(std::string(what) + " of " + std::to_string(n) + " bytes overruns the data (" +
           std::to_string(left()) + " left)");
      return nullptr;
    }
    const char* at = p_;
    p_ += n;
    return at;
  }

  void io(bool& b) {
    const char* at = take(1, "a flag");
    if (!at) return;
    if (static_cast<uint8_t>(*at) > 1) fail("a flag is neither 0 nor 1");
    b = *at == 1;
  }
  template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
  void io(T& e) {
    const char* at = take(1, "an enum");
    if (!at) return;
    const auto v = static_cast<uint8_t>(*at);
    if (v >= enum_count(T{})) return fail("an enum value out of range");
    e = static_cast<T>(v);
  }
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  void io(T& v) {
    Wire<T> w{};
    const char* at = take(sizeof w, "a number");
    if (!at) return;
    std::memcpy(&w, at, sizeof w);
    if constexpr (!std::is_same_v<Wire<T>, T>) {
      if (w > std::numeric_limits<T>::max()) return fail("a position beyond this platform's size_t");
    }
    v = static_cast<T>(w);
  }
  void io(std::string& s) {
    const uint64_t n = count();
    if (const char* at = take(n, "a string")) s.assign(at, static_cast<size_t>(n));
  }
  void io(json& j) {
    if (++json_depth_ > kMaxJsonDepth) fail("JSON nested too deep");  // damaged bytes must not exhaust the stack
    const char* at = take(1, "a JSON value");
    const auto tag = at ? static_cast<JsonTag>(*at) : JsonTag::null;
    switch (tag) {
      case JsonTag::null: j = nullptr; break;
      case JsonTag::no: j = false; break;
      case JsonTag::yes: j = true; break;
      case JsonTag::integer: read_json<json::number_integer_t>(j); break;
      case JsonTag::unsigned_integer: read_json<json::number_unsigned_t>(j); break;
      case JsonTag::floating: read_json<json::number_float_t>(j); break;
      case JsonTag::string: read_json<std::string>(j); break;
      case JsonTag::array: read_json<json::array_t>(j); break;
      case JsonTag::object: {
        const size_t n = elements<std::string>(2);  // a key and a tag at least
        j = json::object();
        auto& o = j.get_ref<json::object_t&>();
        for (size_t i = 0; i < n && ok_; ++i) {
          std::string k;
          io(k);
          const size_t before = o.size();
          auto it = o.emplace_hint(o.end(), std::move(k), nullptr);  // written in key order
          if (o.size() == before) fail("a key twice in a JSON object");
          else io(it->second);
        }
        break;
      }
      case JsonTag::binary: {
        json::binary_t::container_type bytes;
        bool has = false;
        uint64_t subtype = 0;
        (*this)(bytes, has, subtype);
        j = has ? json::binary(std::move(bytes), subtype) : json::binary(std::move(bytes));
        break;
      }
      default: fail("a damaged JSON value");
    }
    if (!ok_) j = nullptr;
    --json_depth_;
  }
  template <class T>
  void io(std::vector<T>& v) {
    const size_t n = elements<T>();
    v.clear();
    v.resize(n);
    if constexpr (kBlock<T>) {
      const char* at = take(n * sizeof(T), "a list");
      if (at && n) std::memcpy(v.data(), at, n * sizeof(T));
    } else {
      for (size_t i = 0; i < n && ok_; ++i) io(v[i]);
    }
  }
  template <class T, size_t N>
  void io(std::array<T, N>& a) {
    for (T& x : a) io(x);
  }
  template <class T>
  void io(std::optional<T>& o) {
    bool has = false;
    io(has);
    if (has) io(o.emplace());
    else o.reset();
  }
  template <class V>
  void io(std::map<std::string, V>& m) {
    const size_t n = elements<std::string>(1 + min_size<V>());
    m.clear();
    for (size_t i = 0; i < n && ok_; ++i) {
      std::string k;
      io(k);
      const size_t before = m.size();
      auto it = m.try_emplace(m.end(), std::move(k));  // written in key order: the hint is right
      if (m.size() == before) return fail("a key twice in a map");
      io(it->second);
    }
  }
  template <class V>
  void io(std::unordered_map<std::string, V>& m) {
    const size_t n = elements<std::string>(1 + min_size<V>());
    m.clear();
    m.reserve(n);
    for (size_t i = 0; i < n && ok_; ++i) {
      const uint64_t len = count();
      const char* at = take(len, "a key");
      if (!at) return;
      auto [it, fresh] = m.emplace(std::piecewise_construct, std::forward_as_tuple(at, static_cast<size_t>(len)),
                                   std::forward_as_tuple());
      if (!fresh) return fail("a key twice in a map");
      io(it->second);
    }
  }
  void io(std::unordered_set<std::string>& s) {
    const size_t n = elements<std::string>();
    s.clear();
    s.reserve(n);
    for (size_t i = 0; i < n && ok_; ++i) {
      const uint64_t len = count();
      const char* at = take(len, "a key");
      if (!at) return;
      if (!s.emplace(at, static_cast<size_t>(len)).second) return fail("a key twice in a set");
    }
  }
  template <bool V>
  void io(IdTable<V>& t) {
    std::string arena;
    std::vector<uint32_t> slots;
    (*this)(arena, slots);
    std::string err;
    if (ok_ && !t.adopt(std::move(arena), std::move(slots), err)) fail(err);
  }
  template <class T>
  auto io(T& t) -> decltype(fields(*this, t)) { fields(*this, t); }

 private:
  template <class T>
  void read_json(json& j) {
    T v{};
    io(v);
    j = std::move(v);
  }

  int json_depth_ = 0;
  const char* begin_;
  const char* p_;
  const char* end_;
  bool ok_ = true;
  std::string err_;
};

// ---- the field lists ----------------------------------------------------------------------------
// One per struct the State holds, every member in declaration order. The sizeof guards fail to
// compile when a struct changes (a member added, removed or retyped): update its list, then the
// size. They hold where the sizes are known (x86-64, libstdc++); other builds share the lists.
#if defined(__x86_64__) && defined(__GLIBCXX__)
#define EDUDESK_SNAPSHOT_SIZE(T, n) static_assert(sizeof(T) == (n), #T " changed: update its snapshot fields")
#else
#define EDUDESK_SNAPSHOT_SIZE(T, n) static_assert(true, "")
#endif

EDUDESK_SNAPSHOT_SIZE(Hlc, 16);
template <class Ar>
void fields(Ar& ar, Hlc& h) { ar(h.ms, h.counter); }

EDUDESK_SNAPSHOT_SIZE(Stamp, 48);
template <class Ar>
void fields(Ar& ar, Stamp& s) { ar(s.hlc, s.op_id); }

// ---- model.h
EDUDESK_SNAPSHOT_SIZE(Agent, 96);
template <class Ar>
void fields(Ar& ar, Agent& a) { ar(a.id, a.name, a.role, a.skills); }

EDUDESK_SNAPSHOT_SIZE(Customer, 104);
template <class Ar>
void fields(Ar& ar, Customer& c) { ar(c.id, c.name, c.phone, c.is_parent); }

EDUDESK_SNAPSHOT_SIZE(Course, 72);
template <class Ar>
void fields(Ar& ar, Course& c) { ar(c.id, c.name, c.price_fen); }

EDUDESK_SNAPSHOT_SIZE(TimelineEntry, 384);
template <class Ar>
void fields(Ar& ar, TimelineEntry& e) {
  ar(e.id, e.kind, e.author, e.at, e.hlc, e.text, e.status_from, e.status_to, e.field, e.value, e.resolution,
     e.root_cause, e.device, e.prev, e.conflict, e.kept_value);
}

EDUDESK_SNAPSHOT_SIZE(Ticket::FieldState, 8);
template <class Ar>
void fields(Ar& ar, Ticket::FieldState& f) { ar(f.entry); }

EDUDESK_SNAPSHOT_SIZE(Ticket, 704);
template <class Ar>
void fields(Ar& ar, Ticket& t) {
  ar(t.id, t.origin_op, t.number, t.customer_id, t.course_id, t.channel, t.subject, t.created_at, t.created_hlc,
     t.initial_category, t.initial_priority, t.initial_subcategory, t.initial_tier, t.initial_assignee, t.created_by,
     t.created_device, t.order_id, t.identity_checked, t.timeline, t.category, t.priority, t.status, t.subcategory,
     t.tier, t.assignee, t.incident, t.merged_into, t.resolution, t.root_cause, t.updated_at, t.first_response_at,
     t.status_by, t.category_by, t.priority_by, t.assignee_by, t.subcategory_by, t.tier_by, t.incident_by,
     t.merged_by);
  // the fold indexes the timeline with these
  const auto size = static_cast<int64_t>(t.timeline.size());
  for (const Ticket::FieldState* f : {&t.status_by, &t.category_by, &t.priority_by, &t.assignee_by,
                                     &t.subcategory_by, &t.tier_by, &t.incident_by, &t.merged_by})
    ar.check(f->entry >= -1 && f->entry < size, "a ticket's field points past its timeline");
}

// ---- orders.h, refund_policy.h
EDUDESK_SNAPSHOT_SIZE(Order, 176);
template <class Ar>
void fields(Ar& ar, Order& o) {
  ar(o.id, o.customer_id, o.course_id, o.paid_fen, o.paid_at, o.lessons_total, o.lessons_attended,
     o.materials_shipped, o.materials_fee_fen, o.refunded_by);
}

EDUDESK_SNAPSHOT_SIZE(RefundEvent, 232);
template <class Ar>
void fields(Ar& ar, RefundEvent& e) {
  ar(e.id, e.step, e.by, e.at, e.hlc, e.text, e.value, e.paid_approval, e.conflict, e.kept_value);
}

EDUDESK_SNAPSHOT_SIZE(RefundFacts, 72);
template <class Ar>
void fields(Ar& ar, RefundFacts& f) {
  ar(f.paid_fen, f.paid_at_ms, f.requested_at_ms, f.lessons_total, f.lessons_attended, f.materials_shipped,
     f.materials_fee_fen, f.reason, f.verified, f.fault_affected_lessons);
}

EDUDESK_SNAPSHOT_SIZE(Refund, 672);
template <class Ar>
void fields(Ar& ar, Refund& r) {
  ar(r.id, r.origin_op, r.ticket_id, r.order_id, r.customer_id, r.course_id, r.facts, r.rule, r.refund_fen,
     r.policy_id, r.explanation, r.quoted_by, r.quoted_at, r.quoted_hlc, r.events, r.status, r.approver_role,
     r.approved_by, r.approval_op, r.payment_ref, r.paid_at, r.closed_reason, r.root_cause, r.review_note,
     r.updated_at);
}

EDUDESK_SNAPSHOT_SIZE(Goodwill, 232);
template <class Ar>
void fields(Ar& ar, Goodwill& g) {
  ar(g.id, g.ticket_id, g.customer_id, g.kind, g.amount_fen, g.expires_at, g.days, g.course_id, g.note, g.by, g.at);
}

EDUDESK_SNAPSHOT_SIZE(Authority, 32);
template <class Ar>
void fields(Ar& ar, Authority& a) { ar(a.refund_limit_fen, a.any_rule, a.coupon_limit_fen, a.extension_limit_days); }

EDUDESK_SNAPSHOT_SIZE(RefundPolicy, 192);
template <class Ar>
void fields(Ar& ar, RefundPolicy& p) {
  ar(p.id, p.version, p.cooling_off_hours, p.cooling_off_max_lessons, p.utc_offset_minutes, p.junior, p.mid,
     p.senior, p.supervisor);
}

// ---- survey.h, survey_model.h
EDUDESK_SNAPSHOT_SIZE(SurveyOption, 64);
template <class Ar>
void fields(Ar& ar, SurveyOption& o) { ar(o.value, o.label); }

EDUDESK_SNAPSHOT_SIZE(ShowIf, 56);
template <class Ar>
void fields(Ar& ar, ShowIf& s) { ar(s.question, s.in); }

EDUDESK_SNAPSHOT_SIZE(Question, 216);
template <class Ar>
void fields(Ar& ar, Question& q) {
  ar(q.id, q.type, q.text, q.required, q.options, q.min, q.max, q.demographic, q.show_if);
}

EDUDESK_SNAPSHOT_SIZE(SurveySection, 56);
template <class Ar>
void fields(Ar& ar, SurveySection& s) { ar(s.title, s.questions); }

EDUDESK_SNAPSHOT_SIZE(SurveySchema, 128);
template <class Ar>
void fields(Ar& ar, SurveySchema& s) { ar(s.id, s.title, s.version, s.kind, s.sections); }

EDUDESK_SNAPSHOT_SIZE(PublishedSurvey, 216);
template <class Ar>
void fields(Ar& ar, PublishedSurvey& p) { ar(p.schema, p.op_id, p.by, p.at, p.hlc); }

EDUDESK_SNAPSHOT_SIZE(SurveySend, 152);
template <class Ar>
void fields(Ar& ar, SurveySend& s) { ar(s.id, s.survey_id, s.ticket_id, s.customer_id, s.channel, s.at, s.opened_at); }

EDUDESK_SNAPSHOT_SIZE(SurveyResponse, 304);
template <class Ar>
void fields(Ar& ar, SurveyResponse& r) {
  ar(r.op_id, r.response_id, r.survey_id, r.version_op, r.ticket_id, r.customer_id, r.mode, r.answers, r.by, r.at,
     r.hlc, r.current, r.resent);
}

// ---- workflow_model.h
EDUDESK_SNAPSHOT_SIZE(Task, 376);
template <class Ar>
void fields(Ar& ar, Task& t) {
  ar(t.id, t.kind, t.ticket_id, t.customer_id, t.course_id, t.order_id, t.title, t.assignee, t.due_at, t.created_at,
     t.derived, t.done, t.cancelled, t.outcome, t.done_by, t.done_at, t.done_stamp);
}

EDUDESK_SNAPSHOT_SIZE(Incident::Check, 88);
template <class Ar>
void fields(Ar& ar, Incident::Check& c) { ar(c.item, c.done, c.by); }

EDUDESK_SNAPSHOT_SIZE(Incident, 344);
template <class Ar>
void fields(Ar& ar, Incident& i) {
  ar(i.id, i.type, i.title, i.course_id, i.category, i.status, i.checklist, i.review_by, i.review, i.root_cause,
     i.created_at, i.resolved_at, i.created_by, i.status_by);
}

// ---- kb.h, sla.h
EDUDESK_SNAPSHOT_SIZE(KbEntry, 160);
template <class Ar>
void fields(Ar& ar, KbEntry& e) { ar(e.id, e.category, e.subcategory, e.title, e.keywords, e.body); }

EDUDESK_SNAPSHOT_SIZE(SlaTarget, 16);
template <class Ar>
void fields(Ar& ar, SlaTarget& t) { ar(t.first_response_ms, t.resolution_ms); }

EDUDESK_SNAPSHOT_SIZE(SlaDayHours, 12);
template <class Ar>
void fields(Ar& ar, SlaDayHours& h) { ar(h.open, h.open_minute, h.close_minute); }

EDUDESK_SNAPSHOT_SIZE(SlaEscalation, 2);
template <class Ar>
void fields(Ar& ar, SlaEscalation& e) { ar(e.notify_supervisor, e.raise_priority); }

EDUDESK_SNAPSHOT_SIZE(SlaPolicy, 616);
template <class Ar>
void fields(Ar& ar, SlaPolicy& p) {
  ar(p.name, p.targets, p.business_time, p.hours, p.utc_offset_minutes, p.holidays, p.makeup_days,
     p.update_interval_ms, p.update_after_ms, p.update_clock, p.soon_percent, p.soon_ms, p.escalation);
}

// ---- state.h
EDUDESK_SNAPSHOT_SIZE(State::Schedule, 72);
template <class Ar>
void fields(Ar& ar, State::Schedule& s) { ar(s.sessions, s.by); }

EDUDESK_SNAPSHOT_SIZE(State::KbEdit, 216);
template <class Ar>
void fields(Ar& ar, State::KbEdit& e) { ar(e.entry, e.by); }

// The State is written in parts (format 3) so that a start can show it while it arrives
// (SnapshotLoader): first what the inbox needs beside the tickets (agents, customers, courses,
// surveys, incidents, the SLA policy: 2.5 MB at 100,000 tickets), then the tickets newest first
// in slices of kSliceTickets, then the parts nobody looks at first, one at a time: refunds and
// orders, survey sends, responses and tasks, and the op-id tables. Every member of the State is
// in exactly one list below (the tickets: SnapshotLoader::step and snapshot_write).
EDUDESK_SNAPSHOT_SIZE(State, 2112);
template <class Ar>
void part_before_tickets(Ar& ar, State& s) {
  ar(s.agents, s.customers, s.courses, s.max_ticket_number, s.revision);
  ar(s.policies, s.policy_stamps, s.surveys, s.csat_timing, s.csat_timing_by);
  ar(s.incidents, s.course_schedules, s.kb_edits, s.kb_revision, s.sla_policy, s.sla_policy_by);
  // the id → position indexes are not written: reading rebuilds them from their lists
  ar.index(s.agents, s.agent_index);
  ar.index(s.customers, s.customer_index);
  ar.index(s.courses, s.course_index);
  ar.index(s.incidents, s.incident_index);
  ar.check(!s.policies.empty() && s.policies.size() == s.policy_stamps.size(),
           "the refund policies and their stamps differ in number");
}
// The parts after the tickets.
constexpr int kPartsAfterTickets = 4;
template <class Ar>
void part_after_tickets(Ar& ar, State& s, int k) {
  if (k == 0) {
    ar(s.orders, s.refunds, s.goodwill, s.op_refund, s.survey_sends);
    ar.index(s.orders, s.order_index);
    ar.index(s.refunds, s.refund_index);
  } else if (k == 1) {
    ar(s.responses, s.response_groups, s.tasks, s.op_task, s.op_incident);
    ar.index(s.tasks, s.task_index);
    if constexpr (Ar::reading) {
      for (const auto& [key, positions] : s.response_groups)
        for (size_t i : positions) ar.check(i < s.responses.size(), "a response group points past the responses");
    }
  } else if (k == 2) {
    ar(s.applied_ops);
  } else {
    ar(s.op_ticket);
  }
}

#undef EDUDESK_SNAPSHOT_SIZE

}  // namespace

const char* snapshot_fingerprint() { return EDUDESK_CORE_FINGERPRINT; }

namespace {
// A part of the payload: its byte length (8 bytes, little-endian), then its bytes.
template <class F>
void write_part(std::string& out, F&& f) {
  const size_t at = out.size();
  out.append(sizeof(uint64_t), '\0');
  Writer w(out);
  f(w);
  const uint64_t n = out.size() - at - sizeof(uint64_t);
  std::memcpy(&out[at], &n, sizeof n);
}
// The next part when all of its bytes are there: a Reader over it. Nothing when they are not
// there yet (`wait`) or when the part is damaged (the loader has failed).
std::optional<Reader> next_part(const char* data, size_t size, size_t available, size_t& pos,
                                 const char* payload, bool& wait, std::string& damage) {
  wait = false;
  if (size - pos < sizeof(uint64_t)) {
    damage = "truncated: a part's length is cut at byte " + std::to_string(data + pos - payload);
    return std::nullopt;
  }
  if (available - pos < sizeof(uint64_t)) return wait = true, std::nullopt;
  uint64_t n = 0;
  std::memcpy(&n, data + pos, sizeof n);
  if (n > size - pos - sizeof n) {
    damage = "a part of " + std::to_string(n) + " bytes overruns the data (" + std::to_string(size - pos - sizeof n) +
             " bytes left) at byte " + std::to_string(data + pos - payload);
    return std::nullopt;
  }
  if (n > available - pos - sizeof n) return wait = true, std::nullopt;
  const char* at = data + pos + sizeof n;
  pos += sizeof n + static_cast<size_t>(n);
  return Reader(payload, at, at + n);
}

}  // namespace

std::string snapshot_write(const State& s) {
  std::string out;
  snapshot_write(s, out);
  return out;
}

void snapshot_write(const State& s, std::string& out) {
  out.append(kMagic, sizeof kMagic);
  Writer w(out);
  uint32_t version = kFormatVersion;
  std::string fingerprint = snapshot_fingerprint();
  uint64_t payload = 0;  // filled in below
  w(version, fingerprint, payload);
  const size_t payload_at = out.size();
  State& st = const_cast<State&>(s);  // the Writer only reads (see the archives)
  write_part(out, [&](Writer& p) {
    part_before_tickets(p, st);
    p.count(st.tickets.size());
  });
  // newest first: what the inbox shows first (newest at the top) arrives first
  for (size_t end = st.tickets.size(); end > 0;) {
    const size_t begin = end > kSliceTickets ? end - kSliceTickets : 0;
    write_part(out, [&](Writer& p) {
      p.count(end - begin);
      for (size_t i = end; i-- > begin;) p.io(st.tickets[i]);
    });
    end = begin;
  }
  for (int k = 0; k < kPartsAfterTickets; ++k) write_part(out, [&](Writer& p) { part_after_tickets(p, st, k); });
  payload = out.size() - payload_at;
  std::memcpy(&out[payload_at - sizeof payload], &payload, sizeof payload);
}

void SnapshotLoader::start(State& into, const char* data, size_t size) {
  *this = SnapshotLoader();
  state_ = &into;
  *state_ = State();
  data_ = data;
  size_ = size;
}

SnapshotLoader::Step SnapshotLoader::refuse(const std::string& why) {
  if (state_) *state_ = State();
  err_ = "snapshot: " + why;
  stage_ = Stage::failed;
  return Step::failed;
}

SnapshotLoader::Step SnapshotLoader::step(size_t available, size_t max_tickets) {
  if (stage_ == Stage::done) return Step::done;
  if (stage_ == Stage::failed || !state_) return Step::failed;
  State& s = *state_;
  available = std::min(available, size_);
  if (stage_ == Stage::header) {
    if (size_ == 0 || !data_) return refuse("empty");
    if (available < sizeof kMagic && available < size_) return Step::wait;
    if (size_ < sizeof kMagic || std::memcmp(data_, kMagic, sizeof kMagic) != 0) return refuse("not a snapshot (bad magic)");
    Reader header(data_ + sizeof kMagic, data_ + available);
    uint32_t version = 0;
    std::string fingerprint;
    uint64_t payload = 0;
    header(version, fingerprint, payload);
    if (!header.ok() && available < size_) return Step::wait;  // the rest of the header is on its way
    if (!header.ok()) return refuse("truncated header (" + header.error() + ")");
    if (version != kFormatVersion)
      return refuse("format version " + std::to_string(version) + ", this build reads version " +
                    std::to_string(kFormatVersion));
    if (fingerprint != snapshot_fingerprint()) {
      std::string theirs = fingerprint.substr(0, 16);  // damaged bytes must not break the line
      for (char& c : theirs)
        if (c < 0x20 || c > 0x7e) c = '?';
      return refuse("written by another build of the core (fingerprint " + theirs + "…, this build " +
                    std::string(snapshot_fingerprint()).substr(0, 16) + "…)");
    }
    pos_ = static_cast<size_t>(header.position() - data_);
    const size_t left = size_ - pos_;
    if (payload != left)
      return refuse(payload > left ? "truncated: " + std::to_string(left) + " of " + std::to_string(payload) +
                                         " bytes of data"
                                   : std::to_string(left - payload) + " bytes after the end");
    payload_ = data_ + pos_;
    stage_ = Stage::before_tickets;
  }
  bool wait = false;
  std::string damage;
  auto part = [&]() { return next_part(data_, size_, available, pos_, payload_, wait, damage); };
  // A part read whole: damaged, or bytes left unread in it, fails the loader.
  auto finish = [&](Reader& r) {
    if (r.ok() && r.left() != 0) r.fail("unread bytes in a part");
    return r.ok();
  };
  if (stage_ == Stage::before_tickets) {
    auto r = part();
    if (!r) return wait ? Step::wait : refuse(damage);
    part_before_tickets(*r, s);
    const uint64_t n = r->count();
    if (!finish(*r)) return refuse(r->error());
    if (n > (size_ - pos_) / min_size<Ticket>()) return refuse("a count of " + std::to_string(n) + " tickets overruns the data at byte " + std::to_string(pos_ - (payload_ - data_)));
    tickets_total_ = static_cast<size_t>(n);
    s.tickets.reserve(tickets_total_);  // no move of the tickets shown while the others arrive
    s.ticket_index.reserve(tickets_total_);
    revision_ = s.revision;
    s.revision = kArrivingRevision;  // views cache on it: every slice is a change
    stage_ = Stage::tickets;
  }
  size_t budget = max_tickets;
  while (stage_ == Stage::tickets) {
    if (s.tickets.size() == tickets_total_) {
      stage_ = Stage::after_tickets;
      break;
    }
    if (budget == 0) return Step::more;
    auto r = part();
    if (!r) return wait ? Step::wait : refuse(damage);
    const uint64_t k = r->count();
    if (k == 0 || k > tickets_total_ - s.tickets.size()) return refuse("a slice of " + std::to_string(k) + " tickets does not fit their count at byte " + std::to_string(pos_ - (payload_ - data_)));
    for (uint64_t i = 0; i < k && r->ok(); ++i) {
      s.tickets.emplace_back();
      r->io(s.tickets.back());
      if (r->ok() && !s.ticket_index.emplace(s.tickets.back().id, s.tickets.size() - 1).second)
        r->fail("two records with one id");
    }
    if (!finish(*r)) return refuse(r->error());
    ++s.revision;
    budget -= std::min<size_t>(budget, static_cast<size_t>(k));
  }
  // The parts after the tickets, one a step when the caller spreads the work.
  while (stage_ == Stage::after_tickets) {
    if (budget == 0) return Step::more;
    auto r = part();
    if (!r) return wait ? Step::wait : refuse(damage);
    part_after_tickets(*r, s, after_);
    if (!finish(*r)) return refuse(r->error());
    if (++after_ == kPartsAfterTickets) stage_ = Stage::finish;
    if (max_tickets != SIZE_MAX) budget = 0;
  }
  if (pos_ != size_) return refuse("unread bytes after the State");
  // The tickets arrived newest first: back into creation order, and their index with them.
  std::reverse(s.tickets.begin(), s.tickets.end());
  const size_t last = s.tickets.size() - 1;
  for (auto& [id, at] : s.ticket_index) at = last - at;
  s.revision = revision_;
  stage_ = Stage::done;
  return Step::done;
}

bool snapshot_read(const char* data, size_t size, State& out, std::string& err) {
  SnapshotLoader loader;
  loader.start(out, data, size);
  const bool ok = loader.step(size, SIZE_MAX) == SnapshotLoader::Step::done;
  if (!ok) err = loader.error();
  return ok;
}

}  // namespace edudesk
