#!/usr/bin/env bash
# One software TPM 2.0 (swtpm) per execution environment: the embedded stand-in for each platform's attester.
# Usage: swtpm.sh install                            -> only install swtpm, swtpm-tools and tpm2-tools if missing (root)
#        swtpm.sh ensure <purpose> <environment>...  -> install swtpm, swtpm-tools and tpm2-tools if missing (root),
#                                                        create each environment's TPM once (EK, an ECC attestation key
#                                                        made persistent), start it if it is not running, extend its
#                                                        boot measurements, and print the settings the console needs as
#                                                        NAME=value lines on stdout (nothing else goes to stdout)
#        swtpm.sh start  <purpose> <environment>...  -> the same (ensure is idempotent)
#        swtpm.sh stop   <purpose> [environment...]  -> stop the TPMs (all of the purpose without names); state stays
#        swtpm.sh reset  <purpose> [environment...]  -> stop and delete the TPMs' state (a new EK and AK next time)
#        swtpm.sh status <purpose> [environment...]
# State: /var/tmp/vnf-console-<checkout id>/tpm-<purpose>/<environment>/ (CONSOLE_TPM_BASE moves the parent), beside
# the PostgreSQL clusters, never inside a data folder. Each TPM listens on 127.0.0.1 on its own pair of ports (the TPM
# command port and swtpm's control port, below the ephemeral range); the pair is fixed per checkout, purpose and environment name, so a restart
# keeps the TCTI. The console gets per environment (names: letters, digits, - and _):
#   Attestation__Tpm__Environments__<env>__Tcti         swtpm:host=127.0.0.1,port=N   (a host's TPM: device:/dev/tpmrm0)
#   Attestation__Tpm__Environments__<env>__AkHandle     the AK's persistent handle (0x81010002)
#   Attestation__Tpm__Environments__<env>__AkPublicKey  the AK's public key, PEM file (tpm2_createak -f pem)
#   Attestation__Tpm__Environments__<env>__EkPublicKey  the EK's public key, PEM file (tpm2_createek -f pem)
# Boot measurements: every start is a TPM reset (swtpm's startup-clear), so PCR 0 ("firmware") and PCR 7 ("secure-boot
# policy") are extended again with the environment's own digests; the same environment always reads the same values.
# No resource manager sits between tpm2-tools and swtpm: transient objects and sessions are flushed after each step.
set -euo pipefail

cmd=${1:?install|ensure|start|stop|reset|status}
[ "$cmd" = install ] && set -- install none
purpose=${2:?purpose, e.g. run or test}
shift 2
valid_name() { case "$1" in ''|*[!A-Za-z0-9_-]*) return 1 ;; esac; }
valid_name "$purpose" || { echo "purpose must be letters, digits, - or _" >&2; exit 2; }
for env in "$@"; do valid_name "$env" || { echo "environment name '$env' must be letters, digits, - or _" >&2; exit 2; }; done

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo_root" | sha256sum | cut -c1-10)
base="${CONSOLE_TPM_BASE:-/var/tmp/vnf-console-$checkout_id}"
store="$base/tpm-$purpose"
ak_handle=0x81010002
ek_handle=0x81010001

install_tools() {
  command -v swtpm >/dev/null && command -v swtpm_setup >/dev/null && command -v tpm2_quote >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "swtpm or tpm2-tools is missing; install them: sudo apt-get install -y swtpm swtpm-tools tpm2-tools" >&2
    exit 1
  fi
  echo "swtpm or tpm2-tools is missing; installing swtpm, swtpm-tools and tpm2-tools from Debian" >&2
  local pkgs=(swtpm swtpm-tools tpm2-tools)
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >&2; then
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >&2
  fi
  command -v swtpm_setup >/dev/null && command -v tpm2_quote >/dev/null || { echo "installed, but swtpm_setup or tpm2_quote is missing" >&2; exit 1; }
}

# The port pair of one environment: fixed for (checkout, purpose, name), even, in 20000-32765: below Linux's ephemeral
# range (32768-60999), where an outgoing connection of any process could hold the port (CI once saw "Address already
# in use" from a swtpm whose port was inside that range).
port_of() {
  local n
  n=$(printf '%s|%s|%s' "$checkout_id" "$purpose" "$1" | cksum | cut -d' ' -f1)
  echo $((20000 + (n % 6383) * 2))
}

pid_of() {   # prints the pid of the environment's running swtpm, or fails
  local pidfile="$store/$1/swtpm.pid" pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && grep -q swtpm "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

tpm() { TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port" "$@"; }
flush() { tpm tpm2_flushcontext -t >/dev/null 2>&1 || true; tpm tpm2_flushcontext -s >/dev/null 2>&1 || true; }

wait_for_port() {
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "swtpm of $env did not open 127.0.0.1:$port (log: $dir/swtpm.log)" >&2
  return 1
}

ensure_one() {
  env=$1
  dir="$store/$env"
  port=$(port_of "$env")
  mkdir -p "$dir/state"
  chmod 700 "$store" "$dir"
  if [ ! -s "$dir/state/tpm2-00.permall" ]; then
    swtpm_setup --tpm2 --tpmstate "$dir/state" --createek --overwrite >"$dir/setup.log" 2>&1 \
      || { cat "$dir/setup.log" >&2; echo "swtpm_setup failed for $env" >&2; return 1; }
    rm -f "$dir/ak.pub.pem" "$dir/ek.pub.pem"
  fi
  local running
  # A TPM still running on another port (started before the port rule changed) is stopped: its TCTI would be wrong.
  if running=$(pid_of "$env") && ! tr '\0' ' ' <"/proc/$running/cmdline" | grep -q "type=tcp,port=$port,"; then
    kill "$running"
    for _ in $(seq 1 50); do kill -0 "$running" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/swtpm.pid"
  fi
  if ! pid_of "$env" >/dev/null; then
    # --daemon changes to /: the state folder must be absolute (a relative one puts the TPM in failure mode). The
    # daemon must not inherit the lock (fd 9), or it holds it for as long as it runs. swtpm writes why it could not
    # start (a port in use, say) to its log only: show it.
    : >"$dir/swtpm.log"
    swtpm socket --tpm2 --daemon --tpmstate "dir=$dir/state" \
      --server "type=tcp,port=$port,bindaddr=127.0.0.1" --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
      --flags not-need-init,startup-clear --pid "file=$dir/swtpm.pid" --log "file=$dir/swtpm.log,level=1" 9>&- \
      || { cat "$dir/swtpm.log" >&2; echo "swtpm of $env did not start on 127.0.0.1:$port" >&2; return 1; }
    wait_for_port
    flush
    # A TPM that was stopped without TPM2_Shutdown counts that as a failed authorisation; a few such stops put it in
    # dictionary-attack lockout, where even the AK's empty password is refused. The owner clears it (empty lockout auth).
    tpm tpm2_dictionarylockout --clear-lockout >&2
    # A fresh TPM reset: the boot measurements, as this environment's firmware and boot loader would make them.
    tpm tpm2_pcrextend "0:sha256=$(printf 'vnf-console firmware of %s' "$env" | sha256sum | cut -c1-64)" >&2
    tpm tpm2_pcrextend "7:sha256=$(printf 'vnf-console secure-boot policy: enforcing' | sha256sum | cut -c1-64)" >&2
  fi
  if [ ! -s "$dir/ak.pub.pem" ]; then
    local work
    work=$(mktemp -d "$dir/.make.XXXXXX")
    flush
    tpm tpm2_evictcontrol -C o -c "$ak_handle" >/dev/null 2>&1 || true
    tpm tpm2_evictcontrol -C o -c "$ek_handle" >/dev/null 2>&1 || true
    tpm tpm2_createek -G ecc -c "$work/ek.ctx" -u "$work/ek.pub" -f pem >&2
    flush
    tpm tpm2_createak -C "$work/ek.ctx" -c "$work/ak.ctx" -G ecc -g sha256 -s ecdsa -u "$work/ak.pub" -f pem -n "$work/ak.name" >&2
    flush
    tpm tpm2_evictcontrol -C o -c "$work/ak.ctx" "$ak_handle" >&2
    flush
    tpm tpm2_evictcontrol -C o -c "$work/ek.ctx" "$ek_handle" >&2
    flush
    cp "$work/ek.pub" "$dir/ek.pub.pem"
    mv "$work/ak.pub" "$dir/ak.pub.pem"
    rm -rf "$work"
  fi
  echo "Attestation__Tpm__Environments__${env}__Tcti=swtpm:host=127.0.0.1,port=$port"
  echo "Attestation__Tpm__Environments__${env}__AkHandle=$ak_handle"
  echo "Attestation__Tpm__Environments__${env}__AkPublicKey=$dir/ak.pub.pem"
  echo "Attestation__Tpm__Environments__${env}__EkPublicKey=$dir/ek.pub.pem"
}

named_or_all() {   # the environments named, or every one the purpose has
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; return; fi
  [ -d "$store" ] && find "$store" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort
}

stop_one() {
  local env=$1 pid
  if pid=$(pid_of "$env"); then
    # An orderly TPM2_Shutdown first, so the stop does not count against the dictionary-attack protection.
    port=$(port_of "$env")
    tpm tpm2_shutdown -c >/dev/null 2>&1 || true
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped the TPM of $env" >&2
  fi
  rm -f "$store/$env/swtpm.pid"
}

case "$cmd" in
  install) install_tools ;;
  ensure|start)
    [ $# -gt 0 ] || { echo "name at least one environment" >&2; exit 2; }
    install_tools
    mkdir -p "$store"
    exec 9>"$store/.lock"
    flock -w 120 9 || { echo "timed out waiting for $store/.lock" >&2; exit 1; }
    for env in "$@"; do ensure_one "$env"; done
    ;;
  stop)
    for env in $(named_or_all "$@"); do stop_one "$env"; done
    ;;
  reset)
    for env in $(named_or_all "$@"); do stop_one "$env"; rm -rf "${store:?}/$env"; done
    ;;
  status)
    for env in $(named_or_all "$@"); do
      if pid=$(pid_of "$env"); then echo "$env: running (pid $pid) on 127.0.0.1:$(port_of "$env")"
      elif [ -d "$store/$env" ]; then echo "$env: stopped"
      else echo "$env: no TPM"; fi
    done
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
