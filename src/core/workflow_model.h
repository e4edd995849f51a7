#pragma once
// The records of the agent's day that are not tickets: follow-up tasks and incidents
// (issue 3). The rules that make and change them are in workflow.h.
#include <string>
#include <utility>
#include <vector>

#include "core/enums.h"
#include "core/hlc.h"
#include "core/model.h"

namespace edudesk {

// ---- follow-up tasks ---------------------------------------------------------------------
enum class TaskKind { callback, progress_update, reminder, class_reminder, class_followup, enrolment_notice, winback, sla_breach };
constexpr TaskKind kTaskKinds[] = {TaskKind::callback,       TaskKind::progress_update, TaskKind::reminder,
                                   TaskKind::class_reminder, TaskKind::class_followup,  TaskKind::enrolment_notice,
                                   TaskKind::winback,        TaskKind::sla_breach};
const char* to_id(TaskKind k);

struct Task {
  std::string id;  // explicit tasks: the Op's task id; derived ones: a key made from what they follow
  TaskKind kind = TaskKind::reminder;
  std::string ticket_id, customer_id, course_id, order_id;
  std::string title;
  std::string assignee;
  Millis due_at = 0;
  Millis created_at = 0;
  bool derived = false;  // made by a rule from the state (not stored until done)
  bool done = false, cancelled = false;
  std::string outcome;  // what the call-back found, etc.
  std::string done_by;
  Millis done_at = 0;
  Stamp done_stamp;  // of the task.done that counts (the first in the order every replica agrees on)
};

// ---- incidents -----------------------------------------------------------------------------
enum class IncidentType { technical, service, management };
constexpr IncidentType kIncidentTypes[] = {IncidentType::technical, IncidentType::service, IncidentType::management};
const char* to_id(IncidentType t);
enum class IncidentStatus { open, mitigating, resolved, reviewed };
constexpr IncidentStatus kIncidentStatuses[] = {IncidentStatus::open, IncidentStatus::mitigating,
                                                IncidentStatus::resolved, IncidentStatus::reviewed};
const char* to_id(IncidentStatus s);
struct Incident {
  std::string id;
  IncidentType type = IncidentType::technical;
  std::string title;
  std::string course_id;
  Category category = Category::technical;
  IncidentStatus status = IncidentStatus::open;
  struct Check {
    std::string item;
    bool done = false;
    Stamp by;  // last writer wins per item
  };
  std::vector<Check> checklist;      // items touched so far
  Stamp review_by;
  std::string review;                // the after-action review (复盘)
  std::string root_cause;
  Millis created_at = 0, resolved_at = 0;
  std::string created_by;
  Stamp status_by;
};

}  // namespace edudesk
