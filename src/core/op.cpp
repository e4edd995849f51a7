#include "core/op.h"

#include "core/utf8.h"

namespace edudesk {

json op_to_json(const Op& op) {
  json j{{"id", op.id}, {"type", op.type}, {"at", op.at}, {"hlc", {op.hlc.ms, op.hlc.counter}}, {"by", op.by},
         {"data", op.data}};
  if (!op.device.empty()) j["device"] = op.device;
  return j;
}

bool op_from_json(const json& j, Op& out, Error& err) {
  if (!j.is_object()) { err = {"bad_op", "", "an op must be a JSON object"}; return false; }
  for (const char* f : {"id", "type", "by"}) {
    auto it = j.find(f);
    if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      err = {"bad_op", f, std::string("op field '") + f + "' must be a non-empty string"};
      return false;
    }
  }
  auto at = j.find("at");
  if (at == j.end() || !at->is_number_integer()) { err = {"bad_op", "at", "op field 'at' must be an integer"}; return false; }
  auto data = j.find("data");
  if (data == j.end() || !data->is_object()) { err = {"bad_op", "data", "op field 'data' must be an object"}; return false; }
  out.id = j["id"].get<std::string>();
  out.type = j["type"].get<std::string>();
  out.by = j["by"].get<std::string>();
  out.at = at->get<int64_t>();
  out.data = *data;
  auto hlc = j.find("hlc");
  if (hlc == j.end()) {
    out.hlc = {out.at, 0};
  } else if (hlc->is_array() && hlc->size() == 2 && (*hlc)[0].is_number_integer() && (*hlc)[1].is_number_integer() &&
             (*hlc)[1].get<int64_t>() >= 0) {
    out.hlc = {(*hlc)[0].get<int64_t>(), (*hlc)[1].get<int64_t>()};
  } else {
    err = {"bad_op", "hlc", "op field 'hlc' must be [milliseconds, counter]"};
    return false;
  }
  if (!is_valid_utf8(out.id) || !is_valid_utf8(out.by)) { err = {"invalid_utf8", "id", "op id is not valid UTF-8"}; return false; }
  out.device.clear();
  if (auto dev = j.find("device"); dev != j.end() && !dev->is_null()) {
    if (!dev->is_string() || !is_valid_utf8(dev->get_ref<const std::string&>()) || dev->get_ref<const std::string&>().size() > 120) {
      err = {"bad_op", "device", "op field 'device' must be a UTF-8 string of at most 120 bytes"};
      return false;
    }
    out.device = dev->get<std::string>();
  }
  return true;
}

}  // namespace edudesk
