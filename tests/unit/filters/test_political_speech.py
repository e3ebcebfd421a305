"""Comments a news site must publish: violent words in reporting, quoted slogans, place names."""

import pytest

from tests.unit.filters.filter_support import decide

POLITICAL_SPEECH = [
    "The terrorist attack in Madrid killed 193 people; the trial named the cell that planned it.",
    "Protesters were shot by police during the march, according to three witnesses.",
    "The general was assassinated in 1944 by officers who wanted to end the war.",
    "Crowds chanted 'Death to America' outside the embassy, the correspondent reported.",
    "Is 'Death to the dictator' a threat or a slogan? The court said it is protected speech.",
    "Executions in Iran rose sharply last year, Amnesty says; most were for drug offences.",
    "The war in Ukraine has killed tens of thousands of soldiers on both sides.",
    "Hitler's rise to power was helped by conservatives who thought they could control him.",
    "The Nazi regime murdered six million Jews in the Holocaust.",
    "Scunthorpe council approved the new budget on Monday.",
    "Residents of Essex and Middlesex complained about the new flight paths.",
    "The assassination of Archduke Franz Ferdinand started the First World War.",
    "ISIS fighters beheaded hostages on camera; the videos were used for recruiting.",
    "Should the death penalty be abolished? Texas executed four men this year.",
    "The sniper who shot the president was never found, the report concludes.",
    "Bombing raids destroyed half of the city in 1945.",
    "Rape as a weapon of war must be prosecuted at The Hague, the minister said.",
    "The drug cartel murdered a journalist who exposed its ties to the mayor.",
    "Gay marriage was legalised in Ireland by referendum.",
    "Hamas and Israel agreed a ceasefire after the strikes killed dozens of civilians.",
    "I think the senator is wrong about the war, and here is why.",
    "The KKK marched in Charlottesville; one counter-protester was killed by a car.",
    "Breast cancer screening saves lives, the study of 90,000 women found.",
    "Heroin deaths in the county doubled, the coroner told the inquiry.",
    "Dick Cheney defended the invasion of Iraq until the end.",
    "The slave trade shipped 12 million Africans across the Atlantic.",
    "The rebels threatened to kill the hostages unless the government released prisoners.",
    "Their slogan 'kill the Boer' was ruled hate speech by a South African court.",
    "A man was stabbed to death in Hackney last night; police have arrested a suspect.",
    "Calling for the execution of traitors was common in 1793 Paris.",
]


@pytest.mark.parametrize("comment", POLITICAL_SPEECH)
def test_political_speech_publishes(comment):
    decision = decide(comment)
    assert decision.action.value == "publish", [(v.filter_id, v.reason) for v in decision.verdicts]
