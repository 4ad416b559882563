#!/usr/bin/env bash
# Installs what pmarb needs to build and test, only what is missing: Debian packages (needs
# root or sudo), then the test oracles in tests/oracle (the venues' official clients, from npm,
# pinned by package-lock.json). A no-op when everything is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libssl-dev libcurl4-openssl-dev libwebsockets-dev libsecp256k1-dev
  libjsmn-dev libjansson-dev libsqlite3-dev libinih-dev libcmocka-dev ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# Node.js runs the oracles; the official Polymarket client needs node ≥ 20.10.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

install_oracles() {
  local dir stamp want
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=10)?0:1)'; then
    echo "deps: node $(node --version) is too old: the test oracles (@polymarket/clob-client-v2) need node >= 20.10" >&2
    exit 1
  fi
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/oracle"
  stamp="$dir/node_modules/.pmarb-lock.sha256"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && return 0
  echo "deps: installing test oracles (npm ci in tests/oracle)" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_oracles
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "deps: missing packages (${missing[*]}) and not root: run 'make deps' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
install_oracles
