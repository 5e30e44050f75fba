#include "kappa/protocol/uuid.h"

namespace kappa::protocol {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace

bool Uuid::is_zero() const {
  for (uint8_t b : bytes) {
    if (b) return false;
  }
  return true;
}

// base64url without padding: 16 bytes -> 22 characters.
std::string Uuid::to_string() const {
  std::string out;
  out.reserve(22);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  Uuid u;
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (char c : text) {
    int d = decode_char(c);
    if (d < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (i < 16) u.bytes[i++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  if (i != 16 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return u;
}

Uuid Uuid::from_halves(uint64_t msb, uint64_t lsb) {
  Uuid u;
  for (int i = 0; i < 8; ++i) {
    u.bytes[i] = static_cast<uint8_t>(msb >> (56 - 8 * i));
    u.bytes[8 + i] = static_cast<uint8_t>(lsb >> (56 - 8 * i));
  }
  return u;
}

uint64_t Uuid::msb() const {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | bytes[i];
  return v;
}

uint64_t Uuid::lsb() const {
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | bytes[i];
  return v;
}

}  // namespace kappa::protocol
