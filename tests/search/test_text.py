"""Folding and query building (ptcc.search.text): no database."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ptcc.search.text import MAX_TERMS, fts5_query, indexed_text, query_terms, tsquery, words


def test_words_are_case_and_accent_folded_and_ligatures_spelt_out():
    assert words("Jardins PARTAGÉS à Saint-Étienne") == ["jardins", "partages", "a", "saint", "etienne"]
    assert words("Cœur d'Œuvre, Straße, ÆON") == ["coeur", "d", "oeuvre", "strasse", "aeon"]
    assert words("ﬁlm №5 ½") == ["film", "no5", "1", "2"]


def test_punctuation_and_markup_separate_words():
    assert indexed_text("**vélo**_cargo", "https://velo.example.org") == "velo cargo https velo example org"


def test_query_terms_drop_one_letter_words_unless_alone_and_repeat_nothing():
    assert query_terms("l'eau de la ville, l'eau") == ["eau", "de", "la", "ville"]
    assert query_terms("a") == ["a"]
    assert query_terms("% * \" -") == []
    assert len(query_terms(" ".join(f"mot{i}" for i in range(40)))) == MAX_TERMS


def test_operators_do_not_survive_and_terms_are_quoted_prefixes():
    terms = query_terms('jard* NEAR(a b) "x" -y title:z AND OR NOT & | ! <-> \'q\'')
    assert terms == ["jard", "near", "title", "and", "or", "not"]
    assert fts5_query(["jard", "lyon"]) == '"jard"* "lyon"*'
    assert tsquery(["jard", "lyon"]) == "'jard':* & 'lyon':*"
    # Even a term that folding could not produce would stay inside its quotes.
    assert fts5_query(['a"b']) == '"a""b"*' and tsquery(["a'b\\"]) == "'a''b\\\\':*"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_only_letters_and_digits(text):
    for term in query_terms(text):
        assert term and re.fullmatch(r"[^\W_]+", term)
    assert all(word.isalnum() for word in indexed_text(text).split())
