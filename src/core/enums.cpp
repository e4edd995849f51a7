#include "core/enums.h"

namespace edudesk {
const char* to_id(Category v) {
  switch (v) {
    case Category::course_quality: return "course_quality";
    case Category::technical: return "technical";
    case Category::service_attitude: return "service_attitude";
    case Category::after_sales: return "after_sales";
    case Category::account_security: return "account_security";
    case Category::other: return "other";
  }
  return "other";
}
const char* to_id(Priority v) {
  switch (v) {
    case Priority::P1: return "P1";
    case Priority::P2: return "P2";
    case Priority::P3: return "P3";
    case Priority::P4: return "P4";
  }
  return "P3";
}
const char* to_id(Status v) {
  switch (v) {
    case Status::new_: return "new";
    case Status::open: return "open";
    case Status::pending: return "pending";
    case Status::resolved: return "resolved";
    case Status::closed: return "closed";
  }
  return "new";
}
const char* to_id(Channel v) {
  switch (v) {
    case Channel::chat: return "chat";
    case Channel::phone: return "phone";
    case Channel::email: return "email";
    case Channel::web_form: return "web_form";
    case Channel::social: return "social";
    case Channel::forum: return "forum";
  }
  return "chat";
}
const char* to_id(Role v) {
  switch (v) {
    case Role::junior: return "junior";
    case Role::mid: return "mid";
    case Role::senior: return "senior";
    case Role::tech_support: return "tech_support";
    case Role::supervisor: return "supervisor";
  }
  return "junior";
}

std::optional<Category> parse_category(std::string_view s) { return parse_id(kCategories, s); }
std::optional<Priority> parse_priority(std::string_view s) { return parse_id(kPriorities, s); }
std::optional<Status> parse_status(std::string_view s) { return parse_id(kStatuses, s); }
std::optional<Channel> parse_channel(std::string_view s) { return parse_id(kChannels, s); }
std::optional<Role> parse_role(std::string_view s) { return parse_id(kRoles, s); }

const char* role_name_zh(Role r) {
  switch (r) {
    case Role::junior: return "初级客服";
    case Role::mid: return "中级客服";
    case Role::senior: return "高级客服";
    case Role::tech_support: return "技术支持";
    case Role::supervisor: return "主管";
  }
  return "";
}

bool status_change_allowed(Status from, Status to) {
  if (from == to) return false;
  if (to == Status::new_) return false;  // "new" only ever describes an untouched ticket
  if (from == Status::closed) return to == Status::open;  // reopen, nothing else
  return true;
}

}  // namespace edudesk
