#include "app/i18n.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

namespace edudesk {

namespace {
Lang g_lang = Lang::zh_Hans;

const std::unordered_map<std::string, const I18nRow*>& index() {
  static const std::unordered_map<std::string, const I18nRow*> idx = [] {
    std::unordered_map<std::string, const I18nRow*> m;
    for (int64_t i = 0; i < kI18nRowCount; ++i) m.emplace(kI18nRows[i].key, &kI18nRows[i]);
    return m;
  }();
  return idx;
}
}  // namespace

const char* lang_code(Lang l) {
  switch (l) {
    case Lang::zh_Hans: return "zh-Hans";
    case Lang::zh_Hant: return "zh-Hant";
    case Lang::en: return "en";
  }
  return "zh-Hans";
}

bool parse_lang(const std::string& code, Lang& out) {
  for (Lang l : kLangs)
    if (code == lang_code(l)) { out = l; return true; }
  return false;
}

void set_lang(Lang l) { g_lang = l; }
Lang current_lang() { return g_lang; }

const char* tr(Lang l, const char* key) {
  auto it = index().find(key);
  return it == index().end() ? key : it->second->text[static_cast<int>(l)];
}
const char* tr(const char* key) { return tr(g_lang, key); }
bool has_key(const char* key) { return index().count(key) != 0; }

const char* tr_enum(const char* group, const char* id) {
  // Keys are few and stable; a small cache keeps the per-frame path allocation-free.
  static std::unordered_map<std::string, std::string> keys;
  std::string probe = std::string(group) + "." + id;
  auto it = keys.find(probe);
  if (it == keys.end()) it = keys.emplace(probe, probe).first;
  return tr(it->second.c_str());
}

std::string format_age(int64_t ms) {
  char buf[64];
  int64_t minutes = std::max<int64_t>(0, ms / 60000);
  if (minutes < 1) return tr("age.just_now");
  if (minutes < 60) std::snprintf(buf, sizeof buf, tr("age.minutes"), static_cast<long long>(minutes));
  else if (minutes < 48 * 60) std::snprintf(buf, sizeof buf, tr("age.hours"), static_cast<long long>(minutes / 60));
  else std::snprintf(buf, sizeof buf, tr("age.days"), static_cast<long long>(minutes / 1440));
  return buf;
}

std::string format_time(int64_t utc_ms) {
  // Civil date from days since the epoch (Howard Hinnant's algorithm): no time zone
  // database exists in the browser build, and China has no daylight saving time.
  int64_t t = utc_ms / 1000 + 8 * 3600;
  int64_t days = (t >= 0 ? t : t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60));
  return buf;
}

}  // namespace edudesk
