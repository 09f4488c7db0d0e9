"""A dataset's guidelines, markdown written by its admins, as HTML for the annotate page.

markdown-it-py renders CommonMark (with tables and strikethrough; raw HTML passes through it),
then nh3 (the Ammonia sanitizer) keeps only an allow-list: no script, style, iframe, form or
event handler, no style attribute, links only to http(s), mailto or relative addresses, each
with rel="noopener noreferrer". The sanitizer is the boundary, not markdown-it's own link
check: a guideline is trusted no more than model text is."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead",
    "tbody", "tr", "th", "td", "details", "summary", "sup", "sub",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "details": {"open"},
}  # fmt: skip
SCHEMES = {"http", "https", "mailto"}
REL = "noopener noreferrer"


@lru_cache(maxsize=1)
def _renderer():
    from markdown_it import MarkdownIt

    # html: raw HTML in the source reaches the sanitizer, which decides what survives
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def sanitize(html: str) -> str:
    import nh3

    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=REL,
        strip_comments=True,
    )  # fmt: skip


@lru_cache(maxsize=128)  # every page load of a dataset shows the same guidelines
def render(text: str) -> Markup:
    """Markdown to sanitized HTML, marked safe for Jinja2's autoescape."""
    return Markup(sanitize(_renderer().render(text or "")))
