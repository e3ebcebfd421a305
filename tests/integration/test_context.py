"""gather_context and the learned counts against a real Redis (REDIS_URL, else 127.0.0.1:6379)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from config.settings import DEFAULT_SITES_DIR
from config.sites import SitePolicies
from workers import learning
from workers.context import gather_context, gather_contexts
from workers.filters.analysis import analyze
from workers.filters.base import AuthorHistory, CommentInput
from workers.filters.fingerprint import simhash
from workers.filters.pipeline import pipeline_for


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", socket_timeout=2)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip("Redis is unreachable")
    yield connection
    connection.close()


@pytest.fixture
def site(client: redis.Redis) -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(client.scan_iter(f"sift:*:{name}:*"))
    if keys:
        client.delete(*keys)


POLICY = SitePolicies(DEFAULT_SITES_DIR).default


def comment(site: str, body: str, ip: str = "203.0.113.9") -> CommentInput:
    return CommentInput(site=site, body=body, client_ip=ip, author_email="a@example.com", author_name="Al")


def test_velocity_counts_each_comment_once_even_when_the_task_runs_twice(client, site):
    for index in range(3):
        context = gather_context(client, comment(site, f"comment {index}"), POLICY, AuthorHistory(), member=str(index))
    again = gather_context(client, comment(site, "comment 2"), POLICY, AuthorHistory(), member="2")
    assert context.velocity == {"ip": 3, "email": 3, "author": 3}
    assert again.velocity["ip"] == 3


def test_flood_is_held_by_the_pipeline(client, site):
    pipeline = pipeline_for(site, POLICY)
    decisions = [
        pipeline.run(item, gather_context(client, item, POLICY, AuthorHistory()))
        for item in (comment(site, f"Opinion number {i} on the budget vote") for i in range(12))
    ]
    assert decisions[0].action.value == "publish"
    assert decisions[-1].action.value == "hold"
    assert any(v.filter_id == "velocity" for v in decisions[-1].verdicts)


def test_exact_and_near_duplicates_across_the_site(client, site):
    body = "Buy the best replica watches at our shop today, lowest prices guaranteed!"
    first = gather_context(client, comment(site, body, "198.51.100.1"), POLICY, AuthorHistory())
    second = gather_context(client, comment(site, body.upper() + "  ", "198.51.100.2"), POLICY, AuthorHistory())
    near = gather_context(client, comment(site, body.replace("today", "now"), "198.51.100.3"), POLICY, AuthorHistory())
    assert first.exact_duplicates == 0
    assert second.exact_duplicates == 1
    assert near.near_duplicate_similarity >= 0.75


def test_learned_counts_are_read_for_the_comments_tokens(client, site):
    for index in range(25):
        learning.train(client, site, f"cheap replica rolex watches offer {index}", "spam")
        learning.train(client, site, f"the council vote on the budget was close {index}", "ham")
    context = gather_context(client, comment(site, "replica rolex watches"), POLICY, AuthorHistory())
    assert context.learned_documents == {"spam": 25, "ham": 25}
    assert context.learned_token_counts["rolex"] == (25, 0)
    decision = pipeline_for(site, POLICY).run(comment(site, "replica rolex watches"), context)
    assert any(v.filter_id == "bayes" for v in decision.verdicts)


def test_untrain_and_reset(client, site):
    learning.train(client, site, "hello world", "spam")
    learning.untrain(client, site, "hello world", "spam")
    assert learning.read_counts(client, site, ["hello"]) == ({"spam": 0}, {})
    learning.train(client, site, "hello world", "clean")
    learning.reset(client, site)
    assert learning.read_counts(client, site, ["hello"]) == ({}, {})


def test_unknown_label_is_refused(client, site):
    with pytest.raises(ValueError, match="unknown label"):
        learning.train(client, site, "text", "maybe")


def test_a_redelivered_comment_is_not_its_own_near_duplicate(client, site):
    body = "The bus lanes were promised in the last election and the money was set aside."
    other = gather_context(client, comment(site, "Something else entirely, about parking."), POLICY, AuthorHistory())
    first = gather_context(client, comment(site, body), POLICY, AuthorHistory(), member="7")
    again = gather_context(client, comment(site, body), POLICY, AuthorHistory(), member="7")
    assert other.near_duplicate_similarity == 0.0
    assert first.near_duplicate_similarity < 0.85
    assert again.near_duplicate_similarity == first.near_duplicate_similarity


def test_near_duplicates_match_fingerprints_stored_before_they_were_zero_padded(client, site):
    body = "Buy the best replica watches at our shop today, lowest prices guaranteed!"
    earlier = simhash(analyze(body).text)
    # What the workers wrote before: the fingerprint in hex without leading zeros.
    client.zadd(f"sift:window:{site}:simhash", {f"old-1:{earlier:x}": time.time(), "old-2:3f": time.time()})
    context = gather_context(client, comment(site, body), POLICY, AuthorHistory(), member="new")
    assert context.near_duplicate_similarity == 1.0


def test_a_batch_reads_the_same_context_as_one_comment_at_a_time(client, site):
    """One pipeline for a group: each comment counts the ones before it (velocity, exact and near duplicates)."""
    body = "Buy the best replica watches at our shop today, lowest prices guaranteed!"
    bodies = ["Something else entirely, about parking.", body, body.upper(), body.replace("today", "now")]
    gather_context(
        client, comment(site, "An older comment on the bridge repairs."), POLICY, AuthorHistory(), member="0"
    )
    contexts = gather_contexts(
        client, [(comment(site, text), POLICY, AuthorHistory(), str(n)) for n, text in enumerate(bodies, start=1)]
    )
    one_at_a_time = [
        gather_context(client, comment(f"{site}-single", text), POLICY, AuthorHistory(), member=str(n))
        for n, text in enumerate(["An older comment on the bridge repairs.", *bodies])
    ][1:]
    try:
        assert [c.velocity["ip"] for c in contexts] == [2, 3, 4, 5]
        assert [c.exact_duplicates for c in contexts] == [0, 0, 1, 0]
        assert contexts[0].near_duplicate_similarity < 0.85 and contexts[3].near_duplicate_similarity >= 0.75
        assert [(c.velocity, c.exact_duplicates, c.near_duplicate_similarity) for c in contexts] == [
            (c.velocity, c.exact_duplicates, c.near_duplicate_similarity) for c in one_at_a_time
        ]
        # Run again (a redelivered group): nothing counts twice, and no comment matches itself.
        again = gather_contexts(
            client, [(comment(site, text), POLICY, AuthorHistory(), str(n)) for n, text in enumerate(bodies, start=1)]
        )
        assert [c.velocity["ip"] for c in again] == [5, 5, 5, 5]
        assert again[0].near_duplicate_similarity == contexts[0].near_duplicate_similarity
    finally:
        keys = list(client.scan_iter(f"sift:*:{site}-single:*"))
        if keys:
            client.delete(*keys)
