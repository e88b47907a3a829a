"""The analyzer and the search tables (issue 3: Chinese and English by word)."""

from forum.search import rules
from forum.search.analysis import ForumAnalyzer, words
from forum.search.documents import SOURCES


def test_chinese_is_split_into_overlapping_words_when_indexed():
    indexed = words("如何配置数据库连接池")
    assert "数据库" in indexed and "连接池" in indexed and "配置" in indexed


def test_a_chinese_query_asks_only_for_its_own_words():
    query_words = [t.text for t in ForumAnalyzer()("数据库连接池", mode="query")]
    assert query_words == ["数据库", "连接池"]


def test_english_is_lower_cased_and_stemmed():
    assert words("Resetting") == words("reset") == ["reset"]
    assert words("RUNNING connections") == ["run", "connect"]


def test_mixed_text_keeps_offsets_for_highlighting():
    tokens = [(t.text, t.startchar, t.endchar) for t in ForumAnalyzer()("SSO 单点登录 fails", chars=True)]
    text = "SSO 单点登录 fails"
    for word, start, end in tokens:
        assert text[start:end].lower().startswith(word[:2])


def test_stop_words_are_dropped_in_both_languages():
    assert words("the 的 and") == []


def test_every_indexed_event_names_a_payload_key():
    for source in SOURCES.values():
        assert source.events, source.doc_type
        assert all(isinstance(key, str) and key for key in source.events.values())
    assert {"question_asked", "question_edited", "question_deleted", "answer_posted", "answer_edited",
            "answer_deleted", "answer_accepted", "answer_unaccepted"} <= set(SOURCES["question"].events)


def test_ask_event_whitelist_and_sorts():
    assert rules.ASK_EVENT_KINDS == ("ask_started", "ask_suggestion_clicked", "ask_abandoned_after_suggestion")
    assert rules.DEFAULT_SORT in rules.SORTS and rules.DEFAULT_TYPE in rules.TYPES
    assert rules.SIMILAR_LIMIT == 10
