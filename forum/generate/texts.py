"""The generator's texts: titles and Markdown bodies drawn from the records of words.py.

Every draw goes through the run's seeded RNG, so a seed always yields the same texts.
"""

from __future__ import annotations

import html
import random

from forum.generate.words import (
    ANSWER_SENTENCES, CHINESE_SHARE, CODE_SNIPPETS, IDEA_SLOTS, IDEA_TITLES, JOINER, QUESTION_SENTENCES,
    QUESTION_SLOTS, QUESTION_TITLES,
)


def chinese(rng: random.Random) -> bool:
    """Whether the next generated member, post or idea is in Chinese (``CHINESE_SHARE``)."""
    return rng.random() < CHINESE_SHARE


def _language(zh: bool) -> str:
    return "zh" if zh else "en"


def _fill(rng: random.Random, template: str, slots: dict[str, list[str]]) -> str:
    """The template with one word drawn per slot, in the slots' order; ``{Feature}`` capitalised."""
    words = {slot: rng.choice(choices) for slot, choices in slots.items()}
    feature = words["feature"]
    return template.format(Feature=feature[0].upper() + feature[1:], **words)


def question_title(rng: random.Random, zh: bool) -> str:
    titles = QUESTION_TITLES[_language(zh)]
    template = titles[rng.randrange(len(titles))]
    return _fill(rng, template, QUESTION_SLOTS[_language(zh)])


def idea_title(rng: random.Random, zh: bool) -> str:
    template = rng.choice(IDEA_TITLES[_language(zh)])
    return _fill(rng, template, IDEA_SLOTS[_language(zh)])


def body_blocks(rng: random.Random, zh: bool, answer: bool = False, code: float = 0.15) -> list[str]:
    """Markdown blocks: one or two plain paragraphs and now and then a fenced code block."""
    pool = (ANSWER_SENTENCES if answer else QUESTION_SENTENCES)[_language(zh)]
    joiner = JOINER[_language(zh)]
    blocks = [joiner.join(rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(1, 2))]
    if rng.random() < code:
        blocks.insert(1, rng.choice(CODE_SNIPPETS))
    return blocks


_rendered: dict[str, str] = {}


def render_blocks(blocks: list[str]) -> tuple[str, str]:
    """(body, body_html) where body_html equals render_markdown(body), computed cheaply.

    A paragraph of plain text is rendered by markdown-it as ``<p>escaped text</p>``; blocks with
    Markdown syntax (code, inline code) are rendered once by render_markdown and cached. The
    equality is checked by tests/cli/test_cli.py."""
    from forum.qa.rendering import render_markdown

    parts = []
    for block in blocks:
        if "`" in block or "*" in block or "_" in block or "<" in block or "[" in block:
            cached = _rendered.get(block)
            if cached is None:
                cached = _rendered[block] = render_markdown(block)
            parts.append(cached)
        else:
            parts.append(f"<p>{html.escape(block, quote=False)}</p>\n")
    return "\n\n".join(blocks), "".join(parts)


def body_text(rng: random.Random, zh: bool, answer: bool = False, code: float = 0.15) -> tuple[str, str]:
    return render_blocks(body_blocks(rng, zh, answer, code))
