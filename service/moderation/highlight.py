"""Show a comment with what the filters matched marked, without ever letting its text become markup."""

from __future__ import annotations

from markupsafe import Markup, escape

from service.moderation.models import VerdictOut


def highlight(body: str, verdicts: list[VerdictOut]) -> Markup:
    """Escape the body and wrap every span a filter matched in <mark>; the text itself never becomes markup."""
    spans = sorted(
        (max(0, span[0]), min(len(body), span[1])) for verdict in verdicts for span in verdict.spans if len(span) >= 2
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[Markup] = []
    cursor = 0
    for start, end in merged:
        parts.append(escape(body[cursor:start]))
        parts.append(Markup("<mark>{}</mark>").format(body[start:end]))
        cursor = end
    parts.append(escape(body[cursor:]))
    return Markup("").join(parts)
