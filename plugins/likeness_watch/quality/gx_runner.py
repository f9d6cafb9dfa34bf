"""Great Expectations adapter: one ephemeral context per gate run, pandas frames in, JSON results out.

Frames are always built by our code (raw envelopes, or ``con.execute(sql).df()`` on DuckDB), never
read through a GX SQL datasource, which can report success while reading no rows; every suite also
asserts a minimum row count. GX is imported lazily: it takes seconds, and ``--help`` or DAG parsing
must not pay for it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from likeness_watch.quality.suites import SuiteError, SuiteSpec, describe

DOCS_SITE = "likeness_watch"


@dataclass
class Batch:
    """One frame to validate against one suite (a raw partition, or a warehouse table)."""

    spec: SuiteSpec
    asset: str
    """Unique per session and URL-safe (it names the Data Docs page): ``civitai-2025-05-01``."""
    frame: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)
    """Values for ``{"$PARAMETER": name}`` placeholders in the suite (e.g. the manifest's record count)."""
    hub: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class BatchResult:
    """GX's result for one batch, serialised: kept in the store to rebuild the Data Docs index."""

    key: list[str]
    """``ValidationResultIdentifier.to_tuple()``: where Data Docs puts the page."""
    result: dict[str, Any]
    """``ExpectationSuiteValidationResult.to_json_dict()``."""


def escape_hub_strings(result: dict[str, Any]) -> dict[str, Any]:
    """A copy with every string GX took from the data HTML-escaped (Data Docs inserts them raw)."""

    def escape(value: Any) -> Any:
        if isinstance(value, str):
            return html.escape(value)
        if isinstance(value, dict):
            return {key: escape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [escape(item) for item in value]
        return value

    copy = dict(result)
    copy["results"] = [
        {
            **item,
            "result": escape(item.get("result") or {}),
            "exception_info": escape(item.get("exception_info")),
        }
        for item in result.get("results", [])
    ]
    return copy


def _one_line(exc: BaseException, limit: int = 400) -> str:
    text = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def build_suite(spec: SuiteSpec) -> Any:
    """The suite as a GX ``ExpectationSuite``; ``SuiteError`` names the file and the first bad expectation.

    ``ExpectationSuite(expectations=[...])`` only logs an expectation it cannot build (an unknown
    type) and drops it, so a typo would silently remove a check: each one is built here first.
    """
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = []
    for number, item in enumerate(spec.expectations, 1):
        try:
            expectations.append(ExpectationConfiguration(**item).to_domain_obj())
        except Exception as exc:  # unknown type or key, kwargs GX rejects (pydantic): all configuration
            message = f"{type(exc).__name__}: {_one_line(exc)}"
            raise SuiteError(f"suite {spec.path}: {describe(number, item)} is not valid: {message}") from exc
    suite = gx.ExpectationSuite(name=spec.name, meta=spec.meta, expectations=expectations)
    if len(suite.expectations) != len(spec.expectations):
        raise SuiteError(
            f"suite {spec.path}: GX built {len(suite.expectations)} of {len(spec.expectations)} expectations"
        )
    return suite


class GxSession:
    """An ephemeral GX context holding every suite (so Data Docs renders a page for each)."""

    def __init__(self, specs: Iterable[SuiteSpec]) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self._gx = gx
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),  # no default docs site in a temp dir
            progress_bars=ProgressBarsConfig(globally=False),
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        self.suites = {spec.name: self.context.suites.add(build_suite(spec)) for spec in specs}
        self.datasource = self.context.data_sources.add_pandas("likeness_watch")
        self._count = 0

    def validate(self, batch: Batch, run_name: str, run_time: datetime) -> BatchResult:
        """Run one batch's suite; ``run_name``/``run_time`` place it in Data Docs."""
        from great_expectations.core.run_identifier import RunIdentifier

        gx = self._gx
        self._count += 1
        name = f"{batch.spec.name}-{self._count}"
        asset = self.datasource.add_dataframe_asset(batch.asset)
        definition = asset.add_batch_definition_whole_dataframe("frame")
        validation = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=definition, suite=self.suites[batch.spec.name])
        )
        id_columns = [column for column in batch.spec.id_columns if column in batch.frame.columns]
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=name,
                validation_definitions=[validation],
                actions=[],
                result_format={"result_format": "SUMMARY", "unexpected_index_column_names": id_columns},
            )
        )
        result = checkpoint.run(
            batch_parameters={"dataframe": batch.frame},
            expectation_parameters=batch.parameters,
            run_id=RunIdentifier(run_name=run_name, run_time=run_time),
        )
        ((key, suite_result),) = result.run_results.items()
        return BatchResult(key=[str(part) for part in key.to_tuple()], result=suite_result.to_json_dict())

    def build_docs(self, results: Iterable[BatchResult], directory: Path) -> None:
        """Render Data Docs for ``results`` (this run's and earlier ones) into ``directory``."""
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResultSchema,
        )
        from great_expectations.data_context.types.resource_identifiers import ValidationResultIdentifier

        store = self.context.validation_results_store
        for key in store.list_keys():
            store.remove_key(key)
        schema = ExpectationSuiteValidationResultSchema()
        for item in results:
            store.set(
                ValidationResultIdentifier.from_tuple(tuple(item.key)),
                schema.load(escape_hub_strings(item.result)),
            )
        self.context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(directory),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_how_to_buttons": False},
            },
        )
        self.context.build_data_docs(site_names=[DOCS_SITE])
