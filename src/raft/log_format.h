#pragma once
// On-disk formats of FileRaftStorage (all integers big-endian).
//
// Directory layout:
//   hard_state                 durable file (common/durable_file.h); payload:
//                              version u8 (=1) | term i64 | voted_for i32 (-1 = none)
//   snapshot                   durable file; payload:
//                              version u8 (=1) | last_index i64 | last_term i64 | data
//   <base index, 20 digits>.log  log segments, oldest first; a segment's name
//                              is the index of its first entry, zero-padded so
//                              lexical order is index order
//
// A segment is a sequence of frames, one entry each:
//   length u32 (of body) | checksum u32 (XXH32 of body, seed 0) | body
//   body = index i64 | term i64 | type u8 | payload
// Recovery reads frames until the first one that is short, too long, fails
// its checksum or breaks index contiguity, and truncates the log there.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/raft/entry.h"
#include "kappa/raft/persistent_state.h"

namespace kappa::raft::log_format {

inline constexpr std::string_view kHardStateFile = "hard_state";
inline constexpr std::string_view kSnapshotFile = "snapshot";
inline constexpr std::string_view kSegmentSuffix = ".log";
inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kFrameHeader = 8;  // length + checksum
inline constexpr size_t kBodyHeader = 17;  // index + term + type
inline constexpr uint32_t kMaxBody = 64u << 20;

std::string segment_name(int64_t base_index);
// The base index of a segment file name, or nullopt if it is not one.
std::optional<int64_t> parse_segment_name(std::string_view name);

void append_frame(std::vector<uint8_t>& out, const Entry& entry);
// Decodes the frame at the start of `in`; nullopt if it is torn or corrupt.
// On success `size` is the frame's length on disk.
std::optional<Entry> read_frame(std::span<const uint8_t> in, size_t& size);

std::vector<uint8_t> encode_hard_state(const HardState& state);
std::optional<HardState> decode_hard_state(std::span<const uint8_t> in);
std::vector<uint8_t> encode_snapshot(const Snapshot& snapshot);
std::optional<Snapshot> decode_snapshot(std::span<const uint8_t> in);

}  // namespace kappa::raft::log_format
