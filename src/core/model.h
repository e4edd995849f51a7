#pragma once
// What the desk knows: agents, customers, courses and tickets with their timelines.
// All times are UTC milliseconds since the epoch (int64: wasm32 has a 32-bit long).
#include <cstdint>
#include <string>
#include <vector>

#include "core/enums.h"

namespace edudesk {

using Millis = int64_t;

struct Agent {
  std::string id;
  std::string name;
  Role role = Role::junior;
};

struct Customer {
  std::string id;
  std::string name;
  std::string phone;
  bool is_parent = false;  // 家长 rather than 学员
};

struct Course {
  std::string id;
  std::string name;
  int64_t price_fen = 0;
};

enum class EntryKind { customer_message, reply, note, status_change };

struct TimelineEntry {
  std::string id;  // the id of the Op that made it: a timeline is a set keyed by it
  EntryKind kind = EntryKind::customer_message;
  std::string author;  // agent id, or customer id for customer messages
  Millis at = 0;
  std::string text;
  Status status_from = Status::new_, status_to = Status::new_;  // status_change only
};

struct Ticket {
  std::string id;
  std::string origin_op;  // the Op that created it
  int64_t number = 0;  // what people say on the phone: "工单 10234"
  std::string customer_id;
  std::string course_id;  // may be empty
  Channel channel = Channel::chat;
  std::string subject;
  Category category = Category::other;
  Priority priority = Priority::P3;
  Status status = Status::new_;
  std::string assignee;  // agent id, may be empty
  Millis created_at = 0;
  Millis updated_at = 0;
  Millis first_response_at = 0;  // 0 until the first public reply
  std::vector<TimelineEntry> timeline;
};

const char* to_id(EntryKind k);

}  // namespace edudesk
