#include "kappa/storage/leader_epoch_cache.h"

#include <algorithm>
#include <string>

#include "kappa/storage/checkpoint_format.h"
#include "kappa/storage/file_system.h"
#include "logger.h"

namespace kappa::storage {

LeaderEpochCache::LeaderEpochCache(FileSystem& fs, std::filesystem::path file) : fs_(fs), file_(std::move(file)) {}

bool LeaderEpochCache::load() {
  entries_.clear();
  dirty_ = false;
  auto read = fs_.read_durable(file_);
  if (read.status == DurableReadStatus::kMissing) {
    dirty_ = true;  // write one, so the next open need not rebuild
    return false;
  }
  std::optional<EpochList> parsed;
  if (read.status == DurableReadStatus::kOk) {
    parsed = parse_epoch_checkpoint(std::string(read.payload.begin(), read.payload.end()));
    if (!parsed) read.error = "unparsable payload";
  }
  for (size_t i = 1; parsed && i < parsed->size(); ++i) {
    if ((*parsed)[i].first <= (*parsed)[i - 1].first || (*parsed)[i].second < (*parsed)[i - 1].second) {
      read.error = "epochs out of order";
      parsed.reset();
    }
  }
  if (!parsed) {
    logger().warn("ignoring damaged {} ({}); rebuilding it from the log", file_.string(), read.error);
    dirty_ = true;  // the rebuilt cache replaces it
    return false;
  }
  for (auto [epoch, offset] : *parsed) entries_.push_back({LeaderEpoch(epoch), offset});
  return true;
}

std::error_code LeaderEpochCache::changed(Persist persist) {
  dirty_ = true;
  return persist == Persist::kNow ? this->persist() : std::error_code();
}

std::error_code LeaderEpochCache::persist() {
  if (!dirty_) return {};
  EpochList list;
  for (const auto& e : entries_) list.emplace_back(e.epoch.value(), e.start_offset);
  std::string text = format_epoch_checkpoint(list);
  if (auto ec = fs_.write_durable(file_, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()))) {
    return ec;
  }
  dirty_ = false;
  return {};
}

std::error_code LeaderEpochCache::assign(LeaderEpoch epoch, int64_t start_offset, Persist persist) {
  if (epoch.value() < 0) return {};
  if (!entries_.empty() && entries_.back().epoch == epoch && entries_.back().start_offset <= start_offset) return {};
  if (!entries_.empty() && entries_.back().epoch > epoch) {
    logger().warn("{}: epoch {} at {} is older than the latest epoch {}; dropping newer entries", file_.string(),
                  epoch, start_offset, entries_.back().epoch);
  }
  std::erase_if(entries_, [&](const EpochEntry& e) { return e.epoch >= epoch || e.start_offset >= start_offset; });
  entries_.push_back({epoch, start_offset});
  return changed(persist);
}

std::optional<LeaderEpoch> LeaderEpochCache::latest_epoch() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back().epoch;
}

std::optional<EpochEntry> LeaderEpochCache::latest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

std::optional<int64_t> LeaderEpochCache::start_offset_of(LeaderEpoch epoch) const {
  for (const auto& e : entries_) {
    if (e.epoch == epoch) return e.start_offset;
  }
  return std::nullopt;
}

std::optional<LeaderEpoch> LeaderEpochCache::epoch_for_offset(int64_t offset) const {
  std::optional<LeaderEpoch> found;
  for (const auto& e : entries_) {
    if (e.start_offset > offset) break;
    found = e.epoch;
  }
  return found;
}

EpochEndOffset LeaderEpochCache::end_offset_for(LeaderEpoch requested, int64_t log_end_offset) const {
  if (requested.value() < 0 || entries_.empty()) return {};
  if (requested == entries_.back().epoch) return {requested, log_end_offset};
  // The first epoch newer than the requested one ends the requested epoch.
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), requested,
                                 [](LeaderEpoch target, const EpochEntry& e) { return target < e.epoch; });
  if (higher == entries_.end()) return {};
  if (higher == entries_.begin()) return {requested, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

std::error_code LeaderEpochCache::truncate_from_end(int64_t end_offset, Persist persist) {
  if (entries_.empty() || entries_.back().start_offset < end_offset) return {};
  std::erase_if(entries_, [&](const EpochEntry& e) { return e.start_offset >= end_offset; });
  return changed(persist);
}

std::error_code LeaderEpochCache::truncate_from_start(int64_t start_offset, Persist persist) {
  auto first_kept = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const EpochEntry& e) { return e.start_offset > start_offset; });
  if (first_kept == entries_.begin()) return {};
  EpochEntry moved{std::prev(first_kept)->epoch, start_offset};
  if (first_kept - entries_.begin() == 1 && entries_.front() == moved) return {};
  entries_.erase(entries_.begin(), first_kept);
  entries_.insert(entries_.begin(), moved);
  return changed(persist);
}

std::error_code LeaderEpochCache::clear(Persist persist) {
  if (entries_.empty()) return {};
  entries_.clear();
  return changed(persist);
}

}  // namespace kappa::storage
