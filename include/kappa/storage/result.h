#pragma once
// Result<T>: a value or a std::error_code (C++20 has no std::expected).
//
//   Result<int64_t> r = log.append(...);
//   if (!r) return r.error();
//   use(*r);

#include <optional>
#include <system_error>
#include <utility>

#include "kappa/common/assert.h"
#include "kappa/storage/errors.h"

namespace kappa::storage {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(std::error_code error) : error_(error) { KAPPA_ASSERT(error, "Result built from a success code"); }
  Result(StorageErrc error) : Result(make_error_code(error)) {}

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  std::error_code error() const { return error_; }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &value(); }

 private:
  T& checked() {
    KAPPA_ASSERT(ok(), "value of a failed Result: {}", error_.message());
    return *value_;
  }

  std::optional<T> value_;
  std::error_code error_;
};

}  // namespace kappa::storage
