"""Review decisions: validated, append-only, loaded from a CSV all or none, read back by builds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from likeness_watch.review import decisions as review
from likeness_watch.review.decisions import Decision, ReviewError, decision, decisions_table, read_csv, record
from likeness_watch.state_store import StateStore

WHEN = datetime(2025, 5, 2, 9, 30)


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.duckdb", tmp_path / "warehouse.duckdb")


def made(**changes: object) -> Decision:
    fields: dict[str, object] = {
        "hub": "civitai",
        "model_id": "101",
        "decision": "reported",
        "note": "notice filed",
        "decided_by": "ann",
        "decided_at": WHEN,
    }
    return decision(**{**fields, **changes})


def rows(store: StateStore) -> list[tuple]:
    with store.reader() as con:
        return con.execute(
            "select hub, model_id, decision, note, decided_by, decided_at, source from review_decisions "
            "order by decided_at, decision"
        ).fetchall()


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_decisions_are_appended_and_a_correction_is_a_new_row(store):
    assert record(store, [made(decision="likeness")], "cli").new == 1
    later = made(
        decision="not_likeness", decided_at=WHEN + timedelta(hours=1), note="a cosplay, not a person"
    )
    assert record(store, [later], "cli").new == 1
    assert [(row[2], row[3]) for row in rows(store)] == [
        ("likeness", "notice filed"),
        ("not_likeness", "a cosplay, not a person"),
    ]


def test_the_same_decision_recorded_twice_is_kept_once(store):
    assert record(store, [made(), made()], "cli") == review.Recorded(given=2, new=1)
    assert record(store, [made()], "csv:x.csv") == review.Recorded(given=1, new=0)
    assert len(rows(store)) == 1


def test_times_are_stored_as_utc():
    assert made(decided_at="2025-05-02T11:30:00+02:00").decided_at == WHEN
    assert made(decided_at="2025-05-02T09:30:00Z").decided_at == WHEN
    assert made(decided_at="2025-05-02T09:30:00").decided_at == WHEN  # no zone: UTC
    assert made(decided_at=datetime(2025, 5, 2, 11, 30, tzinfo=UTC) - timedelta(hours=2)).decided_at == WHEN


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hub": "tensorart"}, "hub='tensorart': should be one of civitai, huggingface"),
        ({"decision": "maybe"}, "decision='maybe': Input should be 'likeness'"),
        ({"model_id": "  "}, "String should have at least 1 character"),
        ({"decided_by": ""}, "by='': String should have at least 1 character"),
        ({"decided_at": "2025-05-02"}, "should be an ISO-8601 time"),
        ({"decided_at": datetime.now(UTC) + timedelta(days=1)}, "should not be in the future"),
        ({"note": "x" * 2001}, "note="),
    ],
)
def test_invalid_fields_are_one_line_naming_the_field(changes, message):
    with pytest.raises(ReviewError) as error:
        made(**changes)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_hostile_value_is_shown_with_its_controls_visible():
    with pytest.raises(ReviewError, match=r"\\x1b\[2J"):
        made(decision="\x1b[2J")


def test_csv_rows_are_read_with_defaults(tmp_path):
    path = write_csv(
        tmp_path / "d.csv",
        "hub,model_id,decision,note,by,decided_at\n"
        "civitai,101,likeness,clearly her,ann,2025-05-02T09:30:00Z\n"
        'huggingface,fan/elena-lora,reported,"notice #12, sent",,\n',
    )
    loaded = read_csv(path, default_by="bob", now=WHEN)
    assert [(d.hub, d.model_id, d.decision, d.note, d.decided_by, d.decided_at) for d in loaded] == [
        ("civitai", "101", "likeness", "clearly her", "ann", WHEN),
        ("huggingface", "fan/elena-lora", "reported", "notice #12, sent", "bob", WHEN),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file; expected the header hub,model_id,decision,note,by[,decided_at]"),
        ("hub,model_id,decision,note,by\n", "no decisions, only the header"),
        (
            "hub,model,decision,note,by\ncivitai,1,likeness,,ann\n",
            "line 1: the header lacks model_id and has",
        ),
        (
            "hub,model_id,decision,note,by\ncivitai,1,likeness,,ann\ncivitai,2,likely,,ann\n",
            "line 3: decision='likely'",
        ),
        ("hub,model_id,decision,note,by\ncivitai,1,likeness,,ann,extra\n", "line 2: expected 5 fields"),
        ("hub,model_id,decision,note,by\ncivitai,1,likeness\n", "line 2: expected 5 fields"),
        (
            'hub,model_id,decision,note,by\ncivitai,1,likeness,"two\nlines",ann\ncivitai,,likeness,,ann\n',
            "line 4: model_id=''",
        ),
    ],
)
def test_a_bad_csv_is_one_line_naming_the_line(tmp_path, text, message):
    path = write_csv(tmp_path / "d.csv", text)
    with pytest.raises(ReviewError) as error:
        read_csv(path, default_by="ann")
    assert message in str(error.value) and str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_a_csv_that_is_not_text_is_one_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"hub,model_id\n\xff\xfe\x00")
    with pytest.raises(ReviewError, match="not UTF-8 text"):
        read_csv(path, default_by="ann")


def test_a_failed_write_records_nothing(store):
    """One transaction: a decision that cannot be inserted takes the others with it."""
    record(store, [made(model_id="1")], "cli")
    broken = SimpleNamespace(**{**dict(made(model_id="2")), "decided_by": None, "decision_id": "x"})
    with pytest.raises(duckdb.ConstraintException):
        record(store, [made(model_id="3"), broken], "csv:d.csv")
    assert [row[1] for row in rows(store)] == ["1"]


def test_the_os_user_is_the_default_reviewer(monkeypatch):
    monkeypatch.setattr(review.getpass, "getuser", lambda: "tsreviewer")
    assert review.current_user() == "tsreviewer"

    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr(review.getpass, "getuser", no_user)
    with pytest.raises(ReviewError, match="pass --by NAME"):
        review.current_user()


def test_builds_read_decisions_without_creating_the_store(tmp_path, store):
    missing = tmp_path / "none" / "state.duckdb"
    assert decisions_table(missing).num_rows == 0 and not missing.parent.exists()
    old = tmp_path / "old.duckdb"  # a state store from before review decisions
    duckdb.connect(str(old)).close()
    assert decisions_table(old).num_rows == 0
    record(store, [made(), made(decision="removed_by_hub", decided_at=WHEN + timedelta(hours=3))], "cli")
    table = decisions_table(store.path)
    assert table.schema == review.DECISIONS_SCHEMA
    assert sorted(table.column("decision").to_pylist()) == ["removed_by_hub", "reported"]


def test_listing_filters_by_hub_and_model(store):
    record(
        store,
        [made(model_id="1"), made(model_id="2"), made(hub="huggingface", model_id="a/b", decided_at=WHEN)],
        "cli",
    )
    assert [row["model_id"] for row in review.list_decisions(store)] == ["1", "2", "a/b"]
    assert [row["model_id"] for row in review.list_decisions(store, hub="civitai", model_id="2")] == ["2"]
    assert review.list_decisions(store, hub="huggingface", model_id="1") == []
