#!/usr/bin/env bash
# A private SoftHSM2 token store for the console's key-encryption keys (the embedded stand-in for a PKCS#11 HSM).
# Usage: softhsm.sh ensure <purpose>   -> install softhsm2 if missing (root), create the store once, print the settings
#                                         the console needs as NAME=value lines on stdout (nothing else goes to stdout)
#        softhsm.sh reset <purpose>    -> delete every token of the store (the PINs stay); for test runs
#        softhsm.sh status <purpose>
# The store lives in /var/tmp/vnf-console-<checkout id>/hsm-<purpose> (CONSOLE_HSM_BASE moves it): beside the
# PostgreSQL clusters of infra/postgres/cluster.sh, never inside a cluster's data folder, so a database backup never
# carries the tokens. The user and SO PINs are random on first creation, in owner-only files there. Tokens (one per
# trust domain) are initialised by the console on first use, because Keys:Pkcs11:ProvisionTokens is printed as true.
set -euo pipefail

cmd=${1:?ensure|reset|status}
purpose=${2:?purpose, e.g. run or test}
case "$purpose" in *[!A-Za-z0-9_-]*) echo "purpose must be letters, digits, - or _" >&2; exit 2 ;; esac

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo_root" | sha256sum | cut -c1-10)
base="${CONSOLE_HSM_BASE:-/var/tmp/vnf-console-$checkout_id}"
store="$base/hsm-$purpose"
conf="$store/softhsm2.conf"
tokens="$store/tokens"
module=/usr/lib/softhsm/libsofthsm2.so

install_softhsm() {
  [ -f "$module" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "SoftHSM2 is missing; install it: sudo apt-get install -y softhsm2" >&2
    exit 1
  fi
  echo "SoftHSM2 is missing; installing softhsm2 from Debian" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends softhsm2 </dev/null >&2; then
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends softhsm2 </dev/null >&2
  fi
  [ -f "$module" ] || { echo "softhsm2 installed but $module is missing" >&2; exit 1; }
}

# A random PIN in an owner-only file, written whole so two starts at once agree on one.
ensure_pin() {
  local file=$1
  [ -s "$file" ] && return 0
  (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 > "$file.tmp.$$")
  mv -n "$file.tmp.$$" "$file" 2>/dev/null || true
  rm -f "$file.tmp.$$"
}

case "$cmd" in
  ensure)
    install_softhsm
    mkdir -p "$tokens"
    chmod 700 "$store" "$tokens"
    exec 9>"$store/.lock"
    flock -w 60 9 || { echo "timed out waiting for $store/.lock" >&2; exit 1; }
    ensure_pin "$store/user.pin"
    ensure_pin "$store/so.pin"
    if [ ! -s "$conf" ]; then
      (umask 077; cat > "$conf" <<CONF
# SoftHSM2 store of the console ($purpose); written by infra/hsm/softhsm.sh
directories.tokendir = $tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
)
    fi
    echo "SOFTHSM2_CONF=$conf"
    echo "Keys__Provider=Pkcs11"
    echo "Keys__Pkcs11__ModulePath=$module"
    echo "Keys__Pkcs11__PinFile=$store/user.pin"
    echo "Keys__Pkcs11__SoPinFile=$store/so.pin"
    echo "Keys__Pkcs11__ProvisionTokens=true"
    ;;
  reset)
    if [ -d "$tokens" ]; then find "$tokens" -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi
    echo "tokens deleted: $tokens" >&2
    ;;
  status)
    if [ -s "$conf" ]; then
      echo "store: $store ($(find "$tokens" -mindepth 1 -maxdepth 1 -type d | wc -l) token(s))"
      [ -f "$module" ] && SOFTHSM2_CONF=$conf softhsm2-util --show-slots 2>/dev/null | grep -E 'Label:' | sed 's/^ */  token /' || true
    else
      echo "no store at $store"
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
