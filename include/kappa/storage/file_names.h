#pragma once
// Every name the storage engine gives a file or directory, in one place.
// The layout is Kafka's, so operators recognise it:
//
//   <log.dir>/
//     .kappa_clean_shutdown             written on clean shutdown, removed on open
//     recovery-point-offset-checkpoint  offsets below which each log is fsynced
//     log-start-offset-checkpoint       each log's start offset
//     cleaner-offset-checkpoint         offsets below which each compacted log is clean
//     <topic>-<partition>/
//       00000000000000000000.log        record batches back to back (wire format,
//                                       kappa/protocol/record_batch.h)
//       00000000000000000000.index      sparse offset index (index_format.h)
//       00000000000000000000.timeindex  sparse time index (index_format.h)
//       00000000000000000000.log.cleaned  (and .index.cleaned, .timeindex.cleaned)
//                                       a cleaned segment being written
//       00000000000000000000.log.swap   (and .index.swap, .timeindex.swap)
//                                       a cleaned segment being swapped in
//                                       (segment_swap.h in src/storage)
//       leader-epoch-checkpoint         (epoch, start offset) list
//     <topic>-<partition>.<id>-delete/  a deleted partition awaiting removal
//
// Segment files are named by their base offset zero-padded to 20 digits, so
// lexical order is numeric order.  The checkpoints use durable_file.h framing
// around the text payloads of checkpoint_format.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kappa::storage {

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";
// Left by an interrupted write_durable_file; removed on open.
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr std::string_view kDeleteDirSuffix = "-delete";
// Appended to the three file names of a segment the log cleaner is writing,
// then of one it is swapping in.
inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kSwapSuffix = ".swap";

inline constexpr std::string_view kCleanShutdownFile = ".kappa_clean_shutdown";
inline constexpr std::string_view kRecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
inline constexpr std::string_view kLogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
// High watermarks (Kafka's name): a restarted replica must not expose
// records above the last high watermark it knew until replication confirms them.
inline constexpr std::string_view kHighWatermarkCheckpointFile = "replication-offset-checkpoint";
inline constexpr std::string_view kLeaderEpochCheckpointFile = "leader-epoch-checkpoint";
inline constexpr std::string_view kCleanerCheckpointFile = "cleaner-offset-checkpoint";

// "00000000000000000042" + suffix.
std::string segment_file_name(int64_t base_offset, std::string_view suffix);
// The base offset of a name made by segment_file_name with `suffix`.
std::optional<int64_t> parse_segment_file_name(std::string_view name, std::string_view suffix);

// "<topic>-<partition>.<id>-delete".
std::string delete_dir_name(std::string_view partition_dir, std::string_view unique_id);
bool is_delete_dir_name(std::string_view name);

}  // namespace kappa::storage
