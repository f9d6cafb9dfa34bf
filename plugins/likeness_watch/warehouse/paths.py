"""Where the dbt project lives and how relative paths are read, whichever directory dbt starts in.

Relative ``LW_STORE`` / ``LW_WAREHOUSE`` values mean "relative to the repository root" (that is
where ``make demo`` and the CLI run). dbt may also be started inside ``dbt_project/``; then the
root is its parent. The profile applies the same rule to the warehouse path.
"""

from __future__ import annotations

from pathlib import Path

from likeness_watch.settings import Settings

DBT_PROJECT_DIRNAME = "dbt_project"
REPO_ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT_DIR = REPO_ROOT / DBT_PROJECT_DIRNAME


def root_for(cwd: Path) -> Path:
    """The directory relative paths are taken from when a process runs in ``cwd``."""
    return cwd.parent if cwd.name == DBT_PROJECT_DIRNAME else cwd


def resolve_store_uri(uri: str, cwd: Path) -> str:
    """Object-store URIs (``s3://``) pass through; local paths become absolute."""
    if "://" in uri and not uri.startswith("file://"):
        return uri
    path = Path(uri.removeprefix("file://")).expanduser()
    return str(path if path.is_absolute() else (root_for(cwd) / path).resolve())


CANDIDATE_DIR = "candidate"


def candidate_path(settings: Settings) -> Path:
    """Where builds write the warehouse awaiting the gate (``likeness_watch.quality.publish``);
    here, in a light module, because the build DAG needs it when it is parsed."""
    return settings.warehouse.parent / CANDIDATE_DIR / settings.warehouse.name


BUILDING_DIR = "building"


def building_path(warehouse: Path) -> Path:
    """Where ``likeness-watch build`` builds the copy it then swaps in (same file name: DuckDB's
    catalog name, which dbt writes into every view, must not change)."""
    return warehouse.parent / BUILDING_DIR / warehouse.name
