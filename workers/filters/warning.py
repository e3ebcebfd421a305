"""`posted-after-warning`: the author checked the draft, was warned, and posted anyway.

It changes no decision (its action is `publish`); it tells the moderator what the warning was, and
gives the queue a stable filter id to list such comments by. The warning itself was checked and
recorded at intake (`service.domain.check_tokens`), so the filter only reads `comment.warning`.
"""

from __future__ import annotations

from workers.filters.base import Action, Category, CommentInput, Context, Verdict


class PostedAfterWarningFilter:
    id = "posted-after-warning"
    category = Category.ABUSE

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        if not comment.warning:
            return None
        category, _, rest = comment.warning.partition(":")
        filter_ids, _, edited = rest.partition(":")
        names = ", ".join(name for name in filter_ids.split(",") if name) or "unknown"
        since = "edited since the warning" if edited else "unchanged since the warning"
        return Verdict(
            filter_id=self.id,
            category=Category.SPAM if category == Category.SPAM.value else Category.ABUSE,
            action=Action.PUBLISH,
            score=0.0,
            reason=f"posted after a warning ({names}); {since}",
        )
