"""Search: widening a parsed query with synonyms and typo corrections from the index's own words.

``expand(query, raw, reader)`` rewrites every word of the parsed query (a Term in a text field):

- a word of a synonym group (rules.SYNONYMS and the community manager's SEARCH_SYNONYMS) is also
  searched as the group's other entries, at rules.SYNONYM_BOOST (登陆 finds 登录, 帐号 finds 账号);
- a Latin word that the index does not hold is also searched as the index's words within an edit
  distance that grows with its length (rules.FUZZY_DISTANCES; taken from the unstemmed `spell`
  field, then stemmed like every indexed word), at rules.FUZZY_BOOST; the closest, most frequent
  one becomes the page's "Did you mean …".

Only words are widened: phrases, prohibitions (-word, NOT) and fields keep their meaning, and an
AND stays an AND (each side may now match through a correction or a synonym).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask import current_app, has_app_context
from whoosh.lang.porter2 import stem
from whoosh.query import Or, Phrase, Query, Term

from forum.search import rules
from forum.search.analysis import add_words, words

TEXT_FIELDS = ("title", "body", "answers", "tagtext")
_LATIN = re.compile(r"[A-Za-z]+")


@dataclass
class Expansion:
    query: Query
    corrections: dict[str, str] = field(default_factory=dict)  # misspelt word → the index's word


def synonym_groups(config: Any = None) -> tuple[tuple[str, ...], ...]:
    """rules.SYNONYMS plus the SEARCH_SYNONYMS rule key (a list of lists of words)."""
    if config is None and has_app_context():
        config = current_app.config
    extra: Any = (config or {}).get("SEARCH_SYNONYMS")
    groups = list(rules.SYNONYMS)
    for group in extra or ():
        if isinstance(group, (list, tuple)):
            entries = tuple(str(w).strip() for w in group if str(w).strip())
            if len(entries) > 1:
                groups.append(entries)
    return tuple(groups)


@lru_cache(maxsize=8)
def _synonym_map(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """analysed word → the analysed forms (one or more words) of its group's other entries."""
    add_words([entry for group in groups for entry in group])
    out: dict[str, list[tuple[str, ...]]] = {}
    for group in groups:
        forms = [tuple(words(entry, mode="query")) for entry in group]
        forms = [f for f in forms if f]
        for form in forms:
            if len(form) != 1:
                continue
            alts = out.setdefault(form[0], [])
            for other in forms:
                if other != form and other not in alts:
                    alts.append(other)
    return {k: tuple(v) for k, v in out.items()}


def synonyms() -> dict[str, tuple[tuple[str, ...], ...]]:
    return _synonym_map(synonym_groups())


def max_edits(word: str) -> int:
    for length, edits in rules.FUZZY_DISTANCES:
        if len(word) >= length:
            return edits
    return 0


def _known(reader: Any, term: str) -> bool:
    return any(reader.doc_frequency(f, term) for f in TEXT_FIELDS if f in reader.schema.names())


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, for ranking candidates."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def corrections_for(reader: Any, word: str) -> list[str]:
    """The index's words a misspelt word may mean, best first (closest, then most frequent).
    Two swapped neighbouring letters count as one edit (the index's automaton counts two)."""
    word = word.lower()
    edits = max_edits(word)
    if not edits or "spell" not in reader.schema.names():
        return []
    found = {c for c in reader.terms_within("spell", word, edits, prefix=rules.FUZZY_PREFIX) if c != word}
    for i in range(len(word) - 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if swapped != word and reader.doc_frequency("spell", swapped):
            found.add(swapped)
    ranked = sorted(found, key=lambda c: (_distance(word, c), -reader.doc_frequency("spell", c), c))
    return ranked[: rules.FUZZY_MAX_CANDIDATES]


def expand(query: Query, raw: str, reader: Any) -> Expansion:
    """The query widened by synonyms and typo corrections (see the module's docstring)."""
    syn = synonyms()
    raw_words: dict[str, str] = {}  # stemmed form → the word as typed
    for w in _LATIN.findall(raw or ""):
        raw_words.setdefault(stem(w.lower()), w.lower())
    fixes: dict[str, list[str]] = {}  # stemmed misspelt word → stemmed corrections
    corrections: dict[str, str] = {}

    def fixes_for(text: str) -> list[str]:
        if text not in fixes:
            fixes[text] = []
            typed = raw_words.get(text)
            if typed is not None and not _known(reader, text):
                found = corrections_for(reader, typed)
                if found:
                    corrections[typed] = found[0]
                fixes[text] = list(dict.fromkeys(stem(c) for c in found if stem(c) != text))
        return fixes[text]

    def rewrite(q: Query) -> Query:
        if isinstance(q, Term) and q.fieldname in TEXT_FIELDS and isinstance(q.text, str):
            alternatives: list[Query] = []
            for form in syn.get(q.text, ()):
                if len(form) == 1:
                    alternatives.append(Term(q.fieldname, form[0], boost=q.boost * rules.SYNONYM_BOOST))
                else:
                    alternatives.append(Phrase(q.fieldname, list(form), boost=q.boost * rules.SYNONYM_BOOST))
            for fixed in fixes_for(q.text):
                alternatives.append(Term(q.fieldname, fixed, boost=q.boost * rules.FUZZY_BOOST))
            return Or([q, *alternatives]) if alternatives else q
        if isinstance(q, Phrase):
            return q
        if q.is_leaf():
            return q
        out = q.apply(rewrite)
        if isinstance(q, Or) and isinstance(out, Or):
            out.minmatch = q.minmatch  # Whoosh's apply() keeps only the boost
        return out

    expanded = rewrite(query)
    return Expansion(expanded, corrections)


def suggestion(raw: str, corrections: dict[str, str]) -> str | None:
    """The query as typed with its misspelt words replaced (for "Did you mean …")."""
    if not corrections:
        return None
    def fix(m: re.Match[str]) -> str:
        typed = m.group(0)
        fixed = corrections.get(typed.lower())
        if fixed is None:
            return typed
        return fixed.upper() if typed.isupper() and len(typed) > 1 else fixed.capitalize() if typed[0].isupper() else fixed
    fixed = _LATIN.sub(fix, raw)
    return fixed if fixed != raw else None
