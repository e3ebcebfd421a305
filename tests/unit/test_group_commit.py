"""Group commit (service.intake.group_commit) with real threads: who is grouped, who gets what back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.intake.group_commit import GroupCommit


class Recorder:
    """A flush that records its groups; the first one blocks until released, so others queue behind it."""

    def __init__(self, result: Callable[[int], int | BaseException] = lambda item: item * 10) -> None:
        self.groups: list[list[int]] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()
        self._result = result

    def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.groups.append(list(items))
        if len(self.groups) == 1:
            self.first_started.set()
            assert self.release_first.wait(10)
        return [self._result(item) for item in items]


def submit_while_first_flush_waits(group: GroupCommit[int, int], recorder: Recorder, later: list[int]) -> dict:
    """Submit 0, then `later` while the flush of 0 is still running; return each item's result or error."""
    outcomes: dict[int, object] = {}

    def run(item: int) -> None:
        try:
            outcomes[item] = group.submit(item)
        except Exception as error:  # the test looks at what each caller got
            outcomes[item] = error

    with ThreadPoolExecutor(max_workers=len(later) + 1) as pool:
        pool.submit(run, 0)
        assert recorder.first_started.wait(10)
        futures = [pool.submit(run, item) for item in later]
        # Every later caller is queued (not flushing) before the first flush returns.
        while len(group._waiting) < len(later):
            threading.Event().wait(0.001)
        recorder.release_first.set()
        for future in futures:
            future.result(10)
    return outcomes


def test_a_lone_item_is_flushed_at_once_in_a_group_of_one() -> None:
    recorder = Recorder()
    recorder.release_first.set()
    group: GroupCommit[int, int] = GroupCommit(recorder)
    assert group.submit(7) == 70
    assert group.submit(8) == 80
    assert recorder.groups == [[7], [8]]


def test_items_that_arrive_during_a_flush_share_the_next_one() -> None:
    recorder = Recorder()
    group: GroupCommit[int, int] = GroupCommit(recorder)
    outcomes = submit_while_first_flush_waits(group, recorder, [1, 2, 3, 4, 5])
    assert outcomes == {item: item * 10 for item in range(6)}
    assert recorder.groups[0] == [0]
    assert sorted(recorder.groups[1]) == [1, 2, 3, 4, 5]
    assert len(recorder.groups) == 2


def test_a_group_is_never_larger_than_the_limit() -> None:
    recorder = Recorder()
    group: GroupCommit[int, int] = GroupCommit(recorder, max_group=2)
    outcomes = submit_while_first_flush_waits(group, recorder, [1, 2, 3, 4, 5])
    assert outcomes == {item: item * 10 for item in range(6)}
    assert [len(g) for g in recorder.groups] == [1, 2, 2, 1]


def test_an_error_for_one_item_reaches_only_its_caller() -> None:
    recorder = Recorder(lambda item: ValueError(f"bad {item}") if item == 3 else item * 10)
    group: GroupCommit[int, int] = GroupCommit(recorder)
    outcomes = submit_while_first_flush_waits(group, recorder, [1, 2, 3])
    assert isinstance(outcomes.pop(3), ValueError)
    assert outcomes == {0: 0, 1: 10, 2: 20}


def test_a_failed_flush_fails_each_caller_of_its_group_and_the_next_one_still_runs() -> None:
    calls: list[list[int]] = []

    def flush(items: list[int]) -> list[int | BaseException]:
        calls.append(items)
        if len(calls) == 1:
            raise ConnectionError("database down")
        return [item * 10 for item in items]

    group: GroupCommit[int, int] = GroupCommit(flush)
    with pytest.raises(ConnectionError):
        group.submit(1)
    assert group.submit(2) == 20


def test_a_flush_that_answers_the_wrong_number_of_items_is_an_error_for_all() -> None:
    group: GroupCommit[int, int] = GroupCommit(lambda items: [1, 2])
    with pytest.raises(RuntimeError, match="2 results for 1 items"):
        group.submit(1)


def test_many_threads_each_get_their_own_result() -> None:
    group: GroupCommit[int, int] = GroupCommit(lambda items: [item * 10 for item in items], max_group=8)
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(group.submit, range(2000)))
    assert results == [item * 10 for item in range(2000)]
