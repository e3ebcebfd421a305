"""An in-memory copy of the learned filter's counts, for `sift eval --train` and tests."""

from __future__ import annotations

from collections import Counter

from workers.filters.base import Context
from workers.filters.bayes import HAM, LABELS, SPAM, tokens


class MemoryCounts:
    """The counts `workers.learning` keeps in Redis, kept in two Counters instead."""

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.tokens = {SPAM: Counter[str](), HAM: Counter[str]()}

    def train(self, text: str, label: str) -> None:
        """Count one labeled comment (spam, ham, abusive or clean)."""
        kind = LABELS[label.strip().lower()]
        self.documents[kind] += 1
        self.tokens[kind].update(tokens(text))

    def context_for(self, text: str) -> Context:
        """Return a context carrying the counts of this text's tokens, as gather_context would."""
        counts = {
            token: (self.tokens[SPAM][token], self.tokens[HAM][token])
            for token in tokens(text)
            if self.tokens[SPAM][token] or self.tokens[HAM][token]
        }
        return Context(learned_documents=dict(self.documents), learned_token_counts=counts)
