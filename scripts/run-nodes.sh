#!/usr/bin/env bash
# scripts/run --nodes N: N console processes on one database behind haproxy. Called by scripts/run with the console's
# settings already exported; not meant to be run by itself.
#
# Usage: run-nodes.sh N PORT   (haproxy on 127.0.0.1:PORT, nodes on PORT+1 ... PORT+N)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
nodes=$1
port=$2
checkout_id=$(printf '%s' "$repo" | sha256sum | cut -c1-10)
folder="${CONSOLE_RUN_BASE:-/var/tmp/vnf-console-$checkout_id}/nodes"
mkdir -p "$folder"

if ! command -v haproxy >/dev/null; then
  echo "Installing haproxy (Debian package) ..."
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo -n apt-get); fi
  "${apt_get[@]}" install -y --no-install-recommends haproxy >/dev/null 2>&1 \
    || { "${apt_get[@]}" update >/dev/null && "${apt_get[@]}" install -y --no-install-recommends haproxy >/dev/null; } \
    || { echo "could not install haproxy: apt-get install haproxy as root, then run again" >&2; exit 1; }
fi

for n in $(seq 1 "$nodes"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$((port + n))") 2>/dev/null; then
    echo "127.0.0.1:$((port + n)) (node $n) is already in use; stop what listens there" >&2
    exit 1
  fi
done

# Several nodes: leader election hands out recovery, the durable schedule's polling and recurring work, so each runs
# once in the cluster. The nodes share the key folder (same user): the provider's certificates, the key ring's
# certificate and the client secret the first node writes there.
export Workflow__DurabilityMode=Balanced
# haproxy is the proxy whose X-Forwarded-For the nodes believe.
export Console__ForwardedHeaders__KnownProxies=127.0.0.1

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "Building the console (Release) ..."
dotnet build src/Console.Web/Console.Web.csproj -c Release -nologo -v quiet >/dev/null

wait_healthy() {   # wait_healthy <port> <pid>
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || { echo "node on port $1 exited; see $folder/node-*.log" >&2; return 1; }
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "node on port $1 did not become healthy in 2 minutes; see $folder" >&2
  return 1
}

# One after the other: the first creates the schema, seeds the demo and writes the shared secrets; the others find them.
for n in $(seq 1 "$nodes"); do
  node_port=$((port + n))
  echo "Starting node $n on 127.0.0.1:$node_port (log: $folder/node-$n.log) ..."
  ASPNETCORE_URLS="http://127.0.0.1:$node_port" \
    dotnet run --project src/Console.Web/Console.Web.csproj -c Release --no-build --no-launch-profile \
    >"$folder/node-$n.log" 2>&1 &
  pids+=($!)
  wait_healthy "$node_port" "$!"
done

config="$folder/haproxy.cfg"
addresses=()
for n in $(seq 1 "$nodes"); do addresses+=("127.0.0.1:$((port + n))"); done
bash infra/haproxy/local.sh "$port" "${addresses[@]}" >"$config"
haproxy -c -q -f "$config"

echo "haproxy on http://127.0.0.1:$port in front of $nodes nodes (config: $config). Ctrl-C stops everything."
haproxy -db -f "$config" &
pids+=($!)
wait -n "${pids[@]}"
echo "a node or haproxy exited; stopping the rest" >&2
