#!/usr/bin/env bash
# Measures the adapter's start to healthy (first start on an empty data dir, then a cold restart on
# the same data dir) and the demo's full sync. Run from the repository root after
# `./mvnw -B -ntp package -DskipTests`. Prints one line per figure.
set -euo pipefail
JAR=adapter-app/target/planpilot.jar
PORT=${PORT:-18080}
DATA=$(mktemp -d /tmp/planpilot-bench-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DATA"' EXIT

now_ms() { date +%s%3N; }

start_and_wait() {
  local started=$1 log=$2
  java -jar "$JAR" --server.port="$PORT" --adapter.data-dir="$DATA" > "$log" 2>&1 &
  echo $! > "$DATA/pid"
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" | grep -q '"status":"UP"'; do
    sleep 0.05
    if ! kill -0 "$(cat "$DATA/pid")" 2>/dev/null; then echo "adapter died"; cat "$log"; exit 1; fi
  done
  echo $(( $(now_ms) - started ))
}

stop() {
  kill "$(cat "$DATA/pid")"; wait "$(cat "$DATA/pid")" 2>/dev/null || true
}

t0=$(now_ms); first=$(start_and_wait "$t0" "$DATA/first.log")
echo "first start (initdb) to healthy: ${first} ms"
TOKEN=$(cat "$DATA/admin-token")
# the start-up sync of the demo: wait for it, then time a FULL sync through the API
until curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/connections" | grep -q '"status":"SUCCEEDED"'; do sleep 0.1; done
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/connections"; echo
run=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"mode":"FULL"}' \
      "http://127.0.0.1:$PORT/api/v1/connections/demo/sync" | sed -E 's/.*"runId":([0-9]+).*/\1/')
until curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/sync-runs/$run" | grep -q '"status":"SUCCEEDED"'; do sleep 0.1; done
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/sync-runs/$run" | \
  python3 -c 'import json,sys,datetime as d; r=json.load(sys.stdin); p=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00")); print("demo FULL sync of unchanged data (%d deals, %d activities): %d ms" % (r["deals"], r["activities"], (p(r["finishedAt"])-p(r["startedAt"])).total_seconds()*1000))'
first_sync=$(grep -o "Sync run 1 of 'demo'.*" "$DATA/first.log" || true)
echo "start-up sync log: $first_sync"
stop
for i in 1 2 3; do
  t0=$(now_ms); cold=$(start_and_wait "$t0" "$DATA/cold-$i.log")
  echo "cold start (existing data dir) to healthy, run $i: ${cold} ms"
  stop
done
