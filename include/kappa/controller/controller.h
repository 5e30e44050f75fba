#pragma once
// The controller frontend: validates metadata changes against the committed
// image, writes the resulting records to the metadata log and returns once
// they are committed and applied.  Changes are serialized (one at a time),
// so each plan sees every earlier change.
//
// Runs on the active controller, on the event-loop thread.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kappa/async/async_mutex.h"
#include "kappa/controller/metadata_log.h"
#include "kappa/controller/topic_commands.h"

namespace kappa::controller {

class Controller {
 public:
  Controller(asio::any_io_executor exec, MetadataLog& log, const metadata::MetadataImage& image,
             TopicDefaults defaults, std::function<protocol::Uuid()> new_topic_id);

  awaitable<CreatedTopic> create_topic(NewTopic topic, bool validate_only);
  awaitable<CommandResult> delete_topic(std::string name);
  awaitable<CommandResult> create_partitions(std::string topic, int32_t count,
                                             std::vector<std::vector<int32_t>> assignments, bool validate_only);
  awaitable<CommandResult> alter_topic_configs(std::string topic,
                                               std::map<std::string, std::optional<std::string>> changes,
                                               bool validate_only);
  // Appends records planned elsewhere.
  awaitable<protocol::ErrorCode> append(std::vector<metadata::MetadataRecord> records);
  // Runs `plan` against the committed image while holding the controller's
  // lock (so no other change interleaves) and appends what it produced.
  using Plan = std::function<CommandResult(const metadata::MetadataImage&, std::vector<metadata::MetadataRecord>&)>;
  awaitable<CommandResult> execute(Plan plan);
  const metadata::MetadataImage& image() const { return image_; }
  bool is_active() const { return log_.is_active(); }

  const TopicDefaults& defaults() const { return defaults_; }

 private:
  awaitable<CommandResult> commit(CommandResult planned, std::vector<metadata::MetadataRecord> records,
                                  bool validate_only);

  MetadataLog& log_;
  const metadata::MetadataImage& image_;
  TopicDefaults defaults_;
  std::function<protocol::Uuid()> new_topic_id_;
  AsyncMutex mutex_;
};

}  // namespace kappa::controller
