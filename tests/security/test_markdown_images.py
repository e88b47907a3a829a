"""Markdown images: only this site's images render as <img>; an external one becomes a link (no
tracking pixels), and the pages' CSP (img-src 'self' data:) blocks any stored before."""

from __future__ import annotations

import pytest

from forum.qa.rendering import render_markdown


@pytest.mark.parametrize("src", ["https://tracker.example/pixel.gif", "http://tracker.example/p.png",
                                 "//tracker.example/p.png", "HTTPS://TRACKER.example/x.png"])
def test_external_images_become_links(ctx, src):
    html = render_markdown(f"Look: ![a chart]({src})")
    assert "<img" not in html
    assert f'href="{src}"' in html and ">a chart</a>" in html


@pytest.mark.parametrize("src", ["/uploads/ideas/1/chart.png", "/static/img/logo.png",
                                 "https://community.example.com/uploads/a.png"])
def test_this_sites_images_render(ctx, src):
    ctx.config["BASE_URL"] = "https://community.example.com"
    html = render_markdown(f"![chart]({src})")
    assert f'<img src="{src}" alt="chart">' in html


def test_an_external_image_in_a_posted_question_is_a_link(ctx):
    from tests.factories import ask, make_user

    question = ask(make_user(), title="Why is my chart blank?", body="![pixel](https://t.example/p.gif)")
    assert "<img" not in question.body_html and 'href="https://t.example/p.gif"' in question.body_html
