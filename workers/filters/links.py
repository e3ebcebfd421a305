"""Find the links in a comment: bare URLs, `www.` and bare domains, HTML anchors and BBCode."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Top-level domains spam uses most, for links written without a scheme ("murdev.com").
# With a scheme or `www.` any domain counts.
_BARE_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gl|gd|to|tv|us|uk|ru|cn|de|fr|in|xyz|top|online|site|club|shop|store|"
    "app|link|live|click|win|loan|vip|pw|tk|ml|ga|cf|gq|su|ws|cc|mobi|pro|name"
)
_LINK = re.compile(
    r"""<a\s[^>]*?href\s*=\s*["']?(?P<anchor>[^"'\s>]+)[^>]*>.*?(?:</a>|$)"""
    r"""|\[url(?:=(?P<bbcode_target>[^\]]+))?\](?P<bbcode_text>.*?)(?:\[/url\]|$)"""
    r"""|(?P<url>(?:https?://|ftp://|www\.)[^\s<>"'\[\]]+)"""
    rf"""|(?<![\w@.-])(?P<bare>(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_BARE_TLDS})(?::\d+)?(?:/[^\s<>"'\[\]]*)?)(?![\w@-])""",
    re.IGNORECASE | re.DOTALL,
)
# Something every link has; most comments have none, and this scan is much cheaper than _LINK's.
_HINT = re.compile(rf"://|www\.|\[url|<a\s|\.(?:{_BARE_TLDS})\b", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?/*(?:[^@/\s]*@)?([^/:?#\s]+)", re.IGNORECASE)
# Second-level labels under which registrations happen ("example.co.uk").
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or"})


@dataclass(frozen=True)
class Link:
    """One link: the text as written, the host it leads to, and where it is."""

    text: str
    host: str
    start: int
    end: int

    @property
    def domain(self) -> str:
        """The registrable domain: `www.shop.example.co.uk` → `example.co.uk`."""
        return registrable_domain(self.host)


def registrable_domain(host: str) -> str:
    """Return the last two labels of a host, or three under a second-level label like `co.uk`."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def host_of(target: str) -> str:
    """Return the host part of a URL-like string, lowercased, or "" when there is none."""
    found = _HOST.match(target.strip())
    host = found.group(1).lower().rstrip(".") if found else ""
    return host if "." in host else ""


@functools.lru_cache(maxsize=64)
def find_links(body: str) -> tuple[Link, ...]:
    """Return every link in the body, each counted once (an anchor is one link, not two)."""
    if _HINT.search(body) is None:
        return ()
    links = []
    for found in _LINK.finditer(body):
        target = (
            found.group("anchor")
            or found.group("bbcode_target")
            or found.group("bbcode_text")
            or found.group("url")
            or found.group("bare")
            or ""
        )
        if not target.lower().startswith(("http", "ftp")) and "://" not in target:
            target = "http://" + target.lstrip("/")
        links.append(Link(found.group().strip(), host_of(target), found.start(), found.end()))
    return tuple(link for link in links if link.host)
