#pragma once
// Sends one encoded frame (a protocol::Writer's buffer plus its record
// inserts) on a socket.  Memory pieces go out with gathered writes; record
// inserts that are file slices go out with sendfile(2), so fetched records
// travel from the page cache to the socket without a user-space copy.

#include <memory>

#include "broker/asio.h"
#include "kappa/protocol/wire.h"

namespace kappa::broker {

// Returns bytes written; throws boost::system::system_error on socket errors.
awaitable<size_t> send_frame(tcp::socket& socket, const protocol::Writer& frame);

}  // namespace kappa::broker
