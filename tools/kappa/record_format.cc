#include "kappa/record_format.h"

#include <fmt/format.h>

#include "kappa/cli.h"

namespace kappa::cli {
namespace {

void append_headers(const std::vector<client::Header>& headers, std::string& out) {
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i) out += ',';
    out += headers[i].key;
    out += '=';
    out += headers[i].value.value_or("");
  }
}

// Adds `name` (or name_base64) for nullable bytes.
void put_bytes(boost::json::object& o, std::string_view name, const std::optional<std::string>& bytes) {
  if (!bytes) {
    o[name] = nullptr;
  } else if (valid_utf8(*bytes)) {
    o[name] = *bytes;
  } else {
    o[std::string(name) + "_base64"] = base64(*bytes);
  }
}

}  // namespace

RecordFormatter::RecordFormatter(std::string_view t) {
  Piece literal;
  auto flush = [&] {
    if (!literal.text.empty()) pieces_.push_back(std::exchange(literal, {}));
  };
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if ((c == '%' || c == '\\') && i + 1 == t.size()) throw UsageError(fmt::format("--format ends with '{}'", c));
    if (c == '\\') {
      const char e = t[++i];
      literal.text += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
    } else if (c == '%') {
      const char d = t[++i];
      if (d == '%') {
        literal.text += '%';
        continue;
      }
      if (std::string_view("tTpokvh").find(d) == std::string_view::npos) {
        throw UsageError(fmt::format("unknown --format directive '%{}' (use %t %T %p %o %k %v %h %%)", d));
      }
      flush();
      pieces_.push_back({d, {}});
    } else {
      literal.text += c;
    }
  }
  flush();
}

void RecordFormatter::append(const client::ConsumerRecord& r, std::string& out) const {
  for (const auto& p : pieces_) {
    switch (p.directive) {
      case 0: out += p.text; break;
      case 't': out += std::to_string(r.timestamp); break;
      case 'T': out += r.topic; break;
      case 'p': out += std::to_string(r.partition); break;
      case 'o': out += std::to_string(r.offset); break;
      case 'k': out += r.key.value_or(""); break;
      case 'v': out += r.value.value_or(""); break;
      case 'h': append_headers(r.headers, out); break;
    }
  }
}

boost::json::object record_json(const client::ConsumerRecord& r) {
  boost::json::object o;
  o["topic"] = r.topic;
  o["partition"] = r.partition;
  o["offset"] = r.offset;
  o["timestamp"] = r.timestamp;
  o["timestamp_type"] = r.timestamp_type == client::TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime";
  put_bytes(o, "key", r.key);
  put_bytes(o, "value", r.value);
  boost::json::array headers;
  for (const auto& h : r.headers) {
    boost::json::object jh;
    jh["key"] = h.key;
    put_bytes(jh, "value", h.value);
    headers.push_back(std::move(jh));
  }
  o["headers"] = std::move(headers);
  return o;
}

bool valid_utf8(std::string_view s) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 4;
    if (extra == 4 || i + extra >= s.size() + (extra == 0)) return false;
    uint32_t cp = extra == 0 ? c : c & (0x3fu >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (cp < kMin[extra] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    i += extra + 1;
  }
  return true;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 0x3f];
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 0x3f];
    out += kAlphabet[(v >> 12) & 0x3f];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 0x3f] : '=';
    out += '=';
  }
  return out;
}

}  // namespace kappa::cli
