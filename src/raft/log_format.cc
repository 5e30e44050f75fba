#include "raft/log_format.h"

#include <xxhash.h>

#include <charconv>

#include <fmt/format.h>

namespace kappa::raft::log_format {
namespace {

void put(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::string segment_name(int64_t base_index) { return fmt::format("{:020d}{}", base_index, kSegmentSuffix); }

std::optional<int64_t> parse_segment_name(std::string_view name) {
  if (name.size() != 20 + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) return std::nullopt;
  int64_t base = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + 20, base);
  if (ec != std::errc() || end != name.data() + 20 || base < 1) return std::nullopt;
  return base;
}

void append_frame(std::vector<uint8_t>& out, const Entry& entry) {
  size_t start = out.size();
  uint32_t body = static_cast<uint32_t>(kBodyHeader + entry.payload.size());
  put(out, body, 4);
  put(out, 0, 4);  // checksum, filled in below
  put(out, static_cast<uint64_t>(entry.index), 8);
  put(out, static_cast<uint64_t>(entry.term.value()), 8);
  out.push_back(static_cast<uint8_t>(entry.type));
  out.insert(out.end(), entry.payload.begin(), entry.payload.end());
  uint32_t sum = XXH32(out.data() + start + kFrameHeader, body, 0);
  for (int i = 0; i < 4; ++i) out[start + 4 + i] = static_cast<uint8_t>(sum >> (8 * (3 - i)));
}

std::optional<Entry> read_frame(std::span<const uint8_t> in, size_t& size) {
  if (in.size() < kFrameHeader) return std::nullopt;
  auto body = static_cast<uint32_t>(get(in.data(), 4));
  if (body < kBodyHeader || body > kMaxBody || body > in.size() - kFrameHeader) return std::nullopt;
  const uint8_t* p = in.data() + kFrameHeader;
  if (XXH32(p, body, 0) != static_cast<uint32_t>(get(in.data() + 4, 4))) return std::nullopt;
  auto type = static_cast<EntryType>(p[16]);
  if (type != EntryType::kNoop && type != EntryType::kData) return std::nullopt;
  size = kFrameHeader + body;
  return Entry{.index = static_cast<int64_t>(get(p, 8)),
               .term = Term{static_cast<int64_t>(get(p + 8, 8))},
               .type = type,
               .payload = std::vector<uint8_t>(p + kBodyHeader, p + body)};
}

std::vector<uint8_t> encode_hard_state(const HardState& state) {
  std::vector<uint8_t> out{kVersion};
  put(out, static_cast<uint64_t>(state.term.value()), 8);
  put(out, static_cast<uint32_t>(state.voted_for ? state.voted_for->value() : -1), 4);
  return out;
}

std::optional<HardState> decode_hard_state(std::span<const uint8_t> in) {
  if (in.size() != 13 || in[0] != kVersion) return std::nullopt;
  HardState state{.term = Term{static_cast<int64_t>(get(in.data() + 1, 8))}, .voted_for = std::nullopt};
  auto vote = static_cast<int32_t>(get(in.data() + 9, 4));
  if (vote >= 0) state.voted_for = NodeId{vote};
  return state;
}

std::vector<uint8_t> encode_snapshot(const Snapshot& snapshot) {
  std::vector<uint8_t> out{kVersion};
  put(out, static_cast<uint64_t>(snapshot.last_index), 8);
  put(out, static_cast<uint64_t>(snapshot.last_term.value()), 8);
  out.insert(out.end(), snapshot.data.begin(), snapshot.data.end());
  return out;
}

std::optional<Snapshot> decode_snapshot(std::span<const uint8_t> in) {
  if (in.size() < 17 || in[0] != kVersion) return std::nullopt;
  return Snapshot{.last_index = static_cast<int64_t>(get(in.data() + 1, 8)),
                  .last_term = Term{static_cast<int64_t>(get(in.data() + 9, 8))},
                  .data = std::vector<uint8_t>(in.begin() + 17, in.end())};
}

}  // namespace kappa::raft::log_format
