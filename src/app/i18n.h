#pragma once
// Every user-visible word comes from assets/i18n/<lang>.json, compiled in by
// scripts/gen_i18n.py (which fails the build when a key is missing in a language).
#include <cstdint>
#include <string>

namespace edudesk {

enum class Lang { zh_Hans, zh_Hant, en };
constexpr Lang kLangs[] = {Lang::zh_Hans, Lang::zh_Hant, Lang::en};

const char* lang_code(Lang l);  // "zh-Hans", "zh-Hant", "en"
bool parse_lang(const std::string& code, Lang& out);

void set_lang(Lang l);
Lang current_lang();

// The text for `key` in the current language. An unknown key returns the key
// itself, so a gap shows on screen instead of an empty label (and tests catch it).
const char* tr(const char* key);
const char* tr(Lang l, const char* key);
bool has_key(const char* key);

// Enum ids read through the table: tr_enum("status", "open") → "处理中".
const char* tr_enum(const char* group, const char* id);

// "3 天" / "5 小时" / "12 分钟" / "刚刚" for a duration in milliseconds.
std::string format_age(int64_t ms);
// "2026-11-24 09:30" in China time (UTC+8), the desk's working zone.
std::string format_time(int64_t utc_ms);

// All keys and texts, for tests and tools.
struct I18nRow {
  const char* key;
  const char* text[3];
};
extern const I18nRow kI18nRows[];
extern const int64_t kI18nRowCount;

}  // namespace edudesk
