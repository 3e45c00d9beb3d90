#!/usr/bin/env bash
# Webhook acceptance under load: wrk posts Bitrix24-style form events (each a new deal) to a
# running adapter on loopback for DURATION seconds; the adapter stores each one durably before it
# answers. The inbox workers run (WORKERS, default 2): they claim the new entries and try to re-read
# them from the connection's portal, which here is a closed port on loopback, so every re-read
# fails at once and goes to backoff: the workers' database work runs beside the intake, the
# portal's answer time does not. WORKERS=0 measures the intake alone.
# Afterwards the inbox is counted in PostgreSQL against wrk's count of 200 answers.
# Run from the repository root after `./mvnw -B -ntp package -DskipTests`; needs wrk and psql
# (Debian: apt-get install -y wrk postgresql-client). EXTRA_ARGS adds adapter arguments (--key=value ...).
set -euo pipefail
JAR=adapter-app/target/planpilot.jar
PORT=${PORT:-18181}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-32}
WORKERS=${WORKERS:-2}
DATA=$(mktemp -d /tmp/planpilot-webhooks-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 2; rm -rf "$DATA"' EXIT

java ${JAVA_OPTS:-} -jar "$JAR" --server.port="$PORT" --adapter.data-dir="$DATA" --adapter.plan-file="$DATA/none.csv" \
  --adapter.webhooks.workers="$WORKERS" \
  --adapter.connections.demo.sync-interval=0 \
  --adapter.connections.b24.type=bitrix24 \
  --adapter.connections.b24.base-url=https://127.0.0.1:9/rest/1/benchsecret/ \
  --adapter.connections.b24.application-token=bench-token \
  --adapter.connections.b24.sync-interval=0 ${EXTRA_ARGS:-} > "$DATA/adapter.log" 2>&1 &
until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do sleep 0.2; done
PG_PORT=$(grep -o "up on 127.0.0.1:[0-9]*" "$DATA/adapter.log" | head -1 | cut -d: -f2)

# warm-up, then the measured run
RUN=1 B24_TOKEN=bench-token wrk -t2 -c"$CONNECTIONS" -d10s -s bench/webhook-bitrix24.lua "http://127.0.0.1:$PORT/webhooks/b24" > /dev/null
before=$(psql -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "select count(*) from webhook_inbox")
RUN=2 B24_TOKEN=bench-token wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/webhook-bitrix24.lua \
  "http://127.0.0.1:$PORT/webhooks/b24" | tee "$DATA/wrk.txt"
after=$(psql -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "select count(*) from webhook_inbox")
echo "inbox rows stored during the measured run: $((after - before))"
psql -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "select status, count(*) from webhook_inbox group by status"
