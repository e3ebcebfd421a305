"""The libraries Sift's filters are measured against, on the same rows in the same run.

better-profanity 0.7.0 (`contains_profanity`, the word list Sift starts from) and
alt-profanity-check (a linear SVM trained on Davidson and Jigsaw tweets and comments, so its
figures on those two files are in-sample for it, not for Sift).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

BASELINES = ("better-profanity", "alt-profanity-check")


def _better_profanity(texts: Sequence[str]) -> list[bool]:
    from better_profanity import profanity

    profanity.load_censor_words()
    return [bool(profanity.contains_profanity(text)) for text in texts]


def _alt_profanity_check(texts: Sequence[str]) -> list[bool]:
    import warnings

    with warnings.catch_warnings():
        # Its pickled vectorizer warns about scikit-learn internals on every load.
        warnings.simplefilter("ignore")
        from profanity_check import predict

        return [bool(flag) for flag in predict(list(texts))]


_FLAGGERS: dict[str, Callable[[Sequence[str]], list[bool]]] = {
    "better-profanity": _better_profanity,
    "alt-profanity-check": _alt_profanity_check,
}


def flags(name: str, texts: Sequence[str]) -> list[bool]:
    """Return, per text, whether the named baseline flags it."""
    return _FLAGGERS[name](texts)
