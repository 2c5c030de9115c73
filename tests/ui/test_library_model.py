"""The library model: rows kept in sorted order, grouped and filtered by the
model itself; changes placed one by one give exactly what building the
model afresh gives."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, Qt

from editor.ui.library_model import (
    CATEGORIES,
    DATE,
    GROUPINGS,
    PATH_ROLE,
    STATUS,
    TITLE,
    LibraryModel,
)


@dataclass(frozen=True)
class Row:
    path: str
    rel: str
    title: str
    date: str | None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "normal"
    problem: str | None = None


def row(n: int, rng: random.Random | None = None) -> Row:
    rng = rng or random.Random(n)
    folder = rng.choice(["_posts", "news/_posts", "_drafts"])
    status = "draft" if folder == "_drafts" else rng.choice(["normal"] * 4 + ["future", "invalid"])
    year = rng.choice(["2023", "2024", "2025", None])
    return Row(
        path=f"/site/{folder}/{n:05d}.md",
        rel=f"{folder}/{n:05d}.md",
        title=rng.choice(["港口", "Harbour", "政策", "Policy", "岸电 news"])
        + f" {rng.randint(0, 50)}",
        date=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:00:00+08:00" if year else None,
        categories=tuple(rng.sample(["news", "city", "政策"], rng.randint(0, 2))),
        tags=tuple(rng.sample(["港口", "energy", "housing"], rng.randint(0, 2))),
        status=status,
        problem="dated later" if status == "future" else None,
    )


def shown(model: LibraryModel) -> list[tuple[str | None, ...]]:
    """What a view would show, top to bottom: group headers and post paths."""
    out: list[tuple[str | None, ...]] = []
    for top in range(model.rowCount()):
        index = model.index(top, 0)
        assert not index.parent().isValid() and model.rowCount(index) == 0
        if model.is_group(index):
            assert index.data(PATH_ROLE) is None
            assert not model.flags(index) & Qt.ItemFlag.ItemIsSelectable
            out.append(("group", index.data()))
        else:
            assert model.index_of(index.data(PATH_ROLE)).row() == top
            out.append(("post", index.data(PATH_ROLE)))
    return out


def test_columns_sort_both_ways(qapp) -> None:
    model = LibraryModel()
    rows = [row(n) for n in range(40)]
    model.set_rows(rows)
    assert model.rowCount() == 40 and model.columnCount() == 4
    for column, key in (
        (TITLE, lambda r: (r.title.casefold(), r.path)),
        (DATE, lambda r: (r.date or "", r.path)),
        (
            STATUS,
            lambda r: ({"normal": 0, "draft": 1, "future": 3, "invalid": 4}[r.status], r.path),
        ),
        (CATEGORIES, lambda r: (", ".join(r.categories).casefold(), r.path)),
    ):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            expected = sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)
            assert [p for _, p in shown(model)] == [r.path for r in expected]


def test_the_filter_matches_title_tags_and_categories_and_text_results(qapp) -> None:
    model = LibraryModel()
    rows = [row(n) for n in range(60)]
    model.set_rows(rows)
    model.set_filter("港口")
    expected = {r.path for r in rows if "港口" in r.title or "港口" in r.tags}
    assert {p for _, p in shown(model)} == expected
    model.set_filter("ENERGY")  # case does not matter
    assert {p for _, p in shown(model)} == {r.path for r in rows if "energy" in r.tags}
    model.set_filter("正文里的词", text_matches=[rows[3].path])
    assert [p for _, p in shown(model)] == [rows[3].path]
    model.set_filter("")
    assert model.shown_count() == 60


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_changes_one_by_one_equal_a_fresh_model(qapp, grouping: str) -> None:
    rng = random.Random(7)
    live = LibraryModel()
    live.set_grouping(grouping)
    live.set_filter("o")  # some rows filtered out, which changes must respect
    live.sort(DATE, Qt.SortOrder.DescendingOrder)
    rows = {n: row(n, rng) for n in range(30)}
    live.set_rows(rows.values())
    inserted = removed = 0

    def count(kind: str) -> None:
        nonlocal inserted, removed
        if kind == "in":
            inserted += 1
        else:
            removed += 1

    live.rowsInserted.connect(lambda *_: count("in"))
    live.rowsRemoved.connect(lambda *_: count("out"))
    for step in range(150):
        action = rng.choice(["add", "change", "remove"])
        if action == "add" or not rows:
            n = 100 + step
            rows[n] = row(n, rng)
            live.apply([rows[n]])
        elif action == "change":
            n = rng.choice(list(rows))
            other = row(n, random.Random(rng.random()))  # new title, date, status...
            rows[n] = Row(rows[n].path, rows[n].rel, other.title, other.date,
                          other.categories, other.tags, other.status, other.problem)  # fmt: skip
            live.apply([rows[n]])
        else:
            n = rng.choice(list(rows))
            live.apply(removed=[rows.pop(n).path])
        fresh = LibraryModel()
        fresh.set_grouping(grouping)
        fresh.set_filter("o")
        fresh.sort(DATE, Qt.SortOrder.DescendingOrder)
        fresh.set_rows(rows.values())
        assert shown(live) == shown(fresh), f"step {step}: {action}"
    assert inserted and removed  # placed row by row, not by resets


def test_a_burst_is_one_reset(qapp) -> None:
    model = LibraryModel()
    model.set_rows(row(n) for n in range(10))
    resets: list[int] = []
    inserts: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda *_: inserts.append(1))
    model.apply([row(n) for n in range(10, 1010)])
    assert resets == [1] and not inserts
    assert model.total_count() == 1010


def test_rows_say_their_status(qapp) -> None:
    model = LibraryModel()
    future = row(1)
    future = Row(future.path, future.rel, "明天", "2099-01-01T00:00:00+08:00", status="future",
                 problem="dated 2099-01-01, after now; Jekyll skips future posts")  # fmt: skip
    model.set_rows([future])
    index = model.index(0, STATUS)
    assert index.data() == "future"
    assert "Jekyll skips future posts" in model.index(0, TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, TITLE).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index_of(future.path).isValid()
    assert not model.index_of("/nope.md").isValid()
    assert model.parent(QModelIndex()) == QModelIndex()
