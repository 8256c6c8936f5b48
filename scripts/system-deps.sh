#!/usr/bin/env bash
# Installs the Debian packages gridmap needs, or says exactly what to run when not root.
set -euo pipefail
PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "gridmap: installing system packages: ${missing[*]}"
  bash -c "$cmd"
else
  echo "gridmap: missing system packages: ${missing[*]}" >&2
  echo "run as root:  sudo bash -c '$cmd'" >&2
  exit 1
fi
