#pragma once
// Strong types for the integers Kafka passes around, so an offset can never
// be passed where a leader epoch or a node id is expected.

#include <compare>
#include <cstdint>
#include <functional>

#include <fmt/format.h>

namespace kappa {

template <typename Tag, typename T>
class StrongId {
 public:
  using value_type = T;
  constexpr StrongId() = default;
  constexpr explicit StrongId(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  T v_{};
};

using Offset = StrongId<struct OffsetTag, int64_t>;
using NodeId = StrongId<struct NodeIdTag, int32_t>;
using PartitionId = StrongId<struct PartitionIdTag, int32_t>;
using LeaderEpoch = StrongId<struct LeaderEpochTag, int32_t>;
using ProducerId = StrongId<struct ProducerIdTag, int64_t>;
using ProducerEpoch = StrongId<struct ProducerEpochTag, int16_t>;
using Term = StrongId<struct TermTag, int64_t>;

}  // namespace kappa

template <typename Tag, typename T>
struct std::hash<kappa::StrongId<Tag, T>> {
  size_t operator()(const kappa::StrongId<Tag, T>& id) const noexcept { return std::hash<T>{}(id.value()); }
};

template <typename Tag, typename T>
struct fmt::formatter<kappa::StrongId<Tag, T>> : fmt::formatter<T> {
  auto format(const kappa::StrongId<Tag, T>& id, format_context& ctx) const {
    return fmt::formatter<T>::format(id.value(), ctx);
  }
};
