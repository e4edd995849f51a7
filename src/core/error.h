#pragma once
// The one error shape of the core: a machine-readable code, the field it is
// about, and a human reason. Commands and `apply` return it and change nothing.
#include <string>

namespace edudesk {

struct Error {
  std::string code;     // e.g. "missing_field", "too_long", "invalid_utf8", "unknown_type"
  std::string field;    // the offending field, empty when the whole input is at fault
  std::string message;  // English reason; the UI shows the i18n text of "error.<code>"
};

}  // namespace edudesk
