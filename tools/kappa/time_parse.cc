#include "kappa/time_parse.h"

#include <charconv>
#include <chrono>

namespace kappa::cli {
namespace {

// Reads exactly `digits` digits at `pos`.
std::optional<int> number(std::string_view s, size_t& pos, size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + digits, v);
  if (ec != std::errc() || p != s.data() + pos + digits) return std::nullopt;
  pos += digits;
  return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<int64_t> parse_time_ms(std::string_view s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc()) return std::nullopt;
    return ms;
  }
  using namespace std::chrono;
  size_t pos = 0;
  auto y = number(s, pos, 4);
  if (!y || !expect(s, pos, '-')) return std::nullopt;
  auto mo = number(s, pos, 2);
  if (!mo || !expect(s, pos, '-')) return std::nullopt;
  auto d = number(s, pos, 2);
  if (!d) return std::nullopt;
  year_month_day date{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  int64_t ms = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  if (pos == s.size()) return ms;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto h = number(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto mi = number(s, pos, 2);
  if (!mi || *h > 23 || *mi > 59) return std::nullopt;
  int sec = 0;
  if (expect(s, pos, ':')) {
    auto sv = number(s, pos, 2);
    if (!sv || *sv > 60) return std::nullopt;
    sec = *sv;
  }
  ms += ((*h * 60 + *mi) * 60 + sec) * int64_t{1000};
  if (expect(s, pos, '.') || expect(s, pos, ',')) {
    int scale = 100;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos == s.size() || expect(s, pos, 'Z') || expect(s, pos, 'z')) return pos == s.size() ? std::optional(ms) : std::nullopt;
  const char sign = s[pos++];
  if (sign != '+' && sign != '-') return std::nullopt;
  auto oh = number(s, pos, 2);
  if (!oh) return std::nullopt;
  expect(s, pos, ':');
  auto om = number(s, pos, 2);
  if (!om || pos != s.size()) return std::nullopt;
  const int64_t offset = (*oh * 60 + *om) * int64_t{60'000};
  return sign == '+' ? ms - offset : ms + offset;
}

}  // namespace kappa::cli
