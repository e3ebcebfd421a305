import pytest

from config.sites import PolicyError
from tests.unit.filters.filter_support import decide, flagged_by, policy
from workers.filters.base import AuthorHistory, Context
from workers.filters.links import find_links
from workers.filters.memory import MemoryCounts


def verdict(decision, filter_id):
    return next(v for v in decision.verdicts if v.filter_id == filter_id)


def test_two_links_are_held_and_the_reason_counts_them():
    body = "see http://a.example/x and www.b.example and c.example.com/page"
    decision = decide(body)
    assert decision.action.value == "hold"
    assert verdict(decision, "links").reason == "3 links (site allows 1)"


def test_one_link_in_a_real_sentence_publishes():
    assert (
        decide(
            "The ruling is here: https://www.supremecourt.gov/opinions/22pdf/21-476.pdf and I think it is wrong."
        ).action.value
        == "publish"
    )


def test_html_anchors_and_bbcode_count_once_each():
    body = '<a href="http://a.example">a.example</a> and [url=http://b.example]b[/url] and [url]http://c.example[/url]'
    assert [link.host for link in find_links(body)] == ["a.example", "b.example", "c.example"]


def test_link_hold_threshold_is_configurable():
    body = "read http://a.example/story and http://b.example/other for the full story of the vote"
    assert "links" not in flagged_by(decide(body, {"filters": {"links": {"hold_at": 3}}}))


def test_denied_domains_are_rejected_and_allowed_ones_not_counted():
    overrides = {"filters": {"link_domains": {"deny": ["casino.example"], "allow": ["mysite.example"]}}}
    assert decide("win at https://www.casino.example/now", overrides).action.value == "reject"
    body = "see https://mysite.example/a and https://mysite.example/b for the council minutes"
    assert decide(body, overrides).action.value == "publish"


def test_shortened_links_are_held():
    decision = decide("my take on this: https://bit.ly/3xYz and more thoughts later in the week")
    assert "link-domains" in flagged_by(decision)
    assert "bit.ly" in verdict(decision, "link-domains").reason


def test_filled_honeypot_is_discarded():
    assert decide("Nice article", honeypot_filled=True).action.value == "discard"


@pytest.mark.parametrize(
    "status, action",
    [
        ("ok", "publish"),
        ("", "publish"),
        ("too-fast", "hold"),
        ("expired", "hold"),
        ("missing", "hold"),
        ("replayed", "reject"),
        ("invalid", "reject"),
    ],
)
def test_form_token_statuses(status, action):
    assert decide("A perfectly normal comment.", form_token_status=status).action.value == action


def test_flood_from_one_address_is_held():
    context = Context(velocity={"ip": 12, "email": 1})
    decision = decide("Another comment", context=context)
    assert "velocity" in flagged_by(decision)
    assert "12 comments from this ip" in verdict(decision, "velocity").reason


def test_exact_and_near_duplicates_are_held_but_short_ones_are_not():
    body = "This is a long enough comment to be compared with the others."
    assert "duplicate" in flagged_by(decide(body, context=Context(exact_duplicates=2)))
    assert "duplicate" in flagged_by(decide(body, context=Context(near_duplicate_similarity=0.95)))
    assert decide("Thanks!", context=Context(exact_duplicates=5)).action.value == "publish"


def test_blocklists_match_address_network_email_and_domain():
    overrides = {
        "filters": {
            "blocklist": {
                "ips": ["198.51.100.0/24"],
                "emails": ["bad@example.com"],
                "domains": ["spam.example"],
            }
        }
    }
    assert decide("hello", overrides, client_ip="198.51.100.7").action.value == "reject"
    assert decide("hello", overrides, client_ip="203.0.113.1").action.value == "publish"
    assert decide("hello", overrides, author_email="Bad@Example.com").action.value == "reject"
    assert decide("hello", overrides, author_email="x@mail.spam.example").action.value == "reject"
    assert decide("hello", overrides, author_url="https://spam.example/me").action.value == "reject"


def test_site_phrases_match_whole_words_only():
    overrides = {"filters": {"site_phrases": {"phrases": ["free bitcoin", "cialis"]}}}
    assert decide("Get FREE   Bitcoin today", overrides).action.value == "hold"
    assert decide("A specialist said carefree bitcoins are a myth", overrides).action.value == "publish"


def test_selling_phrases_are_held_and_one_ambiguous_word_is_not():
    assert decide("Check out my channel and subscribe!").action.value == "hold"
    assert decide("I subscribe to the view that the council is wrong.").action.value == "publish"


@pytest.mark.parametrize(
    "body",
    [
        "Great tips, and I earn with this too: https://shop.example/signup?ref=k8Jd2 give it a go",
        "nice post, see https://deals.example/ref/abc123 for a better one",
        "Join me on Tsu, a new network where I post now https://tsu.example/someone",
        "DOWNLOAD RAPID BROWSER FOR FREE NOW https://apps.example/details?id=rapid",
        "I earn $500 a day working from home, see http://money.example/join",
        "Come subscribe",
        "Subscribe if you are reading this in 2026",
        "Please become my first subscriber. Thank you.",
        "Earn money fast!!! DM me",
        "I contacted RecoveryPro, they got all my money back. Email them at recoverypro at gmail dot com",
        "My uncle made $8500 last month working online from his laptop. Look here http://earn.example",
        "Get 1000 Instagram followers instantly at http://followers.example",
        "BEST LOANS: no credit check, instant approval, apply at https://loans.example",
        "I am a Bitcoin investment manager. Invest $500 and earn $5000 in 7 days. WhatsApp 447700900123",
        "Anyone interested in a side hustle? Message me.",
        "I was scammed by a fake broker until I found Dr. Smith, contact him on telegram @drsmith_recovery",
        "Earn bitcoin passively with our AI trading bot, 20% weekly returns guaranteed.",
        "My aunt earns $85/hour on her laptop. Go to this site for more info www.jobs-home.com",
        "Get your driving licence without exams, whatsapp +44 7700 900123",
        "Casino bonus 500% on first deposit, play now at https://luckyspin.example",
        "Check out my OnlyFans link in bio",
    ],
)
def test_referral_links_and_calls_to_join_download_or_subscribe_are_held(body):
    decision = decide(body)
    assert decision.action.value == "hold", body
    assert "spam-phrases" in flagged_by(decision)


@pytest.mark.parametrize(
    "body",
    [
        "The report lost 2 million subscribers, says https://news.example/media/2026/report",
        "Where do I download the full judgment? The court site is down.",
        "I did subscribe to the paper for years, then the paywall came.",
        "Refer to https://www.example.gov/ref/statute-12 for the text of the law, it is clear.",
        "DM me if you want the court filing, happy to share.",
        "When twitter rappers dm me their links I never answer.",
        "I got my money back after the bank reversed the charge.",
        "I made $40 this week selling tomatoes at the market, and I'm proud of it.",
        "If you have questions about the data, message me.",
        "Keep on writing about the council, nobody else does.",
        "Social Security offers guaranteed returns that no private account can match.",
        "My neighbor makes 15 an hour at the warehouse and can't afford rent: https://www.bls.gov/oes/",
        "Malta lets the rich buy passports, which the EU has criticised.",
        "The OnlyFans ban reversal shows how payment processors control speech.",
        "I was scammed by a fake broker in 2019 and the SEC did nothing.",
        "He promised 10 percent monthly returns; that's how every Ponzi scheme starts.",
        "Go to the site for the full ruling: https://www.supremecourt.gov/opinions/",
        "My first deposit at the credit union was $50, in 1987.",
    ],
)
def test_ordinary_mentions_of_subscribers_downloads_and_references_publish(body):
    assert decide(body).action.value == "publish", body


def test_rejected_author_is_held_and_trusted_author_passes_a_spam_hold():
    assert "author-reputation" in flagged_by(decide("hello there", context=Context(author=AuthorHistory(rejected=3))))
    trusted = Context(author=AuthorHistory(approved=5))
    body = "see http://a.example/one and http://b.example/two for the minutes"
    decision = decide(body, context=trusted)
    assert decision.action.value == "publish"
    assert "trusted author" in verdict(decision, "links").reason
    assert decide("you fucking idiot", context=trusted).action.value == "hold"


def test_premoderation_holds_everything():
    assert decide("Lovely day", {"moderation": {"premoderation": True}}).action.value == "hold"


def test_learned_filter_catches_what_it_was_taught_and_is_silent_before():
    memory = MemoryCounts()
    for index in range(30):
        memory.train(f"cheap rolex replica watches deal number {index}", "spam")
        memory.train(f"I disagree with the article about the council budget, point {index}", "ham")
    spammy = "rolex replica watches for you"
    decision = decide(spammy, context=memory.context_for(spammy))
    assert "bayes" in flagged_by(decision)
    assert decide(spammy).action.value == "publish"
    normal = "the council budget article was fair"
    assert "bayes" not in flagged_by(decide(normal, context=memory.context_for(normal)))


def test_every_decision_records_the_policy_version():
    decision = decide("hello")
    assert decision.policy_version == policy().version
    assert decision.policy_version != policy({"filters": {"links": {"hold_at": 5}}}).version


def test_unknown_filter_key_fails_naming_it():
    with pytest.raises(PolicyError, match=r"filters\.links\.hold_att"):
        policy({"filters": {"links": {"hold_att": 3}}})


def test_a_blog_spam_template_holds_with_a_website_in_the_author_field_and_not_without():
    body = "Wow, this paragraph is pleasant, my sister is analyzing these things, therefore I am going to convey her."
    assert decide(body).action.value == "publish"
    held = decide(body, author_url="https://cheap-insurance.example")
    assert held.action.value == "hold"
    assert "spam-phrases" in flagged_by(held)
    # A reader's own blog beside an ordinary comment is no reason to hold it.
    ordinary = "I disagree with the mayor's plan, but I see the reasoning behind it."
    assert decide(ordinary, author_url="https://myblog.example").action.value == "publish"
