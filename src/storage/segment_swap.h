#pragma once
// Swapping a cleaned segment into a log so that a crash at any point leaves
// either the segments it replaces or the cleaned segment, never a mix that
// loses a record (docs/storage.md "Compaction").
//
// A cleaned segment with base offset B replaces the segments with base
// offsets B = b0 < b1 < ... < bk (a group of adjacent segments):
//
//   cleaner  B.log.cleaned, B.index.cleaned, B.timeindex.cleaned written and
//            fsynced (on a worker thread)
//   1.       rename B.index.cleaned, B.timeindex.cleaned, then B.log.cleaned
//            to B.*.swap; fsync the directory.
//            Commit point: B.log.swap exists.
//   2.       unlink the files of b1..bk; fsync the directory (so no later
//            state can show the cleaned B next to a replaced segment).
//   3.       rename B.index.swap, B.timeindex.swap, then B.log.swap over
//            B.* (rename(2) replaces the old files atomically).
//
// On open, complete_interrupted_swaps() runs before the segments are
// listed.  For every B.log.swap it unlinks the segments with a base offset
// in (B, L), L being the end of the last batch in B.log.swap, then does
// step 3.  A replaced segment at or beyond L may survive a crash between 1
// and 2: none of its records made it into the cleaned segment, so keeping it
// whole is what a smaller group would have done — nothing is lost, and the
// next round cleans it again.  Files of uncommitted swaps (*.cleaned, index
// .swap files without a B.log.swap) are unlinked.
//
// Blocking file-system calls; the log's owner thread runs them (the
// segments' names are the owner's to change).

#include <cstdint>
#include <filesystem>
#include <span>
#include <system_error>

#include "kappa/storage/file_system.h"
#include "kappa/storage/result.h"

namespace kappa::storage {

// Steps 1-3 for the cleaned segment at `base` replacing `replaced` (whose
// first element is `base`).  `committed` is set once step 1 has succeeded:
// a failure after that leaves the swap for the next open to complete.
std::error_code swap_in_cleaned_segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base,
                                        std::span<const int64_t> replaced, bool& committed);

// Unlinks the .cleaned and .swap files of the segment at `base` (a cleaning
// result that is discarded before its commit point).
void discard_cleaned_segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base);

// On open: completes committed swaps and unlinks uncommitted files, then
// fsyncs the directory if anything changed.  Returns the number of swaps
// completed.
Result<size_t> complete_interrupted_swaps(FileSystem& fs, const std::filesystem::path& dir);

}  // namespace kappa::storage
