#pragma once
// Full-text search over the desk's tickets (queue views, docs/KB.md): a TextIndex whose
// documents are the tickets of a State, by their index in State::tickets, kept in step
// incrementally. What a ticket is found by: its number, subject, every timeline text
// (messages, replies, internal notes), the customer's name and phone, the course name and
// the ids of the customer's orders. Pure: no I/O, clock or randomness.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/state.h"
#include "core/text_search.h"

namespace edudesk {

// The text a ticket is indexed by (see above), one part a line.
std::string ticket_search_text(const State& s, const Ticket& t,
                               const std::vector<const Order*>& customer_orders = {});

class TicketSearch {
 public:
  // Brings the index in step with `s`: (re)indexes the tickets that are new, or changed since
  // they were indexed (timeline length, updated_at, number, or a new order of the customer);
  // nothing when `s.revision` and the sizes did not move. A ticket taken out of the State
  // (a refused creation moves the ones after it) rebuilds the whole index. Returns the
  // number of tickets indexed. Looking for changes scans every ticket: ≈ 3 ms native and
  // in WASM on 100,000 tickets (memory-bound), only when the revision moved.
  size_t update(const State& s);
  // The same in steps, for a frame budget: indexes at most `max_indexed` tickets and goes on
  // where it stopped at the next call (indexing() is true until a whole pass is done; a
  // change during a pass makes one more pass). Indexing costs ≈ 30-40 µs a ticket native,
  // ≈ 60-75 µs in WASM: a first build of 100,000 tickets is seconds, so the app spreads it
  // over frames (e.g. 150 tickets a frame) and searches what is indexed meanwhile.
  size_t update_step(const State& s, size_t max_indexed);
  bool indexing() const { return cursor_ != 0 || again_; }
  // Without looking at every ticket, when the caller knows which tickets the Ops applied
  // since the last call touched (their ids; Desk knows what it applied): those and new
  // tickets are indexed (with new orders, or a pass under way, it does what update(s) does).
  // ≈ 0.1 ms native, 0.2 ms WASM for one new message. A ticket left out is not seen until
  // it changes again.
  size_t update_touched(const State& s, const std::vector<std::string>& touched_ticket_ids);

  // Indices into State::tickets of the tickets holding every term of the query (see
  // text_search.h), the most recently changed first; at most `limit` (0: all); with
  // `allowed`, only indices i < allowed->size() with (*allowed)[i] set (the queue's
  // other filters). A query that is a ticket number puts that ticket first. A query
  // without terms matches nothing.
  std::vector<size_t> search(std::string_view query, size_t limit = 0,
                             const std::vector<bool>* allowed = nullptr) const;

  const TextIndex& index() const { return index_; }
  size_t rebuilds() const { return rebuilds_; }  // whole-index rebuilds (tests)

 private:
  struct Seen {  // what ticket i was indexed with; an empty id: not indexed
    std::string id;
    int64_t number = 0;
    size_t timeline = 0;
    Millis updated_at = 0;
    size_t orders_at = 0;        // orders_seen_ then
    size_t customer_orders = 0;  // the customer's orders then
  };
  void reset();
  // Takes in what moved since the last look (new tickets and orders); false if nothing did.
  // A ticket taken out rebuilds.
  bool prepare(const State& s);
  // (Re)indexes ticket i if it changed since it was indexed; true if it did.
  bool refresh(const State& s, size_t i);

  TextIndex index_;
  std::vector<Seen> seen_;  // by ticket index
  std::string last_id_;     // the id of the last ticket seen (taken-out tickets show there)
  int64_t revision_ = -1;
  size_t orders_seen_ = 0;
  std::unordered_map<std::string, std::vector<size_t>> customer_orders_;  // customer id -> indices into State::orders
  std::unordered_map<int64_t, size_t> by_number_;  // ticket number -> index (a number query puts it first)
  size_t cursor_ = 0;   // where a pass in steps goes on
  bool again_ = false;  // one more pass: something moved during this one
  size_t rebuilds_ = 0;
};

}  // namespace edudesk
