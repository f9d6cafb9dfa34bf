"""The ``lw_report`` DAG (its docs: the DAG function's docstring)."""

from __future__ import annotations

from airflow.sdk import dag, task

from likeness_watch.orchestration.assets import MARTS_ASSET
from likeness_watch.orchestration.defaults import OWNER_LINKS, START_DATE, WAREHOUSE_ARGS


@dag(
    dag_id="lw_report",
    schedule=[MARTS_ASSET],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=WAREHOUSE_ARGS,
    owner_links=OWNER_LINKS,
    description="Rewrite the study report whenever validated marts are published.",
    tags=["likeness_watch", "report"],
)
def lw_report() -> None:
    """### Study report

    Runs after each marts update (daily, after the build and its validation) and writes the
    self-contained HTML report, PNG/SVG charts and CSV tables to `LW_REPORT_DIR` (default
    `./data/report`), covering everything up to the latest day in the warehouse. Reads the
    warehouse read-only; safe to re-run.

    **Schedule.** On the `marts` asset (after each validated `lw_build`). **Reads** the published
    warehouse and the state store (alerts, validation results). **Writes** `LW_REPORT_DIR`, replacing
    the previous report. **A failure means** the report was not (fully) rewritten: its log has the
    error. **Rerun:** clear `write_study_report` or trigger the DAG by hand.
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
