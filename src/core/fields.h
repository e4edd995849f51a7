#pragma once
// Reading fields out of JSON objects with one set of checks (presence, type,
// UTF-8, length), shared by Commands and `apply` so both refuse the same input.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace edudesk {

// Upper bounds in code points; the server's limits (sync issue) use the same numbers.
namespace limits {
constexpr int64_t id = 64;
constexpr int64_t name = 64;
constexpr int64_t phone = 32;
constexpr int64_t subject = 200;
constexpr int64_t text = 10000;
}  // namespace limits

// Reads obj[key] as a string. Absent or null: `required` decides between an error
// and leaving `out` empty. Blank (only spaces) counts as absent for required fields.
bool read_string(const nlohmann::json& obj, const char* key, std::string& out, Error& err, int64_t max_len,
                 bool required);
// Absent or null leaves `out` unchanged; any other non-boolean is an error.
bool read_bool(const nlohmann::json& obj, const char* key, bool& out, Error& err);
// True if obj[key] exists and is not null.
bool present(const nlohmann::json& obj, const char* key);
bool read_int(const nlohmann::json& obj, const char* key, int64_t& out, Error& err, bool required);

// Reads an enum id through `parse`; an empty optional from `parse` is an "invalid_value" error.
template <typename E, typename Parse>
bool read_enum(const nlohmann::json& obj, const char* key, E& out, Error& err, bool required, Parse parse) {
  std::string s;
  if (!read_string(obj, key, s, err, 32, required)) return false;
  if (s.empty()) return true;
  auto v = parse(s);
  if (!v) {
    err = {"invalid_value", key, "'" + s + "' is not a valid " + key};
    return false;
  }
  out = *v;
  return true;
}

}  // namespace edudesk
