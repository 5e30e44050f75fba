#pragma once
// How `kappa consume` prints records.
//
// Templates (--format): %t timestamp (ms), %T topic, %p partition, %o offset,
// %k key, %v value, %h headers as k=v,k2=v2, %% a percent sign; escapes \n,
// \t, \r and \\. Nothing is added: end the template with \n for lines. Null
// keys/values print as nothing.
//
// JSON (--json): one object per record and line:
//   {"topic":..,"partition":..,"offset":..,"timestamp":..,"timestamp_type":"CreateTime",
//    "key":..,"value":..,"headers":[{"key":..,"value":..}]}
// key, value and header values are JSON strings when their bytes are valid
// UTF-8 and null for Kafka nulls. Other bytes are not mangled: the field is
// replaced by key_base64 / value_base64 (header: value_base64) holding the
// standard base64 of the bytes.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "kappa/client/records.h"

namespace kappa::cli {

class RecordFormatter {
 public:
  // Throws UsageError for a dangling '%' or an unknown directive.
  explicit RecordFormatter(std::string_view tmpl);
  void append(const client::ConsumerRecord& record, std::string& out) const;

 private:
  struct Piece {
    char directive = 0;  // 0: literal text
    std::string text;
  };
  std::vector<Piece> pieces_;
};

boost::json::object record_json(const client::ConsumerRecord& record);

bool valid_utf8(std::string_view s);
std::string base64(std::string_view bytes);

}  // namespace kappa::cli
