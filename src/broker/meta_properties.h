#pragma once
// meta.properties: Kafka's identity file in every log directory
// (Java properties text: version=1, cluster.id, node.id, directory.id).
// It ties a directory to one cluster and one node, so a directory copied to
// the wrong node, or a node joining the wrong cluster, is refused at startup.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kappa::broker {

struct MetaProperties {
  std::string cluster_id;
  int32_t node_id = -1;
  std::string directory_id;
};

// nullopt when the file does not exist; throws std::runtime_error when it is unreadable.
std::optional<MetaProperties> read_meta_properties(const std::filesystem::path& dir);
void write_meta_properties(const std::filesystem::path& dir, const MetaProperties& props);

// Checks (or creates) meta.properties in every directory and returns the
// cluster id.  `configured` is the cluster.id setting ("" when unset); a
// fresh node without one uses `generated`.  Throws std::runtime_error with
// the reason on any mismatch.
std::string ensure_meta_properties(const std::vector<std::filesystem::path>& dirs, int32_t node_id,
                                   const std::string& configured, const std::string& generated);

// A new random id in Kafka's base64url form.
std::string random_id();

}  // namespace kappa::broker
