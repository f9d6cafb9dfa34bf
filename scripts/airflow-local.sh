#!/usr/bin/env bash
# `make airflow`: Airflow 3 on this machine, the same components as docker-compose.yml —
# api-server (UI on 127.0.0.1), scheduler (LocalExecutor), dag-processor, triggerer — with the repo's
# dags/, the package in plugins/ (installed editable by `make install`), and the pools derived from
# the hub registry.
#
# AIRFLOW__CORE__EXECUTOR=CeleryExecutor runs the compose `celery` profile instead: the tasks run in
# Celery workers started here, $AIRFLOW_WORKERS (default 2) on Airflow's default queue and one on the
# warehouse queue with concurrency 1 (every task that opens the DuckDB files). The broker is not
# started here: set AIRFLOW__CELERY__BROKER_URL (the stack test starts a Redis for it). The result
# backend defaults to the metadata DB (give it PostgreSQL, as the stack test does).
#
# Metadata DB: SQLite in $AIRFLOW_HOME unless AIRFLOW__DATABASE__SQL_ALCHEMY_CONN is set (the stack
# test points it at PostgreSQL). Port: $AIRFLOW_PORT (default 8080). Ctrl-C stops every component.
# Each component runs in its own process group so stopping it also stops its task subprocesses.
#
# Hubs: nothing here touches the real Civitai and Hugging Face APIs by accident. Unless
# LW_REAL_HUBS=1, the DAGs crawl the hub simulator: this script starts it (port $LW_SIM_PORT,
# default 8765) and points every hub at it, unless every LW_<HUB>_BASE_URL is set already (the stack
# test's own simulator). `LW_REAL_HUBS=1 make airflow` crawls the real hubs (tokens: .env).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

export PATH="$repo/.venv/bin:$PATH"
export AIRFLOW_HOME=${AIRFLOW_HOME:-$repo/airflow_home}
port=${AIRFLOW_PORT:-8080}
url="http://127.0.0.1:$port"

export AIRFLOW__CORE__DAGS_FOLDER=$repo/dags
# plugins/ holds the likeness_watch package, installed editable: tasks import it from there.
# It is no Airflow plugin, and Airflow's plugin loader would exec every .py file under its plugins
# folder as a top-level module (`__main__.py` included), so that folder is an empty one here.
export AIRFLOW__CORE__PLUGINS_FOLDER=$AIRFLOW_HOME/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}
case "$AIRFLOW__CORE__EXECUTOR" in
    LocalExecutor) ;;
    CeleryExecutor)
        [ -n "${AIRFLOW__CELERY__BROKER_URL:-}" ] || {
            echo "CeleryExecutor needs a broker: set AIRFLOW__CELERY__BROKER_URL (e.g. redis://127.0.0.1:6379/0)" >&2
            exit 2
        } ;;
    *) echo "AIRFLOW__CORE__EXECUTOR must be LocalExecutor or CeleryExecutor, not '$AIRFLOW__CORE__EXECUTOR'" >&2; exit 2 ;;
esac
# Two cores: a handful of concurrent tasks is the most this machine runs well.
export AIRFLOW__CORE__PARALLELISM=${AIRFLOW__CORE__PARALLELISM:-4}
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT=$port
export AIRFLOW__API__BASE_URL=$url
# Task processes report back here: it must follow the api-server port.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=$url/execution/
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}
# lw_build renders the dbt project with `dbt ls` when parsed: well over Airflow's 30 s default on
# two busy cores the first time; cosmos caches the result in the metadata DB for later parses.
export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT=${AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT:-120}
export AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT=${AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT:-180}
export AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS=True
# No usage pings from cosmos tasks (offline machines, and nothing leaves without a reason).
export AIRFLOW__COSMOS__ENABLE_TELEMETRY=False

logs=$AIRFLOW_HOME/logs
mkdir -p "$logs" "$AIRFLOW__CORE__PLUGINS_FOLDER"

airflow db migrate >"$logs/db-migrate.log" 2>&1 || { tail -n 30 "$logs/db-migrate.log" >&2; exit 1; }
python -m likeness_watch.deploy.pools "$AIRFLOW_HOME/pools.json"
airflow pools import "$AIRFLOW_HOME/pools.json" >/dev/null

groups=()
stop() {
    trap - EXIT INT TERM
    for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
    for _ in $(seq 1 30); do
        alive=0
        for group in "${groups[@]}"; do kill -0 -- "-$group" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && return 0
        sleep 0.5
    done
    for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

hub_urls() {  # each hub's effective base URL and rate, as the tasks will resolve them
    python - <<'PY'
from likeness_watch.hubs.registry import hub_names, hub_settings

for hub in hub_names():
    print(f"  {hub}: {hub_settings(hub).base_url} ({hub_settings(hub).rps:g} requests/s)")
PY
}
all_hubs_set=$(python - <<'PY'
import os

from likeness_watch.hubs.registry import hub_names

print(int(all(os.environ.get(f"LW_{hub.upper()}_BASE_URL") for hub in hub_names())))
PY
)
if [ "${LW_REAL_HUBS:-0}" = 1 ]; then
    hubs_are="the REAL hubs (LW_REAL_HUBS=1)"
elif [ "$all_hubs_set" = 1 ]; then
    hubs_are="the hubs set in LW_<HUB>_BASE_URL"
else
    sim_port=${LW_SIM_PORT:-8765}
    setsid likeness-watch simulate --port "$sim_port" >"$logs/simulator.log" 2>&1 &
    groups+=("$!")
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$sim_port/_sim/health" >/dev/null 2>&1 && break
        kill -0 "${groups[-1]}" 2>/dev/null || { echo "the hub simulator exited; see $logs/simulator.log" >&2; exit 1; }
        sleep 1
    done
    eval "$(python - "http://127.0.0.1:$sim_port" <<'PY'
import shlex
import sys

from hubsim import SIM_RPS, sim_base_url
from likeness_watch.hubs.registry import hub_names

for hub in hub_names():
    print(f"export LW_{hub.upper()}_BASE_URL={shlex.quote(sim_base_url(sys.argv[1], hub))} LW_{hub.upper()}_RPS={SIM_RPS}")
PY
)"
    hubs_are="the hub simulator on 127.0.0.1:$sim_port (LW_REAL_HUBS=1 for the real hubs)"
fi
hubs=$(hub_urls)

for component in scheduler dag-processor triggerer api-server; do
    # A background job of a non-interactive shell is no group leader, so setsid needs no fork:
    # $! is the new process group's id.
    setsid airflow "$component" >"$logs/$component.log" 2>&1 &
    groups+=("$!")
done
if [ "$AIRFLOW__CORE__EXECUTOR" = CeleryExecutor ]; then
    read -r default_queue warehouse_queue < <(python - <<'PY'
from airflow.configuration import conf

from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

print(conf.get("operators", "default_queue"), WAREHOUSE_QUEUE)
PY
)
    # Distinct Celery node names (one machine); task logs are files in $logs that the api-server
    # reads itself, so no worker serves them (they would all want the same port).
    workers=()
    for n in $(seq 1 "${AIRFLOW_WORKERS:-2}"); do workers+=("$default_queue$n $default_queue ${AIRFLOW__CELERY__WORKER_CONCURRENCY:-2}"); done
    workers+=("$warehouse_queue $warehouse_queue 1")
    for worker in "${workers[@]}"; do
        read -r name queue concurrency <<<"$worker"
        setsid airflow celery worker --celery-hostname "$name@%h" --queues "$queue" \
            --concurrency "$concurrency" --skip-serve-logs >"$logs/worker-$name.log" 2>&1 &
        groups+=("$!")
    done
fi
# For whoever started this script: the groups to stop should this script itself be killed.
printf '%s\n' "${groups[@]}" >"$AIRFLOW_HOME/components.pgid"

for _ in $(seq 1 120); do
    curl -fsS "$url/api/v2/monitor/health" >/dev/null 2>&1 && break
    for group in "${groups[@]}"; do
        kill -0 "$group" 2>/dev/null || { echo "an Airflow component exited; see $logs" >&2; exit 1; }
    done
    sleep 1
done
curl -fsS "$url/api/v2/monitor/health" >/dev/null || { echo "api-server not healthy; see $logs" >&2; exit 1; }

cat <<EOF
Airflow is up: $url
  user:     ${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS%%:*}
  password: in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
  executor: $AIRFLOW__CORE__EXECUTOR
  logs:     $logs/{scheduler,dag-processor,triggerer,api-server,worker-*}.log
DAGs crawl $hubs_are:
$hubs
Ctrl-C stops every component.
EOF

# Stop everything as soon as any component dies: a half-running Airflow only misleads.
wait -n "${groups[@]}"
echo "an Airflow component exited; stopping the others (see $logs)" >&2
exit 1
