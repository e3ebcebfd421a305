"""Abuse that word lists miss: insults aimed at someone, harassment and threats.

The rules look for who is targeted and who acts, not for violent words: "I will shoot you"
and "someone should shoot the author" are threats; "protesters were shot", "the general was
assassinated" and "Death to America" (quoted) are reporting and publish. All patterns run on
the folded text (see `normalize`), so `Y0U` or full-width letters change nothing; leetspeak inside
the insult words is left to the profanity list and the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YOU = r"(?:you|u|ya|yu|thou|ye)"
_YOU_ARE = rf"(?:{_YOU}\s*(?:are|r|'re|re|\u2019re|is|were)|ur|you'?re|youre|yo?u\s+r)"
_A = (
    r"(?:(?:a|an|such\s+an?|so|the|one|total|complete|real|absolute|utter|fucking|fuckin|big|little|stupid|"
    r"pathetic|dumb|sad|worthless|ignorant|lazy|useless|ugly|fat|disgusting|filthy|dirty|lying|sick|braindead|"
    r"brain-dead|brainless|spineless|gutless|clueless|inbred|miserable|delusional|deranged|arrogant|smug)\s+){0,3}"
)

# Nouns that insult a person whoever says them; plural forms included.
_INSULT_NOUNS = (
    r"idiots?|morons?|imbeciles?|cretins?|retards?|dumbass(?:es)?|dimwits?|halfwits?|nitwits?|numbskulls?|"
    r"losers?|scumbags?|scum|lowlifes?|degenerates?|dipshits?|jackass(?:es)?|douche(?:bag)?s?|twits?|"
    r"clowns?|buffoons?|fools?|pigs?|parasites?|vermin|trash|garbage|filth|freaks?|creeps?|perverts?|"
    r"cowards?|crybab(?:y|ies)|psychopaths?|sociopaths?|bigots?|hypocrites?|liars?|trolls?|nazis?|"
    r"dorks?|nerds?|wankers?|tossers?|bastards?|pieces?\s+of\s+(?:shit|crap|garbage|trash|work)"
)
# Adjectives that insult only when aimed at someone ("you are pathetic", not "a pathetic policy").
_INSULT_ADJECTIVES = (
    r"stupid|dumb|pathetic|idiotic|moronic|retarded|worthless|useless|ignorant|ugly|fat|disgusting|"
    r"brainless|clueless|incompetent|ridiculous|insane|mental|sick|deranged|delusional|a\s+joke|"
    r"an?\s+embarrassment|a\s+disgrace|scum|trash|garbage|filth|evil|vile|a\s+waste\s+of\s+\w+"
)
# People nouns an undirected insult may target ("politicians are idiots", "the idiots at ...").
_INSULT_STANDALONE = (
    r"idiots?|morons?|imbeciles?|cretins?|retards?|dumbass(?:es)?|dimwits?|halfwits?|nitwits?|scumbags?|dipshits?"
)
# Names that insult whoever they address: "thanks, idiot.", "Loser!" and "Scumbag, read it again."
# Not liar, coward or hypocrite: said of a politician ("He lied about the budget. Liar.") they are a
# judgement readers are entitled to. Not pigs: "farmers raise cows, pigs."
_VOCATIVE_TRIGGERS = """
idiot idiots moron morons imbecile imbeciles cretin cretins retard retards dumbass dumbasses dimwit dimwits halfwit
halfwits nitwit nitwits loser losers scumbag scumbags lowlife lowlifes dipshit dipshits jackass jackasses douche
douches douchebag douchebags clown clowns buffoon buffoons creep creeps pervert perverts troll trolls
"""
# The pattern is the trigger words themselves, longest first so "idiots" is tried before "idiot".
_VOCATIVES = "|".join(sorted(_VOCATIVE_TRIGGERS.split(), key=lambda word: (-len(word), word)))
# What may stand before an insult that addresses someone: "you", adjectives, no article ("the coward"
# names a third person).
_YOU_ADJECTIVES = (
    r"(?:you\s+)?(?:(?:stupid|dumb|fucking|fuckin|pathetic|ugly|fat|little|big|sad|worthless|lying|filthy|dirty|"
    r"absolute|utter|total|complete)\s+){0,3}"
)
# Groups of people, and what dehumanises them: "immigrants are vermin" holds, "immigrants are
# workers" and "rats are vermin" do not.
_GROUPS = (
    r"muslims|jews|christians|hindus|blacks|whites|immigrants|migrants|refugees|foreigners|mexicans|arabs|"
    r"africans|asians|chinese|indians|latinos|hispanics|gypsies|roma|gays|lesbians|trans\s+people|women|men|"
    r"liberals|conservatives|democrats|republicans|leftists|rightists|socialists|feminists"
)
_DEHUMANISING = (
    r"animals|vermin|parasites|rats|cockroaches|roaches|insects|savages|subhuman|sub-human|scum|filth|pigs|dogs|"
    r"apes|monkeys|a\s+disease|a\s+cancer|a\s+plague|an\s+infestation|not\s+(?:even\s+)?human"
)
# Whom a call to kill may name besides those groups ("hang the traitors"); calling them names is
# ordinary political invective and is left to the other rules.
_KILLABLE = rf"(?:{_GROUPS}|traitors|politicians|journalists|reporters|cops|judges)"


def _first_words(alternatives: str) -> str:
    """The first word of each alternative ("trans" of "trans\\s+people"): what triggers a rule on them."""
    return " ".join(alternative.split("\\s+")[0] for alternative in alternatives.split("|"))


_GROUP_TRIGGERS = _first_words(_GROUPS)


@dataclass(frozen=True)
class Rule:
    """One pattern with the filter it belongs to and the wording a moderator reads."""

    filter_id: str
    label: str
    pattern: re.Pattern[str]
    score: float
    # The pattern runs only on comments containing one of these words: most comments contain
    # none, and a word-set test costs far less than a regex scan.
    triggers: frozenset[str]


def _rule(filter_id: str, label: str, pattern: str, score: float, triggers: str) -> Rule:
    return Rule(filter_id, label, re.compile(pattern, re.IGNORECASE), score, _words(triggers))


def _words(triggers: str) -> frozenset[str]:
    return frozenset(triggers.split())


_INSULT_TRIGGERS = """
idiot idiots moron morons imbecile imbeciles cretin cretins retard retards dumbass dumbasses dimwit dimwits
halfwit halfwits nitwit nitwits numbskull numbskulls loser losers scumbag scumbags scum lowlife lowlifes
degenerate degenerates dipshit dipshits jackass jackasses douche douches douchebag douchebags twit twits
clown clowns buffoon buffoons fool fools pig pigs parasite parasites vermin trash garbage filth freak freaks
creep creeps pervert perverts coward cowards crybaby crybabies psychopath psychopaths sociopath sociopaths
bigot bigots hypocrite hypocrites liar liars troll trolls nazi nazis dork dorks nerd nerds wanker wankers
tosser tossers bastard bastards piece pieces stupid dumb pathetic idiotic moronic retarded worthless
useless ignorant ugly fat disgusting brainless clueless incompetent ridiculous insane mental sick deranged
delusional joke embarrassment disgrace evil vile waste blind
"""
_VIOLENCE_TRIGGERS = """
kill kills killed killing murder murders murdered shoot shoots shot shooting stab stabs stabbed hang hangs
hanged lynch lynched behead beheaded strangle strangled choke choked rape raped hurt hurts beat beats bash
burn burns gut gutted slaughter execute executed assassinate assassinated bomb bombed torture tortured cut
end destroy destroyed slit butcher punch smash break
"""
# Verbs of violence whatever they are done to ("kill his family", "shoot the judge").
_VIOLENCE = (
    r"(?:kill|murder|shoot|stab|hang|lynch|behead|strangle|choke|rape|slaughter|execute|assassinate|bomb|"
    r"torture|gut|slit|butcher)"
)
# Verbs that are violent only when done to a person or a body, not in a contest ("I will destroy you",
# "I'll break your legs"; not "destroy your argument", "beat him in November", "end his career").
_HARMS = r"(?:hurt|bash|burn|cut|end|destroy|punch|smash|break)"
_PUBLIC_FIGURE = (
    r"the\s+(?:president|vice\s+president|prime\s+minister|pm|senator|congressman|congresswoman|mayor|governor|"
    r"judge|justice|minister|chancellor|king|queen|pope|sheriff|candidate)(?!'s|\u2019s)"
)
_PERSON = (
    r"(?:you|u|ya|him|her|them|this\s+(?:guy|woman|man|idiot|author|writer|person)|"
    rf"the\s+(?:author|writer|journalist|reporter|editor|op|poster|mod|moderator)s?|{_PUBLIC_FIGURE})"
)
_TARGET = rf"(?:{_PERSON}|your\s+\w+|his\s+\w+|her\s+\w+)"
_BODY = (
    r"(?:your|ur|his|her|their)\s+(?:\w+\s+)?(?:neck|legs?|arms?|face|jaw|skull|throat|head|nose|teeth|bones?|"
    r"fingers?|kneecaps?|kids?|children|family|wife|husband|house|car)"
)
_HARM = (
    rf"(?:{_VIOLENCE}(?:s|ed|ing)?\s+{_TARGET}|{_HARMS}(?:s|ed|ing)?\s+(?:{_PERSON}(?!\s+(?:in|at|on|with|by|over|for)\b)|{_BODY})|"
    rf"beat(?:s|ing)?\s+{_PERSON}\s+(?:up|to\s+death|senseless|bloody)|"
    rf"beat(?:s|ing)?\s+the\s+(?:living\s+)?(?:hell|shit|crap|fuck|snot|daylights)\s+out\s+of\s+{_PERSON})"
)
_CALLED_NAMES = "people called names"
# Who takes part in the conversation: the reader addressed, and the article's author. Calls for
# their death or mutilation hold; the same words about a convicted criminal ("the shooter should be
# executed") are an opinion on punishment and publish.
_PARTICIPANT = (
    r"(?:you|u|ya|you\s+people|you\s+guys|y'?all|people\s+like\s+(?:you|u)|"
    r"(?:the|this)\s+(?:author|writer|journalist|reporter|editor|poster|op|moderator|mod))"
)
_DONE_TO_A_PERSON = (
    r"killed|shot|hanged|hung|raped|executed|beaten|lynched|stabbed|gassed|burned|exterminated|castrated|"
    r"beheaded|tortured|put\s+down"
)
# Who speaks a threat: I, we, and their contractions ("I'll", "we'd", "imma").
_SPEAKER = r"(?:i|we|i'?m|we'?re|i\s+am|we\s+are|imma|ima|i'?ma|i'?ll|we'?ll|i'?d|we'?d)"
_INTENT = (
    r"(?:will|'ll|ll|shall|gonna|going\s+to|am\s+going\s+to|are\s+going\s+to|want\s+to|wanna|would\s+love\s+to|"
    r"'d\s+love\s+to|love\s+to|would|should|could|can|might)"
)
# Killing a whole group, urged or wished: "kill all the X", "X should be exterminated". An electoral
# "wiped out in the midterms" is not.
_KILL_GROUP = r"kill|murder|shoot|gas|exterminate|slaughter|lynch|hang|behead|execute|nuke|wipe\s+out|eradicate|burn"
_KILLED = (
    r"die|killed|exterminated|wiped\s+out|gassed|shot|hanged|hung|lynched|eradicated|burned|slaughtered|nuked|"
    r"executed"
)
# Places a speaker may threaten ("I'm going to bomb the school"); reporting ("the bomb threat at
# the school") has no first-person speaker and publishes.
_PLACE = (
    r"(?:the|this|that|your|ur|our|their|his|her|a)\s+(?:\w+\s+)?(?:school|college|university|campus|office|offices|"
    r"building|church|mosque|synagogue|temple|embassy|station|mall|rally|parade|stadium|newsroom|clinic|hospital|"
    r"house|home|headquarters|hq|event|concert|meeting|protest|march)"
)

RULES: tuple[Rule, ...] = (
    # Threats: a speaker (I, we, someone) who will or should do violence to a person.
    _rule(
        "threats",
        "threat of violence",
        rf"\b{_SPEAKER}\s+(?:{_INTENT}\s+)?(?:\w+\s+)?(?:come\s+and\s+|find\s+(?:you\s+|u\s+)?and\s+)?{_HARM}\b",
        0.95,
        _VIOLENCE_TRIGGERS,
    ),
    _rule(
        "threats",
        "threat against a place",
        rf"\b(?:{_SPEAKER}\s+(?:{_INTENT}\s+)?|(?:someone|somebody)\s+(?:should|needs?\s+to|ought\s+to)\s+)"
        rf"(?:bomb|blow\s+up|shoot\s+up|burn\s+down|set\s+fire\s+to|torch|attack)\s+{_PLACE}\b",
        0.95,
        "bomb blow shoot burn set torch attack",
    ),
    _rule(
        "threats",
        "incitement against a person",
        rf"\b(?:someone|somebody|anyone|anybody|people|we|they|you\s+guys|y'?all)\s+(?:should|needs?\s+to|ought\s+to|must|has\s+to|have\s+to|gotta|got\s+to)\s+(?:just\s+|really\s+|go\s+)?{_HARM}\b",
        0.95,
        _VIOLENCE_TRIGGERS,
    ),
    _rule(
        "threats",
        "incitement to kill a group",
        rf"(?:^|[.!?\n]\s*|\b(?:let'?s|lets|we\s+(?:should|must|need\s+to|have\s+to|gotta|will)|we'?ll|"
        rf"(?:someone|somebody)\s+(?:should|needs\s+to)|time\s+to|i\s+(?:want|wanna)\s+(?:to\s+)?|just)\s+)"
        rf"(?:{_KILL_GROUP})\s+(?:all\s+(?:of\s+)?(?:the\s+|these\s+|those\s+)?|the\s+|every\s+|these\s+|those\s+)?{_KILLABLE}\b",
        0.95,
        # The verb, not the group: "men" and "women" are in most long comments, verbs of killing are not.
        _first_words(_KILL_GROUP),
    ),
    _rule(
        "threats",
        "incitement to kill a group",
        rf"\b(?:all\s+)?{_KILLABLE}\s+(?:should|must|need\s+to|needs\s+to|deserve\s+to|ought\s+to)\s+(?:all\s+)?(?:be\s+)?"
        rf"(?:{_KILLED})\b(?!\s+(?:in|at|on|by|from)\b)",
        0.95,
        _first_words(_KILLED),
    ),
    _rule(
        "threats",
        "death called for",
        # Not after a verb that reports it: "protesters chanted death to the president" is news.
        rf"(?<!chanted\s)(?<!chanting\s)(?<!chant\s)(?<!chants\s)(?<!shouted\s)(?<!shouting\s)(?<!yelled\s)"
        rf"(?<!screamed\s)(?<!wrote\s)\bdeath\s+to\s+(?:all\s+)?(?:the\s+)?(?:{_KILLABLE}|{_PERSON})\b",
        0.9,
        "death",
    ),
    _rule(
        "threats",
        "threat to find the person",
        r"\b(?:i|we)\s+know\s+where\s+(?:you|u|she|he|they|your\s+\w+)\s+(?:live|lives|work|works|sleep|sleeps|go(?:es)?\s+to\s+school)\b|"
        r"\bwatch\s+your\s+back\b|\b(?:you'?re|you\s+are|ur)\s+(?:a\s+)?dead\s+(?:man|woman|meat)\b|"
        r"\b(?:i|we)\s*(?:will|'ll|ll|am\s+going\s+to|are\s+going\s+to|gonna)\s+(?:find|hunt|track)\s+(?:you|u|your\s+\w+)\s*(?:down|and)\b|"
        r"\b(?:you|u)\s*(?:will|'ll|ll|are\s+going\s+to|r\s+gonna|gonna)\s+(?:die|pay|regret|bleed)\b",
        0.9,
        "know watch dead find hunt track die pay regret bleed",
    ),
    _rule(
        "threats",
        "threat of violence",
        r"\b(?:you'?re|you\s+are|ur)\s+dead\s*(?:[.!]|$)|"
        r"\b(?:someone|somebody|anyone|we|i|i'?ll|i\s+will|i'?m\s+gonna)\s+(?:should\s+|needs?\s+to\s+|ought\s+to\s+|gonna\s+|will\s+|want\s+to\s+)?put\s+a\s+bullet\b|"
        r"\b(?:he|she|they|you|u|him|her|them)\s+(?:deserves?|needs?)\s+a\s+bullet\b",
        0.9,
        "dead bullet",
    ),
    _rule(
        "threats",
        "wish of death or harm",
        r"\b(?:i\s+)?(?:hope|wish|pray)\s+(?:that\s+)?(?:you|u|he|she|they|(?:your|ur)\s+\w+)\s+(?:\w+\s+)?(?:die|dies|dead|get\s+(?:killed|shot|raped|cancer|hit)|gets\s+(?:killed|shot|raped|cancer)|burn|rots?|suffers?|contract\s+\w+)\b|"
        r"\b(?:you|u|he|she|they)\s+(?:deserves?|ought)\s+to\s+(?:die|be\s+(?:killed|shot|hanged|hung|raped|executed|beaten))\b|"
        rf"\b{_PARTICIPANT}\s+(?:(?:is|are|'re|r)\s+[^.!?]{{1,50}}?\s+and\s+)?"
        rf"(?:all\s+)?(?:should|needs?\s+to|ought\s+to|deserves?\s+to)\s+(?:all\s+)?(?:die|be\s+(?:{_DONE_TO_A_PERSON}))\b|"
        r"\bi\s+suggest\s+you\s+(?:die|contract|get\s+cancer)\b|"
        rf"\b(?:hope|wish|pray)\s+(?:that\s+)?(?:someone|somebody|someday\s+someone)\s+(?:\w+\s+)?{_HARM}\b",
        0.9,
        "hope wish pray deserve deserves ought suggest should need needs",
    ),
    # Harassment: telling someone to harm themselves, or to go away with contempt.
    _rule(
        "harassment",
        "telling someone to harm themselves",
        r"\b(?:kys|kill\s+(?:your|ur|yo|ya|urr)\s*self|hang\s+(?:your|ur)\s*self|"
        r"(?:go|just)\s+(?:and\s+)?(?:die|kill\s+(?:your|ur)self|jump\s+off\s+a\s+\w+|drink\s+bleach)|"
        r"drop\s+dead|die\s+in\s+a\s+(?:fire|hole|ditch|gutter)|(?:your|ur)\s+(?:mom|mother|mama|parents)\s+should\s+have\s+(?:aborted|swallowed)\s+(?:you|u)|(?:you|u)\s+should\s+have\s+been\s+aborted|(?:^|(?<=[.!?]\s))(?:(?:go\s+)?get\s+(?:raped|shot|stabbed)|die\s+(?:soon|already|slowly))|(?:go\s+)?(?:get|catch)\s+(?:cancer|aids|ebola|covid)\s+and\s+die|neck\s+(?:your|ur)self|slit\s+(?:your|ur)\s+wrists?|end\s+(?:your|ur)\s+(?:own\s+)?life|"
        r"(?:the\s+)?world\s+(?:would\s+be|is)\s+better\s+(?:off\s+)?without\s+you|nobody\s+(?:would\s+)?(?:miss|misses|likes?|loves?|cares?\s+about)\s+you)\b",
        0.95,
        "kys kill hang die jump drink drop neck slit end world nobody raped shot stabbed aborted swallowed",
    ),
    _rule(
        "harassment",
        "contempt aimed at someone",
        r"\b(?:shut\s+(?:the\s+(?:fuck|hell|f)\s+)?up|shut\s+(?:your|ur)\s+(?:\w+\s+)?(?:mouth|face|trap|piehole|pie\s+hole)|stfu|gtfo|get\s+a\s+life|go\s+to\s+hell|piss\s+off|fuck\s+off|screw\s+you|"
        r"(?:you|u)\s+(?:suck|sucks|disgust\s+me|make\s+me\s+sick)|go\s+back\s+to\s+(?:your|ur)\s+(?:own\s+)?(?:country|homeland|cave|jungle|shithole)|suck\s+it|(?:your|ur|yo)\s+(?:mom|mother|mama|momma)\s+(?:sucks|gave\s+me|is\s+(?:a\s+)?(?:whore|slut|hoe|bitch|fat|ugly))|"
        r"(?:you|u)(?:'re|\s+are|\s+r)?\s+not\s+worth\s+(?:it|my\s+time)|(?:what\s+the\s+(?:hell|fuck|f)|wtf)\s+is\s+(?:wrong|the\s+matter)\s+with\s+(?:you|u)|(?:piss|spit|dance)\s+on\s+(?:your|ur)\s+grave|"
        r"who\s+the\s+(?:hell|fuck|f)\s+(?:are|do)\s+(?:you|u))\b",
        0.75,
        "shut stfu gtfo life hell piss fuck screw suck sucks disgust sick mom mother mama momma worth wrong what wtf "
        "who back spit dance",
    ),
    # Insults: a person called names, or judged with contempt.
    _rule(
        "insults",
        "insult aimed at someone",
        rf"\b(?:{_YOU_ARE}\s+{_A}(?:{_INSULT_NOUNS}|{_INSULT_ADJECTIVES})|(?:you|u|ya)\s+{_A}(?:{_INSULT_NOUNS})|"
        rf"(?:are|r)\s+(?:you|u)\s+{_A}(?:{_INSULT_NOUNS}|stupid|dumb|retarded|insane|blind)|"
        rf"(?:{_INSULT_NOUNS})\s+like\s+(?:you|u)|(?:your|ur)\s+(?:stupid|dumb|idiotic|pathetic|ugly|fat|worthless)\s+\w+)\b",
        0.85,
        _INSULT_TRIGGERS,
    ),
    _rule(
        "insults",
        "genocide praised or denied",
        r"\bhitler\s+(?:was\s+right|did\s+nothing\s+wrong)|\bshould\s+have\s+finished\s+the\s+job\b|"
        r"\bholocaust\s+(?:never\s+happened|didn'?t\s+happen|(?:is|was)\s+(?:a\s+)?(?:lie|hoax|myth|fake))\b|"
        rf"\bgas\s+(?:them\s+all|all\s+of\s+them|(?:all\s+)?the\s+(?:{_GROUPS}))\b",
        0.9,
        "hitler finished holocaust gas",
    ),
    _rule(
        "insults",
        "a person addressed by an insult",
        rf"(?:^|(?<=[,.!?])|(?<=[,.!?]\s)){_YOU_ADJECTIVES}(?:{_VOCATIVES})\s*(?:[.!?]|$)|^\s*{_YOU_ADJECTIVES}(?:{_VOCATIVES})\s*,",
        0.8,
        _VOCATIVE_TRIGGERS,
    ),
    _rule(
        "insults",
        "a group dehumanised",
        rf"\b(?:{_GROUPS})\s+(?:are|r)\s+(?:all\s+|just\s+|nothing\s+but\s+|like\s+|no\s+better\s+than\s+)?(?:{_DEHUMANISING})\b",
        0.85,
        _GROUP_TRIGGERS,
    ),
    _rule(
        "insults",
        _CALLED_NAMES,
        rf"\b(?:you|u|ya|these|those|bunch\s+of|such|what|stupid|fucking|complete|total|utter|an?)\s+(?:an?\s+)?{_A}(?:[a-z]+-[a-z]+\s+)?(?:{_INSULT_STANDALONE})\b",
        0.7,
        _INSULT_TRIGGERS,
    ),
)


@dataclass(frozen=True)
class RuleMatch:
    """One rule that matched, with where in the folded text."""

    rule: Rule
    start: int
    end: int


_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_WORD = re.compile(r"[^\W_]+")
# Longer texts are searched sentence by sentence, and only the sentences holding a trigger.
_WHOLE_TEXT_BELOW = 400


def find_rules(text: str, words: frozenset[str], filter_id: str) -> list[RuleMatch]:
    """Return every match of the given filter's rules in the folded text, whose words are given.

    Words quoted in reported speech are left out: see `_outside_reported_quotes`.
    """
    rules = [rule for rule in RULES if rule.filter_id == filter_id and not rule.triggers.isdisjoint(words)]
    if not rules:
        return []
    return _outside_reported_name_calling(text, _outside_reported_quotes(text, _matches(text, rules)))


def _matches(text: str, rules: list[Rule]) -> list[RuleMatch]:
    if len(text) < _WHOLE_TEXT_BELOW:
        return [RuleMatch(rule, found.start(), found.end()) for rule in rules for found in rule.pattern.finditer(text)]
    matches = []
    for sentence in _SENTENCE.finditer(text):
        sentence_words = set(_WORD.findall(sentence.group()))
        for rule in rules:
            if not rule.triggers.isdisjoint(sentence_words):
                matches += [
                    RuleMatch(rule, found.start(), found.end())
                    for found in rule.pattern.finditer(text, sentence.start(), sentence.end())
                ]
    return matches


# Quotation marks after folding: straight, curly and guillemets.
_QUOTED = re.compile(r'"[^"\n]{1,300}"|\u201c[^\u201d\n]{1,300}\u201d|\u00ab[^\u00bb\n]{1,300}\u00bb')
# Words that frame a quotation as something reported or discussed.
_REPORTING = _words(
    """
    said says say saying chanted chant chants chanting shouted shouting yelled screamed wrote writes written
    tweeted posted quote quoted quoting called calling according reported reports claimed claims told tells
    slogan slogans sign signs banner read reads heard words phrase accused threatened
    """
)


def _outside_reported_quotes(text: str, matches: list[RuleMatch]) -> list[RuleMatch]:
    """Drop matches that lie inside quotation marks when the words around the quotes report speech.

    `He said "I'll kill you" to the officer` and `the crowd chanted "death to ..."` report what
    someone else said, which readers of a political site quote to argue about it; a bare
    `"I'll kill you"` has no such frame and still holds.
    """
    if not matches or ('"' not in text and "\u201c" not in text and "\u00ab" not in text):
        return matches
    quotes = [(found.start(), found.end()) for found in _QUOTED.finditer(text)]
    if not quotes:
        return matches
    outside = _QUOTED.sub(" ", text)
    if _REPORTING.isdisjoint(_WORD.findall(outside)):
        return matches
    return [match for match in matches if not any(start <= match.start and match.end <= end for start, end in quotes)]


# "He called the reporter an idiot", "my uncle calls every Democrat an idiot": name-calling reported,
# not done. "I call you an idiot" is done to the reader, and holds.
_CALLS_SOMEONE = re.compile(r"\bcall(?:s|ed|ing)?\s+(?!(?:you|u|ya|yourself|yourselves)\b)(?:[\w'-]+\s+){1,3}$")


def _outside_reported_name_calling(text: str, matches: list[RuleMatch]) -> list[RuleMatch]:
    """Drop "people called names" matches that a verb of calling reports (see `_CALLS_SOMEONE`)."""
    return [
        match
        for match in matches
        if match.rule.label != _CALLED_NAMES
        or _CALLS_SOMEONE.search(text, max(0, match.start - 60), match.start) is None
    ]
