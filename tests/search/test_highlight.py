"""Marking a query's words in titles and snippets (forum.search.highlight), the same for both
keyword indexes: what is marked must not depend on the shortcut that leaves Chinese runs holding
none of the words unsegmented (analysis.MixedTokenizer's ``marked``)."""

import jieba
from hypothesis import given, settings, strategies as st
from whoosh.highlight import ContextFragmenter

from forum.search import highlight as hl
from forum.search.analysis import ForumAnalyzer, words

PIECES = ["数据库连接池", "如何", "重置密码", "导出报表", "登录", "失败", "，", "。", "Excel", "export", "resetting",
          "reports", "SSO", " ", " ", "物化视图", "按天汇总", "的", "the", "2FA", "账号"]


def matched_spans(text: str, marked: frozenset[str] | None, terms: frozenset[str]) -> list[tuple[int, int]]:
    kwargs = {} if marked is None else {"marked": marked}
    tokens = ForumAnalyzer()(text, positions=True, chars=True, mode="index", removestops=False, **kwargs)
    return [(t.startchar, t.endchar) for t in tokens if t.text in terms]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), st.lists(st.sampled_from(PIECES), min_size=1, max_size=3))
def test_the_marked_words_are_those_a_full_segmentation_marks(pieces, query):
    text = "".join(pieces)
    terms = frozenset(w for piece in query for w in words(piece, mode="query"))
    assert matched_spans(text, terms, terms) == matched_spans(text, None, terms)


def test_a_chinese_run_without_a_query_word_is_not_segmented(monkeypatch):
    runs = []
    real = jieba.tokenize
    monkeypatch.setattr(jieba, "tokenize", lambda run, **kw: runs.append(run) or real(run, **kw))
    text = "如何导出报表为表格。忘记密码怎么办，重置密码"
    assert hl.highlight(text, frozenset({"重置"}), ContextFragmenter(), hl.formatter())
    assert runs == ["重置密码"]


def test_a_snippet_marks_the_words_in_the_body_then_in_the_answers():
    marks = hl.formatter()
    found = hl.snippet({"body": "Nothing here.", "answers": "Try resetting the 密码 first."},
                       {"body": frozenset({"reset"}), "answers": frozenset({"reset", "密码"})}, marks)
    assert '<mark class="hl term0">resetting</mark>' in found and "密码</mark>" in found
    assert hl.snippet({"body": "Plain <b>text</b>"}, {"body": frozenset({"absent"})}, marks) == "Plain &lt;b&gt;text&lt;/b&gt;"


def test_a_field_said_not_to_hold_the_words_is_not_read():
    asked = []
    found = hl.snippet({"body": "reset first", "answers": "reset later"}, {"body": frozenset({"reset"}), "answers": frozenset({"reset"})},
                       hl.formatter(), lambda name, terms: asked.append(name) or name == "answers")
    assert asked == ["body", "answers"] and "later" in found and "first" not in found
