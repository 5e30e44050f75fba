#include "kappa/controller/controller.h"

#include <fmt/format.h>

namespace kappa::controller {

using protocol::ErrorCode;

Controller::Controller(asio::any_io_executor exec, MetadataLog& log, const metadata::MetadataImage& image,
                       TopicDefaults defaults, std::function<protocol::Uuid()> new_topic_id)
    : log_(log), image_(image), defaults_(defaults), new_topic_id_(std::move(new_topic_id)), mutex_(exec) {}

awaitable<CommandResult> Controller::commit(CommandResult planned, std::vector<metadata::MetadataRecord> records,
                                            bool validate_only) {
  if (!planned.ok() || validate_only || records.empty()) co_return planned;
  ErrorCode e = co_await log_.append(std::move(records));
  if (e != ErrorCode::kNone) co_return CommandResult{e, fmt::format("metadata log: {}", protocol::error_name(e))};
  co_return planned;
}

awaitable<CreatedTopic> Controller::create_topic(NewTopic topic, bool validate_only) {
  auto guard = co_await mutex_.lock();
  std::vector<metadata::MetadataRecord> records;
  protocol::Uuid id;
  do {
    id = new_topic_id_();
  } while (id.is_zero() || image_.topic(id));
  CreatedTopic created = plan_create_topic(image_, topic, defaults_, id, records);
  CommandResult r = co_await commit(created, std::move(records), validate_only);
  created.error = r.error;
  created.message = r.message;
  co_return created;
}

awaitable<CommandResult> Controller::delete_topic(std::string name) {
  auto guard = co_await mutex_.lock();
  std::vector<metadata::MetadataRecord> records;
  auto planned = plan_delete_topic(image_, name, records);
  co_return co_await commit(planned, std::move(records), false);
}

awaitable<CommandResult> Controller::create_partitions(std::string topic, int32_t count,
                                                       std::vector<std::vector<int32_t>> assignments,
                                                       bool validate_only) {
  auto guard = co_await mutex_.lock();
  std::vector<metadata::MetadataRecord> records;
  auto planned = plan_create_partitions(image_, topic, count, assignments, records);
  co_return co_await commit(planned, std::move(records), validate_only);
}

awaitable<CommandResult> Controller::alter_topic_configs(std::string topic,
                                                         std::map<std::string, std::optional<std::string>> changes,
                                                         bool validate_only) {
  auto guard = co_await mutex_.lock();
  std::vector<metadata::MetadataRecord> records;
  auto planned = plan_topic_configs(image_, topic, changes, records);
  co_return co_await commit(planned, std::move(records), validate_only);
}

awaitable<CommandResult> Controller::execute(Plan plan) {
  auto guard = co_await mutex_.lock();
  std::vector<metadata::MetadataRecord> records;
  auto planned = plan(image_, records);
  co_return co_await commit(planned, std::move(records), false);
}

awaitable<ErrorCode> Controller::append(std::vector<metadata::MetadataRecord> records) {
  auto guard = co_await mutex_.lock();
  co_return co_await log_.append(std::move(records));
}

}  // namespace kappa::controller
