#include "core/model.h"

namespace edudesk {

const char* to_id(EntryKind k) {
  switch (k) {
    case EntryKind::customer_message: return "customer_message";
    case EntryKind::reply: return "reply";
    case EntryKind::note: return "note";
    case EntryKind::status_change: return "status_change";
    case EntryKind::field_change: return "field_change";
  }
  return "note";
}

const char* to_id(Conflict c) {
  switch (c) {
    case Conflict::none: return "none";
    case Conflict::overwritten: return "overwritten";
    case Conflict::ignored: return "ignored";
    case Conflict::duplicate: return "duplicate";
  }
  return "none";
}

}  // namespace edudesk
