#pragma once
// Which characters the desk's data holds (issue 8: "the atlas gains glyphs when the data
// needs them"). The Desk notes the text of every Op it applies, and the UI what the agent
// types or pastes; the UI takes the characters seen since it last asked and fetches glyphs
// for those the font atlas lacks. ASCII is always in the atlas and is not recorded.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace edudesk {

class TextCodepoints {
 public:
  static constexpr uint32_t kLimit = 0x110000;  // one past the last Unicode code point

  TextCodepoints() : bits_(kLimit / 64, 0) {}

  // Every code point ≥ U+0080 of valid UTF-8 text (invalid bytes are skipped).
  void note(std::string_view utf8);
  // Every string in a JSON value, keys included (a survey's answers are keyed by text).
  void note(const nlohmann::json& j);
  void note_codepoint(uint32_t cp) {
    if (cp < 0x80 || cp >= kLimit) return;
    uint64_t& w = bits_[cp >> 6];
    const uint64_t m = uint64_t{1} << (cp & 63);
    if (w & m) return;
    w |= m;
    ++count_;
    fresh_.push_back(cp);
  }

  bool seen(uint32_t cp) const { return cp < kLimit && (bits_[cp >> 6] >> (cp & 63) & 1); }
  size_t size() const { return count_; }
  // The code points first seen since the last call, in the order they were seen.
  std::vector<uint32_t> take_new();
  // Every code point seen, ascending (what a snapshot keeps: the State's text without reading it).
  std::vector<uint32_t> all() const;

 private:
  std::vector<uint64_t> bits_;
  std::vector<uint32_t> fresh_;
  size_t count_ = 0;
};

}  // namespace edudesk
