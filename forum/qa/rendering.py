"""Markdown → sanitized HTML (docs/rules.md). markdown-it-py renders, nh3 (Ammonia) sanitizes:
no scripts, no event handlers, no javascript: links; links get rel="nofollow ugc noopener".
Images only from this site (uploads, a path or BASE_URL): an image from another address becomes a
link to it, so a post cannot load a tracking pixel into readers' browsers (docs/security.md)."""

from __future__ import annotations

from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")


def _same_origin_image(src: str) -> bool:
    from flask import has_app_context

    if has_app_context():
        from forum.security import is_same_origin

        return is_same_origin(src)
    return src.startswith("/") and not src.startswith("//") and "\\" not in src


def _render_image(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image from this site as <img>; from anywhere else, a link with the image's description."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if _same_origin_image(src):
        return renderer.image(tokens, idx, options, env)
    text = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(text)}</a>'


_md.add_render_rule("image", _render_image)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "code": {"class"},
                      "th": {"align"}, "td": {"align"}}


def render_markdown(source: str) -> str:
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
