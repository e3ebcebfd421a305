"""Group commit: requests that arrive while a write is in flight share the next one.

Under gunicorn's gevent workers one process serves many requests at once. Each accepted comment
costs a database commit and a Redis push, and each of those is a round trip whose fixed cost
(system calls, a WAL flush, waking the process) is far larger than the row itself. So the first
request to arrive writes alone ("the leader"); requests that arrive meanwhile queue, and when the
leader's write returns, the first of them leads one write for all of them. Nobody waits for a
timer or a batch to fill: an idle server writes each comment at once, a busy one in groups.

This is the leader/follower form of group commit (as in PostgreSQL's own WAL flush and MySQL's
binlog group commit). No library offers it for a WSGI process, hence our own, kept small. It uses
`threading` locks and events, which gevent's monkey-patching turns into greenlet ones; under sync
workers or the Flask test client every write is simply a group of one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# A flush returns one result per item, or the exception that item's caller should raise.
Flush = Callable[[list[Item]], Sequence["Result | BaseException"]]


class _Slot(Generic[Item, Result]):
    __slots__ = ("done", "item", "leads", "outcome")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = threading.Event()
        self.leads = False
        self.outcome: Result | BaseException | None = None


class GroupCommit(Generic[Item, Result]):
    """Run `flush` over the items submitted concurrently; `submit` returns its own item's result."""

    def __init__(self, flush: Flush[Item, Result], max_group: int = 32) -> None:
        self._flush = flush
        self._max_group = max_group
        self._lock = threading.Lock()
        self._waiting: list[_Slot[Item, Result]] = []
        # True while some caller leads a flush; then new items wait for the next one.
        self._flushing = False

    def submit(self, item: Item) -> Result:
        slot: _Slot[Item, Result] = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            leads = not self._flushing
            self._flushing = True
        if not leads:
            slot.done.wait()
            if not slot.leads:
                return self._outcome(slot)
        self._lead()
        return self._outcome(slot)

    def _lead(self) -> None:
        """Flush the waiting items (the leader's own is first), then hand over to the next waiting one."""
        with self._lock:
            group = self._waiting[: self._max_group]
            del self._waiting[: self._max_group]
        try:
            try:
                outcomes = self._flush([slot.item for slot in group])
                if len(outcomes) != len(group):
                    raise RuntimeError(f"flush returned {len(outcomes)} results for {len(group)} items")
            except Exception as error:  # noqa: BLE001 - every caller of the group raises it
                outcomes = [error] * len(group)
            except BaseException:
                # The leader itself is being stopped (a timeout, a kill): its followers get an error.
                outcomes = [RuntimeError("the write this request joined was interrupted")] * len(group)
                raise
            finally:
                for slot, outcome in zip(group, outcomes, strict=True):
                    slot.outcome = outcome
                    if slot is not group[0]:
                        slot.done.set()
        finally:
            # Always hand over, even if this greenlet is being killed: no follower may wait forever.
            with self._lock:
                if self._waiting:
                    self._waiting[0].leads = True
                    self._waiting[0].done.set()
                else:
                    self._flushing = False

    @staticmethod
    def _outcome(slot: _Slot[Item, Result]) -> Result:
        if isinstance(slot.outcome, BaseException):
            raise slot.outcome
        return slot.outcome  # type: ignore[return-value]
