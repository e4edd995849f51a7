#pragma once
// Several tabs of the desk: every tab reads and writes the same IndexedDB; one
// tab, the holder of the Web Lock "edudesk-sync", talks to the server. Tabs tell
// each other through a BroadcastChannel what became durable (their own changes,
// pulled pages) and what the server settled, so all of them show the same desk and
// every tab mirrors the outbox: when the syncing tab closes, the next one has it.
#include <functional>
#include <string>
#include <vector>

#include "app/op_store.h"

namespace edudesk::platform {

struct PeerMessage {
  enum class Kind { local, pulled, settled } kind = Kind::local;
  std::vector<Op> ops;
  int64_t cursor = -1;
  std::vector<std::string> acknowledged;
  std::vector<RejectedRecord> rejected;
};

// `leader` is called once when this tab starts syncing; `message` for every peer message.
void join_tabs(std::function<void()> leader, std::function<void(const PeerMessage&)> message);
bool is_leader();
void tell_peers(const PeerMessage& m);

// Eviction check: a small marker outside IndexedDB says this browser held a desk.
// If IndexedDB comes back empty while the marker says otherwise, the browser
// wiped it; `pending` is how many changes had not reached the server then.
void remember_store(int64_t cursor, int64_t pending);
bool store_was_wiped(int64_t& pending);

}  // namespace edudesk::platform
