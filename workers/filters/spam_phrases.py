"""Phrases that sell: self-promotion, calls to click, money offers and the usual blog-spam praise.

Each pattern carries a weight; a comment is held when the weights of the different patterns it
matches add up to the threshold, so one ambiguous phrase ("subscribe") never holds a
comment alone, while "check out my channel" or a prize claim does. Patterns match whole
words of the folded text, never inside a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SpamPattern:
    label: str
    pattern: re.Pattern[str]
    weight: float
    # The pattern runs only when the comment has one of these words (a set test is far
    # cheaper than a regex scan, and most comments have none).
    triggers: frozenset[str]


def _pattern(label: str, regex: str, weight: float, triggers: str) -> SpamPattern:
    return SpamPattern(label, re.compile(rf"\b(?:{regex})\b"), weight, frozenset(triggers.split()))


_MY = r"(?:my|our|me|mine)"
_MEDIA = (
    r"(?:channel|chanel|chanell|chhanel|channels|video|videos|vid|vids|vidios|vidz|page|site|website|blog|music|"
    r"song|songs|track|mixtape|album|cover|covers|remix|remixes|parody|parodies|podcast|stuff|playlist|profile|account|instagram|insta|twitter|facebook|"
    r"fb|youtube|soundcloud|band|shop|store|app|rap|beats?)"
)

_SUBSCRIBE = r"(?:subscribe|subcribe|suscribe|sucscribe|subscrib|subscribed|subscribes|subsribe|sub)"

PATTERNS: tuple[SpamPattern, ...] = (
    _pattern(
        "self-promotion",
        rf"(?:check|chek|checkout|look|watch|visit|listen\s+to|view|hear)(?:\s+(?:out|at|on))?\s+{_MY}\s+(?:\w+\s+)?{_MEDIA}",
        1.0,
        "check chek checkout look watch visit listen view hear",
    ),
    _pattern(
        "self-promotion",
        rf"{_MY}\s+(?:new\s+|first\s+|youtube\s+|yt\s+|own\s+|latest\s+|gaming\s+|music\s+)*(?:channel|chanel|chhanel|vids?|vidios|videos|mixtape|soundcloud|twitch|stream)|(?:check|chek|look\s+at)\s+(?:me|us)\s+out|check\s+(?:out\s+)?my\s+(?:new\s+)?(?:stuff|music|song|sound|videos?|page)",
        1.0,
        "my our me mine check chek look",
    ),
    _pattern("self-promotion", r"check\s+(?:it\s+)?out|check\s+this\s+out", 0.5, "check"),
    _pattern(
        "self-promotion",
        r"check\s+(?:out\s+)?this\s+(?:video|playlist|channel|mix|track|app)|this\s+(?:video|playlist)\s+on\s+youtube|(?:mi|meu)\s+canal|suscr[ií]b(?:ete|anse|irse)|inscreva",
        1.0,
        "check video playlist mi meu suscribete suscríbete suscribanse suscríbanse suscribirse suscribirse inscreva",
    ),
    _pattern(
        "asks for subscribers",
        rf"^(?:please\s+|pls\s+|plz\s+)?(?:{_SUBSCRIBE}|subscribers?)(?:\s+\w+){{0,2}}$|like\s+(?:and|n)\s+subscrib\w*",
        1.0,
        "subscribe subcribe suscribe sucscribe subscrib subscribed subscribes subsribe sub subscriber subscribers",
    ),
    _pattern(
        "asks for subscribers",
        rf"{_SUBSCRIBE}\s+(?:to\s+|on\s+)?(?:me|my|us|our)\b|{_SUBSCRIBE}\s+back|sub\s*4\s*sub|(?:please|pls|plz|plzz|plis)\s+{_SUBSCRIBE}|{_SUBSCRIBE}\s+(?:please|pls|plz)",
        1.0,
        "subscribe subcribe suscribe sucscribe subscrib subscribed subscribes subsribe sub sub4sub",
    ),
    _pattern(
        "asks for subscribers",
        rf"^(?:come\s+|go\s+|just\s+)?{_SUBSCRIBE}\s+(?:and|if|for|now|today|guys)|come\s+{_SUBSCRIBE}|become\s+(?:my|our)\s+(?:\w+\s+)?subscribers?",
        1.0,
        "subscribe subcribe suscribe sucscribe subscrib subscribed subscribes subsribe sub subscriber subscribers",
    ),
    _pattern(
        "asks for subscribers",
        r"subscribe|suscribe|subcribe|subscribers",
        0.4,
        "subscribe suscribe subcribe subscribers",
    ),
    _pattern(
        "asks for help",
        r"(?:get|reach|hit|gain)\s+(?:to\s+)?(?:\d+\S*\s+|more\s+|some\s+)?(?:subscribers|subs|followers|views|likes)",
        0.6,
        "get reach hit gain",
    ),
    _pattern(
        "asks for subscribers",
        r"follow\s+(?:me|us)|add\s+me|(?:please|pls|plz|plzz|plis)\s+(?:follow|like|share|check|visit|watch|help)",
        0.6,
        "follow add please pls plz plzz plis",
    ),
    _pattern(
        "self-promotion",
        r"follow\s+(?:me|us|him|her|(?:my|our)\s+\w+)\s+on\s+\w+|(?:join|add|find)\s+(?:me|us)\s+on\s+\w+|(?:if|when)\s+i\s+(?:get|reach|hit)\s+\d+\s*k?\s+(?:subscribers|subs|likes|followers)|(?:i|we)\s+(?:just\s+)?(?:made|started|created|opened)\s+(?:a|my|our)\s+(?:new\s+|own\s+|first\s+)?(?:\w+\s+)?(?:channel|page|blog|website|shop|store)",
        1.0,
        "follow join add find subscribers subs likes followers made started created opened",
    ),
    _pattern(
        "self-promotion",
        r"(?:my|our)\s+(?:new\s+|first\s+|latest\s+|own\s+)?(?:rap|raps|music|book|project|song|songs|beats|art|artwork|stream|shop|store|website|blog|business|band|album|mixtape|page|fan\s*page|app|game|playlist|company)|(?:i|we)\s+(?:did|made|recorded|wrote)\s+(?:a|an|my|our|some)\s+(?:\w+\s+)?(?:covers?|remix|parody|song|rap|video)|(?:chacking|checking|check)\s+out\s+(?:my|our)",
        0.6,
        "my our chacking checking check i we",
    ),
    _pattern(
        "self-promotion",
        r"(?:new|small|little|upcoming|aspiring)\s+(?:youtuber|youtube\s+channel|artist|rapper|singer|producer)|i\s+(?:make|upload|post)\s+(?:\w+\s+)?(?:videos|music|beats|vlogs)|follow\s*(?:4|for)\s*follow|like\s*(?:4|for)\s*like|f4f|l4l",
        1.0,
        "new small little upcoming aspiring make upload post follow like f4f l4l",
    ),
    _pattern(
        "asks for help",
        r"(?:please|pls|plz)?\s*help\s+(?:me|us)\s+(?:go|get|reach|win|raise|with|click|to)|(?:donate|donation|fundraiser|gofundme|indiegogo|kickstarter|sponsor)|(?:vote|voting)\s+for\s+(?:me|us|my|our)",
        0.6,
        "help donate donation fundraiser gofundme indiegogo kickstarter sponsor vote voting",
    ),
    _pattern(
        "asks for likes",
        r"(?<!would\s)(?<!d\s)(?:like|thumbs\s+up|share)\s+(?:this\s+)?(?:comment|post|page)|like\s+(?:and|&|n)\s+(?:subscribe|share)|give\s+(?:me|it|this)\s+a\s+(?:like|thumbs)|(?:please|plz|pls)\s+like|vote\s+(?:for\s+)?(?:me|my)",
        1.0,
        "like thumbs share give please plz pls vote",
    ),
    _pattern(
        "money offer",
        r"(?:make|earn|making|earning)\s+(?:\$?\d+\S*\s+)?(?:real\s+)?(?:money|cash|dollars)|(?:makes?|made|earns?|earned|making|earning)\s+\$?\d+\S*\s+(?:(?:a|per|every|last|this)\s+(?:day|week|month|hour)|(?:in|within)\s+\d+\s+(?:days|hours|weeks))|(?:my|our)\s+(?:aunt|uncle|mom|mother|dad|father|sister|brother|cousin|neighbou?r|friend|roommate|best\s+friend|wife|husband)\s+(?:\w+\s+)?(?:makes?|earns?|made|earned|gets?\s+paid)\s+\d+\s+(?:\w+\s+){0,3}?(?:online|from\s+home|on\s+(?:her|his|the|a)\s+(?:laptop|computer|phone))|earn\s+(?:bitcoin|crypto|btc|usdt)|trading\s+bot|work(?:ing)?\s+(?:from\s+home|online\s+from)|(?:extra|easy|fast)\s+(?:money|cash|income)|get\s+paid\s+(?:to|for)|passive\s+income|side\s+hustle|(?:crypto|bitcoin|btc)\s+(?:investment|trading|signals|mining)|forex\s+(?:trading|signals)|investment\s+(?:opportunity|manager|platform)",
        0.8,
        "make makes made earn earns earned making earning need work working extra easy fast free pay paypal get "
        "passive side crypto bitcoin btc forex investment paid trading",
    ),
    _pattern(
        "asks to be contacted off-site",
        r"(?:dm|pm|inbox|whatsapp|telegram|message)\s+me(?:\s+(?:for|to|now|on|at|via|asap|today)\b|$)|(?:whatsapp|telegram|signal)\s+(?:me\s+)?(?:on\s+|at\s+|via\s+)?\d{2,}|(?:at|@)\s+(?:gmail|yahoo|hotmail|outlook|protonmail|proton|aol)\s+dot\s+com|(?:contact|reach|add|message|text|email)\s+(?:me|him|her|them|us)\s+(?:on|at|via|through)\s+(?:whatsapp|telegram|signal|wechat|kik|snapchat|snap|instagram|insta|ig)|(?:whatsapp|telegram)\s*:?\s*\+?\d{6,}",
        0.5,
        "dm pm inbox whatsapp telegram signal contact reach add message text email gmail yahoo hotmail outlook "
        "protonmail proton aol",
    ),
    _pattern(
        "recovery or hacker offer",
        r"(?:recover(?:ed)?|got|get)\s+(?:all\s+)?(?:of\s+)?my\s+(?:lost\s+|stolen\s+)?(?:money|funds|bitcoins?|crypto|btc|investment)\s+back|(?:recovery|hacker|hack)\s+(?:expert|specialist|service|pro)|(?:hire|contact(?:ed)?)\s+(?:a\s+)?(?:hacker|recovery\s+\w+)|"
        r"(?:scammed|defrauded|ripped\s+off)\s+by\s+(?:a\s+)?(?:fake\s+|fraudulent\s+|bogus\s+)?(?:broker|trading\s+platform|investment\s+\w+|crypto\s+\w+)|"
        r"until\s+i\s+(?:found|met|came\s+across|contacted|was\s+introduced\s+to)\s+(?:dr|doctor|mr|mrs|ms|agent|hacker|expert)",
        0.6,
        # Not "got" or "get": in most comments, and the phrase needs "money" or "funds" beside them.
        "recover recovered recovery hacker hack money funds bitcoin bitcoins btc crypto investment scammed "
        "defrauded ripped until",
    ),
    _pattern(
        "sells followers",
        r"\d+\s+(?:\w+\s+)?(?:followers|subscribers|likes|views)\s+(?:instantly|fast|now|cheap|for\s+free|today)|buy\s+(?:\w+\s+)?(?:followers|likes|views|subscribers)",
        0.8,
        "followers subscribers likes views",
    ),
    _pattern(
        "blog-spam template",
        r"this\s+(?:paragraph|piece\s+of\s+writing|post|article)\s+is\s+(?:pleasant|fastidious|genuinely|truly\s+a\s+pleasant)|browsing\s+online\s+(?:more\s+than|over)\s+\d+\s+hours|(?:i\s+)?found\s+your\s+(?:blog|website|site)\s+(?:through|via|using|on)\s+(?:google|bing|yahoo)|i\s+will\s+(?:share|tweet)\s+it\s+on\s+my\s+(?:social|facebook|twitter)|keep\s+on\s+(?:writing|posting)|(?:i'?ll|i\s+will)\s+(?:bookmark|right\s+away\s+grab)|therefore\s+i\s+am\s+going\s+to\s+(?:convey|tell)\s+her",
        0.7,
        "pleasant fastidious genuinely truly browsing google bing yahoo social facebook twitter writing posting "
        "bookmark grab convey",
    ),
    _pattern(
        "prize or giveaway",
        r"you\s+(?:have\s+)?(?:won|win)\s+(?:a|an|the|\$|£)|claim\s+(?:your|ur|now|it\s+now)|(?:cash|mystery)\s+prize|giveaway|free\s+(?:iphone|ipad|gift\s+cards?|entry|ringtones?|followers|views|subscribers)|congratulations\s+you|selected\s+to\s+receive|(?:txt|text)\s+\w+\s+to\s+\d{4,}|reply\s+stop|to\s+opt\s+out",
        0.8,
        "you claim cash mystery giveaway free congratulations selected txt text reply to",
    ),
    _pattern(
        "text-message offer",
        r"(?:call|ring|txt|text|send)\s+(?:\w+\s+)?(?:to\s+|on\s+|now\s+)?0?\d{5,}|\d{5,}\s+now|urgent|guaranteed\s+(?:\d+|a|cash|prize)|(?:won|win)\s+(?:a|an|\d+|guaranteed)\s+\w+|\d+\s+(?:cash|prize|pounds|award)|free\s+(?:msg|message|entry|camera|video|nokia|tones?|text|texts|minutes|mins)|valid\s+(?:\d+\s*)?(?:hrs|hours|days)|(?:your|ur)\s+mobile|customer\s+(?:service|care)\s+(?:on|call)|\d+p\s+(?:per|pm|min|msg)|per\s+(?:msg|message|min)|(?:stop|end)\s+to\s+\d+",
        0.8,
        "call ring txt text send now urgent guaranteed won win cash prize pounds award free valid your ur customer "
        "per stop end",
    ),
    _pattern(
        "shop talk",
        r"(?:i|we)\s+(?:sell|am\s+selling|are\s+selling)|(?:don'?t|dont|do\s+not)\s+miss\s+out|download\s+(?:\w+\s+){0,2}(?:now|here|for\s+free|free)|join\s+(?:to\s+)?(?:my|our)\s+team|click\s+on\s+the\s+link|free\s+(?:money|cash|stuff|credits|robux)|buy\s+cheap|promo\s+code|coupon\s+code|(?:\d+\s*%|percent)\s+off|free\s+shipping|limited\s+(?:time\s+)?offer|register\s+now|join\s+now|click\s+(?:here|the\s+link|this\s+link|below)|visit\s+(?:this|the|our)\s+(?:site|link|website|store|shop)|link\s+(?:below|in\s+(?:my\s+|the\s+)?(?:bio|description|profile))|go\s+to\s+(?:this|my|our)\s+(?:site|link|website|page)\s+for\s+(?:more\s+)?(?:info|information|details)",
        0.6,
        "buy promo coupon percent off free limited register join click visit link i we don dont do download go",
    ),
    _pattern(
        "pharmacy, casino or adult offer",
        r"viagra|cialis|levitra|online\s+pharmacy|cheap\s+pills|online\s+casino|casino\s+bonus|free\s+spins|deposit\s+bonus|bonus\s+on\s+(?:your\s+)?first\s+deposit|bet365|escort\s+service|hot\s+singles|sexy\s+(?:girls|singles)\s+(?:in|near|waiting)|dating\s+site|essay\s+writing\s+service|write\s+my\s+essay|seo\s+services?|buy\s+backlinks|payday\s+loans?|no\s+credit\s+check|instant\s+(?:loan\s+)?approval|guaranteed\s+loans?|diet\s+pills|weight\s+loss\s+pills",
        1.0,
        "viagra cialis levitra online cheap bet365 escort hot sexy dating essay write seo buy payday diet weight "
        "credit approval loan loans casino spins deposit bonus",
    ),
    _pattern(
        "returns promised",
        r"\d+\s+(?:percent\s+)?(?:daily|weekly|monthly)\s+(?:returns?|profits?|roi|interest)|returns?\s+guaranteed|"
        r"guaranteed\s+(?:returns?|profits?|income|roi|payouts?)",
        0.6,
        "daily weekly monthly returns return guaranteed",
    ),
    _pattern(
        "documents sold",
        r"(?:passports?|driving\s+licen[cs]es?|drivers?\s+licen[cs]es?|diplomas?|degrees?|ielts|toefl|visas?|"
        r"residence\s+permits?)\s+(?:without\s+(?:an?\s+)?(?:exams?|tests?)|for\s+sale)|"
        r"(?:buy|order)\s+(?:real\s+|fake\s+|registered\s+)+(?:passports?|driving\s+licen[cs]es?|diplomas?|ielts|toefl|ids?)",
        0.8,
        "passport passports licence licences license licenses diploma diplomas degree degrees ielts toefl visa visas "
        "permit permits buy order",
    ),
    _pattern(
        "adult offer",
        r"(?:my|our)\s+(?:onlyfans|fansly)|(?:onlyfans|fansly)\s+(?:link|page|account)",
        0.6,
        "onlyfans fansly",
    ),
    _pattern(
        "generic praise",
        r"(?:great|nice|awesome|informative|excellent|wonderful|useful)\s+(?:post|article|blog|write\s*-?\s*up)|(?:i\s+)?(?:bookmarked|bookmark)\s+(?:your|this)|keep\s+up\s+the\s+(?:good|great)\s+work|thanks?\s+for\s+sharing|very\s+(?:informative|helpful)\s+(?:post|article|blog)",
        0.4,
        "great nice awesome informative excellent wonderful useful bookmarked bookmark keep thanks thank very",
    ),
    _pattern(
        "hello spam",
        r"hey\s+(?:guys|everyone|people|youtube)|hi\s+(?:guys|everyone|all)|(?:dear|hello)\s+(?:friends|youtubers)|what'?s\s+up\s+(?:guys|everyone)",
        0.3,
        "hey hi dear hello what whats",
    ),
)


@dataclass(frozen=True)
class PhraseMatch:
    label: str
    weight: float
    start: int
    end: int


def find_spam_phrases(text: str, words: frozenset[str]) -> list[PhraseMatch]:
    """Return the matches of every built-in spam pattern in text made of words and single spaces.

    Callers pass the comment's words joined by spaces, so `subscribe.....to my.....channel`
    reads as the phrase it is.
    """
    return [
        PhraseMatch(pattern.label, pattern.weight, found.start(), found.end())
        for pattern in PATTERNS
        if not pattern.triggers.isdisjoint(words)
        for found in pattern.pattern.finditer(text)
    ]
