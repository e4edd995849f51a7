#include "core/ticket_search.h"

#include <algorithm>
#include <cstdint>

namespace edudesk {

std::string ticket_search_text(const State& s, const Ticket& t, const std::vector<const Order*>& customer_orders) {
  std::string text = std::to_string(t.number) + "\n" + t.subject + "\n";
  if (const Customer* c = s.customer(t.customer_id)) text += c->name + "\n" + c->phone + "\n";
  if (const Course* k = s.course(t.course_id)) text += k->name + "\n";
  for (const Order* o : customer_orders) text += o->id + "\n";
  for (const TimelineEntry& e : t.timeline)
    if (!e.text.empty()) text += e.text + "\n";
  return text;
}

void TicketSearch::reset() {
  index_.clear();
  seen_.clear();
  last_id_.clear();
  revision_ = -1;
  orders_seen_ = 0;
  customer_orders_.clear();
  by_number_.clear();
  cursor_ = 0;
  again_ = false;
}

bool TicketSearch::prepare(const State& s) {
  if (s.revision == revision_ && s.tickets.size() == seen_.size() && s.orders.size() == orders_seen_) return false;
  // Tickets only leave from the middle (unapply of a creation) and arrive at the end, so a
  // ticket taken out shows at the last position seen: another id there, or none.
  if (!seen_.empty() && (s.tickets.size() < seen_.size() || s.tickets[seen_.size() - 1].id != last_id_)) {
    reset();
    ++rebuilds_;
  }
  if (s.orders.size() < orders_seen_) reset(), ++rebuilds_;  // not expected: orders are never taken back
  for (; orders_seen_ < s.orders.size(); ++orders_seen_)
    customer_orders_[s.orders[orders_seen_].customer_id].push_back(orders_seen_);
  seen_.resize(s.tickets.size());
  if (!s.tickets.empty()) last_id_ = s.tickets.back().id;
  revision_ = s.revision;
  return true;
}

bool TicketSearch::refresh(const State& s, size_t i) {
  const Ticket& t = s.tickets[i];
  Seen& seen = seen_[i];
  // (the id is not compared: tickets do not move without prepare() noticing)
  bool same = !seen.id.empty() && seen.timeline == t.timeline.size() && seen.updated_at == t.updated_at &&
              seen.number == t.number;
  const std::vector<size_t>* orders = nullptr;
  auto customer_orders = [&] {
    auto it = customer_orders_.find(t.customer_id);
    orders = it == customer_orders_.end() ? nullptr : &it->second;
    return orders ? orders->size() : 0;
  };
  if (same && seen.orders_at != orders_seen_) {  // orders arrived since: has this customer one more?
    if (customer_orders() == seen.customer_orders) seen.orders_at = orders_seen_;
    else same = false;
  }
  if (same) return false;
  const size_t n = orders ? orders->size() : customer_orders();
  std::vector<const Order*> list;
  for (size_t k = 0; k < n; ++k) list.push_back(&s.orders[(*orders)[k]]);
  index_.add(static_cast<uint32_t>(i), ticket_search_text(s, t, list));
  if (auto it = by_number_.find(seen.number); it != by_number_.end() && it->second == i) by_number_.erase(it);
  by_number_[t.number] = i;
  seen = {t.id, t.number, t.timeline.size(), t.updated_at, orders_seen_, n};
  return true;
}

size_t TicketSearch::update_step(const State& s, size_t max_indexed) {
  const bool moved = prepare(s);
  if (cursor_ == 0) {
    if (!moved && !again_) return 0;
    again_ = false;
  } else if (moved) {
    again_ = true;  // the change may lie behind the cursor: one more pass after this one
  }
  size_t indexed = 0;
  while (cursor_ < s.tickets.size() && indexed < max_indexed) indexed += refresh(s, cursor_++);
  if (cursor_ >= s.tickets.size()) cursor_ = 0;
  return indexed;
}

size_t TicketSearch::update(const State& s) {
  size_t indexed = update_step(s, SIZE_MAX);
  while (indexing()) indexed += update_step(s, SIZE_MAX);
  return indexed;
}

size_t TicketSearch::update_touched(const State& s, const std::vector<std::string>& touched) {
  if (indexing()) return update(s);  // a pass is under way: finish it
  const size_t known = seen_.size(), orders = orders_seen_, rebuilds = rebuilds_;
  if (!prepare(s)) return 0;
  if (rebuilds_ != rebuilds || orders_seen_ != orders) return update(s);  // rebuilt, or new orders: look at all
  size_t indexed = 0;
  for (size_t i = known; i < s.tickets.size(); ++i) indexed += refresh(s, i);
  for (const std::string& id : touched) {
    auto it = s.ticket_index.find(id);
    if (it != s.ticket_index.end() && it->second < known) indexed += refresh(s, it->second);
  }
  return indexed;
}

std::vector<size_t> TicketSearch::search(std::string_view query, size_t limit, const std::vector<bool>* allowed) const {
  const std::vector<uint32_t> docs = index_.search(query, 0, allowed);
  std::vector<size_t> out;
  out.reserve(limit ? std::min(limit, docs.size()) : docs.size());
  // A query that is a ticket's number puts that ticket first: 4-digit grams also match
  // tickets holding "1023" and "0234" apart, and the number is what a caller reads out.
  const std::string q = normalize_text(query);
  const size_t b = q.find_first_not_of(' '), e = q.find_last_not_of(' ');
  if (b != std::string::npos && e - b < 18 && q.find_first_not_of("0123456789", b) > e) {
    int64_t number = 0;
    for (size_t k = b; k <= e; ++k) number = number * 10 + (q[k] - '0');
    auto it = by_number_.find(number);
    if (it != by_number_.end() && std::find(docs.begin(), docs.end(), it->second) != docs.end())
      out.push_back(it->second);
  }
  for (uint32_t d : docs) {
    if (limit && out.size() == limit) break;
    if (out.empty() || d != out.front()) out.push_back(d);
  }
  return out;
}

}  // namespace edudesk
