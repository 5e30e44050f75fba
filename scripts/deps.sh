#!/usr/bin/env bash
# Installs the Debian packages Kappa needs to build, test and run, skipping
# those already installed.  Uses sudo when not root.  Safe to run repeatedly.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config python3 make
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev libxxhash-dev
  libisal-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libssl-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  # test clients and tools
  kcat python3-confluent-kafka python3-kafka python3-yaml python3-pytest python3-pytest-timeout
  prometheus iproute2 procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
