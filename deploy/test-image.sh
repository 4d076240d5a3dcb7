#!/usr/bin/env bash
# Builds the Dockerfile and runs the image on a Debian machine that can reach Debian's mirror and the
# npm registry but no container registry: Debian's dockerd (own data root and socket, no iptables,
# no bridge; containers use the host network) and a base image made here with debootstrap plus the
# host's Node, passed as BASE_IMAGE. Needs root. Used by test/image.test.ts.
#
#   deploy/test-image.sh smoke            build, run one instance on SQLite, check /health, /ready,
#                                         room creation and the web app, stop it, stop the daemon
#   deploy/test-image.sh build            daemon + base image (once) + app image
#   deploy/test-image.sh run N PORT [K=V...]  start container pairwise-test-N on 127.0.0.1:PORT,
#                                         wait until /ready
#   deploy/test-image.sh stop N           docker stop (SIGTERM, drains); prints the exit code
#   deploy/test-image.sh start N          start the stopped container again, wait until /ready
#   deploy/test-image.sh logs N
#   deploy/test-image.sh down             remove the containers, stop the daemon this script started
#   deploy/test-image.sh purge            down, then delete the daemon's data root (images, layers)
#
# Every step is idempotent: a running daemon and an existing base image are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE_DIR=${PAIRWISE_IMAGE_STATE_DIR:-/var/lib/pairwise-image-test}
RUN_DIR=/run/pairwise-image-test
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_IMAGE=pairwise-base:local
IMAGE=pairwise:local
PREFIX=pairwise-test-
# Debian's CLI, which matches its daemon (another `docker` on PATH may be newer and expect buildx).
DOCKER=/usr/bin/docker
export DOCKER_HOST=unix://$RUN_DIR/docker.sock
# The classic builder: `--network=host` for `npm ci` needs no BuildKit entitlement there.
export DOCKER_BUILDKIT=0

log() { printf '== %s\n' "$*" >&2; }
fail() {
  printf 'test-image: %s\n' "$*" >&2
  exit 1
}
timed() {
  local label=$1 started=$SECONDS
  shift
  # Not `|| return`: that would switch off `set -e` inside the command's functions.
  "$@"
  log "$label: $((SECONDS - started)) s"
}
# Runs a command with its output in a log file, showing the file's end if it fails.
logged() {
  local file=$1
  shift
  "$@" >"$file" 2>&1 || {
    tail -n 40 "$file" >&2
    fail "$1 failed (log: $file)"
  }
}

install_tools() {
  [ "$(id -u)" = 0 ] || fail "must run as root (dockerd, debootstrap, chroot)"
  if ! [ -x /usr/sbin/dockerd ] || ! [ -x "$DOCKER" ] || ! [ -x /usr/sbin/debootstrap ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap
  fi
}

daemon_up() { "$DOCKER" version >/dev/null 2>&1; }

start_daemon() {
  daemon_up && return
  mkdir -p "$RUN_DIR" "$STATE_DIR"
  # No iptables or bridge: the machine may not allow them, and containers use the host network.
  setsid /usr/sbin/dockerd --data-root "$STATE_DIR/docker" --exec-root "$RUN_DIR/exec" \
    --pidfile "$RUN_DIR/dockerd.pid" -H "$DOCKER_HOST" --iptables=false --bridge=none \
    >"$RUN_DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    daemon_up && return
    sleep 0.5
  done
  tail -n 20 "$RUN_DIR/dockerd.log" >&2
  fail "dockerd did not answer within 30 s (log: $RUN_DIR/dockerd.log)"
}

stop_daemon() {
  local pid mount
  if [ -f "$RUN_DIR/dockerd.pid" ]; then
    pid=$(cat "$RUN_DIR/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      kill -0 "$pid" 2>/dev/null && fail "dockerd ($pid) did not stop within 30 s"
    fi
    rm -f "$RUN_DIR/dockerd.pid"
  fi
  daemon_up && return
  # dockerd leaves its default network namespace and its data root (bound onto itself) mounted.
  for mount in "$RUN_DIR/exec/netns/default" "$STATE_DIR/docker"; do
    if mountpoint -q "$mount"; then umount "$mount"; fi
  done
}

# What the Dockerfile expects of node:20-bookworm-slim: Debian bookworm, Node 20 and npm in
# /usr/local, Node's headers in /usr/local/include/node, a `node` user with uid 1000.
make_base_image() {
  "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return
  local node npm_dir rootfs=$STATE_DIR/rootfs
  node=$(readlink -f "$(command -v node)") || fail "no node on PATH to put in the base image"
  "$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 20 && b >= 19 ? 0 : 1)' ||
    fail "the base image needs the host's Node to be 20.19 or later 20.x, not $("$node" -v)"
  npm_dir=$(npm root -g)/npm
  [ -d "$(dirname "$node")/../include/node" ] || fail "no Node headers beside $node"
  rm -rf "$rootfs"
  timed debootstrap logged "$STATE_DIR/debootstrap.log" debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include"
  cp "$node" "$rootfs/usr/local/bin/node"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  cp -a "$(dirname "$node")/../include/node" "$rootfs/usr/local/include/node"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # Egress may pass a TLS-inspecting proxy that only the host's CA bundle trusts.
  local ca_env=()
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$rootfs/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
    ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # npm_config_nodedir: better-sqlite3 compiles here (its prebuilt binaries are on GitHub), and
  # node-gyp would otherwise fetch the headers from nodejs.org; neither host is reachable.
  tar --numeric-owner -C "$rootfs" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV npm_config_nodedir=/usr/local' "${ca_env[@]}" --change 'CMD ["node"]' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

build() {
  install_tools
  timed "daemon start" start_daemon
  timed "base image" make_base_image
  timed "image build" logged "$RUN_DIR/build.log" \
    "$DOCKER" build --network=host --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" .
}

run_instance() {
  local name=$PREFIX$1 port=$2
  shift 2
  local env_args=()
  for pair in "$@"; do env_args+=(-e "$pair"); done
  "$DOCKER" rm -f "$name" >/dev/null 2>&1 || true
  "$DOCKER" run -d --name "$name" --network=host -e "PORT=$port" -e HOST=127.0.0.1 "${env_args[@]}" "$IMAGE" >/dev/null
  wait_ready "$name" "$port"
}

# Starts a stopped container again (same data directory).
start_instance() {
  local name=$PREFIX$1
  "$DOCKER" start "$name" >/dev/null
  wait_ready "$name" "$("$DOCKER" inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name" | sed -n 's/^PORT=//p')"
}

wait_ready() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/ready" >/dev/null; then
      log "$name ready on 127.0.0.1:$port"
      return
    fi
    [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$name")" = true ] || break
    sleep 0.5
  done
  "$DOCKER" logs "$name" 2>&1 | tail -n 30 >&2
  fail "$name was not ready on port $port within 60 s"
}

stop_instance() {
  local name=$PREFIX$1
  "$DOCKER" stop -t 30 "$name" >/dev/null
  "$DOCKER" inspect -f '{{.State.ExitCode}}' "$name"
}

# The Dockerfile's HEALTHCHECK first runs 10 s after the start.
wait_healthy() {
  local name=$PREFIX$1 status
  for _ in $(seq 1 60); do
    status=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$name")
    [ "$status" = healthy ] && log "$name: HEALTHCHECK healthy" && return
    [ "$status" = unhealthy ] && break
    sleep 0.5
  done
  fail "$name: HEALTHCHECK says ${status:-nothing} after 30 s"
}

down() {
  if daemon_up; then
    local ids
    mapfile -t ids < <("$DOCKER" ps -aq --filter "name=^$PREFIX")
    [ ${#ids[@]} = 0 ] || "$DOCKER" rm -f "${ids[@]}" >/dev/null
  fi
  stop_daemon
}

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

expect_http() {
  local expected=$1 url=$2 status
  shift 2
  status=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$status" = "$expected" ] || fail "$url answered $status, expected $expected"
  log "$url: $status"
}

smoke() {
  trap down EXIT
  build
  local port started=$SECONDS
  port=$(free_port)
  run_instance smoke "$port"
  log "start to ready: $((SECONDS - started)) s"
  expect_http 200 "http://127.0.0.1:$port/health"
  expect_http 200 "http://127.0.0.1:$port/ready"
  expect_http 201 "http://127.0.0.1:$port/api/rooms" -X POST -H 'content-type: application/json' -d '{}'
  expect_http 200 "http://127.0.0.1:$port/"
  wait_healthy smoke
  [ "$(stop_instance smoke)" = 0 ] || fail "the instance did not exit 0 on SIGTERM"
  "$DOCKER" logs "${PREFIX}smoke" 2>&1 | grep -q 'shut down cleanly' || fail "no clean shutdown in the log"
  log "smoke test passed"
}

case "${1:-smoke}" in
  smoke) smoke ;;
  build) build ;;
  run)
    [ $# -ge 3 ] || fail "usage: $0 run NAME PORT [KEY=VALUE...]"
    shift
    start_daemon
    run_instance "$@"
    ;;
  stop) stop_instance "$2" ;;
  start)
    start_daemon
    start_instance "$2"
    ;;
  logs) "$DOCKER" logs "$PREFIX$2" ;;
  down) down ;;
  purge)
    down
    rm -rf "$STATE_DIR"
    ;;
  *) fail "unknown command: $1 (smoke, build, run, stop, start, logs, down, purge)" ;;
esac
