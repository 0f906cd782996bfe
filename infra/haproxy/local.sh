#!/usr/bin/env bash
# Prints the haproxy configuration of a local multi-node console: one frontend on 127.0.0.1:PORT, round robin over the
# nodes with a sticky-session cookie (a Blazor circuit lives in one node's memory), health checks on /health, and the
# answering node named in the X-Console-Node response header. scripts/run --nodes and the two-node browser tests use
# it, so both run the same configuration; infra/deploy/haproxy.cfg is the production one (TLS, fixed addresses).
#
# Usage: infra/haproxy/local.sh PORT HOST:PORT [HOST:PORT ...]   (the nodes, named node1, node2, ... in that order)
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 PORT HOST:PORT [HOST:PORT ...]" >&2
  exit 2
fi
port=$1
shift

cat <<CFG
global
    maxconn 2000

defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # Blazor circuits are WebSockets: they stay open while the page is.
    timeout tunnel 1h

frontend console
    bind 127.0.0.1:$port
    default_backend nodes

backend nodes
    balance roundrobin
    # A circuit lives in one node's memory: the cookie keeps a browser on the node that holds it (while it is up).
    cookie VNFNODE insert indirect nocache httponly
    option httpchk GET /health
    http-check expect status 200
    default-server inter 2s fall 2 rise 2
    # Which node answered, for people and tests looking at a response.
    http-response set-header X-Console-Node %s
CFG
n=0
for node in "$@"; do
  n=$((n + 1))
  echo "    server node$n $node check cookie node$n"
done
