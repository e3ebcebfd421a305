"""Per-site settings of each filter (the `filters:` section of a site's policy)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActionName = Literal["publish", "censor", "hold", "reject", "discard"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinksPolicy(_Strict):
    enabled: bool = True
    hold_at: int = Field(2, ge=1)
    action: ActionName = "hold"


class ProfanityPolicy(_Strict):
    enabled: bool = True
    action: ActionName = "hold"
    extra_words: tuple[str, ...] = ()
    allowed_words: tuple[str, ...] = ()


class FiltersPolicy(_Strict):
    links: LinksPolicy = LinksPolicy()
    profanity: ProfanityPolicy = ProfanityPolicy()
