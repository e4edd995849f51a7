#include "core/model.h"

namespace edudesk {

const char* to_id(EntryKind k) {
  switch (k) {
    case EntryKind::customer_message: return "customer_message";
    case EntryKind::reply: return "reply";
    case EntryKind::note: return "note";
    case EntryKind::status_change: return "status_change";
  }
  return "note";
}

}  // namespace edudesk
