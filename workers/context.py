"""Gather everything the filters need from outside the comment, in one Redis round trip.

`gather_context` also *records* the comment into the site's windows (velocity per address,
email and author name; exact and near-duplicate fingerprints), so a flood counts every
attempt, held or not. Recording is idempotent per comment when the caller passes a stable
`member` (the comment id): the windows are sorted sets keyed by it, so a retried task does
not count the same comment twice.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import redis
from redis.client import Pipeline

from config.filter_policy import FiltersPolicy
from config.sites import SitePolicy
from workers import learning
from workers.filters import bayes
from workers.filters.analysis import analyze
from workers.filters.base import AuthorHistory, CommentInput, Context
from workers.filters.fingerprint import fingerprint, simhash

# Near duplicates are looked for among this many most recent comments of the site.
NEAR_DUPLICATE_CANDIDATES = 1000


def _key(site: str, *parts: str) -> str:
    return ":".join(("sift", "window", site, *parts))


def gather_context(
    client: redis.Redis,
    comment: CommentInput,
    policy: SitePolicy,
    author: AuthorHistory,
    member: str | None = None,
    now: float | None = None,
) -> Context:
    """Record the comment in its site's windows and read back counts, duplicates and learned statistics."""
    [context] = gather_contexts(client, [(comment, policy, author, member)], now)
    return context


def gather_contexts(
    client: redis.Redis,
    comments: Sequence[tuple[CommentInput, SitePolicy, AuthorHistory, str | None]],
    now: float | None = None,
) -> list[Context]:
    """`gather_context` for several comments, (comment, policy, author, member) each, in one pipeline.

    Redis runs the commands in the order sent, so each comment sees the windows as the comments
    before it left them: the same counts as one round trip per comment, in that order.
    """
    now = time.time() if now is None else now
    pipe = client.pipeline(transaction=False)
    # A site's near-duplicate window is read once, by its first comment in the batch; the others
    # compare with it and with the batch's comments before them (see _Window).
    windows_read: set[str] = set()
    pending = [
        _queue(pipe, comment, policy, member or uuid.uuid4().hex, now, windows_read)
        for comment, policy, _, member in comments
    ]
    replies = pipe.execute()
    contexts = []
    position = 0
    windows: dict[str, _Window] = {}
    for reading, (_, _, author, _) in zip(pending, comments, strict=True):
        contexts.append(reading.read(replies[position : position + reading.commands], author, windows))
        position += reading.commands
    return contexts


@dataclass
class _Reading:
    """What one comment queued on the pipeline, to read its replies back."""

    comment: CommentInput
    settings: FiltersPolicy
    member: str
    hashed: int
    velocity_kinds: list[str]
    body_tokens: list[str]
    reads_window: bool
    commands: int

    def read(self, replies: list[Any], author: AuthorHistory, windows: dict[str, _Window]) -> Context:
        settings, comment = self.settings, self.comment
        duplicate = settings.duplicate
        position = 0
        velocity: dict[str, int] = {}
        for kind in self.velocity_kinds:
            velocity[kind] = int(replies[position + 2])
            position += 4
        exact_duplicates = 0
        near = 0.0
        if duplicate.enabled:
            exact_duplicates = max(0, int(replies[position + 2]) - 1)
            site = comment.site
            if self.reads_window:
                windows[site] = _Window(replies[position + 4])
            window = windows[site]
            if len(comment.body.strip()) >= duplicate.min_chars:
                near = window.nearest(self.hashed, self.member)
            window.add(self.hashed)
            position += 8 if self.reads_window else 7
        documents: dict[str, int] = {}
        token_counts: dict[str, tuple[int, int]] = {}
        if settings.bayes.enabled:
            raw_documents, raw_spam, raw_ham = replies[position : position + 3]
            documents, token_counts = learning.parse_counts(raw_documents, raw_spam, raw_ham, self.body_tokens)
        return Context(
            velocity=velocity,
            exact_duplicates=exact_duplicates,
            near_duplicate_similarity=near,
            author=author,
            learned_documents=documents,
            learned_token_counts=token_counts,
        )


def _queue(
    pipe: Pipeline, comment: CommentInput, policy: SitePolicy, member: str, now: float, windows_read: set[str]
) -> _Reading:
    """Queue one comment's writes and reads on the pipeline; read its site's window unless in `windows_read`."""
    settings = policy.filters
    site = comment.site
    before = len(pipe)

    velocity_kinds: list[str] = []
    identities = {
        "ip": comment.client_ip,
        "email": comment.author_email.strip().lower(),
        "author": comment.author_name.strip().lower(),
    }
    window = settings.velocity.window_seconds
    if settings.velocity.enabled:
        for kind, value in identities.items():
            if not value:
                continue
            key = _key(site, "velocity", kind, hashlib.sha256(value.encode()).hexdigest()[:24])
            pipe.zadd(key, {member: now})
            pipe.zremrangebyscore(key, "-inf", now - window)
            pipe.zcard(key)
            pipe.expire(key, window)
            velocity_kinds.append(kind)

    duplicate = settings.duplicate
    reads_window = False
    text = analyze(comment.body).text
    print_ = fingerprint(text)
    hashed = simhash(text)
    if duplicate.enabled:
        exact_key = _key(site, "exact", print_)
        pipe.zadd(exact_key, {member: now})
        pipe.zremrangebyscore(exact_key, "-inf", now - duplicate.window_seconds)
        pipe.zcard(exact_key)
        pipe.expire(exact_key, duplicate.window_seconds)
        near_key = _key(site, "simhash")
        reads_window = site not in windows_read
        if reads_window:
            windows_read.add(site)
            pipe.zrevrangebyscore(
                near_key, "+inf", now - duplicate.window_seconds, start=0, num=NEAR_DUPLICATE_CANDIDATES
            )
        # Zero-padded, so that _nearest can read the fingerprints as one block of hex.
        pipe.zadd(near_key, {f"{member}:{hashed:016x}": now})
        pipe.zremrangebyscore(near_key, "-inf", now - duplicate.window_seconds)
        pipe.expire(near_key, duplicate.window_seconds)

    body_tokens = bayes.tokens(comment.body) if settings.bayes.enabled else []
    if settings.bayes.enabled:
        learning.queue_read(pipe, site, body_tokens)
    return _Reading(comment, settings, member, hashed, velocity_kinds, body_tokens, reads_window, len(pipe) - before)


class _Window:
    """A site's near-duplicate window as read once for a batch, plus the batch's comments decided before.

    Comment k of a batch is compared with the window as it was before the batch and with comments
    0..k-1: the candidates it would have had one round trip each (up to the window's cap of
    NEAR_DUPLICATE_CANDIDATES, which the earlier ones of the batch can only add to).

    Vectorised: a busy site's window holds up to NEAR_DUPLICATE_CANDIDATES fingerprints, and
    parsing them one by one in Python was a large share of a decision's time; now they are parsed
    once per batch, not once per comment. Entries are `member:fingerprint`, the fingerprint 16 hex
    digits; entries written before it was zero-padded may be shorter and are read one by one.
    """

    def __init__(self, entries: list[bytes]) -> None:
        try:
            block = b"".join([entry[-16:] for entry in entries]).decode("ascii")
            self._prints = np.frombuffer(bytes.fromhex(block), dtype=">u8").astype(np.uint64)
            self._members = [entry[:-17] for entry in entries]
        except ValueError:  # a short, unpadded fingerprint: its last 16 bytes hold the ":"
            parts = [entry.rpartition(b":") for entry in entries]
            self._prints = np.array([int(hex_, 16) for _, _, hex_ in parts], dtype=np.uint64)
            self._members = [member for member, _, _ in parts]
        self._known = set(self._members)
        self._added: list[int] = []

    def nearest(self, hashed: int, member: str) -> float:
        """Return the best SimHash similarity between the comment and the others, in [0, 1]."""
        prints = self._prints
        own = member.encode()
        if own in self._known:  # a redelivered comment recorded itself on an earlier attempt
            prints = prints[np.array([other != own for other in self._members], dtype=bool)]
        if self._added:
            prints = np.concatenate([prints, np.array(self._added, dtype=np.uint64)])
        if not len(prints):
            return 0.0
        fewest_differing_bits = int(np.bitwise_count(prints ^ np.uint64(hashed)).min())
        return 1.0 - fewest_differing_bits / 64

    def add(self, hashed: int) -> None:
        self._added.append(hashed)
