// The characters the desk's data needs glyphs for (app/text_codepoints.h): every code point
// beyond ASCII, up to the supplementary planes where rare surnames live, each reported once.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "app/desk.h"
#include "app/text_codepoints.h"
#include "core/utf8.h"
#include "support.h"

using namespace edudesk;
using nlohmann::json;

TEST_CASE("text codepoints: each character beyond ASCII is reported once, in the order seen") {
  TextCodepoints t;
  t.note(std::string_view("Python 第12节 黑屏"));
  CHECK(t.take_new() == std::vector<uint32_t>{0x7B2C, 0x8282, 0x9ED1, 0x5C4F});
  t.note(std::string_view("黑屏 again, 視頻"));  // 黑屏 seen before; traditional 視頻 is new
  CHECK(t.take_new() == std::vector<uint32_t>{0x8996, 0x983B});
  CHECK(t.take_new().empty());
  CHECK(t.size() == 6);
  CHECK_FALSE(t.seen('P'));  // ASCII is always in the atlas
}

TEST_CASE("text codepoints: rare surnames of CJK extensions A and B, emoji; bad bytes are stepped over") {
  TextCodepoints t;
  // 㑇 (U+3447, extension A), 𠇔 (U+201D4, extension B: four bytes), 喆 (not in GB2312)
  t.note(std::string_view("\xE3\x91\x87\xF0\xA0\x87\x94\xE5\x96\x86"));
  CHECK(t.take_new() == std::vector<uint32_t>{0x3447, 0x201D4, 0x5586});
  // a truncated sequence, a stray continuation byte and an invalid lead byte: skipped, and
  // the valid character after each is still read
  t.note(std::string_view("\xE5\x96" "a" "\x80" "\xFF" "\xE5\x90\x95" "\xF0\xA0"));
  CHECK(t.take_new() == std::vector<uint32_t>{0x5415});  // 吕
  t.note_codepoint(0x110000);  // beyond Unicode
  CHECK(t.take_new().empty());
  CHECK(t.all() == std::vector<uint32_t>{0x3447, 0x5415, 0x5586, 0x201D4});
}

TEST_CASE("text codepoints: every string of a JSON value, keys too") {
  TextCodepoints t;
  t.note(json{{"name", "张喆"}, {"answers", {{"满意度", 5}}}, {"tags", {"退款", json(nullptr)}}});
  const std::vector<uint32_t> all = t.all();
  for (uint32_t cp : {0x5F20u, 0x5586u, 0x6EE1u, 0x610Fu, 0x5EA6u, 0x9000u, 0x6B3Eu}) {
    INFO(std::hex << cp);
    CHECK(t.seen(cp));
  }
  CHECK(all.size() == 7);
}

TEST_CASE("a desk notes the text of what it applies: its own changes, and Ops from elsewhere") {
  edudesk::test::ManualStore store;
  Desk d(store, "d-");
  d.text_codepoints().take_new();
  Op op;
  op.id = "o-1";
  op.type = op_type::customer_created;
  op.at = 1;
  op.by = "system";
  op.hlc = Hlc{1, 0};
  op.data = {{"customer_id", "c-1"}, {"name", "\xE3\x91\x87\xE5\x96\x86"}, {"phone", "13800000000"}};  // 㑇喆
  sync::PullResponse page;
  page.ops.push_back({1, op});
  page.cursor = 1;
  d.receive(page);
  CHECK(d.text_codepoints().take_new() == std::vector<uint32_t>{0x3447, 0x5586});
  // an Op the core refuses is not in the State, and neither is its text
  Op bad = op;
  bad.id = "o-2";
  bad.type = "no.such_type";
  bad.data["name"] = "\xE5\x96\x86\xE4\xB8\x80";  // 喆一
  page.ops = {{2, bad}};
  page.cursor = 2;
  d.receive(page);
  CHECK_FALSE(d.text_codepoints().seen(0x4E00));
}

TEST_CASE("next_codepoint walks any bytes: valid text decoded, a malformed or cut sequence is U+FFFD and one byte") {
  auto walk = [](std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
      const size_t before = i;
      out.push_back(next_codepoint(s, i));
      REQUIRE(i > before);
      REQUIRE(i <= s.size());
    }
    return out;
  };
  CHECK(walk("a吕𠇔") == std::vector<uint32_t>{'a', 0x5415, 0x201D4});
  CHECK(walk("\xE5\x96" "a") == std::vector<uint32_t>{kReplacementChar, kReplacementChar, 'a'});  // lead, continuation, then a
  CHECK(walk("\x80\xFF") == std::vector<uint32_t>{kReplacementChar, kReplacementChar});
  CHECK(walk("\xF0\xA0\x87") == std::vector<uint32_t>{kReplacementChar, kReplacementChar, kReplacementChar});  // cut at the end
}
