#pragma once
// Result<T>: a value or an Error (error.h). The client's public API returns
// results instead of throwing; exceptions are kept for broken invariants.
//
//   Result<TopicInfo> r = co_await admin.describe_topic("orders");
//   if (!r) { std::cerr << r.error().to_string(); return 1; }
//   use(*r);
//
// Result<void> carries only success or an Error.

#include <utility>
#include <variant>

#include "kappa/client/error.h"
#include "kappa/common/assert.h"

namespace kappa::client {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    KAPPA_ASSERT(!ok(), "error() on a successful Result");
    return std::get<1>(v_);
  }
  Error&& error() && {
    KAPPA_ASSERT(!ok(), "error() on a successful Result");
    return std::get<1>(std::move(v_));
  }

 private:
  T& checked() {
    KAPPA_ASSERT(ok(), "value() on a failed Result: {}", std::get<1>(v_).to_string());
    return std::get<0>(v_);
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    KAPPA_ASSERT(failed_, "error() on a successful Result");
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> ok() { return {}; }

}  // namespace kappa::client
