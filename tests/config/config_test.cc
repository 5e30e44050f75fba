#include "kappa/config/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kappa::config {
namespace {

std::optional<BrokerConfig> make(std::map<std::string, std::string> values, std::string* error_out = nullptr) {
  std::string error;
  auto c = BrokerConfig::from_values(std::move(values), error);
  if (error_out) *error_out = error;
  return c;
}

TEST(Config, documented_default_file_matches_the_setting_table) {
  std::ifstream in(std::string(KAPPA_SOURCE_DIR) + "/config/single.yaml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), render_default_config())
      << "regenerate with: build/bin/kappa-broker --print-default-config > config/single.yaml";
}

TEST(Config, documented_default_file_loads) {
  std::string error;
  auto c = BrokerConfig::load(std::string(KAPPA_SOURCE_DIR) + "/config/single.yaml", {}, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->node_id(), 1);
  ASSERT_EQ(c->listeners().size(), 1u);
  EXPECT_EQ(c->listeners()[0].port, 9092);
  EXPECT_EQ(c->log_dirs().front(), std::filesystem::path("./data"));
}

TEST(Config, unknown_key_is_an_error_naming_it) {
  std::string error;
  EXPECT_FALSE(make({{"log.retention.dayz", "3"}}, &error));
  EXPECT_NE(error.find("log.retention.dayz"), std::string::npos);
}

TEST(Config, bad_values_name_the_key) {
  std::string error;
  EXPECT_FALSE(make({{"num.partitions", "0"}}, &error));
  EXPECT_NE(error.find("num.partitions"), std::string::npos);
  EXPECT_FALSE(make({{"auto.create.topics.enable", "yes"}}, &error));
  EXPECT_NE(error.find("auto.create.topics.enable"), std::string::npos);
  EXPECT_FALSE(make({{"log.message.timestamp.type", "Now"}}, &error));
  EXPECT_FALSE(make({{"listeners", "127.0.0.1:9092"}}, &error));
  EXPECT_NE(error.find("listeners"), std::string::npos);
  EXPECT_FALSE(make({{"message.max.bytes", "99999999999"}}, &error));
}

TEST(Config, overrides_win_over_the_file) {
  auto dir = std::filesystem::temp_directory_path() / "kappa-config-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "c.yaml");
    out << "num.partitions: 3\nlog.dirs:\n  - /a\n  - /b\n";
  }
  std::string error;
  auto c = BrokerConfig::load(dir / "c.yaml", {"num.partitions=7"}, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->get_int("num.partitions"), 7);
  EXPECT_EQ(c->log_dirs().size(), 2u);
  EXPECT_FALSE(BrokerConfig::load(dir / "c.yaml", {"novalue"}, error));
  std::filesystem::remove_all(dir);
}

TEST(Config, retention_precedence_follows_kafka) {
  EXPECT_EQ(make({})->log_retention_ms(), 168LL * 3600 * 1000);
  EXPECT_EQ(make({{"log.retention.hours", "1"}})->log_retention_ms(), 3600 * 1000);
  EXPECT_EQ(make({{"log.retention.hours", "1"}, {"log.retention.minutes", "2"}})->log_retention_ms(), 120000);
  EXPECT_EQ(make({{"log.retention.minutes", "2"}, {"log.retention.ms", "5"}})->log_retention_ms(), 5);
  EXPECT_EQ(make({{"log.retention.ms", "-1"}})->log_retention_ms(), -1);
}

TEST(Config, listeners_and_voters_parse) {
  auto c = make({{"listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"},
                 {"controller.quorum.voters", "1@127.0.0.1:9093"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listeners().size(), 2u);
  ASSERT_EQ(c->advertised_listeners().size(), 1u);  // controller listeners are not advertised
  EXPECT_EQ(c->advertised_listeners()[0].name, "PLAINTEXT");
  ASSERT_EQ(c->voters().size(), 1u);
  EXPECT_EQ(c->voters()[0].port, 9093);
}

TEST(Config, inconsistent_roles_are_refused) {
  std::string error;
  EXPECT_FALSE(make({{"process.roles", "controller"}, {"controller.quorum.voters", "1@127.0.0.1:9093"}}, &error));
  EXPECT_NE(error.find("controller"), std::string::npos);
  EXPECT_FALSE(make({{"controller.quorum.voters", "1@h:1,1@h:2"}}, &error));
  EXPECT_NE(error.find("twice"), std::string::npos);
  EXPECT_FALSE(make({{"listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"},
                     {"controller.quorum.voters", "2@127.0.0.1:9093"}},
                    &error));
  EXPECT_NE(error.find("not a voter"), std::string::npos);
  EXPECT_FALSE(make({{"listeners", "SSL://127.0.0.1:9092"}}, &error));
}

TEST(Config, topic_settings_fall_back_to_broker_defaults) {
  auto b = make({{"log.segment.bytes", "1048576"}, {"log.retention.hours", "2"}});
  TopicConfig t(&*b, {{"retention.bytes", "99"}});
  EXPECT_EQ(t.get("segment.bytes"), "1048576");
  EXPECT_TRUE(t.is_broker_set("segment.bytes"));
  EXPECT_EQ(t.get_long("retention.ms"), 7200000);
  EXPECT_EQ(t.get("retention.bytes"), "99");
  EXPECT_EQ(t.get("cleanup.policy"), "delete");
  EXPECT_FALSE(t.is_broker_set("cleanup.policy"));
  EXPECT_TRUE(TopicConfig::validate({{"cleanup.policy", "compact,delete"}}) == std::nullopt);
  EXPECT_TRUE(TopicConfig::validate({{"cleanup.policy", "shred"}}).has_value());
  EXPECT_TRUE(TopicConfig::validate({{"unknown", "1"}}).has_value());
}

TEST(Config, effective_settings_list_every_setting_with_its_source) {
  auto c = make({{"node.id", "7"}, {"admin.listener", ""}});
  ASSERT_TRUE(c);
  auto all = c->effective_settings();
  EXPECT_EQ(all.size(), broker_config_defs().size());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
  auto find = [&](std::string_view n) { return *std::find_if(all.begin(), all.end(), [&](auto& s) { return s.name == n; }); };
  EXPECT_EQ(find("node.id").value, "7");
  EXPECT_FALSE(find("node.id").is_default);
  EXPECT_EQ(find("admin.listener").value, "");
  EXPECT_TRUE(find("num.partitions").is_default);
}

TEST(Config, secrets_are_recognised_for_masking) {
  EXPECT_TRUE(is_secret_setting("ssl.keystore.password", ConfigType::kString));
  EXPECT_TRUE(is_secret_setting("ssl.key.password", ConfigType::kString));
  EXPECT_TRUE(is_secret_setting("sasl.jaas.config", ConfigType::kString));
  EXPECT_TRUE(is_secret_setting("sasl.oauthbearer.client.secret", ConfigType::kString));
  EXPECT_TRUE(is_secret_setting("ssl.keystore.key", ConfigType::kString));
  EXPECT_TRUE(is_secret_setting("anything", ConfigType::kPassword));
  EXPECT_FALSE(is_secret_setting("node.id", ConfigType::kInt));
  EXPECT_FALSE(is_secret_setting("log.dirs", ConfigType::kList));
  EXPECT_FALSE(is_secret_setting("ssl.keystore.location", ConfigType::kString));
}

}  // namespace
}  // namespace kappa::config
