#pragma once
// What the desk knows: agents, customers, courses and tickets with their timelines.
// All times are UTC milliseconds since the epoch (int64: wasm32 has a 32-bit long).
#include <cstdint>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/hlc.h"

namespace edudesk {

using Millis = int64_t;
constexpr Millis kMinuteMs = 60 * 1000;
constexpr Millis kHourMs = 60 * kMinuteMs;
constexpr Millis kDayMs = 24 * kHourMs;

struct Agent {
  std::string id;
  std::string name;
  Role role = Role::junior;
  std::vector<Category> skills;  // categories this agent is best at (routing prefers them); empty: any
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

enum class EntryKind { customer_message, reply, note, status_change, field_change };

// How the fold treated a change that met a concurrent one (made without seeing it).
enum class Conflict {
  none,
  overwritten,  // a later change, made without seeing this one, replaced its value
  ignored,      // not possible any more when its turn came (e.g. resolve after a close)
  duplicate,    // the same change made twice at once: one counts ("two closes are one close")
};

struct TimelineEntry {
  std::string id;  // the id of the Op that made it: a timeline is a set keyed by it
  EntryKind kind = EntryKind::customer_message;
  std::string author;  // agent id, or customer id for customer messages
  Millis at = 0;
  Hlc hlc;
  std::string text;
  // status_change: the requested status; `status_from` is what it met in the fold
  Status status_from = Status::new_, status_to = Status::new_;
  // field_change: "priority", "category", "subcategory", "assignee", "tier", "incident"
  // or "merged_into", and the new value's id
  std::string field, value;
  // status_change to resolved or closed: how it was resolved and, for complaints, why
  std::string resolution, root_cause;
  // the device it was made on, as the author's desk named it ("Chrome · Android"); may be empty
  std::string device;
  // status_change and field_change: the change its author saw last (concurrency detection)
  Stamp prev;
  // derived by the fold
  Conflict conflict = Conflict::none;
  std::string kept_value;  // with a conflict: the value that stayed

  Stamp stamp() const { return {hlc, id}; }
};

struct Ticket {
  // -- set at creation
  std::string id;
  std::string origin_op;  // the Op that created it
  int64_t number = 0;     // what people say on the phone: "工单 10234"; the server may renumber
  std::string customer_id;
  std::string course_id;  // may be empty
  Channel channel = Channel::chat;
  std::string subject;
  Millis created_at = 0;
  Hlc created_hlc;
  Category initial_category = Category::other;
  Priority initial_priority = Priority::P3;
  std::string initial_subcategory;  // a slug of kSubcategories, may be empty
  Role initial_tier = Role::junior;  // where routing sent it (workflow.h)
  std::string initial_assignee;      // who routing gave it to, may be empty
  std::string created_by, created_device;
  std::string order_id;            // the order the customer asked about, confirmed at intake
  bool identity_checked = false;   // 确认用户身份: the agent checked who is asking
  // -- the timeline, ordered by (hlc, op id): every replica folds it the same way
  std::vector<TimelineEntry> timeline;
  // -- derived by folding the timeline over the creation values
  Category category = Category::other;
  Priority priority = Priority::P3;
  Status status = Status::new_;
  std::string subcategory;
  Role tier = Role::junior;  // junior, mid, senior or tech_support
  std::string assignee;  // agent id, may be empty
  std::string incident;     // the incident it is grouped under, may be empty
  std::string merged_into;  // the ticket it was merged into, may be empty
  std::string resolution, root_cause;  // from the latest resolve or close that had them
  Millis updated_at = 0;
  Millis first_response_at = 0;  // 0 until the first public reply
  struct FieldState {
    int64_t entry = -1;  // the timeline entry that set the current value (-1: the creation)
  } status_by, category_by, priority_by, assignee_by, subcategory_by, tier_by, incident_by, merged_by;

  // The stamp of the change that set a field's current value: its entry's, or the creation's.
  // (Kept as an index, not a copy: 8 fewer op ids a ticket to store, snapshot and restore.)
  Stamp stamp_of(const FieldState& f) const {
    if (f.entry < 0 || static_cast<size_t>(f.entry) >= timeline.size()) return {created_hlc, origin_op};
    const TimelineEntry& e = timeline[static_cast<size_t>(f.entry)];
    return {e.hlc, e.id};
  }
};

const char* to_id(EntryKind k);
const char* to_id(Conflict c);

}  // namespace edudesk
