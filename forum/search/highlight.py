"""Marking a query's words in a hit's title and snippet, the same for both keyword indexes: Whoosh's
own pieces (the index's analyzer, its fragmenters, scorer and HTML formatter) over the stored text,
as Whoosh's Highlighter re-tokenizes it, with one saving: a Chinese run holding none of the words
is not segmented (analysis.MixedTokenizer's ``marked``), which was half of a results page's time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape
from whoosh.highlight import (FIRST, BasicFragmentScorer, ContextFragmenter, Highlighter, HtmlFormatter,
                              WholeFragmenter, set_matched_filter, top_fragments)

from forum.search import rules
from forum.search.analysis import ForumAnalyzer

SNIPPET_FIELDS = ("body", "answers")  # a snippet comes from the first of these that holds a word
_ANALYZER = ForumAnalyzer()
_SCORER = BasicFragmentScorer()
_TITLE = WholeFragmenter()
_SNIPPET = ContextFragmenter(maxchars=rules.SNIPPET_CHARS, surround=60)


def formatter() -> HtmlFormatter:
    """One per search, as Whoosh's results have: it numbers the terms it marks (term0, term1 …)."""
    return HtmlFormatter(tagname="mark", classname="hl", between=" … ")


def highlight(text: str, words: frozenset[str], fragmenter: Any, marks: HtmlFormatter, top: int = 3) -> str:
    """The best ``top`` fragments of the text with the words marked ("" when none is in it)."""
    if not text or not words:
        return ""
    tokens = _ANALYZER(text, positions=True, chars=True, mode="index", removestops=False, marked=words)
    tokens = Highlighter._merge_matched_tokens(set_matched_filter(tokens, words))
    fragments = top_fragments(fragmenter.fragment_tokens(text, tokens), top, _SCORER, FIRST, minscore=1)
    return marks.format(fragments)


def snippet(texts: Mapping[str, Any], words: Mapping[str, frozenset[str]], marks: HtmlFormatter,
            holds: Callable[[str, frozenset[str]], bool] | None = None) -> Markup:
    """Two marked fragments of the body or, failing that, the answers (their first
    rules.HIGHLIGHT_MAX_CHARS characters); the plain start of the text when neither holds a word.
    ``holds(field, words)`` may say beforehand that a field holds none of them."""
    for name in SNIPPET_FIELDS:
        text = (texts.get(name) or "")[: rules.HIGHLIGHT_MAX_CHARS]
        terms = words.get(name, frozenset())
        if text and terms and (holds is None or holds(name, terms)):
            found = highlight(text, terms, _SNIPPET, marks, top=2)
            if found:
                return Markup(found)
    return plain_snippet(texts)


def plain_snippet(texts: Mapping[str, Any]) -> Markup:
    body = texts.get("body") or texts.get("answers") or ""
    cut = body[: rules.SNIPPET_CHARS]
    return escape(cut + ("…" if len(body) > len(cut) else ""))


def title_html(title: str, words: Mapping[str, frozenset[str]], marks: HtmlFormatter) -> Markup:
    """The current title (from the database), its matched words marked."""
    found = highlight(title, words.get("title", frozenset()), _TITLE, marks)
    return Markup(found) if found else escape(title)
