#include "app/text_codepoints.h"

#include "core/utf8.h"

namespace edudesk {

void TextCodepoints::note(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {  // the common case: skip ASCII quickly
      ++i;
      continue;
    }
    // The text may not be valid yet (a field mid-edit): a malformed sequence is stepped over.
    const uint32_t cp = next_codepoint(s, i);
    if (cp != kReplacementChar) note_codepoint(cp);
  }
}

void TextCodepoints::note(const nlohmann::json& j) {
  if (j.is_string()) {
    note(std::string_view(j.get_ref<const std::string&>()));
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      note(std::string_view(it.key()));
      note(it.value());
    }
  } else if (j.is_array()) {
    for (const auto& v : j) note(v);
  }
}

std::vector<uint32_t> TextCodepoints::take_new() {
  std::vector<uint32_t> out;
  out.swap(fresh_);
  return out;
}

std::vector<uint32_t> TextCodepoints::all() const {
  std::vector<uint32_t> out;
  for (size_t w = 0; w < bits_.size(); ++w)
    for (uint64_t b = bits_[w]; b; b &= b - 1) out.push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(b))));
  return out;
}

}  // namespace edudesk
