"""Study report DAG: rewrite the report whenever validated marts are published."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from likeness_watch.orchestration.assets import MARTS_ASSET


@dag(
    dag_id="lw_report",
    schedule=[MARTS_ASSET],
    start_date=datetime(2022, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True},
    tags=["likeness_watch", "report"],
)
def lw_report() -> None:
    """### Study report

    Runs after each marts update (daily, after the build and its validation) and writes the
    self-contained HTML report, PNG/SVG charts and CSV tables to `LW_REPORT_DIR` (default
    `./data/report`), covering everything up to the latest day in the warehouse. Reads the
    warehouse read-only; safe to re-run.
    """

    @task
    def write_study_report() -> str:
        """Write index.html, charts/ and tables/ from the warehouse; returns the index.html path."""
        from likeness_watch.report import write_report
        from likeness_watch.settings import Settings

        settings = Settings()
        return str(write_report(settings, settings.report_dir))

    write_study_report()


lw_report()
