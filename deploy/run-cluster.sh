#!/usr/bin/env bash
# N Streamlit processes behind HAProxy on one machine, with cookie session affinity.
#
#   bash deploy/run-cluster.sh            # one process per core, HAProxy on 0.0.0.0:8080
#   bash deploy/run-cluster.sh 4          # four processes
#   BIND=127.0.0.1:9000 BASE_PORT=8601 bash deploy/run-cluster.sh 2
#
# Processes listen on 127.0.0.1:BASE_PORT.. (only HAProxy is reachable from outside).
# One Streamlit process uses about one core, so N = number of cores is the useful maximum.
# CTRL-C (or any exit) stops HAProxy and every Streamlit process this script started.
# Needs Debian's haproxy package (apt-get install haproxy) and requirements.txt installed.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-$(nproc)}"
BASE_PORT="${BASE_PORT:-8501}"
BIND="${BIND:-0.0.0.0:8080}"
PYTHON="${PYTHON:-python3}"
HAPROXY="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-60}"

if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [number of processes]" >&2; exit 2
fi
if [ ! -x "$HAPROXY" ]; then
  echo "haproxy not found: sudo apt-get install haproxy (or set HAPROXY=/path/to/haproxy)" >&2; exit 1
fi

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/gradient-explorer-cluster.XXXXXX")"
PIDS=()

stop_all() {
  trap - EXIT INT TERM
  echo "Stopping HAProxy and ${#PIDS[@]} process(es)..."
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$RUN_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORTS=()
for i in $(seq 1 "$N"); do
  port=$((BASE_PORT + i - 1))
  PORTS+=("$port")
  "$PYTHON" -m streamlit run streamlit_app.py \
    --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$RUN_DIR/streamlit-$i.log" 2>&1 </dev/null &
  PIDS+=("$!")
done

healthy() {
  "$PYTHON" - "$1" <<'PY'
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    ok = opener.open(f"http://127.0.0.1:{sys.argv[1]}/_stcore/health", timeout=2).read().strip() == b"ok"
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

for i in "${!PORTS[@]}"; do
  port="${PORTS[$i]}"
  deadline=$((SECONDS + STARTUP_TIMEOUT))
  until healthy "$port"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "Streamlit on port $port exited; its log:" >&2; cat "$RUN_DIR/streamlit-$((i + 1)).log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "Streamlit on port $port not healthy after ${STARTUP_TIMEOUT}s" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "Streamlit process $((i + 1)) healthy on 127.0.0.1:$port"
done

"$PYTHON" deploy/haproxy_config.py --bind "$BIND" --stats-socket "$RUN_DIR/haproxy.sock" "${PORTS[@]}" \
  >"$RUN_DIR/haproxy.cfg"
"$HAPROXY" -c -q -f "$RUN_DIR/haproxy.cfg"
"$HAPROXY" -db -f "$RUN_DIR/haproxy.cfg" &
PIDS+=("$!")

echo "Gradient Explorer on http://$BIND/ ($N processes). Stats: echo 'show stat' | socat - $RUN_DIR/haproxy.sock"
echo "CTRL-C stops everything."
# Exit (and stop everything) as soon as any process this script started ends.
wait -n "${PIDS[@]}"
echo "A process exited; stopping the rest." >&2
exit 1
