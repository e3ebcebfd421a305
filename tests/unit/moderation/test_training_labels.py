"""The label a comment's moderator actions leave it with, so a reversal untrains exactly once."""

from __future__ import annotations

import pytest

from service.storage.learning import label_from_history


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ([], None),
        (["approve"], "ham"),
        (["spam"], "spam"),
        (["reject"], "spam"),
        (["spam", "approve"], "ham"),
        (["spam", "approve", "undo"], "spam"),
        (["approve", "undo"], None),
        (["spam", "delete"], "spam"),
        (["spam", "delete", "undo"], "spam"),
        (["delete"], None),
        (["undo"], None),
        (["spam", "approve", "undo", "undo"], None),
    ],
)
def test_label_follows_decisions_and_undos(actions: list[str], expected: str | None) -> None:
    assert label_from_history(actions) == expected
