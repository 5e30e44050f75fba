#pragma once
// parse_time_ms: a point in time for --from-time, as milliseconds since the
// Unix epoch. Accepts ISO-8601 / RFC 3339 forms
//   2026-11-24T10:00:00Z   2026-11-24T10:00:00.250Z   2026-11-24T11:00:00+01:00
//   2026-11-24 10:00:00Z   2026-11-24 (midnight UTC)
// (no zone means UTC), and a plain integer of epoch milliseconds.

#include <cstdint>
#include <optional>
#include <string_view>

namespace kappa::cli {

std::optional<int64_t> parse_time_ms(std::string_view text);

}  // namespace kappa::cli
