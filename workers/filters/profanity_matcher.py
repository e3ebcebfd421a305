"""Find listed words in a folded comment: whole words only, through leetspeak, separators and stretching.

Speed matters more here than anywhere else in the pipeline (better-profanity compares every
word of a comment with ~900 patterns in Python). This matcher does the bulk work in C: one
regex pass collects the comment's distinct tokens, one `str.translate` maps them to a
*skeleton* where every character that may stand for a letter (`4`, `@` for `a`; `1`, `l`, `!`
for `i`; `$` for `s`…) becomes that letter's class, and set look-ups keep the few tokens whose
skeleton is a listed word's. Only those few are checked letter by letter with the exact
character map, in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from workers.filters.lexicon import BETTER_PROFANITY_CHARS, EXTRA_CHARS
from workers.filters.normalize import NormalizedText

_SYMBOLS = "@$*!|+€§¢"
# Letters, digits, `_` and the symbols that stand for letters (`sh!t`, `@ss`, `f*ck`), as one
# character class: Python's regex engine is several times slower on an alternation.
_WORD_CHAR = rf"[\w{re.escape(_SYMBOLS)}]"
_TOKEN = re.compile(rf"{_WORD_CHAR}+")
# Single characters kept apart by spaces or punctuation: `f u c k`, `f.u.c.k`, `s - h - i - t`.
_SPACED = re.compile(rf"(?<!{_WORD_CHAR})(?:{_WORD_CHAR}[\s.\-_,~/\\:;]{{1,3}}){{2,}}{_WORD_CHAR}(?!{_WORD_CHAR})")
# Words cut by punctuation into short pieces: `fu.ck`, `sh-it`, `ass_hole`.
_CUT = re.compile(rf"(?<!{_WORD_CHAR}){_WORD_CHAR}{{1,5}}(?:[.\-'~]+{_WORD_CHAR}{{1,5}})+(?!{_WORD_CHAR})")
_SEPARATORS = re.compile(r"[^\w@$*!|+€§¢]|_")
_GAP = re.compile(r"[\s.\-_,~/\\:;]+")
# A letter written three times or more in a row: `fuuuck`, `shiiiit`.
_STRETCHED = re.compile(r"([\w@$*!|+])\1\1")
_RUNS = re.compile(r"(.)\1+")
_NO_LETTER = re.compile(rf"[\d{re.escape(_SYMBOLS)}]+")
_EDGE_SYMBOLS = "!*|+"
# A listed word run together with whom it is aimed at: `fuckyou`, `fuckoff`, `f.u.c.k.y.o.u`. Longest
# first; the word before it must have at least four letters, so `assu` or `cumu` do not count.
_AIMED_TAILS = ("yourself", "urself", "you", "off", "ya", "u")
_MIN_HEAD = 4


def _allowed_chars() -> dict[str, frozenset[str]]:
    allowed: dict[str, set[str]] = {}
    for table in (BETTER_PROFANITY_CHARS, EXTRA_CHARS):
        for letter, chars in table.items():
            allowed.setdefault(letter, {letter}).update(chars)
    return {letter: frozenset(chars) for letter, chars in allowed.items()}


ALLOWED = _allowed_chars()


def _skeleton_table() -> dict[int, str]:
    """Map every character to a representative of the class of letters it may stand for."""
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for letter, chars in ALLOWED.items():
        for char in chars:
            if char == "*":
                continue  # a wildcard for any vowel; tokens with one take the slow path
            first, second = sorted((find(letter), find(char)))
            parent[second] = first
    members = {char for chars in ALLOWED.values() for char in chars if char != "*"}
    return {ord(char): find(char) for char in members if find(char) != char}


_SKELETON = _skeleton_table()


def skeleton(text: str) -> str:
    """Return the class-of-letters form under which a token is looked up."""
    return text.translate(_SKELETON)


def collapse(text: str) -> str:
    """Reduce every run of a repeated character to one (`fuuuck` → `fuck`, `ass` → `as`)."""
    return _RUNS.sub(r"\1", text)


def spells(word: str, token: str) -> bool:
    """Tell whether `token` writes `word` letter for letter, each through the character map."""
    if len(word) != len(token):
        return False
    return all(char == letter or char in ALLOWED.get(letter, ()) for letter, char in zip(word, token, strict=True))


@dataclass(frozen=True)
class WordMatch:
    """A listed word found in the folded text."""

    word: str  # the listed word as it is written in the list
    stem: str  # what it means ("fuck" for "fucking")
    start: int  # range in the folded text
    end: int
    how: str  # "" when written plainly, else how it was disguised


class ProfanityMatcher:
    """Every listed word, indexed once, and the search of one comment for them."""

    def __init__(self, vocabulary: Mapping[str, str], preferred: Iterable[str] = ()) -> None:
        # vocabulary: listed word (as written, possibly with spaces or `.`) -> stem.
        self.vocabulary = dict(vocabulary)
        self.preferred = frozenset(preferred)
        self._by_skeleton: dict[str, list[str]] = {}
        self._by_collapsed: dict[str, list[str]] = {}
        self._by_length: dict[int, list[str]] = {}
        self._separated: dict[str, list[str]] = {}
        phrases: list[str] = []
        for word in self.vocabulary:
            if " " in word:
                phrases.append(word)
                continue
            key = _SEPARATORS.sub("", word)
            if key != word:
                # `s.o.b.` is listed to be found written that way, not as the word "sob".
                self._separated.setdefault(skeleton(key), []).append(word)
                continue
            self._by_skeleton.setdefault(skeleton(key), []).append(word)
            self._by_collapsed.setdefault(collapse(skeleton(key)), []).append(word)
            self._by_length.setdefault(len(key), []).append(word)
        for table in (self._by_skeleton, self._by_collapsed, self._by_length, self._separated):
            for words in table.values():
                words.sort(key=self._preference)
        self._phrase_first_words = frozenset(phrase.split()[0] for phrase in phrases)
        self._phrases = (
            re.compile(
                rf"(?<!{_WORD_CHAR})(?:"
                + "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))
                + rf")(?!{_WORD_CHAR})"
            )
            if phrases
            else None
        )

    def find(self, normalized: NormalizedText) -> list[WordMatch]:
        """Return every listed word in the comment, each occurrence once, in text order."""
        text = normalized.text
        found: dict[tuple[int, int], WordMatch] = {}
        tokens = set(_TOKEN.findall(text))
        tokens.update(
            [token.strip(_EDGE_SYMBOLS) for token in tokens if token[0] in _EDGE_SYMBOLS or token[-1] in _EDGE_SYMBOLS]
        )
        if "_" in text:
            tokens.update(
                [part for token in tokens if "_" in token for part in (token.replace("_", ""), *token.split("_"))]
            )
        tokens.discard("")
        hits = dict(self._words_in(tokens))
        if hits:
            # One more pass over the tokens places every occurrence; symbols at a token's edges
            # (`fuck!`, `*fuck*`) are not part of the word.
            for match in _TOKEN.finditer(text):
                token, start = match.group(), match.start()
                how = hits.get(token)
                if how is None:
                    stripped = token.strip(_EDGE_SYMBOLS)
                    how = hits.get(stripped)
                    if how is None:
                        for part in token.split("_") if "_" in token else ():
                            how = hits.get(part)
                            if how is not None:
                                start += token.index(part)
                                token = part
                                break
                        if how is None:
                            continue
                    else:
                        start += token.index(stripped)
                        token = stripped
                key = (start, start + len(token))
                found.setdefault(key, WordMatch(how[0], how[1], key[0], key[1], how[2]))
        if self._phrases is not None and not self._phrase_first_words.isdisjoint(tokens):
            for match in self._phrases.finditer(text):
                listed = " ".join(match.group().split())
                found.setdefault(
                    (match.start(), match.end()),
                    WordMatch(listed, self.vocabulary[listed], match.start(), match.end(), ""),
                )
        known: dict[str, list[tuple[str, tuple[str, str, str]]]] = {}
        for pattern in (_SPACED, _CUT):
            for match in pattern.finditer(text):
                for key in _spaced_words(match) if pattern is _SPACED else ((match.start(), match.end()),):
                    joined = _SEPARATORS.sub("", text[key[0] : key[1]])
                    if joined not in known:
                        known[joined] = self._words_in({joined}, separated=True)
                    for _token, how in known[joined]:
                        found.setdefault(key, WordMatch(how[0], how[1], key[0], key[1], _join_how("separated", how[2])))
        return _outermost(found)

    def _words_in(self, tokens: Iterable[str], separated: bool = False) -> list[tuple[str, tuple[str, str, str]]]:
        """Return (token, (listed word, stem, how)) for each token that writes a listed word."""
        hits: list[tuple[str, tuple[str, str, str]]] = []
        tokens = list(tokens)
        joined = "\x00".join(tokens)
        joined_skeletons = joined.translate(_SKELETON)
        skeletons = joined_skeletons.split("\x00")
        index = self._by_skeleton
        matched: set[str] = set()
        common = index.keys() & set(skeletons)
        if separated:
            common |= self._separated.keys() & set(skeletons)
        if common:
            for token, key in zip(tokens, skeletons, strict=True):
                if key not in common:
                    continue
                candidates = [*index.get(key, ()), *(self._separated.get(key, ()) if separated else ())]
                word = next((w for w in candidates if spells(_SEPARATORS.sub("", w), token)), None)
                if word is not None and _NO_LETTER.fullmatch(token) is None:
                    hits.append((token, (word, self.vocabulary[word], "" if token == word else "leetspeak")))
                    matched.add(token)
        for token in tokens:
            if token not in matched and len(token) > _MIN_HEAD and token.endswith(_AIMED_TAILS):
                hit = self._run_together(token)
                if hit is not None:
                    hits.append((token, hit))
                    matched.add(token)
        if "*" in joined:
            for token in tokens:
                if token not in matched and "*" in token.strip("*") and (word := self._wildcard(token)) is not None:
                    hits.append((token, (word, self.vocabulary[word], "leetspeak")))
                    matched.add(token)
        for token in _tokens_at(joined, (run.start() for run in _STRETCHED.finditer(joined))):
            if token not in matched and not _NO_LETTER.fullmatch(token):
                key = skeleton(token)
                short = collapse(token)
                word = next((w for w in self._by_collapsed.get(collapse(key), ()) if spells(collapse(w), short)), None)
                if word is not None:
                    hits.append((token, (word, self.vocabulary[word], "stretched letters")))
        return hits

    def _run_together(self, token: str) -> tuple[str, str, str] | None:
        """(listed word, stem, how) when the token is a listed word followed by one of `_AIMED_TAILS`."""
        for tail in _AIMED_TAILS:
            head = token[: -len(tail)]
            if token.endswith(tail) and len(head) >= _MIN_HEAD:
                word = next((w for w in self._by_skeleton.get(skeleton(head), ()) if spells(w, head)), None)
                if word is not None:
                    return word, self.vocabulary[word], f"run together with '{tail}'"
        return None

    def _preference(self, word: str) -> tuple[bool, bool, bool, str]:
        """Order look-alike candidates: the plain stem `fuck` before `fack`, `sh!t` or `f-u-c-k`."""
        return (word not in self.preferred, word != self.vocabulary[word], not word.isalpha(), word)

    def _wildcard(self, token: str) -> str | None:
        for word in self._by_length.get(len(token), ()):
            if spells(word, token):
                return word
        return None


def _tokens_at(joined: str, positions: Iterable[int]) -> set[str]:
    """Return the NUL-separated tokens of `joined` that contain the given positions."""
    found = set()
    end = -1
    for position in positions:
        if position < end:
            continue  # another run inside the token already taken (`aaaaaaaa…`)
        start = joined.rfind("\x00", 0, position) + 1
        end = joined.find("\x00", position)
        end = end if end >= 0 else len(joined)
        found.add(joined[start:end])
    return found


def _join_how(first: str, second: str) -> str:
    return ", ".join(part for part in (first, second) if part)


def _outermost(found: Mapping[tuple[int, int], WordMatch]) -> list[WordMatch]:
    """Drop matches inside a longer one (`fuck` inside the phrase `mother fucker`)."""
    ordered = sorted(found.values(), key=lambda m: (m.start, -m.end))
    kept: list[WordMatch] = []
    for match in ordered:
        if kept and match.end <= kept[-1].end:
            continue
        kept.append(match)
    return kept


def _spaced_words(match: re.Match[str]) -> Iterator[tuple[int, int]]:
    """A run of spaced letters as a whole, and, when its gaps differ in width, each stretch between
    the widest ones: `f u c k   y o u` is two words, and neither reads as one when joined. A leading
    `a` or `i` spaced like the rest may be a word of its own: `such a r e t a r d`."""
    yield match.start(), match.end()
    gaps = list(_GAP.finditer(match.group()))
    if len(gaps) > 1 and match.group()[: gaps[0].start()] in ("a", "i"):
        yield match.start() + gaps[0].end(), match.end()
    widest = max(len(gap.group()) for gap in gaps)
    if widest == min(len(gap.group()) for gap in gaps):
        return
    start = match.start()
    for gap in gaps:
        if len(gap.group()) == widest:
            if match.start() + gap.start() - start > 1:
                yield start, match.start() + gap.start()
            start = match.start() + gap.end()
    if match.end() - start > 1:
        yield start, match.end()
