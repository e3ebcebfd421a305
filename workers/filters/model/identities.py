"""Words that name who people are: the models may not count them as evidence of abuse.

Toxic-comment corpora mention identities mostly beside abuse, so a linear model learns that
"gay", "Muslim" or "Black" are themselves toxic and flags "I am a gay Muslim woman" (Dixon et
al., "Measuring and Mitigating Unintended Bias in Text Classification", AIES 2018). After
training, every attribute's weight for these words alone, and for a pair of them or of one
with a function word ("a gay", "gay muslim"), is clipped to at most zero: naming a group
adds nothing, and what is said about it still counts ("gays are disgusting"). The list is
the identity terms of that paper with plurals and a few more groups of the same kinds; it is
not drawn from Sift's test sentences. Slurs are not identities and are not here.
"""

from __future__ import annotations

_IDENTITY_TERMS = """
    lesbian lesbians gay gays bisexual bisexuals transgender transgenders trans transsexual queer
    lgbt lgbtq lgbtqia homosexual homosexuals heterosexual heterosexuals straight nonbinary
    male males female females man men woman women boy boys girl girls
    african africans black blacks white whites european europeans hispanic hispanics latino latinos
    latina latinas latinx mexican mexicans canadian canadians american americans asian asians
    indian indians chinese japanese korean koreans arab arabs arabic persian iranian iranians
    israeli israelis palestinian palestinians russian russians african-american
    christian christians buddhist buddhists catholic catholics protestant protestants sikh sikhs
    taoist jewish jew jews muslim muslims islam islamic jain hindu hindus mormon mormons
    atheist atheists religious
    deaf blind disabled paralyzed autistic older younger old young teenage teenagers elderly
    millennial millennials immigrant immigrants refugee refugees migrant migrants feminist feminists
    veteran veterans
"""
IDENTITY_TERMS: frozenset[str] = frozenset(_IDENTITY_TERMS.split())

# Words that carry no sense of their own beside an identity ("a gay", "the muslims", "and jews").
_FUNCTION_WORDS = """
    a an the and or of to in on at for with as by from is are was were be been am i im i'm we
    you he she they it my our your his her their this that these those some many most all
    being other proud not also both
"""
FUNCTION_WORDS: frozenset[str] = frozenset(_FUNCTION_WORDS.split())
