"""The text analyzer of the search index: Chinese split by jieba, English lower-cased and stemmed.

docs/rules.md (search: CJK word segmentation) and docs/api.md (Search): `数据库` finds `数据库连接池`,
`resetting` finds `reset`. Mixed text is split into runs first. A run of Han characters is cut
by jieba's precise mode; when indexing, the dictionary sub-words of a long word are added at the
word's position (数据, 数据库 inside 数据库连接池, as jieba's search mode does), so that a
search for a part finds the whole while a query asks only for the words it is made of, and
phrases of whole words still match. Every other run of letters and digits is one word. All
words are then lower-cased, stop words dropped (positions kept), and stemmed with the Porter2
(Snowball English) stemmer; Han words pass through it unchanged (Whoosh's older Porter stemmer
turns `resetting` into `resett`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import jieba
from whoosh.analysis import STOP_WORDS, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang.porter2 import stem

jieba.setLogLevel(logging.WARNING)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Han characters, or a word of other letters/digits (apostrophes inside kept: don't).
RUNS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+(?:['’][^\W_{_HAN}]+)*)")
HAN_RUN = re.compile(rf"[{_HAN}]")

# Function words that match almost every Chinese post and so carry no meaning in a query.
CHINESE_STOP_WORDS = frozenset("的 了 是 在 和 与 及 或 吗 呢 吧 啊 也 都 就 把 被 着 过 之".split())
STOP = frozenset(STOP_WORDS) | CHINESE_STOP_WORDS


class MixedTokenizer(Tokenizer):
    """Yields Han words (jieba) and other words (letters/digits) with positions and offsets."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", marked: frozenset[str] | None = None, **kwargs: Any) -> Iterator[Token]:
        """``marked`` (highlighting: the words to mark): a Han run that holds none of them is not
        segmented but cut into pieces of rules.UNMARKED_HAN_CHARS characters, since no word jieba
        would find in it can be one to mark (a Han word is a substring of its run and passes the
        filters unchanged); only the snippet's context boundaries depend on those pieces."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        index_mode = mode != "query"
        marked_han = None if marked is None else [w for w in marked if HAN_RUN.search(w)]
        pos = start_pos
        for match in RUNS.finditer(value):
            if match.group(1):
                run = match.group(1)
                if marked_han is not None and not any(word in run for word in marked_han):
                    pieces = _unsegmented(run, match.start(1))
                else:
                    pieces = _han_words(run, match.start(1), index_mode)
            else:
                pieces = iter([(match.group(2).replace("’", "'"), match.start(2), match.end(2), True)])
            for word, start, end, advances in pieces:
                t.text = word
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = word
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + start, start_char + end
                if advances:
                    pos += 1
                yield t


def _unsegmented(run: str, base: int) -> Iterator[tuple[str, int, int, bool]]:
    """A Han run in pieces of rules.UNMARKED_HAN_CHARS characters (see MixedTokenizer's ``marked``)."""
    from forum.search.rules import UNMARKED_HAN_CHARS

    for start in range(0, len(run), UNMARKED_HAN_CHARS):
        piece = run[start:start + UNMARKED_HAN_CHARS]
        yield piece, base + start, base + start + len(piece), True


def _han_words(run: str, base: int, index_mode: bool) -> Iterator[tuple[str, int, int, bool]]:
    """jieba's words of a Han run as (word, start, end, advances the position). When indexing,
    each word longer than two characters is preceded by its 2- and 3-character sub-words that
    jieba's dictionary knows (as jieba's search mode does), at the same position as the word, so
    that phrases of whole words still match."""
    for word, start, end in jieba.tokenize(run, mode="default"):
        if index_mode and len(word) > 2:
            for n in (2, 3):
                for i in range(len(word) - n + 1) if len(word) > n else ():
                    gram = word[i:i + n]
                    if jieba.get_FREQ(gram):
                        yield gram, base + start + i, base + start + i + n, False
        yield word, base + start, base + end, True


def ForumAnalyzer() -> Any:  # noqa: N802 - named like Whoosh's analyzer factories
    """The analyzer of every text field: MixedTokenizer | lowercase | stop words | Porter2 stem."""
    return MixedTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP, minsize=1, renumber=False) | StemFilter(stemfn=stem)


def words(text: str, mode: str = "") -> list[str]:
    """The indexed words of a text (for tests and for explaining a query); mode "query": the
    words a query is made of (no sub-words of long Chinese words)."""
    return [t.text for t in ForumAnalyzer()(text, mode=mode)]


_LATIN_WORD = re.compile(r"[a-z]+")


def SpellAnalyzer() -> Any:  # noqa: N802 - named like Whoosh's analyzer factories
    """The spelling vocabulary (the `spell` field): Latin words, lower-cased, unstemmed, so that a
    correction can be shown as a word ("Did you mean …") and then searched through the stemmer."""
    from forum.search import rules
    from whoosh.analysis import RegexTokenizer

    return RegexTokenizer(r"[A-Za-z]+") | LowercaseFilter() | StopFilter(stoplist=STOP, minsize=rules.SPELL_MIN_LENGTH)


def add_words(entries: list[str]) -> None:
    """Teach the segmenter whole words (the synonym table's Chinese entries: 登陆, 帐号 …)."""
    for entry in entries:
        if re.fullmatch(rf"[{_HAN}]+", entry) and not jieba.get_FREQ(entry):
            jieba.add_word(entry)
