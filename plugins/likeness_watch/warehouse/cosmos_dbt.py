"""The dbt project as Airflow tasks (astronomer-cosmos, LOCAL mode): one task per dbt node.

Cosmos runs ``dbt ls`` when the DAG is parsed (cached by cosmos between parses) and each task
runs ``dbt build --select <node>``, so every model is built together with its tests. Both run
dbt in-process (``dbtRunner``); cosmos still checks that a ``dbt`` executable exists, so it is
given this environment's own (no need for it on ``PATH``). The paths
passed as vars are made absolute when the DAG is parsed: give LW_STORE and LW_WAREHOUSE
absolute values in Airflow deployments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from likeness_watch.settings import Settings
from likeness_watch.warehouse.build import dbt_vars, release_warehouse
from likeness_watch.warehouse.paths import DBT_PROJECT_DIR

PROFILE_NAME = "likeness_watch"
TARGET_NAME = "local"


def release_after_task(project_dir: str, **context: Any) -> None:
    """Cosmos callback after each dbt task: close the warehouse file, so that a next task running
    in the same process (``airflow dags test``) can open it, read-only or not."""
    release_warehouse()


def dbt_task_group(group_id: str = "dbt", settings: Settings | None = None, **kwargs: Any) -> Any:
    """A cosmos ``DbtTaskGroup`` for the warehouse project (call it inside a DAG)."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

    settings = settings or Settings()
    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            install_dbt_deps=False,
            dbt_vars=dbt_vars(settings, Path.cwd()),
        ),
        profile_config=ProfileConfig(
            profile_name=PROFILE_NAME,
            target_name=TARGET_NAME,
            profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
            dbt_executable_path=Path(sys.executable).with_name("dbt"),
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.CUSTOM,
            test_behavior=TestBehavior.BUILD,
            emit_datasets=False,
        ),
        operator_args={"callback": release_after_task},
        **kwargs,
    )
