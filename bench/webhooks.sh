#!/usr/bin/env bash
# Webhook acceptance under load: wrk posts CRM webhook calls (bench/webhook-events.lua: MODE=both
# alternates Bitrix24 form events and signed HubSpot JSON calls; MODE=bitrix24 or MODE=hubspot for
# one kind), each a new event, to a running adapter on loopback for DURATION seconds; the adapter
# verifies each call (token, v3 signature), stores it durably and only then answers 200.
# The inbox workers run (WORKERS, default 2); WORKERS=0 measures the intake alone. Where the
# connections' CRMs are: CRM=down (default): closed ports on loopback, so every re-read fails and
# the workers pause those connections and probe them with the backoff, as in a CRM outage;
# CRM=up: bench/fake-crm.py answers the re-reads (every announced deal is gone, so each is
# processed as a deletion), and the workers process entries through the run.
# Afterwards the stored calls are counted in PostgreSQL against wrk's count of answers.
# Run from the repository root after `./mvnw -B -ntp package -DskipTests`; needs wrk, psql and
# python3 (Debian: apt-get install -y wrk postgresql-client python3). EXTRA_ARGS adds adapter
# arguments (--key=value ...); JAVA_OPTS the JVM's.
set -euo pipefail
JAR=${JAR:-adapter-app/target/planpilot.jar}   # another build, to compare
PORT=${PORT:-18181}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=2
WORKERS=${WORKERS:-2}
MODE=${MODE:-both}
EVENTS=${EVENTS:-1}            # events per HubSpot call (HubSpot sends up to 100)
RATE=${RATE:-0}                # calls per second on a fixed schedule; 0: as fast as the adapter answers
CRM=${CRM:-down}
CRM_PORT=${CRM_PORT:-18199}
SECRET=bench-client-secret
ADMIN_TOKEN=bench-admin-token-0123456789abcdef
DATA=$(mktemp -d /tmp/planpilot-webhooks-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 2; cp "$DATA/adapter.log" /tmp/planpilot-webhooks-adapter.log 2>/dev/null; rm -rf "$DATA"' EXIT  # the adapter's log stays in /tmp

if [ "$CRM" = up ]; then
  python3 bench/fake-crm.py "$CRM_PORT" > "$DATA/crm.log" 2>&1 &
  B24_URL="http://127.0.0.1:$CRM_PORT/rest/1/benchsecret/"
  HS_URL="http://127.0.0.1:$CRM_PORT"
else
  B24_URL="https://127.0.0.1:9/rest/1/benchsecret/"
  HS_URL="http://127.0.0.1:9"
fi

java ${JAVA_OPTS:-} -jar "$JAR" --server.port="$PORT" --adapter.data-dir="$DATA" --adapter.plan-file="$DATA/none.csv" \
  --adapter.webhooks.workers="$WORKERS" --adapter.security.admin-token="$ADMIN_TOKEN" \
  --adapter.connections.demo.sync-interval=0 \
  --adapter.connections.b24.type=bitrix24 \
  --adapter.connections.b24.base-url="$B24_URL" \
  --adapter.connections.b24.application-token=bench-token \
  --adapter.connections.b24.sync-interval=0 \
  --adapter.connections.hs.type=hubspot \
  --adapter.connections.hs.base-url="$HS_URL" \
  --adapter.connections.hs.access-token=bench-access-token \
  --adapter.connections.hs.client-secret="$SECRET" \
  --adapter.connections.hs.sync-interval=0 ${EXTRA_ARGS:-} > "$DATA/adapter.log" 2>&1 &
until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do sleep 0.2; done
PG_PORT=$(grep -o "up on 127.0.0.1:[0-9]*" "$DATA/adapter.log" | head -1 | cut -d: -f2)
sql() { psql -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$1"; }

# signed HubSpot calls for a run of $1 seconds, more than wrk can send in it (the signatures carry the
# time they were made: made just before the run, they are fresh throughout)
hubspot_calls() {
  python3 bench/hubspot-events.py "http://127.0.0.1:$PORT/webhooks/hs" "$SECRET" "$2" $(( ($1 + 5) * 4000 )) "$EVENTS" > "$DATA/hs-$2.txt"
}
measure() { # run-digit seconds extra-wrk-args
  [ "$MODE" = bitrix24 ] || hubspot_calls "$2" "$1"
  RUN=$1 MODE=$MODE RATE=$RATE THREADS=$THREADS HS_FILE="$DATA/hs-$1.txt" B24_TOKEN=bench-token \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" ${3:-} -s bench/webhook-events.lua "http://127.0.0.1:$PORT"
}

measure 1 10 > /dev/null   # warm-up
sleep 2
before_calls=$(sql "select count(*) from webhook_request")
before_rows=$(sql "select count(*) from webhook_inbox")
measure 2 "$DURATION" --latency | tee "$DATA/wrk.txt"
sleep 2
stored=$(( $(sql "select count(*) from webhook_request") - before_calls ))
answered=$(grep -o "^requests [0-9]*" "$DATA/wrk.txt" | awk '{print $2}')
failed=$(grep -o "status [0-9]* timeout" "$DATA/wrk.txt" | awk '{print $2}')
echo "calls stored during the measured run: $stored, answered by wrk's count: $answered (non-2xx: $failed)"
if [ "$stored" -ge "$(( answered - failed ))" ]; then
  echo "count check: every answered call is stored"
else
  echo "count check: $(( answered - failed - stored )) answered calls are MISSING from the inbox"
fi
echo "inbox entries stored during the measured run: $(( $(sql "select count(*) from webhook_inbox") - before_rows ))"
sql "select connection, status, count(*) from webhook_inbox group by connection, status order by 1, 2"
# callbacks per intake statement (group commit): sum / count is the mean
curl -s "http://127.0.0.1:$PORT/actuator/prometheus" -H "Authorization: Bearer $ADMIN_TOKEN" \
  | grep -E '^planpilot_webhooks_intake_batch_(count|sum|max)' || true
