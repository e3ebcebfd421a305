"""Per-site settings of each filter (the `filters:` section of a site's policy).

Every key is documented in `config/sites/_defaults.yaml`; a key unknown here fails startup.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ActionName = Literal["publish", "censor", "hold", "reject", "discard"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinksPolicy(_Strict):
    enabled: bool = True
    hold_at: int = Field(2, ge=1)
    action: ActionName = "hold"


class LinkDomainsPolicy(_Strict):
    enabled: bool = True
    deny: tuple[str, ...] = ()
    deny_action: ActionName = "reject"
    allow: tuple[str, ...] = ()
    shorteners: tuple[str, ...] = (
        "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "is.gd", "buff.ly", "adf.ly", "shorte.st",
        "bc.vc", "linkbucks.com", "shhort.com", "cutt.ly", "rebrand.ly", "tiny.cc", "rb.gy", "shorturl.at",
        "t.ly", "s.id", "v.gd", "qr.ae", "x.co", "soo.gd", "clck.ru", "ouo.io", "bl.ink",
    )  # fmt: skip
    shortener_action: ActionName = "hold"


class HoneypotPolicy(_Strict):
    enabled: bool = True
    action: ActionName = "discard"


class FormTokenPolicy(_Strict):
    enabled: bool = True
    # "too-fast", "expired" and "missing" (when the site requires a token): a person may cause them.
    action: ActionName = "hold"
    # "invalid" (a forged or foreign signature) and "replayed": only a script causes them.
    forged_action: ActionName = "reject"


class VelocityPolicy(_Strict):
    enabled: bool = True
    window_seconds: int = Field(600, ge=10)
    max_per_ip: int = Field(10, ge=1)
    max_per_email: int = Field(10, ge=1)
    max_per_author: int = Field(10, ge=1)
    action: ActionName = "hold"


class DuplicatePolicy(_Strict):
    enabled: bool = True
    window_seconds: int = Field(24 * 60 * 60, ge=60)
    min_chars: int = Field(20, ge=1)
    action: ActionName = "hold"
    near_threshold: float = Field(0.85, gt=0, le=1)
    near_action: ActionName = "hold"


class BlocklistPolicy(_Strict):
    enabled: bool = True
    ips: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    action: ActionName = "reject"


class SitePhrasesPolicy(_Strict):
    enabled: bool = True
    phrases: tuple[str, ...] = ()
    action: ActionName = "hold"


class SpamPhrasesPolicy(_Strict):
    enabled: bool = True
    threshold: float = Field(1.0, gt=0)
    action: ActionName = "hold"


class AuthorReputationPolicy(_Strict):
    enabled: bool = True
    hold_after_rejected: int = Field(2, ge=1)
    action: ActionName = "hold"


class BayesPolicy(_Strict):
    enabled: bool = True
    min_documents: int = Field(20, ge=1)
    threshold: float = Field(0.9, gt=0, lt=1)
    action: ActionName = "hold"
    discard_threshold: float = Field(1.0, gt=0, le=1)


class ProfanityPolicy(_Strict):
    enabled: bool = True
    action: ActionName = "hold"
    mild_action: ActionName = "publish"
    expletive_action: ActionName = "censor"
    extra_words: tuple[str, ...] = ()
    allowed_words: tuple[str, ...] = ()
    mild_words: tuple[str, ...] = (
        "damn", "damned", "dammit", "crap", "crappy", "wtf", "piss", "pissed", "pisses", "pissing", "goddamn",
        "goddammit", "goddamned", "goddam", "god-dam", "god-damned", "godamn", "godamnit", "bloody", "arse", "ass",
        "asses", "bastard", "bastards", "boob", "boobs", "boooobs", "tits", "titty", "titties",
    )  # fmt: skip
    expletives: tuple[str, ...] = (
        "fuck", "fucking", "fuckin", "fucked", "fucks", "shit", "shits", "shitty", "shitting", "bullshit",
    )  # fmt: skip


class ThresholdsPolicy(_Strict):
    """Probabilities of one attribute at or above which a comment is censored, held or rejected."""

    censor: float | None = Field(None, ge=0, le=1)
    hold: float | None = Field(None, ge=0, le=1)
    reject: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsPolicy:
        set_ = [value for value in (self.censor, self.hold, self.reject) if value is not None]
        if set_ != sorted(set_):
            raise ValueError("thresholds must rise from censor to hold to reject")
        return self


class AttributesPolicy(_Strict):
    enabled: bool = True
    toxicity: ThresholdsPolicy = ThresholdsPolicy(hold=0.99)
    severe_toxicity: ThresholdsPolicy = ThresholdsPolicy(hold=0.6)
    identity_attack: ThresholdsPolicy = ThresholdsPolicy(hold=0.7)
    insult: ThresholdsPolicy = ThresholdsPolicy(hold=0.85)
    profanity: ThresholdsPolicy = ThresholdsPolicy()
    threat: ThresholdsPolicy = ThresholdsPolicy(hold=0.7)
    sexually_explicit: ThresholdsPolicy = ThresholdsPolicy(hold=0.8)
    spam: ThresholdsPolicy = ThresholdsPolicy(hold=0.8)

    def thresholds(self, attribute: str) -> ThresholdsPolicy:
        value = getattr(self, attribute)
        assert isinstance(value, ThresholdsPolicy)
        return value


class RulePolicy(_Strict):
    enabled: bool = True
    action: ActionName = "hold"


class PersonalDataPolicy(_Strict):
    enabled: bool = True
    action: ActionName = "hold"


class ShoutingPolicy(_Strict):
    enabled: bool = True
    min_letters: int = Field(30, ge=1)
    ratio: float = Field(0.8, gt=0, le=1)
    action: ActionName = "publish"


class FiltersPolicy(_Strict):
    links: LinksPolicy = LinksPolicy()
    link_domains: LinkDomainsPolicy = LinkDomainsPolicy()
    honeypot: HoneypotPolicy = HoneypotPolicy()
    form_token: FormTokenPolicy = FormTokenPolicy()
    velocity: VelocityPolicy = VelocityPolicy()
    duplicate: DuplicatePolicy = DuplicatePolicy()
    blocklist: BlocklistPolicy = BlocklistPolicy()
    site_phrases: SitePhrasesPolicy = SitePhrasesPolicy()
    spam_phrases: SpamPhrasesPolicy = SpamPhrasesPolicy()
    author_reputation: AuthorReputationPolicy = AuthorReputationPolicy()
    bayes: BayesPolicy = BayesPolicy()
    profanity: ProfanityPolicy = ProfanityPolicy()
    attributes: AttributesPolicy = AttributesPolicy()
    threats: RulePolicy = RulePolicy()
    harassment: RulePolicy = RulePolicy()
    insults: RulePolicy = RulePolicy()
    personal_data: PersonalDataPolicy = PersonalDataPolicy()
    shouting: ShoutingPolicy = ShoutingPolicy()
