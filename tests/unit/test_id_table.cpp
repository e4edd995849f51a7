// core/id_table.h: the op-id set and map, checked against std::unordered_set / unordered_map
// through inserts, replacements, erasures and growth, and fed damaged parts.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "core/id_table.h"
#include "core/rng.h"

using namespace edudesk;

namespace {
std::set<std::string> keys_of(const IdSet& s) {
  std::set<std::string> out;
  s.for_each([&](std::string_view k) { out.emplace(k); });
  return out;
}
std::map<std::string, std::string> entries_of(const IdMap& m) {
  std::map<std::string, std::string> out;
  m.for_each([&](std::string_view k, std::string_view v) { out.emplace(k, v); });
  return out;
}
}  // namespace

TEST_CASE("an id set holds what a std::set holds through inserts, erasures and growth", "[id_table]") {
  IdSet s;
  std::set<std::string> ref;
  Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    const std::string k = "op-" + std::to_string(rng.next() % 5000) + (i % 3 ? "" : "-长一些的编号");
    if (rng.next() % 4 == 0) {
      CHECK(s.erase(k) == (ref.erase(k) == 1));
    } else {
      CHECK(s.insert(k) == ref.insert(k).second);
    }
  }
  CHECK(s.size() == ref.size());
  CHECK(keys_of(s) == ref);
  for (const std::string& k : ref) CHECK(s.contains(k));
  CHECK_FALSE(s.contains(""));
  CHECK_FALSE(s.contains("op-99999"));
  // erased and inserted again, many times: tombstones are reused or swept, never fill the table
  IdSet churn;
  for (int i = 0; i < 100000; ++i) {
    churn.insert("k" + std::to_string(i % 7));
    churn.erase("k" + std::to_string((i + 3) % 7));
  }
  CHECK(churn.size() <= 7);
  CHECK(churn.raw_slots().size() <= 64);
  CHECK(churn.raw_arena().size() < 100000);  // growth rewrote the arena with the live keys only
}

TEST_CASE("an id map keeps the latest value of a key and compares by content", "[id_table]") {
  IdMap a, b;
  a.set("e1", "t-1");
  a.set("e2", "t-2");
  a.set("e1", "t-3");
  CHECK(a.size() == 2);
  CHECK(a.get("e1") == std::optional<std::string>("t-3"));
  CHECK(a.get("e2") == std::optional<std::string>("t-2"));
  CHECK_FALSE(a.get("e3").has_value());
  b.set("e2", "t-2");
  b.set("e1", "t-3");
  CHECK(a == b);  // the same entries, added in another order
  b.set("e2", "t-9");
  CHECK(a != b);
  CHECK(b.erase("e2"));
  CHECK_FALSE(b.erase("e2"));
  CHECK(entries_of(b) == std::map<std::string, std::string>{{"e1", "t-3"}});
  IdMap empty_value;
  empty_value.set("x", "");
  CHECK(empty_value.get("x") == std::optional<std::string>(""));
}

TEST_CASE("an id table's parts restore the same table, and damaged parts are refused", "[id_table]") {
  IdMap m;
  for (int i = 0; i < 1000; ++i) m.set("demo-" + std::to_string(i), "t-" + std::to_string(i / 10));
  m.erase("demo-5");
  IdMap back;
  std::string err;
  REQUIRE(back.adopt(m.raw_arena(), m.raw_slots(), err));
  CHECK(back == m);
  CHECK(back.size() == 999);
  CHECK(back.get("demo-999") == std::optional<std::string>("t-99"));
  CHECK_FALSE(back.contains("demo-5"));
  back.set("demo-5", "t-0");  // it goes on working after a restore
  CHECK(back.get("demo-5") == std::optional<std::string>("t-0"));

  auto refused = [&](std::string arena, std::vector<uint32_t> slots) {
    IdMap t;
    t.set("kept", "?");
    std::string e;
    const bool ok = t.adopt(std::move(arena), std::move(slots), e);
    INFO(e);
    CHECK_FALSE(ok);
    CHECK_FALSE(e.empty());
    CHECK(t.empty());  // nothing half-taken
  };
  std::vector<uint32_t> slots = m.raw_slots();
  slots.pop_back();
  refused(m.raw_arena(), slots);  // not a power of two
  slots = m.raw_slots();
  for (uint32_t& s : slots)
    if (s >= 2) s = static_cast<uint32_t>(m.raw_arena().size()) + 10;  // past the arena
  refused(m.raw_arena(), slots);
  refused(m.raw_arena().substr(0, m.raw_arena().size() - 3), m.raw_slots());  // the last entry cut
  refused(m.raw_arena(), std::vector<uint32_t>(16, IdMap::kTomb));            // no empty slot: probing never ends
}
