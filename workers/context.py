"""Gather everything the filters need from outside the comment (placeholder until the filters issue lands)."""

from __future__ import annotations

import redis

from config.sites import SitePolicy
from workers.filters.base import AuthorHistory, CommentInput, Context


def gather_context(client: redis.Redis, comment: CommentInput, policy: SitePolicy, author: AuthorHistory) -> Context:
    return Context(author=author)
