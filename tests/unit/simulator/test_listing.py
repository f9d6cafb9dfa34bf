"""Opaque cursors and paging, including the hub paging bugs the faults reproduce."""

from __future__ import annotations

import pytest

from hubsim.listing import (
    CursorError,
    Order,
    decode_cursor,
    encode_cursor,
    page_number,
    paginate,
    subset_order,
)

IDS = list(range(100, 130))
NEWEST = Order(range(len(IDS) - 1, -1, -1), lambda p: (-IDS[p],), range(len(IDS)))


def ids(positions):
    return [IDS[p] for p in positions]


def walk(order, limit, accept=lambda p: True, fault=None, max_pages=50):
    token, seen = None, []
    for _ in range(max_pages):
        items, token = paginate(order, token, limit, accept, fault)
        seen += ids(items)
        if token is None:
            return seen
    raise AssertionError("did not terminate")


def test_cursor_round_trip_and_opacity():
    token = encode_cursor((-123, 4))
    assert decode_cursor(token) == (-123, 4)
    assert "123" not in token
    assert decode_cursor(encode_cursor(None)) is None
    assert encode_cursor((1,), salt="x") != encode_cursor((1,))
    assert decode_cursor(encode_cursor((1,), salt="x")) == (1,)


@pytest.mark.parametrize("token", ["nope", "eyJhIjoiMSJ9", encode_cursor(None)[:-3] + "###"])
def test_invalid_cursor(token):
    with pytest.raises(CursorError):
        decode_cursor(token)


def test_pages_cover_everything_once_newest_first():
    assert walk(NEWEST, 7) == sorted(IDS, reverse=True)
    odd = walk(NEWEST, 4, accept=lambda p: IDS[p] % 2 == 1)
    assert odd == [i for i in sorted(IDS, reverse=True) if i % 2]


def test_last_page_has_no_cursor():
    items, token = paginate(NEWEST, None, len(IDS), lambda p: True)
    assert len(items) == len(IDS) and token is None


def test_cursor_survives_new_items():
    items, token = paginate(NEWEST, None, 5, lambda p: True)
    grown = IDS + [130, 131]
    later = Order(range(len(grown) - 1, -1, -1), lambda p: (-grown[p],), range(len(grown)))
    more, _ = paginate(later, token, 5, lambda p: True)
    assert [grown[p] for p in more] == [124, 123, 122, 121, 120]


def test_skip_one_fault_loses_one_item_per_page():
    seen = walk(NEWEST, 5, fault="skip-one")
    assert len(seen) == len(IDS) - 5 and len(set(seen)) == len(seen)


def test_duplicates_fault_repeats_items_across_pages():
    seen = walk(NEWEST, 5, fault="duplicates", max_pages=100)
    assert set(seen) == set(IDS) and len(seen) > len(IDS)


def test_repeat_cursor_and_empty_page_faults():
    items, token = paginate(NEWEST, None, 5, lambda p: True)
    again, same = paginate(NEWEST, token, 5, lambda p: True, "repeat-cursor")
    assert same == token and ids(again) == [124, 123, 122, 121, 120]
    empty, resume = paginate(NEWEST, token, 5, lambda p: True, "empty-page")
    assert empty == [] and resume and resume != token
    after, _ = paginate(NEWEST, resume, 5, lambda p: True)
    assert ids(after) == ids(again)


def test_page_number_paging_and_subset():
    items, more = page_number(NEWEST, 2, 10, lambda p: True)
    assert ids(items) == list(range(119, 109, -1)) and more
    items, more = page_number(NEWEST, 3, 10, lambda p: True)
    assert len(items) == 10 and not more
    few = subset_order(NEWEST, [0, 5, 2])
    assert walk(few, 2) == [105, 102, 100]
