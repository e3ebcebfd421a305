# ruff: noqa: RUF001  (look-alike characters are what this file is about)
from workers.filters.normalize import normalize


def test_plain_ascii_is_only_lowercased_and_keeps_positions():
    folded = normalize("Hello World")
    assert folded.text == "hello world"
    assert folded.span(6, 11) == folded.span(6, 11)
    assert folded.original_slice(6, 11) == "World"


def test_full_width_letters_fold_to_ascii():
    assert normalize("ｆｕｃｋ").text == "fuck"


def test_cyrillic_and_greek_look_alikes_fold_to_latin():
    assert normalize("уоu аrе ιdiοt").text == "you are idiot"


def test_zero_width_and_combining_marks_are_removed_but_spans_reach_the_original():
    original = "f\u200bu\u0301ck!"
    folded = normalize(original)
    assert folded.text == "fuck!"
    assert folded.original_slice(0, 4) == "f\u200bu\u0301ck"


def test_ligatures_and_sharp_s_expand_and_still_map_back():
    folded = normalize("Straße ﬁne")
    assert folded.text == "strasse fine"
    assert folded.original_slice(8, 12) == "ﬁne"


def test_control_characters_are_dropped():
    assert normalize("a\x00b\x07c").text == "abc"
