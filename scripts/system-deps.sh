#!/usr/bin/env bash
# Installs the Debian packages gridmap needs, or says exactly what to run when not root.
set -euo pipefail
# `system-deps.sh test` adds what the browser tests need: Debian's Chromium and a CJK font;
# `system-deps.sh bench` those and the HTTP load generator the benches drive (wrk).
PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting)
if [ "${1:-run}" = "test" ] || [ "${1:-run}" = "bench" ]; then
  PACKAGES+=(chromium fonts-wqy-microhei)
fi
if [ "${1:-run}" = "bench" ]; then
  PACKAGES+=(wrk)
fi
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
