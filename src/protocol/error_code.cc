#include "kappa/protocol/error_code.h"

#include <array>
#include <string>

namespace kappa::protocol {

std::string_view error_name(int16_t code) {
  switch (code) {
#define KAPPA_X(name, num, text) \
  case num:                      \
    return #text;
    KAPPA_ERROR_CODES(KAPPA_X)
#undef KAPPA_X
    default:
      break;
  }
  return "UNKNOWN_ERROR_CODE";
}

}  // namespace kappa::protocol
