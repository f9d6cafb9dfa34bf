"""The report in a real browser: headless Chromium renders the charts, runs nothing, logs no errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageStat

from likeness_watch.report.build import CHART_IDS, build_report, save_report
from likeness_watch.report.charts import OKABE_ITO
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import load_report_data
from tests.integration.chromium import chromium, needs_chromium
from tests.unit.report.fixture_warehouse import XSS_NAME, build_fixture_warehouse, fixture_state

pytestmark = needs_chromium
WIDTH, HEIGHT = 1200, 7000


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    warehouse = build_fixture_warehouse(root / "warehouse.duckdb")
    data = load_report_data(warehouse, state=fixture_state(warehouse))
    save_report(build_report(data, load_study()), root / "report")
    return root / "report"


@pytest.fixture(scope="module")
def rendered(report_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Image.Image, str]:
    """A full-page screenshot and Chromium's log of the page (console messages included)."""
    shot = tmp_path_factory.mktemp("shot") / "report.png"
    result = chromium(
        tmp_path_factory.mktemp("profile"), f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}",
        (report_dir / "index.html").as_uri(),
    )  # fmt: skip
    assert shot.exists(), result.stderr[-2000:]
    return Image.open(shot).convert("RGB"), result.stderr


def colour_pixels(image: Image.Image, hex_colour: str, tolerance: int = 24) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(np.asarray(image, dtype=np.int16) - target) <= tolerance).all(axis=-1).sum())


def test_screenshot_is_not_blank_and_shows_the_charts_colours(rendered):
    image, _ = rendered
    assert image.size == (WIDTH, HEIGHT)
    assert max(ImageStat.Stat(image.convert("L")).var) > 500  # text, tables and charts, not an empty page
    for name in ("blue", "orange", "vermillion"):  # hub series and the female bars: only charts use them
        count = colour_pixels(image, OKABE_ITO[name])
        assert count > 5000, f"too few {name} pixels ({count}): charts did not render"


def test_page_logs_no_console_messages(rendered):
    _, log = rendered
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []  # no script errors, no blocked scripts or loads (CSP), no missing resources


def test_dom_holds_every_chart_and_the_hub_string_only_as_text(report_dir, tmp_path):
    result = chromium(tmp_path / "profile", "--dump-dom", (report_dir / "index.html").as_uri())
    dom = result.stdout
    assert len(re.findall(r'<img src="data:image/png;base64,', dom)) == len(CHART_IDS)
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert XSS_NAME not in dom


def test_report_opens_offline_from_a_copied_folder(report_dir, tmp_path):
    moved = tmp_path / "elsewhere"
    shutil.copytree(report_dir, moved)
    (moved / "charts").rename(moved / "gone")  # the page must not depend on the side files
    result = chromium(tmp_path / "profile", "--dump-dom", (moved / "index.html").as_uri())
    assert "Headline figures: study vs measured" in result.stdout
    assert ":CONSOLE" not in result.stderr
