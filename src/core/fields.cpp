#include "core/fields.h"

#include "core/utf8.h"

namespace edudesk {

namespace {
bool blank(const std::string& s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}
}  // namespace

bool read_string(const nlohmann::json& obj, const char* key, std::string& out, Error& err, int64_t max_len,
                 bool required) {
  out.clear();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (!required) return true;
    err = {"missing_field", key, std::string("'") + key + "' is required"};
    return false;
  }
  if (!it->is_string()) {
    err = {"wrong_type", key, std::string("'") + key + "' must be a string"};
    return false;
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (!is_valid_utf8(s)) {
    err = {"invalid_utf8", key, std::string("'") + key + "' is not valid UTF-8 text"};
    return false;
  }
  if (required && blank(s)) {
    err = {"missing_field", key, std::string("'") + key + "' is required"};
    return false;
  }
  int64_t n = utf8_length(s);
  if (n > max_len) {
    err = {"too_long", key,
           std::string("'") + key + "' has " + std::to_string(n) + " characters; at most " + std::to_string(max_len) +
               " are allowed"};
    return false;
  }
  out = s;
  return true;
}

bool present(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && !it->is_null();
}

bool read_bool(const nlohmann::json& obj, const char* key, bool& out, Error& err) {
  if (!present(obj, key)) return true;
  const auto& v = obj[key];
  if (!v.is_boolean()) {
    err = {"wrong_type", key, std::string("'") + key + "' must be true or false"};
    return false;
  }
  out = v.get<bool>();
  return true;
}

bool read_int(const nlohmann::json& obj, const char* key, int64_t& out, Error& err, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (!required) return true;
    err = {"missing_field", key, std::string("'") + key + "' is required"};
    return false;
  }
  if (!it->is_number_integer()) {
    err = {"wrong_type", key, std::string("'") + key + "' must be an integer"};
    return false;
  }
  out = it->get<int64_t>();
  return true;
}

}  // namespace edudesk
