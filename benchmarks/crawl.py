"""Crawl benchmark: throughput relative to the rate limit, and peak memory on a 200k-model hub.

Goals (issue #4): throughput >= 90 % of the configured rate limit; peak RSS < 500 MB while
crawling 200k models (pages are streamed to storage, not held in memory).

The simulator runs in its own process so its world does not count towards the crawler's memory.
With ``--replay DIR`` (e.g. ../shared/real) a third run crawls recorded real records served by
``simulate --replay``, each hub once, so the figures on real shapes stand beside the simulated ones.
Usage: .venv/bin/python benchmarks/crawl.py [--scale 36] [--rps 5] [--replay ../shared/real]
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date

import requests

from hubsim import sim_base_url
from likeness_watch.crawl import crawl_day
from likeness_watch.settings import Settings
from likeness_watch.store import open_store

THROUGHPUT_DAY = date(2025, 6, 1)
MEMORY_DAY = date(2026, 12, 31)  # the simulated world's last day: ~204k live models at scale 36
REAL_DAY = date(2025, 7, 3)  # after every record of ../shared/real was created


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_simulator(*world: str) -> tuple[subprocess.Popen, str]:
    """The simulator on a free port, ``world`` being its options (``--scale 36``, ``--replay DIR``)."""
    port = free_port()
    cmd = [sys.executable, "-m", "likeness_watch", "simulate", "--port", str(port), *world]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/_sim/health", timeout=1).ok:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("simulator did not start")


def crawl_once(url: str, day: date, rps: float, gap_budget: int, hub: str = "civitai") -> dict:
    """One sweep crawl of ``hub`` into a fresh store; returns timings, counts and peak RSS."""
    with tempfile.TemporaryDirectory() as lake:
        settings = Settings(store=lake, gap_probe_budget=gap_budget, refresh_budget=0)
        started = time.monotonic()
        manifest = crawl_day(hub, day, settings, open_store(lake), base_url=sim_base_url(url, hub), rps=rps)
        elapsed = time.monotonic() - started
    return {
        "records": manifest.record_count,
        "requests": manifest.requests,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(manifest.requests / elapsed, 2),
        "rate_limit": rps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=36.0, help="simulator scale for the memory run (36: ~200k live models)"
    )
    parser.add_argument(
        "--rps", type=float, default=5.0, help="rate limit for the throughput run (real hubs: 1-1.7)"
    )
    parser.add_argument("--replay", help="also crawl recorded real records from this folder (real shapes)")
    parser.add_argument("--phase", choices=["throughput", "memory", "real"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "throughput":
        print(json.dumps(crawl_once(args.url, THROUGHPUT_DAY, args.rps, gap_budget=200)))
        return
    if args.phase == "memory":
        print(json.dumps(crawl_once(args.url, MEMORY_DAY, 1000.0, gap_budget=0)))
        return
    if args.phase == "real":
        real = {hub: crawl_once(args.url, REAL_DAY, 1000.0, 300, hub) for hub in ("civitai", "huggingface")}
        print(json.dumps(real))
        return
    results = {}
    runs = [("throughput", ["--scale", "1.0"]), ("memory", ["--scale", str(args.scale)])]
    if args.replay:
        runs.append(("real", ["--replay", args.replay]))
    for phase, world in runs:
        proc, url = start_simulator(*world)
        try:
            child = [sys.executable, __file__, "--phase", phase, "--url", url, "--rps", str(args.rps)]
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            results[phase] = json.loads(out.strip().splitlines()[-1])
        finally:
            proc.terminate()
            proc.wait()
    throughput = results["throughput"]
    ratio = throughput["requests_per_s"] / throughput["rate_limit"]
    print(json.dumps(results, indent=2))
    print(f"throughput: {ratio:.0%} of the rate limit (goal >= 90%)")
    memory = results["memory"]
    print(f"memory: {memory['records']} models, peak RSS {memory['peak_rss_mb']} MB (goal < 500)")
    for hub, real in results.get("real", {}).items():
        print(f"real records, {hub}: {real['records']} models, {real['seconds']} s")


if __name__ == "__main__":
    main()
