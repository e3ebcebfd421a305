"""Store accepted comments and queue them, in groups: one rate-limit check, one INSERT and one LPUSH for all in flight.

The order per group is the intake's promise: the rate limit is counted first (`admit`, one round
trip for the group: `service.ratelimit.grouped_limit.GroupedLimit`), the admitted rows are committed before anyone
is answered `202`, and pushed to the queue only after the commit. A push that fails loses
nothing: the rows are committed as `received`, and the sweeper re-sends them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import redis
import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from service.intake.group_commit import GroupCommit
from service.observability import metrics
from service.storage.comment_insert import insert_comments
from service.storage.db import on_hot_path
from workers.publisher import enqueue_moderation

log = structlog.get_logger(__name__)

Row = Mapping[str, Any]
# Given a group's rows, one entry per row: None to store it, else the exception its request raises.
Admit = Callable[[Sequence[Row]], Sequence[BaseException | None]]


def admit_all(rows: Sequence[Row]) -> list[None]:
    return [None] * len(rows)


class IntakeWriter:
    """One per web process: `store(row)` returns the new comment's id once it is committed."""

    def __init__(self, engine: Engine, broker: redis.Redis, admit: Admit = admit_all, max_group: int = 32) -> None:
        self._engine = engine
        self._broker = broker
        self._admit = admit
        self._group: GroupCommit[Row, int] = GroupCommit(self._write, max_group)

    def store(self, row: Row) -> int:
        """Admit the comment (the columns `comment_insert.SUPPLIED`), insert, commit and queue it; return its id.

        Raises what `admit` refused it with, or the database's error.
        """
        return self._group.submit(row)

    def _write(self, rows: list[Row]) -> Sequence[int | BaseException]:
        metrics.INTAKE_GROUP_SIZE.observe(len(rows))
        refusals = self._admit(rows)
        admitted = [row for row, refusal in zip(rows, refusals, strict=True) if refusal is None]
        try:
            stored: Iterator[int | BaseException] = iter(self._store(admitted) if admitted else ())
        except Exception as error:  # noqa: BLE001 - the admitted rows' requests raise it; the refused keep their answer
            stored = itertools.repeat(error)
        return [next(stored) if refusal is None else refusal for refusal in refusals]

    def _store(self, rows: list[Row]) -> Sequence[int | BaseException]:
        try:
            outcomes: Sequence[int | BaseException] = self._insert(rows)
        except DBAPIError as error:
            if len(rows) == 1 or error.connection_invalidated:
                raise
            # One row spoiled the statement (its site was deleted, say): find it, store the others.
            outcomes = [self._insert_or_error(row) for row in rows]
        pairs = zip(outcomes, rows, strict=True)
        stored = [(outcome, row["request_id"]) for outcome, row in pairs if isinstance(outcome, int)]
        if stored:
            self._enqueue(stored)
        return outcomes

    def _insert(self, rows: list[Row]) -> list[int]:
        # A connection, not a transaction: on PostgreSQL the engine autocommits, so the INSERT is
        # its own transaction (insert_comments commits on SQLite).
        return on_hot_path(self._engine, lambda connection: insert_comments(connection, rows))

    def _insert_or_error(self, row: Row) -> int | BaseException:
        try:
            return self._insert([row])[0]
        except DBAPIError as error:
            return error

    def _enqueue(self, stored: list[tuple[int, str]]) -> None:
        try:
            enqueue_moderation(self._broker, stored)
        except Exception as error:  # noqa: BLE001 - any broker failure is recovered by the sweeper
            log.warning("intake.enqueue_failed", comment_ids=[comment_id for comment_id, _ in stored], error=str(error))
