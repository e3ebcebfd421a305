"""What a draft check tells the reader who wrote it: the outcome and the reasons, in a reader's words.

Filter reasons are written for moderators ("3 links (site allows 1)", the matched words); a reader
gets a sentence about their text instead. Signals that describe how spam is caught (honeypot,
blocklists, the learned filter, velocity) all read the same, so a spammer learns nothing from them.
"""

from __future__ import annotations

SPAM_WORDS = "This looks like spam to the site's filters."

READER_WORDS: dict[str, str] = {
    "insults": "This reads as an insult aimed at another reader.",
    "harassment": "This reads as harassing someone in the conversation.",
    "threats": "This reads as a threat against someone.",
    "abuse-model": "This reads as hostile or abusive.",
    "profanity": "This uses words the site does not allow.",
    "personal-data": "This includes personal details, such as a phone number or an email address.",
    "shouting": "This is written mostly in capitals, which reads as shouting.",
    "links": "This has more links than the site allows.",
    "link-domains": "This links to an address the site does not allow.",
    "spam-phrases": "This reads like an advertisement.",
    "site-phrases": "This uses wording the site does not allow.",
    "premoderation": "A moderator reads every comment on this site before it appears.",
}

OUTCOME_WORDS: dict[str, str] = {
    "publish": "Your comment would be published.",
    "censor": "Your comment would be published with some words masked.",
    "hold": "Your comment would wait for a moderator before it appears.",
    "reject": "Your comment would not be published.",
}

# Reasons that are no warning about the text: the site holds everything, whatever it says.
NOT_A_WARNING = frozenset({"premoderation"})


def reader_words(filter_id: str) -> str:
    """Return the sentence a reader reads for a verdict of this filter."""
    return READER_WORDS.get(filter_id, SPAM_WORDS)


def public_action(action: str) -> str:
    """The outcome a reader is told: a discarded comment reads as rejected."""
    return "reject" if action == "discard" else action
