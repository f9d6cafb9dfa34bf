"""Warehouse benchmark: full build, incremental one-day builds, warehouse size and peak RSS.

Goals (issue 5): an incremental day costs <= 5 % of the full build; peak RSS < 1 GiB.

The raw lake is synthesized the way the crawler fills it (docs/raw-format.md): every model is
listed on the day it is created, about 0.5 % of the existing models are refreshed every day, and
every 7th day is a sweep that lists every live model (that is how the crawler sees removals, and
it dominates the volume). A share of the models exists before the first day (the first crawl is a
sweep of that backlog); on a "ban" day most Civitai likeness models are taken down (then 404) and
some of their files come back on Hugging Face. Records follow the hubs' API shapes with short
descriptions. The JSON is written by DuckDB (fast, gzip) with one manifest per partition, so the
build reads exactly what a crawl would have committed.

Each build runs in a fresh process that reports its own peak RSS.
Usage: .venv/bin/python benchmarks/warehouse.py [--models 500000] [--days 365] [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from likeness_watch.raw import Manifest, manifest_key
from likeness_watch.raw.layout import part_key, partition_prefix
from likeness_watch.raw.manifest import COMMITTED, DataFile
from likeness_watch.store import open_store

START = date(2024, 1, 1)
HUBS = ("civitai", "huggingface")
RECORDS_PER_FILE = 50_000
# Invented people: synthetic data never names a real person.
FIRST_NAMES = ["Alia", "Brenna", "Corin", "Dalia", "Elowen", "Fenna", "Giselle", "Halia", "Isolde", "Jessa"]
FIRST_NAMES += ["Kaia"]
LAST_NAMES = ["Vantree", "Morrow", "Quillon", "Ashdown", "Brightwater", "Coldfield", "Dunmore", "Everleigh"]
LAST_NAMES += ["Fairbank", "Greythorn", "Holloway"]

WORLD_SQL = """
create or replace table models as
with base as (
    select
        i,
        case when i % 5 = 0 then 'huggingface' else 'civitai' end as hub,
        hash(i * 2654435761) as h,
        case
            when i < $backlog then -1 - (i % 700)
            else ((hash(i * 40503) % $days))::integer
        end as created_day,
        lpad(to_hex(hash(i, 'sha')), 16, '0') || lpad(to_hex(hash(i, 'sha2')), 16, '0')
            || lpad(to_hex(hash(i, 'sha3')), 16, '0') || lpad(to_hex(hash(i, 'sha4')), 16, '0') as sha256
    from range($models) as t(i)
)
select
    i,
    hub,
    case when hub = 'civitai' then (100000 + i)::varchar
        else 'user' || (i % 9973) || '/model-' || i end as model_id,
    created_day,
    h % 100 < $likeness_pct as is_likeness,
    $first_names[(1 + (h >> 8) % 11)::bigint] || ' ' || $last_names[(1 + (h >> 16) % 11)::bigint] as person,
    (h >> 24) % 1000 + 1 as popularity,
    sha256,
    -- a Hugging Face likeness repo re-uploads the file of the Civitai model before it
    lag(sha256) over (order by i) as previous_sha256,
    (h >> 32) % 100 < 60 as banned,
    ['SD 1.5', 'SDXL 1.0', 'Pony', 'Flux.1 D', 'Illustrious'][(1 + (h >> 40) % 5)::bigint] as base_model
from base
"""

# One row per model in the (hub, day) partition: new models, refreshed models, the ban, the 404s
# that follow it, and on sweep days every live model.
MEMBERS_SQL = """
with members as (
    select
        *,
        -- only models that exist on the ban day are banned
        hub = 'civitai' and is_likeness and banned and created_day <= $ban_day as ban_target
    from models
)
select
    m.* exclude (ban_target),
    case
        when m.created_day = $day then 'listing'
        when $sweep then 'sweep'
        else 'refresh'
    end as via,
    m.ban_target and $day = $ban_day as taken_down,
    m.ban_target and $day = $ban_day + 1 as gone
from members as m
where m.hub = $hub
    and m.created_day <= $day
    and (
        m.created_day = $day
        or $sweep
        or hash(m.i * 7919 + $day) % 200 = 0
        or (m.ban_target and $day in ($ban_day, $ban_day + 1))
    )
    and not (m.ban_target and $day > $ban_day + 1)
"""

CIVITAI_RECORD = """
{
    'id': 100000 + i,
    'name': case when is_likeness then person || ' LoRA' else 'Style pack ' || i end,
    'description': case when is_likeness
        then '<p>' || person || ', the actress. Trained on 20 photos, use the trigger word.</p>'
        else '<p>A versatile style for landscapes and characters, version ' || i % 7 || '.</p>' end,
    'type': 'LORA',
    'poi': false,
    'nsfw': popularity % 3 = 0,
    'nsfwLevel': case when popularity % 3 = 0 then 28 else 1 end,
    'mode': case when taken_down then 'TakenDown' end,
    'creator': {'username': 'creator' || i % 5003},
    'tags': case when is_likeness then ['celebrity', 'actress', 'woman'] else ['style', 'anime'] end,
    'stats': {
        'downloadCount': popularity * greatest($day - created_day, 0) // 10,
        'favoriteCount': popularity // 10, 'thumbsUpCount': popularity // 5, 'commentCount': 1, 'rating': 4.8
    },
    'modelVersions': [{
        'id': 1000000 + i, 'index': 0, 'name': 'v1.0', 'baseModel': base_model,
        'publishedAt': strftime(date '$start' + created_day::integer, '%Y-%m-%dT10:00:00.000Z'),
        'trainedWords': [lower(replace(person, ' ', ''))],
        'stats': {'downloadCount': popularity * greatest($day - created_day, 0) // 10},
        'files': [{
            'id': 2000000 + i, 'name': 'model_' || i || '.safetensors', 'type': 'Model', 'sizeKB': 147000.5,
            'primary': true, 'hashes': {'SHA256': upper(sha256), 'AutoV2': upper(sha256[1:10])}
        }]
    }]
}
"""

HF_RECORD = """
{
    'id': model_id, 'modelId': model_id, 'author': split_part(model_id, '/', 1),
    'createdAt': strftime(date '$start' + created_day::integer, '%Y-%m-%dT08:00:00.000Z'),
    'lastModified': strftime(date '$start' + created_day::integer, '%Y-%m-%dT09:00:00.000Z'),
    'private': false, 'gated': false, 'disabled': false,
    'downloads': popularity, 'downloadsAllTime': popularity * greatest($day - created_day, 0) // 20,
    'likes': popularity // 50,
    'tags': case when is_likeness
        then ['lora', 'celebrity', 'base_model:adapter:black-forest-labs/FLUX.1-dev']
        else ['lora', 'style', 'base_model:adapter:stabilityai/stable-diffusion-xl-base-1.0'] end,
    'pipeline_tag': 'text-to-image', 'library_name': 'diffusers',
    'cardData': {
        'base_model': 'black-forest-labs/FLUX.1-dev', 'instance_prompt': lower(replace(person, ' ', ''))
    },
    'siblings': [
        {'rfilename': 'README.md', 'lfs': null},
        {'rfilename': 'lora.safetensors', 'lfs': {
            'sha256': case when is_likeness then previous_sha256 else sha256 end,
            'size': 150528512}}
    ]
}
"""


def bind(sql: str, **values: object) -> str:
    """Inline benchmark parameters (numbers, booleans, literals we generate ourselves)."""
    for name, value in sorted(values.items(), key=lambda item: -len(item[0])):
        sql = sql.replace(f"${name}", str(value).lower() if isinstance(value, bool) else str(value))
    return sql


def make_world(con: duckdb.DuckDBPyConnection, models: int, days: int, likeness_share: float) -> None:
    con.execute(
        bind(
            WORLD_SQL,
            models=models,
            days=days,
            backlog=int(models * 0.3),
            likeness_pct=int(likeness_share * 100),
            first_names=FIRST_NAMES,
            last_names=LAST_NAMES,
        )
    )


def write_partition(con, lake: Path, hub: str, day_index: int, sweep: bool, ban_day: int) -> int:
    """Write one committed partition (parts + manifest); returns its record count."""
    day = START + timedelta(days=day_index)
    store = open_store(str(lake))
    run_id = f"bench{day_index:04d}"
    params = dict(hub=f"'{hub}'", day=day_index, sweep=sweep, ban_day=ban_day, start=START.isoformat())
    record = CIVITAI_RECORD if hub == "civitai" else HF_RECORD
    con.execute(
        bind(
            f"""
            create or replace temp table partition_rows as
            select
                model_id,
                via,
                '{day.isoformat()}T00:10:00Z' as fetched_at,
                case when gone then 404 else 200 end as http_status,
                case when gone then null else {record} end as record,
                case when gone then 'HTTP 404' end as error,
                (row_number() over () - 1) // {RECORDS_PER_FILE} as part
            from ({MEMBERS_SQL})
            """,
            **params,
        )
    )
    count, parts = con.execute("select count(*), coalesce(max(part) + 1, 0) from partition_rows").fetchone()
    files = []
    for seq in range(parts):
        key = part_key(hub, day, run_id, seq)
        path = lake / key
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy (select '{hub}' as hub, * exclude (part) from partition_rows where part = {seq}) "  # noqa: S608
            f"to '{path}' (format json, compression gzip)"
        )
        data = path.read_bytes()
        records = con.execute(f"select count(*) from partition_rows where part = {seq}").fetchone()[0]  # noqa: S608
        files.append(DataFile(key, hashlib.sha256(data).hexdigest(), records, len(data)))
    now = f"{day.isoformat()}T01:00:00Z"
    manifest = Manifest(
        hub=hub,
        dt=day.isoformat(),
        status=COMMITTED,
        record_count=count,
        files=files,
        pages_fetched=0,
        requests=0,
        started_at=now,
        finished_at=now,
        crawler_version="benchmark",
        run_id=run_id,
        mode="sweep" if sweep else "incremental",
    )
    store.put_bytes(manifest_key(hub, day), manifest.to_json())
    return count


def generate(lake: Path, models: int, days: int, likeness_share: float, sweep_every: int) -> int:
    """Partitions for days 0 .. ``days - 1`` of both hubs; returns the record count."""
    con = duckdb.connect(str(lake / "world.duckdb"))
    make_world(con, models, days, likeness_share)
    total = 0
    ban_day = int(days * 0.4)
    for day_index in range(days):
        for hub in HUBS:
            total += write_partition(con, lake, hub, day_index, day_index % sweep_every == 0, ban_day)
    con.close()
    return total


def add_day(lake: Path, day_index: int, sweep: bool, days: int) -> int:
    con = duckdb.connect(str(lake / "world.duckdb"))
    total = sum(write_partition(con, lake, hub, day_index, sweep, int(days * 0.4)) for hub in HUBS)
    con.close()
    return total


BUILD_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from likeness_watch.settings import Settings
    from likeness_watch.warehouse import build_warehouse
    store, warehouse, full, limit = sys.argv[1], sys.argv[2], sys.argv[3] == "full", sys.argv[4]
    started = time.monotonic()
    settings = Settings(store=store, warehouse=warehouse, duckdb_memory_limit=limit)
    result = build_warehouse(settings, full_refresh=full)
    slowest = sorted(result.nodes, key=lambda n: -n.seconds)[:6]
    print("BENCH " + json.dumps({
        "seconds": time.monotonic() - started,
        "dbt_seconds": result.seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "partitions": len(result.loaded),
        "rows": sum(p.rows for p in result.loaded),
        "slowest": [[n.name, round(n.seconds, 1)] for n in slowest],
    }))
    """
)


def build(lake: Path, warehouse: Path, full: bool, memory_limit: str) -> dict:
    mode = "full" if full else "incremental"
    cmd = [sys.executable, "-c", BUILD_CHILD, str(lake), str(warehouse), mode, memory_limit]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=500_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--likeness-share", type=float, default=0.05)
    parser.add_argument("--sweep-every", type=int, default=7)
    parser.add_argument("--memory-limit", default="512MB", help="DuckDB memory limit of the builds")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/warehouse"))
    parser.add_argument(
        "--reuse-lake", action="store_true", help="keep the lake (minus the days a previous run added)"
    )
    args = parser.parse_args()

    lake, warehouse = args.out / "lake", args.out / "warehouse.duckdb"
    report: dict = {"models": args.models, "days": args.days, "sweep_every": args.sweep_every}
    if not (args.reuse_lake and (lake / "world.duckdb").exists()):
        shutil.rmtree(args.out, ignore_errors=True)
        lake.mkdir(parents=True)
        started = time.monotonic()
        report["raw_records"] = generate(lake, args.models, args.days, args.likeness_share, args.sweep_every)
        report["generate_seconds"] = round(time.monotonic() - started, 1)
    else:
        for extra in range(args.days, args.days + 3):
            for hub in HUBS:
                shutil.rmtree(lake / partition_prefix(hub, START + timedelta(days=extra)), ignore_errors=True)
    for path in args.out.glob("warehouse.duckdb*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    report["raw_mib"] = round(sum(p.stat().st_size for p in lake.glob("raw/**/*.gz")) / 2**20, 1)
    print(json.dumps(report), flush=True)

    report["full"] = build(lake, warehouse, full=True, memory_limit=args.memory_limit)
    report["warehouse_mib"] = round(size_mib(warehouse), 1)
    print(json.dumps(report["full"]), flush=True)
    report["noop"] = build(lake, warehouse, full=False, memory_limit=args.memory_limit)
    print(json.dumps(report["noop"]), flush=True)
    day = args.days if args.days % args.sweep_every else args.days + 1
    report["day_records"] = add_day(lake, day, sweep=False, days=args.days)
    report["incremental_day"] = build(lake, warehouse, full=False, memory_limit=args.memory_limit)
    print(json.dumps(report["incremental_day"]), flush=True)
    report["sweep_records"] = add_day(lake, day + 1, sweep=True, days=args.days)
    report["incremental_sweep_day"] = build(lake, warehouse, full=False, memory_limit=args.memory_limit)
    report["warehouse_mib_after"] = round(size_mib(warehouse), 1)
    report["incremental_share"] = round(report["incremental_day"]["seconds"] / report["full"]["seconds"], 4)
    builds = ("full", "noop", "incremental_day", "incremental_sweep_day")
    report["peak_rss_mib"] = round(max(report[k]["peak_rss_mib"] for k in builds), 1)
    (args.out / "result.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
