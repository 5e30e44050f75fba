#pragma once
// The metadata log of a node that is its own single-voter quorum (no
// controller.quorum.voters): entries are appended to a local file and
// fsynced before they count as committed, then applied to the image.
//
// File format (metadata.log in <first log dir>/__cluster_metadata-0/):
//   repeated: length u32 BE | CRC-32C of payload u32 BE | payload
// where payload is metadata::encode_records().  On open the file is replayed;
// a torn or corrupt tail is truncated.

#include <filesystem>
#include <functional>

#include "kappa/async/asio.h"
#include "kappa/controller/metadata_log.h"
#include "kappa/metadata/metadata_image.h"

namespace kappa::broker {

class LocalMetadataLog final : public controller::MetadataLog {
 public:
  // `on_commit` runs on the event loop after each entry is applied to `image`.
  LocalMetadataLog(std::filesystem::path dir, asio::thread_pool& pool, metadata::MetadataImage& image,
                   int32_t node_id, std::function<void()> on_commit);
  ~LocalMetadataLog() override;

  // Replays the file into the image; throws std::runtime_error on I/O errors.
  void open();
  awaitable<protocol::ErrorCode> append(std::vector<metadata::MetadataRecord> records) override;
  bool is_active() const override { return true; }
  int32_t active_controller() const override { return node_id_; }

 private:
  std::filesystem::path path_;
  asio::thread_pool& pool_;
  metadata::MetadataImage& image_;
  int32_t node_id_;
  std::function<void()> on_commit_;
  int fd_ = -1;
  uint64_t size_ = 0;
  int64_t next_offset_ = 0;
};

}  // namespace kappa::broker
