"""The --anonymize scrubber: pattern tables per kind, JSON safety, counts, frames, Presidio glue."""

from __future__ import annotations

import json
import re
import sys
import time
import types

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignkit.data import anonymize
from alignkit.data.anonymize import KINDS, TOKENS, scrub_frame, scrub_text
from alignkit.errors import AlignkitError

# (kind, PII as it appears in running text); each is checked inside a few sentence contexts
POSITIVES = [
    ("email", "jane.doe@example.com"),
    ("email", "j_smith+news@mail.example.co.uk"),
    ("email", "ADMIN@EXAMPLE.ORG"),
    ("email", "first.last-99@sub.domain.io"),
    ("email", "user%tag@host-name.net"),
    ("email", "o.k@a1.b2.dev"),
    ("email", "x@y.museum"),
    ("email", "support@acme-corp.com"),
    ("email", "4111111111111111@cards.example.com"),
    ("phone", "+44 20 7946 0958"),
    ("phone", "+1 (555) 123-4567"),
    ("phone", "555-123-4567"),
    ("phone", "(555) 123 4567"),
    ("phone", "555.123.4567"),
    ("phone", "+15551234567"),
    ("phone", "+33 1 23 45 67 89"),
    ("phone", "1-800-555-0199"),
    ("phone", "020 7946 0958"),
    ("phone", "+49 30 1234 5678"),
    ("phone", "+91 98765 43210"),
    ("card", "4111 1111 1111 1111"),
    ("card", "4111-1111-1111-1111"),
    ("card", "4111111111111111"),
    ("card", "5500 0000 0000 0004"),
    ("card", "3782 822463 10005"),
    ("card", "3056 930902 5904"),
    ("card", "6011000990139424"),
    ("card", "4222222222222"),
    ("card", "4000 0566 5566 5556"),
    ("ip", "192.168.1.20"),
    ("ip", "10.0.0.1"),
    ("ip", "255.255.255.255"),
    ("ip", "8.8.8.8"),
    ("ip", "2001:db8:85a3::8a2e:370:7334"),
    ("ip", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
    ("ip", "::ffff:192.0.2.128"),
    ("ip", "fe80:0:0:0:200:f8ff:fe21:67cf"),
    ("ip", "2001:db8::1"),
    ("url", "https://example.com"),
    ("url", "http://example.com/path?q=1&r=2#frag"),
    ("url", "https://sub.example.co.uk/a/b.html"),
    ("url", "www.example.org/page"),
    ("url", "ftp://files.example.com/pub/file.txt"),
    ("url", "https://user@example.com/x"),
    ("url", "http://10.0.0.1:8080/admin"),
    ("url", "HTTPS://EXAMPLE.COM/Docs"),
    ("url", "https://example.com/search?q=a%20b"),
]
CONTEXTS = ["{}", "Contact: {} today.", "({})", "at {}, or", "<td>{}</td>", "line1\n{}\nline2"]

# text that must come back unchanged, grouped by the kind it could be mistaken for
NEGATIVES = {
    "email": [
        "user@localhost",
        "ping @username on chat",
        "a @ b.com",
        "bob at example dot com",
        "trailing foo@",
        "@example.com",
        "price@1.99",
        "x@y.z",
        "git@github:repo",
    ],
    "phone": [
        "it costs 1,299.99",
        "released 2024-01-05",
        "meet at 10:30",
        "version 1.2.3",
        "zip 12345",
        "from 1999 to 2024",
        "ISBN 978-3-16-148410-0",
        "call 911",
        "on 12-05-2024",
        "pi is 3.14159",
        "SSN-shaped 123-45-6789",
        "build v10.0.19041",
    ],
    "card": [
        "4111 1111 1111 1112",
        "ts 1704412800000",
        "order 1234567890123456",
        "1234 5678 9012 3456",
        "id 12345678901234567890",
        "account 1234 5678 9012",
        "total 1,299,999,999.99",
        "dated 2024-01-05 2024-02-06",
        "pi 3.14159265358979323",
    ],
    "ip": [
        "version 1.2.3",
        "dotted 1.2.3.4.5",
        "bad 256.1.1.1",
        "build 10.0.19041.1",
        "v1.2.3.4",
        "loopback ::1 and fe80::1",
        "slice x[1::2] and y[::2]",
        "time 10:30:45",
        "mac 00:1A:2B:3C:4D:5E",
        "std::vector<int>",
    ],
    "url": [
        "example.com",
        "http:// not a url",
        "see https://",
        "file.txt",
        "a.b.c",
        "http//x.com",
        "wwwexample",
        "the www is big",
    ],
}


def _expected(kind: str, pii: str, ctx: str) -> tuple[str, dict[str, int]]:
    counts = dict.fromkeys(KINDS, 0)
    counts[kind] = 1
    return ctx.format(TOKENS[kind]), counts


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize(("kind", "pii"), POSITIVES)
def test_positive(kind, pii, ctx):
    assert scrub_text(ctx.format(pii)) == _expected(kind, pii, ctx)


@pytest.mark.parametrize("text", [t for ts in NEGATIVES.values() for t in ts], ids=lambda t: t[:30])
def test_negative(text):
    assert scrub_text(text) == (text, dict.fromkeys(KINDS, 0))


def test_tables_are_large_enough():
    for kind in KINDS:
        assert sum(k == kind for k, _ in POSITIVES) >= 8
        assert len(NEGATIVES[kind]) >= 8


def test_mixed_counts_and_adjacent_matches():
    text = (
        "Mail a@b.com or c.d@e.org, call +1 (555) 123-4567 / 555-987-6543, card "
        "4111 1111 1111 1111, hosts 1.1.1.1 2.2.2.2,3.3.3.3 and http://x.io/a?u=q@r.com"
    )
    out, counts = scrub_text(text)
    assert counts == {"email": 2, "phone": 2, "card": 1, "ip": 3, "url": 1}
    assert out == (
        "Mail <EMAIL> or <EMAIL>, call <PHONE> / <PHONE>, card <CARD>, "
        "hosts <IP> <IP>,<IP> and <URL>"
    )


def test_sentence_punctuation_is_kept():
    assert scrub_text("IP 1.2.3.4. Mail a@b.com. See https://x.com/a.")[0] == (
        "IP <IP>. Mail <EMAIL>. See <URL>."
    )
    assert scrub_text("host 1.2.3.4:8080")[0] == "host <IP>:8080"


# (content, content after scrubbing): JSON-encoded with escapes next to the PII
JSON_CASES = [
    ("mail me at a@b.com\nthanks", "mail me at <EMAIL>\nthanks"),
    ("\nbob@x.com", "\n<EMAIL>"),
    ("\tcall 555-123-4567\r\n", "\tcall <PHONE>\r\n"),
    ('he said "a@b.com" and "+44 20 7946 0958"', 'he said "<EMAIL>" and "<PHONE>"'),
    ("café bob@x.com", "café <EMAIL>"),
    ("é4111 1111 1111 1111é", "é<CARD>é"),
    ("\\\nbob@x.com", "\\\n<EMAIL>"),
    ("\\nbob@x.com 10.1.2.3", "\\n<EMAIL> <IP>"),
    ("\u00e91.2.3.4\u00e9 and https://x.com/caf\u00e9?a=1 ok", "\u00e9<IP>\u00e9 and <URL> ok"),
    ("https://x.com/\U0001f600/p.", "<URL>."),
    ("line\n192.168.0.1\n2001:db8::8a2e:370:7334\n", "line\n<IP>\n<IP>\n"),
    ("\n555.123.4567\n555.123.4568\n", "\n<PHONE>\n<PHONE>\n"),
    # known limitation: right after a literal backslash nothing is scrubbed (see the module)
    ("path C:\\new\\a@b.com", "path C:\\new\\a@b.com"),
]


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize(("content", "expected"), JSON_CASES)
def test_json_stays_valid(content, expected, ensure_ascii):
    raw = json.dumps([{"role": "user", "content": content}], ensure_ascii=ensure_ascii)
    out, counts = scrub_text(raw)
    assert json.loads(out) == [{"role": "user", "content": expected}]
    assert counts == {k: expected.count(TOKENS[k]) for k in KINDS}


def test_php_escaped_slashes():
    raw = '{"content": "see https:\\/\\/example.com\\/a\\/b. ok"}'
    assert json.loads(scrub_text(raw)[0]) == {"content": "see <URL>. ok"}


def test_json_escapes_are_seen_through():
    raw = json.dumps([{"role": "user", "content": "hi\nbob@x.com\u00e9\n555-123-4567"}])
    assert json.loads(scrub_text(raw)[0])[0]["content"] == "hi\n<EMAIL>\u00e9\n<PHONE>"


def test_frame_matches_text_nulls_and_non_strings():
    texts = [ctx.format(p) for _, p in POSITIVES for ctx in CONTEXTS[:2]]
    texts += [t for ts in NEGATIVES.values() for t in ts] + [c for c, _ in JSON_CASES] + [None, ""]
    df = pl.DataFrame({"a": texts, "b": texts[::-1], "n": range(len(texts))})
    res = scrub_frame(df, ["a", "b", "n"], engine="patterns")
    assert res.engine == "patterns"
    assert res.frame["n"].to_list() == df["n"].to_list()
    assert res.frame.columns == df.columns
    want = dict.fromkeys(KINDS, 0)
    for col in ("a", "b"):
        got = res.frame[col].to_list()
        for before, after in zip(df[col].to_list(), got, strict=True):
            if before is None:
                assert after is None
                continue
            text, counts = scrub_text(before)
            assert after == text
            for k in KINDS:
                want[k] += counts[k]
    assert res.counts == want
    assert all(v > 0 for v in res.counts.values())


def test_frame_edge_cases():
    empty = pl.DataFrame({"a": pl.Series([], dtype=pl.String)})
    assert scrub_frame(empty, ["a"], engine="patterns").counts == dict.fromkeys(KINDS, 0)
    nulls = pl.DataFrame({"a": pl.Series([None, None], dtype=pl.String)})
    assert scrub_frame(nulls, ["a"], engine="patterns").frame["a"].to_list() == [None, None]
    with pytest.raises(AlignkitError, match="no column 'zz'"):
        scrub_frame(empty, ["zz"], engine="patterns")
    with pytest.raises(AlignkitError, match="engine"):
        scrub_frame(empty, ["a"], engine="spacy")  # type: ignore[arg-type]


def test_frame_spans_several_chunks(monkeypatch):
    monkeypatch.setattr(anonymize, "_CHUNK", 7)
    texts = [f"row {i} mail u{i}@x.com ip 10.0.0.{i % 250}" for i in range(100)] + [None]
    res = scrub_frame(pl.DataFrame({"t": texts}), ["t"], engine="patterns")
    assert res.counts == {"email": 100, "phone": 0, "card": 0, "ip": 100, "url": 0}
    assert res.frame["t"][42] == "row 42 mail <EMAIL> ip <IP>"
    assert res.frame["t"][100] is None


@pytest.fixture
def no_presidio(monkeypatch):
    monkeypatch.setitem(sys.modules, "presidio_analyzer", None)  # import raises ImportError
    monkeypatch.setitem(sys.modules, "presidio_anonymizer", None)
    anonymize._presidio_engines.cache_clear()
    yield
    anonymize._presidio_engines.cache_clear()


def test_presidio_missing(no_presidio):
    df = pl.DataFrame({"a": ["a@b.com"]})
    with pytest.raises(AlignkitError) as err:
        scrub_frame(df, ["a"], engine="presidio")
    assert str(err.value) == (
        "--anonymize with presidio needs: pip install presidio-analyzer presidio-anonymizer"
    )
    auto = scrub_frame(df, ["a"])
    assert auto.engine == "patterns" and auto.frame["a"][0] == "<EMAIL>"


@pytest.fixture
def fake_presidio(monkeypatch):
    """Just enough of Presidio's documented API: the analyzer finds e-mails the way Presidio's
    `\\b`-bounded regex does (so `\\nbob@x.com` gives `nbob@x.com`), the anonymizer replaces."""

    class RecognizerResult:
        def __init__(self, entity_type, start, end, score):
            self.entity_type, self.start, self.end, self.score = entity_type, start, end, score

    class AnalyzerEngine:
        def analyze(self, text, language, entities):
            assert language == "en" and "EMAIL_ADDRESS" in entities
            found = re.finditer(r"\b[\w.]+@\w+\.\w+\b", text)
            return [RecognizerResult("EMAIL_ADDRESS", m.start(), m.end(), 1.0) for m in found]

    class OperatorConfig:
        def __init__(self, operator_name, params):
            assert operator_name == "replace"
            self.params = params

    class AnonymizerEngine:
        def anonymize(self, text, analyzer_results, operators):
            items = []
            for r in sorted(analyzer_results, key=lambda r: -r.start):
                text = (
                    text[: r.start] + operators[r.entity_type].params["new_value"] + text[r.end :]
                )
                items.append(types.SimpleNamespace(entity_type=r.entity_type))
            return types.SimpleNamespace(text=text, items=items)

    analyzer = types.ModuleType("presidio_analyzer")
    analyzer.AnalyzerEngine = AnalyzerEngine
    anonymizer = types.ModuleType("presidio_anonymizer")
    anonymizer.AnonymizerEngine = AnonymizerEngine
    entities = types.ModuleType("presidio_anonymizer.entities")
    entities.OperatorConfig = OperatorConfig
    monkeypatch.setitem(sys.modules, "presidio_analyzer", analyzer)
    monkeypatch.setitem(sys.modules, "presidio_anonymizer", anonymizer)
    monkeypatch.setitem(sys.modules, "presidio_anonymizer.entities", entities)
    anonymize._presidio_engines.cache_clear()
    yield
    anonymize._presidio_engines.cache_clear()


def test_presidio_path_keeps_json_valid(fake_presidio):
    raw = json.dumps([{"role": "user", "content": "hi\nbob@x.com and \u00e9al@y.org"}])
    df = pl.DataFrame({"m": [raw, None], "n": [1, 2]})
    res = scrub_frame(df, ["m", "n"])
    assert res.engine == "presidio"
    assert res.counts == {"email": 2, "phone": 0, "card": 0, "ip": 0, "url": 0}
    assert json.loads(res.frame["m"][0])[0]["content"] == "hi\n<EMAIL> and \u00e9<EMAIL>"
    assert res.frame["m"][1] is None
    assert scrub_frame(df, ["m"], engine="patterns").engine == "patterns"


# Property tests: text built from PII-ish fragments, escapes and separators finds the edge cases
# far more often than uniform random text.
FRAGMENTS = [
    "a@b.com", "x.y+z@mail.example.org", "+1 (555) 123-4567", "555-123-4567", "020 7946 0958",
    "4111 1111 1111 1111", "4111111111111111", "1704412800000", "1.2.3.4", "192.168.0.1",
    "2001:db8::8a2e:370:7334", "fe80::1", "https://x.com/a?b=1", "www.ex.org", "<EMAIL>",
    "<IP>", "\\", '"', "\\n", "\\u00e9", "\\\\", ".", "-", ":", "::", " ", "@", "(", ")", "+",
    "1", "12", "555", "0", "é", "\n",
]  # fmt: skip
pii_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS), st.text(alphabet='0123456789.-:@ ()+abf\\"/é', max_size=4)
    ),
    max_size=14,
).map("".join)
any_text = st.one_of(st.text(max_size=80), pii_text)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_idempotent_and_never_raises(text):
    once, counts = scrub_text(text)
    assert scrub_text(once) == (once, dict.fromkeys(KINDS, 0))
    assert all(v >= 0 for v in counts.values())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"role": st.sampled_from(["user", "assistant"]), "content": any_text}
        ),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
)
def test_json_messages_stay_valid(messages, ensure_ascii):
    out, _ = scrub_text(json.dumps(messages, ensure_ascii=ensure_ascii))
    decoded = json.loads(out)
    assert [m["role"] for m in decoded] == [m["role"] for m in messages]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), any_text), max_size=20))
def test_frame_equals_text(texts):
    res = scrub_frame(pl.DataFrame({"t": texts}, schema={"t": pl.String}), ["t"], "patterns")
    want = [None if t is None else scrub_text(t)[0] for t in texts]
    assert res.frame["t"].to_list() == want
    assert sum(res.counts.values()) == sum(
        sum(scrub_text(t)[1].values()) for t in texts if t is not None
    )


@pytest.mark.slow
def test_million_rows_is_fast():
    rows = [
        "The quick brown fox paid 1,299.99 on 2024-01-05 at 10:30 for v1.2.3. " * 2,
        json.dumps([{"role": "user", "content": "mail a@b.com\ncall +1 (555) 123-4567"}]),
        "Server 192.168.1.20, https://example.com/x?q=1, card 4111 1111 1111 1111.",
        "Order 1704412800000 shipped.",
    ]
    df = pl.DataFrame({"t": [rows[i % 4] for i in range(1_000_000)]})
    start = time.perf_counter()
    res = scrub_frame(df, ["t"], engine="patterns")
    elapsed = time.perf_counter() - start
    assert res.counts == {"email": 250_000, "phone": 250_000, "card": 250_000, "ip": 250_000,
                          "url": 250_000}  # fmt: skip
    assert elapsed < 20, elapsed  # ~1-2 s on 2 cores; the bound only catches a blow-up
