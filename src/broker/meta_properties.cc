#include "broker/meta_properties.h"

#include <fstream>
#include <random>

#include <fmt/format.h>

#include "kappa/common/durable_file.h"
#include "kappa/protocol/uuid.h"

namespace kappa::broker {

std::optional<MetaProperties> read_meta_properties(const std::filesystem::path& dir) {
  auto path = dir / "meta.properties";
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path.string()));
  MetaProperties p;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq);
    auto value = line.substr(eq + 1);
    if (key == "cluster.id") p.cluster_id = value;
    if (key == "node.id") p.node_id = std::stoi(value);
    if (key == "directory.id") p.directory_id = value;
  }
  if (p.cluster_id.empty() || p.node_id < 0) {
    throw std::runtime_error(fmt::format("{} lacks cluster.id or node.id", path.string()));
  }
  return p;
}

void write_meta_properties(const std::filesystem::path& dir, const MetaProperties& props) {
  std::string text = fmt::format("#\n#Written by Kappa\nversion=1\ncluster.id={}\nnode.id={}\ndirectory.id={}\n",
                                 props.cluster_id, props.node_id, props.directory_id);
  auto path = dir / "meta.properties";
  auto tmp = dir / "meta.properties.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", tmp.string()));
  }
  std::filesystem::rename(tmp, path);
  fsync_directory(dir);
}

std::string ensure_meta_properties(const std::vector<std::filesystem::path>& dirs, int32_t node_id,
                                   const std::string& configured, const std::string& generated) {
  std::string cluster_id = configured;
  std::vector<std::filesystem::path> fresh;
  for (const auto& dir : dirs) {
    std::filesystem::create_directories(dir);
    auto props = read_meta_properties(dir);
    if (!props) {
      fresh.push_back(dir);
      continue;
    }
    if (props->node_id != node_id) {
      throw std::runtime_error(fmt::format("log directory {} belongs to node {}, but this is node {}", dir.string(),
                                           props->node_id, node_id));
    }
    if (!cluster_id.empty() && props->cluster_id != cluster_id) {
      throw std::runtime_error(fmt::format("log directory {} belongs to cluster {}, but this node is configured "
                                           "for cluster {}",
                                           dir.string(), props->cluster_id, cluster_id));
    }
    cluster_id = props->cluster_id;
  }
  if (cluster_id.empty()) cluster_id = generated;
  for (const auto& dir : fresh) write_meta_properties(dir, {cluster_id, node_id, random_id()});
  return cluster_id;
}

std::string random_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  return protocol::Uuid::from_halves(rng(), rng()).to_string();
}

}  // namespace kappa::broker
