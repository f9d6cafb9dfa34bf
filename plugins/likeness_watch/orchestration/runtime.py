"""What DAG tasks call: the pipeline's steps with settings and the store as seen from inside Airflow.

Inside Airflow an ``s3://`` store takes its client from the ``aws_default`` connection (the
amazon provider falls back to the usual boto3 chain when the connection is not defined).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store


def airflow_store(settings: Settings) -> ObjectStore:
    client = None
    if settings.store.startswith("s3://"):
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        client = S3Hook(aws_conn_id="aws_default").get_conn()
    return open_store(settings.store, s3_client=client)


def crawl_day_of(logical_date: datetime | None) -> date:
    """The day a crawl run covers: its logical date, or for a run triggered without one
    (Airflow 3's default for manual runs) the last complete UTC day."""
    if logical_date is not None:
        return logical_date.date()
    return datetime.now(UTC).date() - timedelta(days=1)


@contextmanager
def verdicts_are_final() -> Iterator[None]:
    """A failed quality gate fails its task without retries: a retry would run the same checks on
    the same data (gate *errors*, e.g. a store outage, still retry)."""
    from airflow.sdk.exceptions import AirflowFailException

    from likeness_watch.quality import QualityGateError

    try:
        yield
    except QualityGateError as exc:
        raise AirflowFailException(str(exc)) from exc


def crawl_hub(hub: str, day: date) -> dict[str, Any]:
    """Crawl one hub for one day; the summary becomes the task's XCom (no records in XCom)."""
    from likeness_watch.crawl import crawl_day

    settings = Settings()
    manifest = crawl_day(hub, day, settings, airflow_store(settings))
    return {
        "hub": hub,
        "dt": manifest.dt,
        "records": manifest.record_count,
        "mode": manifest.mode,
        "pages": manifest.pages_fetched,
        "requests": manifest.requests,
        "via_counts": manifest.via_counts,
        "anomalies": manifest.anomalies,
    }


def gate_raw_partition(hub: str, day: date) -> dict[str, Any]:
    """Raw gate for one partition; raises ``QualityGateError`` (after quarantining) on failure.

    Fails closed: any other exception (a malformed suite, a store error) quarantines the partition
    too before it propagates; the task's next successful run releases it.
    """
    from likeness_watch.quality import validate_raw

    settings = Settings()
    with verdicts_are_final():
        summary = validate_raw(settings, airflow_store(settings), hub, day)
    return {"hub": hub, "dt": day.isoformat(), "summary": summary.render()}


def prepare_candidate() -> str:
    """Copy the published warehouse to the candidate that dbt builds into; returns its path."""
    from likeness_watch import pipeline

    return str(pipeline.prepare(Settings()).warehouse)


def gate_candidate(layer: str, day: date | None) -> str:
    """Quality gate on the candidate warehouse; a failure keeps it unpublished, without retries."""
    from likeness_watch import pipeline

    settings = Settings()
    with verdicts_are_final():
        summary = pipeline.gate_candidate(settings, layer, day, store=airflow_store(settings))
    return summary.render()


def publish_validated() -> dict[str, Any]:
    """Swap the validated candidate in (``pipeline.publish``); its headlines become the XCom."""
    from likeness_watch import pipeline

    return {"headlines": pipeline.publish(Settings())}
