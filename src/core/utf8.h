#pragma once
// UTF-8 checks for every text that enters the core: invalid bytes would make
// nlohmann::json::dump abort in the WASM build, so they are refused at the door.
#include <cstdint>
#include <string>
#include <string_view>

namespace edudesk {

bool is_valid_utf8(std::string_view s);
// Number of code points; only meaningful for valid UTF-8.
int64_t utf8_length(std::string_view s);
// Appends the UTF-8 encoding of one code point.
void append_utf8(std::string& out, uint32_t cp);
// Decodes the code point starting at s[i] (i < s.size()) and advances i past it. A malformed or
// cut sequence (text not yet checked, e.g. a field mid-edit) yields U+FFFD and advances one
// byte: any bytes can be walked, never read past.
constexpr uint32_t kReplacementChar = 0xFFFD;
uint32_t next_codepoint(std::string_view s, size_t& i);
// Lower-cases ASCII only; CJK has no case.
std::string ascii_lower(std::string_view s);
// True if `needle` occurs in `hay`, ignoring ASCII case.
bool contains_folded(std::string_view hay, std::string_view needle);

}  // namespace edudesk
