"""Spam filters that read how a comment arrived: honeypot, form token, floods, duplicates, blocklists, history."""

from __future__ import annotations

import ipaddress
from functools import cached_property

from config.filter_policy import (
    AuthorReputationPolicy,
    BlocklistPolicy,
    DuplicatePolicy,
    FormTokenPolicy,
    HoneypotPolicy,
    VelocityPolicy,
)
from workers.filters.base import Action, Category, CommentInput, Context, Verdict
from workers.filters.links import find_links, host_of


class HoneypotFilter:
    id = "honeypot"
    category = Category.SPAM

    def __init__(self, policy: HoneypotPolicy) -> None:
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        if not comment.honeypot_filled:
            return None
        return Verdict(
            self.id,
            self.category,
            self.action,
            1.0,
            "the hidden honeypot field was filled in (only bots see it)",
        )


_FORM_TOKEN_REASONS = {
    "missing": "no form token, and the site requires one",
    "too-fast": "form submitted faster than a person can type",
    "expired": "form token expired (the page was left open too long, or the token was harvested)",
    "replayed": "form token already used (a replayed submission)",
    "invalid": "form token is forged or belongs to another site",
}
_FORGED = frozenset({"replayed", "invalid"})


class FormTokenFilter:
    id = "form-token"
    category = Category.SPAM

    def __init__(self, policy: FormTokenPolicy) -> None:
        self.action = Action(policy.action)
        self.forged_action = Action(policy.forged_action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        status = comment.form_token_status
        if status in ("", "ok") or status not in _FORM_TOKEN_REASONS:
            return None
        forged = status in _FORGED
        return Verdict(
            self.id,
            self.category,
            self.forged_action if forged else self.action,
            0.9 if forged else 0.6,
            _FORM_TOKEN_REASONS[status],
        )


class VelocityFilter:
    id = "velocity"
    category = Category.SPAM

    def __init__(self, policy: VelocityPolicy) -> None:
        self.limits = {
            "ip": policy.max_per_ip,
            "email": policy.max_per_email,
            "author": policy.max_per_author,
        }
        self.window = policy.window_seconds
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        floods = [
            (kind, count, self.limits[kind])
            for kind, count in context.velocity.items()
            if kind in self.limits and count >= self.limits[kind]
        ]
        if not floods:
            return None
        minutes = max(1, self.window // 60)
        parts = [f"{count} comments from this {kind} in {minutes} min (limit {limit})" for kind, count, limit in floods]
        worst = max(count / limit for _, count, limit in floods)
        return Verdict(self.id, self.category, self.action, min(1.0, 0.5 * worst), "flood: " + "; ".join(parts))


class DuplicateFilter:
    id = "duplicate"
    category = Category.SPAM

    def __init__(self, policy: DuplicatePolicy) -> None:
        self.min_chars = policy.min_chars
        self.near_threshold = policy.near_threshold
        self.action = Action(policy.action)
        self.near_action = Action(policy.near_action)
        self.hours = max(1, policy.window_seconds // 3600)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        if len(comment.body.strip()) < self.min_chars:
            return None
        if context.exact_duplicates > 0:
            copies = context.exact_duplicates
            reason = f"same text as {copies} other comment{'s' if copies > 1 else ''} on this site in {self.hours} h"
            return Verdict(self.id, self.category, self.action, min(1.0, 0.6 + 0.1 * copies), reason)
        similarity = context.near_duplicate_similarity
        if similarity >= self.near_threshold:
            reason = f"{similarity:.0%} like another comment on this site in {self.hours} h"
            return Verdict(self.id, self.category, self.near_action, round(similarity * 0.8, 2), reason)
        return None


class BlocklistFilter:
    id = "blocklist"
    category = Category.SPAM

    def __init__(self, policy: BlocklistPolicy) -> None:
        self.action = Action(policy.action)
        self.emails = frozenset(email.strip().lower() for email in policy.emails)
        self.domains = frozenset(domain.strip().lower().removeprefix("www.") for domain in policy.domains)
        self.ip_entries = policy.ips

    @cached_property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in self.ip_entries)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        reasons = []
        if comment.client_ip and self.networks:
            try:
                address = ipaddress.ip_address(comment.client_ip)
            except ValueError:
                address = None
            if address is not None:
                hits = [n for n in self.networks if address.version == n.version and address in n]
                if hits:
                    reasons.append(f"address {comment.client_ip} is blocked ({hits[0]})")
        email = comment.author_email.strip().lower()
        if email and email in self.emails:
            reasons.append(f"email {email} is blocked")
        if self.domains:
            hosts = {email.rpartition("@")[2]} if "@" in email else set()
            hosts |= {link.host for link in find_links(comment.body)}
            if comment.author_url:
                hosts.add(host_of(comment.author_url if "//" in comment.author_url else "http://" + comment.author_url))
            blocked = sorted({d for host in hosts if host for d in self.domains if host == d or host.endswith("." + d)})
            if blocked:
                reasons.append(f"domain {', '.join(blocked)} is blocked")
        if not reasons:
            return None
        return Verdict(self.id, self.category, self.action, 1.0, "; ".join(reasons))


class AuthorReputationFilter:
    id = "author-reputation"
    category = Category.SPAM

    def __init__(self, policy: AuthorReputationPolicy) -> None:
        self.hold_after_rejected = policy.hold_after_rejected
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        history = context.author
        if history.rejected < self.hold_after_rejected or history.rejected <= history.approved:
            return None
        reason = f"author has {history.rejected} rejected and {history.approved} approved comments on this site"
        return Verdict(self.id, self.category, self.action, min(1.0, 0.3 + 0.1 * history.rejected), reason)
