#pragma once
// Durable small files: checkpoints (recovery points, leader epochs, producer
// state), metadata snapshots, quorum state.  Not for segment data.
//
// Format:  "KAPPA1" magic (6 bytes) | payload length u32 BE | payload |
//          XXH64 of payload (u64 BE, seed 0)
// Writes go to <path>.tmp, are fsynced, renamed over <path>, and the directory
// is fsynced, so a crash leaves either the old or the new file, never a mix.
// Reads verify magic, length and checksum; a damaged file is reported as
// such and never trusted.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace kappa {

enum class DurableReadStatus { kOk, kMissing, kCorrupt };

struct DurableReadResult {
  DurableReadStatus status = DurableReadStatus::kMissing;
  std::vector<uint8_t> payload;
  std::string error;  // why the file is corrupt
};

// Throws std::system_error on I/O failure.
void write_durable_file(const std::filesystem::path& path, std::span<const uint8_t> payload);
DurableReadResult read_durable_file(const std::filesystem::path& path);

// fsync helpers (throw std::system_error).
void fsync_fd(int fd, const std::filesystem::path& what);
void fsync_directory(const std::filesystem::path& dir);

}  // namespace kappa
