"""The site's pipeline with each filter timed into `sift_filter_seconds`, for the moderation task.

The filters stay pure (no metrics inside them, workers/filters/ knows nothing of Prometheus): each is
wrapped here, in the worker, by an object with the same id, category and `check`.
"""

from __future__ import annotations

import functools
import time

from config.sites import SitePolicy
from service.observability import metrics
from workers.filters.base import Category, CommentInput, Context, Filter, Verdict
from workers.filters.pipeline import Pipeline, pipeline_for


class TimedFilter:
    """A filter whose every check is timed (a few microseconds per filter, against milliseconds of pipeline)."""

    def __init__(self, inner: Filter) -> None:
        self.inner = inner
        self.id: str = inner.id
        self.category: Category = inner.category
        self._seconds = metrics.FILTER_SECONDS.labels(filter=inner.id)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        started = time.perf_counter()
        try:
            return self.inner.check(comment, context)
        finally:
            self._seconds.observe(time.perf_counter() - started)


@functools.lru_cache(maxsize=256)
def timed_pipeline_for(site: str, policy: SitePolicy) -> Pipeline:
    """Return the site's compiled pipeline (cached per process, like `pipeline_for`) with timed filters."""
    compiled = pipeline_for(site, policy)
    return Pipeline(compiled.policy, [TimedFilter(candidate) for candidate in compiled.filters])
