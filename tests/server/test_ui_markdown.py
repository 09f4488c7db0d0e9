"""Guidelines are markdown rendered through a sanitizer (ui/markdown.py): a list of XSS
payloads leaves no script, event handler, style, frame or script URL behind, links carry
rel="noopener noreferrer", and ordinary markdown still renders; on the annotate page too."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

pytest.importorskip("nh3", reason="the server extra is not installed")

from alignkit.server.ui.markdown import ATTRIBUTES, TAGS, render  # noqa: E402

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://ok.example" target="_blank" onmouseover="alert(1)">ok</a>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div onclick="alert(1)">click me</div>',
    "<details open ontoggle=alert(1)><summary>s</summary>x</details>",
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    '<a href="https://ok.example" rel="opener">ok</a>',
]
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Tags(HTMLParser):
    """Every element and attribute a browser would build from the output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag in TAGS, (tag, html)
        assert set(attrs) <= ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), html
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                scheme = urlsplit(attrs[name].strip()).scheme.lower()
                assert scheme in SAFE_SCHEMES, (attrs[name], html)
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer", html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_render_inert(payload):
    html = str(render(payload))
    assert_inert(html)  # the elements a browser builds from it: allow-listed, inert
    assert "<script" not in html.lower()  # what is left of a payload is escaped text


def test_script_urls_never_reach_an_attribute():
    for payload in PAYLOADS:
        for _tag, attrs in elements(str(render(payload))):
            assert not any("script" in (v or "").lower() for v in attrs.values()), payload


def test_markdown_still_renders():
    text = (
        "# Rules\n\nPrefer the **correct** answer, then the *shorter*.\n\n"
        "1. read both\n2. pick one\n\n- `code` and ~~old~~\n\n"
        "| col | other |\n| --- | --- |\n| a | b |\n\n"
        "> a quote\n\nSee [the guide](https://example.org/guide) or [home](/).\n\n"
        "<kbd>1</kbd> picks A<br>\n"
    )
    html = str(render(text))
    for part in ("<h1>Rules</h1>", "<strong>correct</strong>", "<em>shorter</em>", "<ol>",
                 "<li>read both</li>", "<code>code</code>", "<s>old</s>", "<table>",
                 "<td>a</td>", "<blockquote>", "<kbd>1</kbd>", "<br>"):  # fmt: skip
        assert part in html, part
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert links == [
        {"href": "https://example.org/guide", "rel": "noopener noreferrer"},
        {"href": "/", "rel": "noopener noreferrer"},
    ]
    assert (
        str(render("")) == "" and str(render("2 < 3 & 4 > 1")) == "<p>2 &lt; 3 &amp; 4 &gt; 1</p>\n"
    )


def test_the_page_shows_sanitized_guidelines(client, store, admin):
    from tests.server.feedback_env import Env
    from tests.server.test_ui import ui_login

    env = Env(client, store, admin)
    user = env.user("ann@x.org")
    wid = env.workspace("team", {"ann": (user, "annotator")})
    did, _ids = env.dataset(wid, {"type": "thumbs"}, [{"prompt": "p", "answers": ["x"]}])
    guidelines = "## Be **kind**\n\n" + "\n\n".join(PAYLOADS)
    r = client.patch(f"/api/feedback/datasets/{did}", json={"guidelines": guidelines},
                     headers=admin)  # fmt: skip
    assert r.status_code == 200, r.json()
    ui_login(client, "ann@x.org")
    page = client.get(f"/datasets/{did}/annotate")
    assert page.status_code == 200 and "<h2>Be <strong>kind</strong></h2>" in page.text
    start = page.text.index('<div class="markdown" id="guidelines">')
    block = page.text[start : page.text.index("</details>", start)]
    assert_inert(block.removeprefix('<div class="markdown" id="guidelines">'))
    assert "script-src 'self'" in page.headers["content-security-policy"]
