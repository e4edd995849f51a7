#include "app/text_codepoints.h"

namespace edudesk {

void TextCodepoints::note(std::string_view s) {
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {  // the common case: skip ASCII quickly
      ++i;
      continue;
    }
    // Decoded here rather than with next_codepoint: the text is not known to be valid (a pasted
    // buffer mid-edit), so a truncated or malformed sequence is stepped over, never read past.
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + static_cast<size_t>(len) > n) {
      ++i;
      continue;
    }
    uint32_t cp = c & (0xFF >> (len + 1));
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((d & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = cp << 6 | (d & 0x3F);
    }
    if (!ok) {
      ++i;
      continue;
    }
    note_codepoint(cp);
    i += static_cast<size_t>(len);
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
