"""A Celery app with the workers' own settings (acks late, prefetch 1, the same signals) and a task that does nothing.

`sift bench drain` drains it with the same number of `--pool solo` workers as the real ones: what
Celery itself allows on this machine, the ceiling the decided rate is compared with.
"""

from __future__ import annotations

from config.settings import Settings
from workers.queue import make_celery

NOOP_QUEUE = "bench-noop"
NOOP_TASK = "bench.noop"

app = make_celery(Settings.from_env())


@app.task(name=NOOP_TASK, queue=NOOP_QUEUE)  # type: ignore[untyped-decorator]
def noop(comment_ids: list[int]) -> None:
    """Nothing: the cost measured is Celery's own (receive, run, acknowledge)."""
