#pragma once
// The closed vocabularies of a ticket. Their string ids are stable: they are
// stored in Ops, sent over the wire and used as i18n keys ("category.technical").
#include <optional>
#include <string>
#include <string_view>

namespace edudesk {

enum class Category { course_quality, technical, service_attitude, after_sales, account_security, other };
enum class Priority { P1, P2, P3, P4 };
enum class Status { new_, open, pending, resolved, closed };
enum class Channel { chat, phone, email, web_form, social, forum };
enum class Role { junior, mid, senior, tech_support, supervisor };

constexpr Category kCategories[] = {Category::course_quality, Category::technical, Category::service_attitude,
                                    Category::after_sales, Category::account_security, Category::other};
constexpr Priority kPriorities[] = {Priority::P1, Priority::P2, Priority::P3, Priority::P4};
constexpr Status kStatuses[] = {Status::new_, Status::open, Status::pending, Status::resolved, Status::closed};
constexpr Channel kChannels[] = {Channel::chat, Channel::phone, Channel::email, Channel::web_form, Channel::social,
                                 Channel::forum};
constexpr Role kRoles[] = {Role::junior, Role::mid, Role::senior, Role::tech_support, Role::supervisor};

// The value of `all` whose to_id is `s` (every closed vocabulary of the desk reads ids this way).
template <typename E, size_t N>
std::optional<E> parse_id(const E (&all)[N], std::string_view s) {
  for (E v : all)
    if (s == to_id(v)) return v;
  return std::nullopt;
}

// Whether `s` is one of a nullptr-terminated list of ids (root causes, resolution codes …).
inline bool is_listed(const char* const* list, std::string_view s) {
  for (; *list; ++list)
    if (s == *list) return true;
  return false;
}

const char* to_id(Category v);
const char* to_id(Priority v);
const char* to_id(Status v);
const char* to_id(Channel v);
const char* to_id(Role v);
// The role's name in simplified Chinese, for texts the core writes (notes, explanations).
const char* role_name_zh(Role r);

std::optional<Category> parse_category(std::string_view s);
std::optional<Priority> parse_priority(std::string_view s);
std::optional<Status> parse_status(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<Role> parse_role(std::string_view s);

// Which status changes an agent may make; the same status again is not a change.
bool status_change_allowed(Status from, Status to);

}  // namespace edudesk
