#pragma once
// A binary snapshot of the whole State, for a fast start: the desk restores it and replays
// only the Ops newer than it, instead of the whole op log (docs/ARCHITECTURE.md, "Decisions").
// Format: "EDSNAP", a format version, the core's fingerprint, the payload's size, then every
// member of the State (little-endian fixed-width integers, strings and lists prefixed by
// their length). A snapshot is read only by a build of the same core sources.
#include <cstddef>
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

// The fingerprint a snapshot must carry to be read: a hash of every file of src/core,
// made at build time (scripts/gen_core_fingerprint.py).
const char* snapshot_fingerprint();

}  // namespace edudesk
