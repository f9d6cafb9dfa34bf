"""The dbt project as Airflow tasks: one astronomer-cosmos ``dbt build`` task per build stage.

Why stages, not one task per model: DuckDB allows a single writer per file, so per-model tasks
run one at a time and each pays a task start-up plus a dbt start-up and parse (~10 s) for a
model that builds in well under a second; a daily build of 16 models took over 3 minutes
(cosmos's watcher mode, one ``dbt build`` watched by per-model sensors, deadlocks when tasks
run serially, as in ``airflow dags test``). Three stage tasks (history: lake to the daily
fact; model_state: the intermediate models, classification included; marts) keep a retry and
a log per stage, each log listing every model and test dbt ran, for three dbt start-ups.

Each task runs ``dbt build --select <stage>`` in-process (cosmos ``InvocationMode.DBT_RUNNER``)
with buildable indirect selection: a test runs in the stage that builds the last of its
parents, so tests across stages (relationships) run once, after both sides exist. dbt unit
tests are excluded, as in ``likeness-watch build`` (the test suite runs them). Cosmos
checks that a ``dbt`` executable exists, so it is given this environment's own (no need for
it on ``PATH``). The paths passed as vars are made absolute when the DAG is parsed: give
LW_STORE and LW_WAREHOUSE absolute values in Airflow deployments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from likeness_watch.settings import Settings
from likeness_watch.warehouse.build import SKIP_UNIT_TESTS, dbt_vars, release_warehouse
from likeness_watch.warehouse.paths import DBT_PROJECT_DIR

PROFILE_NAME = "likeness_watch"
TARGET_NAME = "local"

# (task id, dbt --select, dbt --exclude), in build order; together they cover every node once.
# The daily fact (int_model_daily, with what it reads) closes the first stage: it is the part
# that reads new partitions, and every other intermediate model reads it.
STAGES: tuple[tuple[str, str, str | None], ...] = (
    ("history", "resource_type:seed path:models/staging +int_model_daily", None),
    ("model_state", "path:models/intermediate", "+int_model_daily"),
    ("marts", "path:models/marts", None),
)
# Tests run in the stage that builds the last of their parents; unit tests only in the test suite.
DBT_FLAGS = ["--indirect-selection", "buildable", *SKIP_UNIT_TESTS]


def release_after_task(project_dir: str, **context: Any) -> None:
    """Cosmos callback after each dbt task: close the warehouse file, so that a next task running
    in the same process (``airflow dags test``) can open it, read-only or not."""
    release_warehouse()


def dbt_task_group(group_id: str = "dbt", settings: Settings | None = None) -> Any:
    """A task group of cosmos ``dbt build`` tasks, one per stage in order (call it inside a DAG)."""
    from airflow.sdk import TaskGroup, chain
    from cosmos import ProfileConfig
    from cosmos.constants import InvocationMode
    from cosmos.operators.local import DbtBuildLocalOperator

    settings = settings or Settings()
    profile = ProfileConfig(
        profile_name=PROFILE_NAME,
        target_name=TARGET_NAME,
        profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
    )
    variables = dbt_vars(settings, Path.cwd())
    with TaskGroup(group_id=group_id, tooltip="dbt build, one task per stage") as group:
        chain(
            *(
                DbtBuildLocalOperator(
                    task_id=stage,
                    doc_md=(
                        f"`dbt build --select {select}"
                        f"{f' --exclude {exclude}' if exclude else ''}` (models and their tests)."
                    ),
                    project_dir=str(DBT_PROJECT_DIR),
                    profile_config=profile,
                    select=select,
                    exclude=exclude,
                    vars=variables,
                    dbt_cmd_flags=DBT_FLAGS,
                    invocation_mode=InvocationMode.DBT_RUNNER,
                    dbt_executable_path=str(Path(sys.executable).with_name("dbt")),
                    install_deps=False,
                    emit_datasets=False,
                    callback=release_after_task,
                )
                for stage, select, exclude in STAGES
            )
        )
    return group
