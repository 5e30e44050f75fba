#pragma once
// The Asio subset Kappa's async code uses, and short names for it.

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>

namespace kappa {
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}  // namespace kappa
