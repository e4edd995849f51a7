#pragma once
// IdSet and IdMap: the State's op-id bookkeeping (applied_ops, op_ticket, …), 1.3 million
// ids at 100,000 tickets. Every key and value lives in one byte arena and the table is one
// array of 32-bit slots (open addressing, linear probing), so there is no allocation per id and
// a snapshot restores a table as two block copies instead of 1.3 million inserts (issue 8's warm
// start: in WASM the inserts cost 0.43 s of a 0.96 s restore). The hash is FNV-1a, the same on
// every platform, so a restored table is found where it was written.
//
// Erase leaves a tombstone and its bytes in the arena; both go at the next rebuild (when the
// slots are half used, or the arena holds more dead entries than live ones), which writes the
// arena anew with the live entries only. Views returned by keys are valid until the
// next insert or erase.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edudesk {

template <bool kValues>
class IdTable {
 public:
  // Slot values: 0 empty, 1 a tombstone, else the entry's offset in the arena + 2.
  static constexpr uint32_t kEmpty = 0, kTomb = 1;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { *this = IdTable(); }
  size_t count(std::string_view key) const { return find_slot(key) != npos ? 1 : 0; }
  bool contains(std::string_view key) const { return count(key) != 0; }

  // Adds `key` (IdSet). False when it was there already.
  bool insert(std::string_view key) {
    static_assert(!kValues, "IdMap::set");
    return put(key, {}, false);
  }
  // Sets key → value (IdMap), replacing an earlier value.
  void set(std::string_view key, std::string_view value) {
    static_assert(kValues, "IdSet::insert");
    put(key, value, true);
  }
  // The value of `key` (IdMap), nullopt when it has none.
  std::optional<std::string> get(std::string_view key) const {
    static_assert(kValues, "IdSet has no values");
    const size_t at = find_slot(key);
    if (at == npos) return std::nullopt;
    return std::string(value_at(slots_[at] - 2));
  }
  bool erase(std::string_view key) {
    const size_t at = find_slot(key);
    if (at == npos) return false;
    slots_[at] = kTomb;
    --size_;
    ++garbage_;
    return true;
  }

  // Every entry, in slot order: f(key) for a set, f(key, value) for a map.
  template <class F>
  void for_each(F&& f) const {
    for (uint32_t s : slots_) {
      if (s < 2) continue;
      if constexpr (kValues) f(key_at(s - 2), value_at(s - 2));
      else f(key_at(s - 2));
    }
  }

  // The same entries (and values), whatever the order they were added in.
  bool operator==(const IdTable& o) const {
    if (size_ != o.size_) return false;
    bool same = true;
    for (uint32_t s : slots_) {
      if (s < 2 || !same) continue;
      const size_t at = o.find_slot(key_at(s - 2));
      if (at == npos) same = false;
      else if constexpr (kValues) same = value_at(s - 2) == o.value_at(o.slots_[at] - 2);
    }
    return same;
  }
  bool operator!=(const IdTable& o) const { return !(*this == o); }

  // ---- the raw parts, for core/snapshot.cpp
  const std::string& raw_arena() const { return arena_; }
  const std::vector<uint32_t>& raw_slots() const { return slots_; }
  // Takes a table written by raw_arena/raw_slots. False (the table left empty) with `err` when
  // the parts are damaged: a slot count that is not a power of two, a slot or an entry that
  // overruns the arena, a table too full to probe. Never reads out of bounds.
  bool adopt(std::string arena, std::vector<uint32_t> slots, std::string& err);

 private:
  static constexpr size_t npos = static_cast<size_t>(-1);

  static uint64_t hash(std::string_view k) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : k) h = (h ^ c) * 1099511628211ull;
    return h ^ (h >> 29);
  }
  static uint32_t read_u32(const char* p) {
    return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
           static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
  }
  void append_u32(uint32_t v) {
    const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 24)};
    arena_.append(b, 4);
  }
  // An entry: u32 key length, the key, and for a map u32 value length and the value.
  std::string_view key_at(uint32_t off) const { return {arena_.data() + off + 4, read_u32(arena_.data() + off)}; }
  std::string_view value_at(uint32_t off) const {
    const uint32_t v = off + 4 + read_u32(arena_.data() + off);
    return {arena_.data() + v + 4, read_u32(arena_.data() + v)};
  }

  size_t find_slot(std::string_view key) const {
    if (slots_.empty()) return npos;
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      const uint32_t s = slots_[i];
      if (s == kEmpty) return npos;
      if (s != kTomb && key_at(s - 2) == key) return i;
    }
  }
  uint32_t append_entry(std::string_view key, std::string_view value) {
    const size_t off = arena_.size();
    if (off + 8 + key.size() + value.size() > UINT32_MAX - 2) throw std::length_error("IdTable: arena over 4 GB");
    append_u32(static_cast<uint32_t>(key.size()));
    arena_.append(key);
    if (kValues) {
      append_u32(static_cast<uint32_t>(value.size()));
      arena_.append(value);
    }
    return static_cast<uint32_t>(off) + 2;
  }
  bool put(std::string_view key, std::string_view value, bool replace) {
    // full of live entries and tombstones, or an arena mostly of erased and replaced entries
    if ((used_ + 1) * 2 > slots_.size() || garbage_ > size_ + 64) grow();
    const size_t mask = slots_.size() - 1;
    size_t tomb = npos;
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      const uint32_t s = slots_[i];
      if (s == kEmpty) {
        const size_t at = tomb != npos ? tomb : i;
        if (tomb == npos) ++used_;
        slots_[at] = append_entry(key, value);
        ++size_;
        return true;
      }
      if (s == kTomb) {
        if (tomb == npos) tomb = i;
      } else if (key_at(s - 2) == key) {
        if (replace && value_at(s - 2) != value) slots_[i] = append_entry(key, value), ++garbage_;
        return false;
      }
    }
  }
  // Doubles the slots (or keeps their number when tombstones filled them) and rewrites the
  // arena with the live entries only.
  void grow() {
    IdTable next;
    size_t n = 16;
    while (n < (size_ + 1) * 4) n *= 2;
    next.slots_.assign(n, kEmpty);
    next.arena_.reserve(arena_.size());
    for (uint32_t s : slots_) {
      if (s < 2) continue;
      if constexpr (kValues) next.put(key_at(s - 2), value_at(s - 2), true);
      else next.put(key_at(s - 2), {}, false);
    }
    *this = std::move(next);
  }

  std::string arena_;
  std::vector<uint32_t> slots_;
  size_t size_ = 0;  // live entries
  size_t used_ = 0;     // live entries and tombstones: what probing has to step over
  size_t garbage_ = 0;  // entries in the arena no slot points to (erased or replaced)
};

template <bool kValues>
bool IdTable<kValues>::adopt(std::string arena, std::vector<uint32_t> slots, std::string& err) {
  clear();
  auto fail = [&](const char* what) {
    err = what;
    return false;
  };
  if (!slots.empty() && (slots.size() < 16 || (slots.size() & (slots.size() - 1))))
    return fail("an id table's size is not a power of two");
  if (arena.size() > UINT32_MAX - 2) return fail("an id table's arena is over 4 GB");
  const size_t n = arena.size();
  // the arena is a run of whole entries
  size_t entries = 0;
  for (size_t off = 0; off < n; ++entries) {
    for (int part = 0; part < (kValues ? 2 : 1); ++part) {
      if (off + 4 > n) return fail("an id table's arena ends inside an entry");
      off += 4 + size_t{read_u32(arena.data() + off)};
      if (off > n) return fail("an id table's arena ends inside an entry");
    }
  }
  size_t live = 0, used = 0;
  for (uint32_t s : slots) {
    if (s == kEmpty) continue;
    ++used;
    if (s == kTomb) continue;
    ++live;
    size_t off = s - 2;
    if (off + 4 > n) return fail("an id table's slot points past its arena");
    off += 4 + read_u32(arena.data() + off);
    if (off > n) return fail("an id table's key overruns its arena");
    if (kValues) {
      if (off + 4 > n) return fail("an id table's value overruns its arena");
      off += 4 + read_u32(arena.data() + off);
      if (off > n) return fail("an id table's value overruns its arena");
    }
  }
  if (used * 2 > slots.size()) return fail("an id table is too full");  // probing must meet an empty slot
  arena_ = std::move(arena);
  slots_ = std::move(slots);
  size_ = live;
  used_ = used;
  garbage_ = entries >= live ? entries - live : 0;
  return true;
}

using IdSet = IdTable<false>;
using IdMap = IdTable<true>;

}  // namespace edudesk
