#pragma once
// A binary snapshot of the whole State, for a fast start: the desk restores it and replays
// only the Ops newer than it, instead of the whole op log (docs/ARCHITECTURE.md, "Decisions").
// Format: "EDSNAP", a format version, the core's fingerprint, the payload's size, then every
// member of the State (little-endian fixed-width integers, strings and lists prefixed by
// their length). A snapshot is read only by a build of the same core sources.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/state.h"

namespace edudesk {

// A binary image of the State: exactly what replaying the op log rebuilds, for a fast start.
// The same State gives the same bytes (unordered sets and maps are written in a fixed order).
std::string snapshot_write(const State& s);
// The same bytes appended to `out` (reserve it first: a 300 MB snapshot grown by doubling
// copies and faults in twice its size).
void snapshot_write(const State& s, std::string& out);

// Replaces `out` with the State in `data` (written by snapshot_write of the same build).
// On any damage (truncated, bad magic, another build's fingerprint, a count that overruns)
// returns false with a one-line `err` and leaves `out` as a default State{}: the caller
// replays the log instead. Never crashes, never reads out of bounds, never allocates absurd sizes.
bool snapshot_read(const char* data, size_t size, State& out, std::string& err);

// The same, in steps, while the bytes arrive (a browser streams 300 MB from IndexedDB): what
// the inbox needs beside the tickets first, then the tickets newest first, a slice at a time,
// then refunds, survey sends, responses, tasks and the op-id tables. After the first steps the State can be shown (the newest
// tickets are in it, their index too) but is not whole: nothing may be decided on it until
// step() says done. Its `revision` moves with every slice (views cache on it) and is the
// snapshot's own once done. On damage the State is emptied and error() says why.
class SnapshotLoader {
 public:
  enum class Step { more, wait, done, failed };  // more: call again; wait: for more bytes
  static constexpr int64_t kArrivingRevision = int64_t{1} << 50;  // above any revision a State reaches

  // `data` holds `size` bytes once they have all arrived; `into` is emptied and filled.
  void start(State& into, const char* data, size_t size);
  // Reads as far as the first `available` bytes allow, about `max_tickets` tickets (a whole
  // slice at least), or at most one of the parts after the tickets (SIZE_MAX: everything).
  Step step(size_t available, size_t max_tickets);
  // The part before the tickets is in: the State can be shown while its tickets arrive.
  bool showable() const { return stage_ != Stage::header && stage_ != Stage::before_tickets && stage_ != Stage::failed; }
  size_t tickets_total() const { return tickets_total_; }
  size_t tickets_read() const { return state_ && showable() ? state_->tickets.size() : 0; }
  size_t bytes_read() const { return pos_; }  // of `size`: how far the reading is
  const std::string& error() const { return err_; }

 private:
  enum class Stage { header, before_tickets, tickets, after_tickets, finish, done, failed };
  Step refuse(const std::string& why);

  State* state_ = nullptr;
  const char* data_ = nullptr;
  const char* payload_ = nullptr;
  size_t size_ = 0, pos_ = 0, tickets_total_ = 0;
  int64_t revision_ = 0;
  int after_ = 0;  // the parts after the tickets read so far
  Stage stage_ = Stage::header;
  std::string err_;
};

// The fingerprint a snapshot must carry to be read: a hash of every file of src/core,
// made at build time (scripts/gen_core_fingerprint.py).
const char* snapshot_fingerprint();

}  // namespace edudesk
