"""The learned (Bayes) filter's per-site counts in Redis: train, untrain, reset, read.

Keys, per site: `sift:bayes:{site}:docs` (hash: spam, ham -> documents trained), and
`sift:bayes:{site}:spam` / `:ham` (hash: token -> documents of that class containing it).
They are a cache of moderator decisions and can be rebuilt from the database
(`sift learn rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import redis

from workers.filters.bayes import HAM, LABELS, SPAM, tokens


def _key(site: str, part: str) -> str:
    return f"sift:bayes:{site}:{part}"


def label_class(label: str) -> str:
    """Fold a label (spam, ham, abusive, clean) onto the filter's two classes, or fail naming it."""
    try:
        return LABELS[label.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown label {label!r}: use one of {', '.join(sorted(LABELS))}") from None


def train(client: redis.Redis, site: str, text: str, label: str) -> None:
    """Count one labeled comment into the site's statistics."""
    _add(client, site, text, label_class(label), 1)


def untrain(client: redis.Redis, site: str, text: str, label: str) -> None:
    """Take back one earlier `train` of the same text and label."""
    _add(client, site, text, label_class(label), -1)


def train_many(client: redis.Redis, site: str, rows: Iterable[tuple[str, str]], batch: int = 500) -> int:
    """Count many (text, label) rows, sending them in batches; return how many were counted."""
    pipe = client.pipeline(transaction=False)
    count = 0
    for text, label in rows:
        _queue(pipe, site, text, label_class(label), 1)
        count += 1
        if count % batch == 0:
            pipe.execute()
    pipe.execute()
    return count


def reset(client: redis.Redis, site: str) -> None:
    """Forget everything the site's learned filter was taught."""
    client.delete(_key(site, "docs"), _key(site, SPAM), _key(site, HAM))


def read_counts(
    client: redis.Redis | redis.client.Pipeline, site: str, body_tokens: list[str]
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Return (documents per class, token -> (spam, ham)) for the given tokens, in one round trip."""
    pipe = client.pipeline(transaction=False) if isinstance(client, redis.Redis) else client
    queue_read(pipe, site, body_tokens)
    documents, spam, ham = pipe.execute()
    return parse_counts(documents, spam, ham, body_tokens)


def parse_counts(
    documents: Mapping[bytes | str, bytes | str],
    spam: list[bytes | None],
    ham: list[bytes | None],
    body_tokens: list[str],
) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Turn the raw replies of `queue_read` into the shapes the filter expects."""
    docs = {(k.decode() if isinstance(k, bytes) else k): max(0, int(v)) for k, v in documents.items()}
    counts = {}
    for token, spam_count, ham_count in zip(body_tokens, spam, ham, strict=False):
        pair = (max(0, int(spam_count or 0)), max(0, int(ham_count or 0)))
        if pair != (0, 0):
            counts[token] = pair
    return docs, counts


def queue_read(pipe: redis.client.Pipeline, site: str, body_tokens: list[str]) -> None:
    """Queue the three reads of `read_counts` on a pipeline another caller executes."""
    pipe.hgetall(_key(site, "docs"))
    pipe.hmget(_key(site, SPAM), body_tokens or ["-"])
    pipe.hmget(_key(site, HAM), body_tokens or ["-"])


def _add(client: redis.Redis, site: str, text: str, label: str, delta: int) -> None:
    pipe = client.pipeline(transaction=True)
    _queue(pipe, site, text, label, delta)
    pipe.execute()


def _queue(pipe: redis.client.Pipeline, site: str, text: str, label: str, delta: int) -> None:
    pipe.hincrby(_key(site, "docs"), label, delta)
    for token in tokens(text):
        pipe.hincrby(_key(site, label), token, delta)
