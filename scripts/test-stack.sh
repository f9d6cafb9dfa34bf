#!/usr/bin/env bash
# `make test-stack`: the docker-compose topology as local processes on 127.0.0.1, no Docker —
#   PostgreSQL (Debian package, temp cluster) as the Airflow metadata DB,
#   a moto S3 server as the object store (the compose file's MinIO),
#   the hub simulator (the compose `simulator` profile),
#   Airflow 3 via scripts/airflow-local.sh (api-server, scheduler with LocalExecutor, dag-processor,
#   triggerer).
# The scheduler runs the real daily chain for the last $STACK_DAYS days (a backfill of lw_crawl;
# its raw Asset events trigger the downstream DAGs), then tests/stack asserts partitions in S3,
# DAG runs, marts in the warehouse and alerts in the outbox. Every process started here is stopped
# on exit (each runs in its own process group). STACK_KEEP=1 keeps the temp dir for inspection.
# STACK_SOURCE=replay serves real recorded hub records instead (`simulate --replay`, default
# ../shared/real: the 2023 Civitai dump, the 2025 body and the Hugging Face cards) for one day.
# STACK_EXECUTOR=celery runs the compose `celery` profile instead of LocalExecutor: Redis (Debian's
# redis-server, a temp instance) as the broker, the metadata DB as the result backend, two Celery
# workers on Airflow's default queue and one on the warehouse queue (concurrency 1 each); the same
# tests, plus where each task ran (the workers' logs, worker-<name>.log under Airflow's logs).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export PATH="$repo/.venv/bin:$PATH"

source=${STACK_SOURCE:-simulator}
replay_dir=${STACK_REPLAY_DIR:-$repo/../shared/real}
case "$source" in
    simulator) days=${STACK_DAYS:-3} ;;
    replay)
        days=${STACK_DAYS:-1}
        if [ ! -d "$replay_dir" ]; then
            echo "[test-stack] skipped: STACK_SOURCE=replay needs real records in $replay_dir (../shared/real)"
            exit 0
        fi ;;
    *) echo "STACK_SOURCE must be simulator or replay, not '$source'" >&2; exit 2 ;;
esac
executor=${STACK_EXECUTOR:-local}
case "$executor" in
    local | celery) ;;
    *) echo "STACK_EXECUTOR must be local or celery, not '$executor'" >&2; exit 2 ;;
esac
chain_timeout=${STACK_TIMEOUT:-900}
began=$(date +%s)
work=$(mktemp -d /tmp/lw-stack.XXXXXX)
chmod 755 "$work"
groups=()
pg_data=""

say() { printf '[test-stack %3ss] %s\n' "$(($(date +%s) - began))" "$*"; }

stop_group() {
    local group=$1
    kill -TERM -- "-$group" 2>/dev/null || return 0
    for _ in $(seq 1 40); do
        kill -0 -- "-$group" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -KILL -- "-$group" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    # Newest first: Airflow before the services it uses.
    for ((i = ${#groups[@]} - 1; i >= 0; i--)); do stop_group "${groups[i]}"; done
    # Airflow components run in groups of their own; airflow-local.sh records them.
    if [ -f "$work/airflow_home/components.pgid" ]; then
        while read -r group; do stop_group "$group"; done <"$work/airflow_home/components.pgid"
    fi
    [ -n "$pg_data" ] && as_postgres pg_ctl -D "$pg_data" -m fast -w stop >/dev/null 2>&1
    if [ "$rc" -ne 0 ]; then
        for log in "$work"/*.log "$work"/airflow_home/logs/*.log; do
            [ -f "$log" ] && { echo "--- $log (tail)"; tail -n 25 "$log"; }
        done
    fi
    if [ "${STACK_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
    say "finished with exit code $rc in $(($(date +%s) - began)) s"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq 1 "$((seconds * 2))"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "timed out after ${seconds}s waiting for $what" >&2
    return 1
}

start_group() {  # start_group LOGNAME COMMAND...: background, own process group, stopped on exit
    local name=$1
    shift
    setsid "$@" >"$work/$name.log" 2>&1 &
    groups+=("$!")
}

# --- PostgreSQL (Debian's server; Airflow's drivers psycopg2 and asyncpg come with the dev extras)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL not installed: run make system-deps" >&2; exit 1; }
as_postgres() {  # initdb refuses to run as root
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_bin/$1" "${@:2}"; else "$pg_bin/$1" "${@:2}"; fi
}
pg_port=$(free_port)
mkdir -p "$work/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
as_postgres initdb -D "$work/pg/data" -U airflow --auth=trust -E UTF8 >"$work/initdb.log" 2>&1
pg_data="$work/pg/data"
as_postgres pg_ctl -D "$pg_data" -l "$work/pg/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off -c max_connections=200" \
    start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U airflow airflow
db_url="postgresql+psycopg2://airflow@127.0.0.1:$pg_port/airflow"
psql_q() { psql -h 127.0.0.1 -p "$pg_port" -U airflow -d airflow -Atqc "$1"; }
say "PostgreSQL on 127.0.0.1:$pg_port"

# --- Celery broker: Redis (Debian's server, in memory: queued messages need no disk here) ---------
if [ "$executor" = celery ]; then
    command -v redis-server >/dev/null || { echo "redis-server not installed: run make system-deps" >&2; exit 1; }
    redis_port=$(free_port)
    mkdir -p "$work/redis"
    start_group redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" \
        --save "" --appendonly no
    wait_for 30 "Redis" redis-cli -h 127.0.0.1 -p "$redis_port" ping
    export AIRFLOW__CORE__EXECUTOR=CeleryExecutor AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:$redis_port/0"
    export AIRFLOW__CELERY__RESULT_BACKEND="db+$db_url"
    # Two workers on the default queue, each running one task at a time: two crawls running at
    # once run on both, as they would on two machines.
    export AIRFLOW_WORKERS=2 AIRFLOW__CELERY__WORKER_CONCURRENCY=1
    say "Redis on 127.0.0.1:$redis_port (Celery broker)"
else
    export AIRFLOW__CORE__EXECUTOR=LocalExecutor
fi

# --- Object store: moto S3 ----------------------------------------------------------------------
s3_port=$(free_port)
start_group moto python -m moto.server -H 127.0.0.1 -p "$s3_port"
wait_for 30 "moto S3" curl -fsS "http://127.0.0.1:$s3_port/moto-api/"
export AWS_ENDPOINT_URL="http://127.0.0.1:$s3_port" AWS_ACCESS_KEY_ID=testing \
    AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
bucket=lw-stack
python -c "import boto3, sys; boto3.client('s3').create_bucket(Bucket=sys.argv[1])" "$bucket"
say "moto S3 on 127.0.0.1:$s3_port, bucket $bucket"

# --- Hub simulator --------------------------------------------------------------------------------
# The last $days complete days are crawled (so the scheduler's own "latest interval" run, catchup
# being off, is one of them rather than an extra day). The simulated world spans the 90 days before
# them, so its size does not depend on today's date.
first=$(date -u -d "-$days days" +%F)
last=$(date -u -d "-1 day" +%F)
world=(--seed "${STACK_SEED:-7}" --scale "${STACK_SCALE:-0.5}"
    --start "$(date -u -d "$first -90 days" +%F)" --end "$(date -u +%F)")
sim_port=$(free_port)
if [ "$source" = replay ]; then
    start_group simulator likeness-watch simulate --replay "$replay_dir" --port "$sim_port"
    wait_for 180 "replay hub" curl -fsS "http://127.0.0.1:$sim_port/_sim/health"
    printf 'name,aliases\n' >"$work/watchlist.csv"  # real people are not ours to watch-list in a test
else
start_group simulator likeness-watch simulate --port "$sim_port" "${world[@]}"
wait_for 60 "hub simulator" curl -fsS "http://127.0.0.1:$sim_port/_sim/health"
# A watchlist naming people (else titles) of models the world publishes after the first crawl day:
# those are "new" on a scored day, so the alert path has something to deliver, deterministically.
likeness-watch simulate "${world[@]}" --export-truth "$work/truth" >/dev/null
python - "$work/truth/models.csv" "$first" "$last" "$work/watchlist.csv" <<'EOF'
import csv
import sys

truth, first, last, out = sys.argv[1:]
new = [row for row in csv.DictReader(open(truth, encoding="utf-8")) if first < row["created_at"][:10] <= last]
names = list(dict.fromkeys(row["target_name"] for row in new if row["target_name"]))
names = names or list(dict.fromkeys(row["name"] for row in new))
if not names:
    sys.exit(f"the simulated world publishes nothing after {first}: raise STACK_SCALE")
with open(out, "w", newline="", encoding="utf-8") as handle:
    writer = csv.writer(handle)
    writer.writerow(["name", "aliases"])
    writer.writerows([name, ""] for name in names[:3])
EOF
fi
eval "$(python - "http://127.0.0.1:$sim_port" <<'EOF'
import shlex
import sys

from hubsim import SIM_RPS, sim_base_url
from likeness_watch.hubs.registry import hub_names

for hub in hub_names():
    base_url = shlex.quote(sim_base_url(sys.argv[1], hub))
    print(f"export LW_{hub.upper()}_BASE_URL={base_url} LW_{hub.upper()}_RPS={SIM_RPS}")
EOF
)"
say "hub $source on 127.0.0.1:$sim_port"

# --- Slack stand-in (every POST logged, to check exactly-once delivery) ----------------------------
slack_port=$(free_port)
start_group slack python tests/stack/receiver.py "$slack_port" "$work/slack.jsonl"
wait_for 30 "Slack stand-in" curl -fsS "http://127.0.0.1:$slack_port/"
say "Slack stand-in on 127.0.0.1:$slack_port"

# --- Airflow ----------------------------------------------------------------------------------------
api_port=$(free_port)
export AIRFLOW_HOME="$work/airflow_home" AIRFLOW_PORT=$api_port
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=$db_url
export AIRFLOW_CONN_AWS_DEFAULT="{\"conn_type\": \"aws\", \"login\": \"testing\", \"password\": \"testing\",
  \"extra\": {\"endpoint_url\": \"$AWS_ENDPOINT_URL\", \"region_name\": \"us-east-1\"}}"
# Alerts reach Slack through the Airflow connection, as in production (password = webhook URL).
export AIRFLOW_CONN_LW_SLACK="{\"conn_type\": \"slackwebhook\", \"password\": \"http://127.0.0.1:$slack_port/hook\"}"
export LW_STORE="s3://$bucket/lake" LW_WAREHOUSE="$work/warehouse/warehouse.duckdb" \
    LW_STATE="$work/state/state.duckdb" LW_OUTBOX="$work/outbox" LW_REPORT_DIR="$work/report" LW_WATCHLIST="$work/watchlist.csv"
# The warehouse directory exists, as the compose named volume does.
mkdir -p "$(dirname "$LW_WAREHOUSE")"
start_group airflow scripts/airflow-local.sh
wait_for 150 "Airflow api-server" curl -fsS "http://127.0.0.1:$api_port/api/v2/monitor/health"
say "Airflow ($AIRFLOW__CORE__EXECUTOR) on http://127.0.0.1:$api_port"

expected_dags=$(find dags -maxdepth 1 -name 'lw_*.py' | wc -l)
# Parsed (or failed to import: then stop at once, with the error).
parsed() {
    [ -n "$(psql_q "select 1 from import_error limit 1")" ] \
        || [ "$(psql_q "select count(*) from dag where dag_id like 'lw\_%' and not is_stale")" -ge "$expected_dags" ]
}
wait_for 120 "$expected_dags DAGs parsed" parsed
errors=$(psql_q "select filename || ': ' || right(stacktrace, 400) from import_error")
[ -z "$errors" ] || { echo "DAG import errors: $errors" >&2; exit 1; }
say "DAGs: $(psql_q "select string_agg(dag_id, ' ' order by dag_id) from dag")"

airflow backfill create --dag-id lw_crawl --from-date "$first" --to-date "$last" \
    --max-active-runs 1 >"$work/backfill.log" 2>&1
airflow dags unpause --treat-dag-id-as-regex --yes '^lw_' >"$work/unpause.log" 2>&1
say "backfill lw_crawl $first .. $last created; lw_* DAGs unpaused"

# Done when every crawl run is finished, nothing is queued or running and no Asset event waits
# for a downstream run — twice in a row, since a finishing run may queue the next one.
settled() {
    psql_q "select
        (select count(*) from dag_run where dag_id = 'lw_crawl' and state in ('success', 'failed')) >= $days
        and (select count(*) from dag_run where state in ('queued', 'running')) = 0
        and (select count(*) from asset_dag_run_queue) = 0" | grep -qx t
}
deadline=$(($(date +%s) + chain_timeout))
calm=0
while [ "$calm" -lt 2 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "the chain did not settle in ${chain_timeout}s" >&2; break; }
    if settled; then calm=$((calm + 1)); else calm=0; fi
    sleep 3
done
say "runs: $(psql_q "select string_agg(dag_id || '=' || state || ':' || n, ' ') from
    (select dag_id, state, count(*) n from dag_run group by 1, 2 order by 1, 2) r")"

# Where the time went: each DAG run's wall time, and each task's mean run time and wait.
psql_q "select dag_id || ' run ' || run_id || ': ' || round(extract(epoch from end_date - start_date)) || ' s'
    from dag_run where end_date is not null order by start_date" | sed 's/^/[test-stack] /'
psql_q "select dag_id || '.' || task_id || ': ' || count(*) || ' x, run '
        || round(avg(extract(epoch from end_date - start_date))::numeric, 1) || ' s, queued '
        || round(avg(extract(epoch from start_date - queued_dttm))::numeric, 1) || ' s'
    from task_instance where end_date is not null group by dag_id, task_id
    order by sum(extract(epoch from end_date - start_date)) desc limit 12" | sed 's/^/[test-stack] /'
say "task instances per queue: $(psql_q "select string_agg(queue || '=' || n, ' ') from
    (select queue, count(*) n from task_instance group by 1 order by 1) q")"

STACK_EXECUTOR=$executor STACK_SOURCE=$source STACK_DB_URL=$db_url STACK_STORE=$LW_STORE STACK_WAREHOUSE=$LW_WAREHOUSE STACK_OUTBOX=$LW_OUTBOX \
    STACK_SLACK_LOG="$work/slack.jsonl" STACK_API_URL="http://127.0.0.1:$api_port" STACK_AIRFLOW_HOME=$AIRFLOW_HOME \
    STACK_WATCHLIST=$LW_WATCHLIST STACK_FIRST_DAY=$first STACK_LAST_DAY=$last \
    python -m pytest tests/stack -m stack -q -p no:cacheprovider
