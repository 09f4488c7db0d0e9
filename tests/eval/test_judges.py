"""Judges: the registry, rules imported from a user's module, order swapping for pairwise
rules, identical responses as ties, and one-line errors for a bad --judge."""

from __future__ import annotations

import pytest

from alignkit.errors import AlignkitError
from alignkit.eval.policy import held_out_prompts
from alignkit.messages import as_text
from alignkit.models import judges


def first_wins(prompt: str, a: str, b: str) -> int:
    """A position-biased pairwise judge: always prefers whatever is shown first."""
    return 1


def longer(prompt: str, a: str, b: str) -> int:
    return (len(a) > len(b)) - (len(a) < len(b))


def length(prompt: str, response: str) -> float:
    return float(len(response))


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(judges, "RULES", dict(judges.RULES))  # registrations stay in the test
    return judges.RULES


def test_register_adds_a_rule_and_infers_its_kind(registry):
    @judges.register("test-length")
    def rule(prompt: str, response: str, scale: float = 1.0) -> float:
        """Longer is better."""
        return len(response) * scale

    assert rule("p", "abc") == 3.0  # the function itself is returned unchanged
    assert registry["test-length"].pairwise is False and registry["test-length"].help
    judges.register("test-pair")(longer)
    assert registry["test-pair"].pairwise is True
    judge = judges.make_judge("rule:test-length")
    assert [j.verdict for j in judge.judge(["p", "p"], ["long one", "a"], ["short", "b"])] == [1, 0]
    with pytest.raises(AlignkitError, match="must take"):
        judges.register("bad")(lambda x: 1.0)


def declare(monkeypatch, **points):
    from importlib.metadata import EntryPoint

    group = judges.ENTRY_POINT_GROUP
    found = [EntryPoint(name, value, group) for name, value in points.items()]
    monkeypatch.setattr(judges, "declared", lambda: found)


def test_declared_rules_import_on_first_lookup(registry, monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "tests.eval.plugin_rules", raising=False)
    declare(monkeypatch, **{"test-plugin-exclaims": "tests.eval.plugin_rules:exclaims"})
    judges.make_judge("rule:no-refusal")  # a built-in: no entry point is imported
    assert "tests.eval.plugin_rules" not in sys.modules and "test-plugin-exclaims" not in registry
    judge = judges.make_judge("rule:test-plugin-exclaims")
    assert [j.verdict for j in judge.judge(["p"], ["Yes!"], ["yes"])] == [1]
    assert "test-plugin-exclaims" in judges.registered() and judge.rule.help


def test_a_declared_rule_that_cannot_import_is_one_line(registry, monkeypatch):
    declare(monkeypatch, **{"test-broken": "tests.eval.no_such_module:rule"})
    with pytest.raises(AlignkitError, match=r"rule:test-broken \(entry point tests.eval.no_such"):
        judges.make_judge("rule:test-broken")
    with pytest.raises(AlignkitError, match="unknown judge rule 'nope'"):
        declare(monkeypatch)
        judges.make_judge("rule:nope")


def test_the_demo_rule_is_found_in_a_fresh_process():
    """As a job's `python -m alignkit.cli eval policy` would: nothing imports the demo first."""
    import subprocess
    import sys

    code = (
        "import sys; from alignkit.models.judges import make_judge; "
        "j = make_judge('rule:house-style'); "
        "assert 'alignkit.demo.oracle' in sys.modules; print(j.rule.fn.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "alignkit.demo.oracle", out.stderr


def test_a_name_cannot_be_registered_for_two_functions(registry):
    judges.register("test-twice")(length)
    judges.register("test-twice")(length)  # the same function again (a re-import) is fine
    with pytest.raises(AlignkitError, match="registered twice"):
        judges.register("test-twice")(longer)


def test_pairwise_rules_are_asked_in_both_orders():
    biased = judges.RuleJudge(judges.as_rule("first", first_wins), "rule:first")
    assert biased.order_sensitive
    out = biased.judge(["p", "q"], ["a", "bb"], ["cc", "d"])
    # a: first in (a, b) -> 1; first in (b, a) -> b wins -> -1 from a's side: inconsistent, tie
    assert [j.verdict for j in out] == [0, 0] and out[0].orders == [1, -1]
    fair = judges.RuleJudge(judges.as_rule("longer", longer), "rule:longer")
    assert [j.verdict for j in fair.judge(["p", "q"], ["aaa", "b"], ["cc", "dd"])] == [1, -1]


def test_user_rules_import_by_module_and_function():
    judge = judges.make_judge("rule:tests.eval.test_judges:length")
    assert not judge.order_sensitive
    (j,) = judge.judge([[{"role": "user", "content": "hi"}]], ["four"], ["sixsix"])
    assert (j.verdict, j.score_a, j.score_b) == (-1, 4.0, 6.0)
    assert judges.make_judge("rule:tests.eval.test_judges:longer").order_sensitive


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("rule:no-such-rule", "unknown judge rule 'no-such-rule'"),
        ("rule:no_such_module_xyz:f", "cannot import module 'no_such_module_xyz'"),
        ("rule:tests.eval.test_judges:missing", "has no 'missing'"),
        ("rule:tests.eval.test_judges:pytest", "not a function"),
        ("rule:", "must be rm:PATH"),
        ("gpt4", "must be rm:PATH"),
        ("rm:/no/such/folder", "does not exist"),
    ],
)
def test_bad_judge_specs_are_one_line_errors(spec, message):
    with pytest.raises(AlignkitError, match=message) as info:
        judges.make_judge(spec)
    assert "\n" not in str(info.value)


def test_a_rule_that_fails_or_returns_junk_is_a_user_error(registry):
    judges.register("boom")(lambda prompt, response: 1 / 0)
    with pytest.raises(AlignkitError, match="rule:boom raised ZeroDivisionError"):
        judges.make_judge("rule:boom").judge(["p"], ["a"], ["b"])
    judges.register("junk")(lambda prompt, a, b: "a")
    with pytest.raises(AlignkitError, match="expected -1/0/1"):
        judges.make_judge("rule:junk").judge(["p"], ["a"], ["b"])


def test_identical_responses_are_ties_whatever_the_judge_says():
    judge = judges.RuleJudge(judges.as_rule("r", lambda prompt, response: 1.0), "rule:r")
    judge.judge = lambda prompts, a, b: [judges.Judgement(1, 2.0, 1.0) for _ in a]
    out = judges.run_judge(judge, ["p", "p"], ["same", "x"], ["same", "y"])
    assert [j.verdict for j in out] == [0, 1] and out[0].score_a == 2.0  # scores are kept


def test_built_in_rules():
    refusal = judges.RULES["no-refusal"].fn
    assert refusal("p", "Paris is the capital.") == 1.0
    assert refusal("p", "I\u2019m sorry, but I can\u2019t help with that.") == 0.0
    assert refusal("p", "As an AI, I cannot do that") == 0.0 and refusal("p", "  ") == 0.0
    distinct = judges.RULES["distinct-2"].fn
    assert distinct("p", "a b a b a b") == pytest.approx(2 / 5)
    assert distinct("p", "the cat sat") == 1.0 and distinct("p", "") == 0.0
    assert (
        as_text(
            [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}], last_user=True
        )
        == "u"
    )


def test_held_out_prompts_are_unique_and_seeded():
    prompts = ["a", "b", "a", [{"role": "user", "content": "c"}], "b", "d"]
    first = held_out_prompts(prompts, 10, seed=0)
    assert len(first) == 4 and sorted(map(str, first)) == sorted(
        map(str, ["a", "b", "d", prompts[3]])
    )
    assert held_out_prompts(prompts, 10, seed=0) == first
    assert held_out_prompts(prompts, 2, seed=0) == first[:2]
    assert any(held_out_prompts(prompts, 4, seed=s) != first for s in range(1, 6))
