"""Judges that compare a policy's response (a) with the reference's (b) to the same prompt.

    --judge rm:PATH              a reward model scores each response; the higher score wins
    --judge rule:NAME            a registered rule (RULES; `alignkit eval judges` lists them)
    --judge rule:module:function a rule imported from the user's own code

A rule is a plain function. Pointwise, `rule(prompt: str, response: str) -> float`, scores one
response at a time, so the order of the pair cannot matter. Pairwise, `rule(prompt: str, a: str,
b: str) -> int` returns 1 when a is better, -1 when b is, 0 for a tie; such a rule may prefer a
position, so it is asked in both orders and a response wins only when both answers agree (else
the pair is a tie). The kind is read from the number of parameters. Rules get the prompt as
text: a chat prompt becomes the content of its last user message.

Add a rule with the decorator, or, from another package (the demo's `house-style` is one),
declare it as an entry point in the `alignkit.judges` group of its pyproject.toml; entry points
are imported only when a rule name is looked up, so `--help` stays instant, this module names
no module above it, and any process finds the rule (a job's too) without importing it first:

    from alignkit.models.judges import register

    @register("capital-facts")
    def capital_facts(prompt: str, response: str) -> float: ...

    # or, in pyproject.toml:
    # [project.entry-points."alignkit.judges"]
    # capital-facts = "mypackage.rules:capital_facts"
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from alignkit.errors import AlignkitError
from alignkit.messages import as_text


@dataclass
class Judgement:
    verdict: int  # 1: the policy's response (a) wins, 0: tie, -1: the reference's (b) wins
    score_a: float | None = None
    score_b: float | None = None
    orders: list[int] | None = None  # pairwise: the verdict for a in each presentation order


@dataclass
class Rule:
    name: str
    fn: Callable[..., Any]
    pairwise: bool
    help: str = ""


RULES: dict[str, Rule] = {}
# installed packages add rules as entry points `name = "module:function"` in this group
ENTRY_POINT_GROUP = "alignkit.judges"


def as_rule(name: str, fn: Callable[..., Any], pairwise: bool | None = None) -> Rule:
    """A Rule for `fn`, its kind read from its parameters unless `pairwise` is given."""
    if not callable(fn):
        raise AlignkitError(f"judge rule:{name} is not a function")
    if pairwise is None:
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            raise AlignkitError(f"judge rule:{name}: cannot read its parameters") from None
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        required = [p for p in params if p.kind in kinds and p.default is p.empty]
        if len(required) not in (2, 3):
            raise AlignkitError(
                f"judge rule:{name} must take (prompt, response) or (prompt, a, b), "
                f"not {len(required)} parameter(s)"
            )
        pairwise = len(required) == 3
    doc = (inspect.getdoc(fn) or "").strip().splitlines()
    return Rule(name=name, fn=fn, pairwise=pairwise, help=doc[0] if doc else "")


def register(name: str, *, pairwise: bool | None = None):
    """Decorator adding a rule to RULES as `rule:<name>`; the function is returned unchanged."""

    def add(fn: Callable[..., Any]) -> Callable[..., Any]:
        known = RULES.get(name)
        if known is not None and _qualname(known.fn) != _qualname(fn):  # a re-import is fine
            raise AlignkitError(f"judge rule:{name} is registered twice ({_qualname(fn)})")
        RULES[name] = as_rule(name, fn, pairwise)
        return fn

    return add


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def declared() -> list[EntryPoint]:
    """The rules installed packages declare (entry points of ENTRY_POINT_GROUP)."""
    return list(entry_points(group=ENTRY_POINT_GROUP))


def registered(name: str | None = None) -> dict[str, Rule]:
    """RULES, with the declared rules (only `name`'s, when given) imported into it; a declared
    rule that fails to import is one line naming its entry point."""
    for point in declared():
        if point.name in RULES or name not in (None, point.name):
            continue
        try:
            fn = point.load()
        except Exception as exc:  # ImportError, or the module's own error while importing
            raise AlignkitError(
                f"judge rule:{point.name} (entry point {point.value}) cannot be imported "
                f"({type(exc).__name__}: {exc})"
            ) from None
        register(point.name)(fn)
    return RULES


# -- built-in rules --------------------------------------------------------------------------

REFUSAL = re.compile(
    r"\b(i can ?not|i can't|i won't|i will not|i'm sorry|i am sorry|i apologi[sz]e|as an ai|"
    r"i'm (?:unable|not able)|i am (?:unable|not able)|i must decline|i'm afraid i)\b"
)


@register("no-refusal")
def no_refusal(prompt: str, response: str) -> float:
    """1 for an answer, 0 for a refusal or an empty response (for prompts that deserve one)."""
    text = response.lower().replace("\u2019", "'")
    return 0.0 if not text.strip() or REFUSAL.search(text) else 1.0


@register("distinct-2")
def distinct_2(prompt: str, response: str) -> float:
    """Share of distinct word bigrams (Li et al. 2016): low for looping, degenerate text."""
    words = response.split()
    if len(words) < 2:
        return float(len(words))  # an empty response scores 0, a one-word one 1
    bigrams = list(zip(words, words[1:]))
    return len(set(bigrams)) / len(bigrams)


# -- judges ----------------------------------------------------------------------------------


@dataclass
class RuleJudge:
    rule: Rule
    spec: str
    order_sensitive: bool = field(init=False)

    def __post_init__(self) -> None:
        self.order_sensitive = self.rule.pairwise

    def _call(self, *args: Any) -> Any:
        try:
            return self.rule.fn(*args)
        except Exception as exc:  # the user's code: say which judge failed, in one line
            raise AlignkitError(f"judge {self.spec} raised {type(exc).__name__}: {exc}") from exc

    def _pairwise(self, prompt: str, a: str, b: str, order: str) -> int:
        value = self._call(prompt, a, b)
        if value not in (-1, 0, 1):
            raise AlignkitError(f"judge {self.spec} returned {value!r} ({order}); expected -1/0/1")
        return int(value)

    def _point(self, text: str, response: str) -> float:
        try:
            value = float(self._call(text, response))
        except (TypeError, ValueError):
            raise AlignkitError(f"judge {self.spec} returned something not a number") from None
        if math.isnan(value):
            raise AlignkitError(f"judge {self.spec} returned NaN")
        return value

    def score(self, prompts: list[Any], responses: list[str]) -> list[float]:
        """One score per response (a reward for online RL); a pairwise rule has none."""
        if self.rule.pairwise:
            raise AlignkitError(
                f"judge {self.spec} is pairwise (prompt, a, b): it cannot score one response"
            )
        return [self._point(as_text(p, last_user=True), r) for p, r in zip(prompts, responses)]

    def judge(self, prompts: list[Any], a: list[str], b: list[str]) -> list[Judgement]:
        if not self.rule.pairwise:
            sa, sb = self.score(prompts, a), self.score(prompts, b)
            return [Judgement((x > y) - (x < y), x, y) for x, y in zip(sa, sb)]
        out = []
        for prompt, ra, rb in zip(prompts, a, b):
            text = as_text(prompt, last_user=True)
            first = self._pairwise(text, ra, rb, "a, b")
            second = -self._pairwise(text, rb, ra, "b, a")  # from a's side
            verdict = first if first == second else 0
            out.append(Judgement(verdict, orders=[first, second]))
        return out


@dataclass
class RewardModelJudge:
    """Scores each response with a reward model, tokenized as the model was trained (the run's
    max_length and truncation); pointwise, so the order of the pair cannot matter. The model
    loads on the first call and stays loaded (online RL scores every rollout batch with it)."""

    path: str
    spec: str
    batch_size: int = 32
    bf16: bool = False
    trust_remote_code: bool = False
    order_sensitive: bool = False
    _loaded: Any = field(default=None, init=False, repr=False)

    def _model(self):
        if self._loaded is None:
            from alignkit.models.inference import (
                fit_tokenization,
                load_reward,
                run_config,
                tokenization,
            )
            from alignkit.models.tokenize import is_encoder

            model, tokenizer = load_reward(self.path, self.trust_remote_code)
            tok = tokenization(None, None, run_config(self.path))
            tok = fit_tokenization(tok, model, tokenizer, self.path)
            self._loaded = (model, tokenizer, tok, is_encoder(model))
        return self._loaded

    def score(self, prompts: list[Any], responses: list[str]) -> list[float]:
        """The reward model's score of each (prompt, response)."""
        from alignkit.models.inference import autocast
        from alignkit.models.scoring import score_ids
        from alignkit.models.tokenize import sequence_ids, truncate

        model, tokenizer, tok, encoder = self._model()
        sequences = []
        for prompt, response in zip(prompts, responses):
            reply = {"role": "assistant", "content": response}
            ids = sequence_ids(
                tokenizer, prompt, reply if isinstance(prompt, list) else response, encoder
            )
            sequences.append(truncate(ids, tok["max_length"], tok["truncation"], encoder)[0])
        with autocast(model, self.bf16):
            scores = score_ids(model, sequences, tokenizer.pad_token_id, self.batch_size)
        return [float(x) for x in scores.tolist()]

    def judge(self, prompts: list[Any], a: list[str], b: list[str]) -> list[Judgement]:
        n = len(prompts)
        scores = self.score([*prompts, *prompts], [*a, *b])
        return [Judgement((sa > sb) - (sa < sb), sa, sb) for sa, sb in zip(scores[:n], scores[n:])]


def _check_model_exists(target: str, spec: str) -> None:
    """A missing reward-model folder fails now, not after minutes of generation."""
    from pathlib import Path

    from alignkit.models.registry import MODELS

    local = Path(target).expanduser()
    hub_id = target.count("/") <= 1 and not target.startswith((".", "/", "~"))
    if target.strip().lower() not in MODELS and not local.exists() and not hub_id:
        raise AlignkitError(f"judge {spec}: model folder '{target}' does not exist")


def _import_rule(target: str, spec: str) -> Rule:
    module_name, _, attr = target.rpartition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module's own error while importing
        raise AlignkitError(
            f"judge {spec}: cannot import module '{module_name}' ({type(exc).__name__}: {exc})"
        ) from None
    fn = getattr(module, attr, None)
    if fn is None:
        raise AlignkitError(f"judge {spec}: module '{module_name}' has no '{attr}'")
    return as_rule(target, fn)


def make_judge(
    spec: str, *, batch_size: int = 32, bf16: bool = False, trust_remote_code: bool = False
):
    """The judge for `--judge` (see the module docstring); a bad spec is one clear error. Rule
    judges are imported here, before any model loads; a reward model loads when it judges."""
    kind, _, target = spec.partition(":")
    if kind == "rm" and target:
        _check_model_exists(target, spec)
        return RewardModelJudge(target, spec, batch_size, bf16, trust_remote_code)
    if kind == "rule" and target:
        if ":" in target:
            return RuleJudge(_import_rule(target, spec), spec)
        rules = registered(target)  # imports that rule's package only
        if target not in rules:
            known = ", ".join(sorted(registered()))
            raise AlignkitError(
                f"unknown judge rule '{target}' (known: {known}; or rule:module:function)"
            )
        return RuleJudge(rules[target], spec)
    raise AlignkitError(f"--judge must be rm:PATH, rule:NAME or rule:module:function, not '{spec}'")


def run_judge(judge, prompts: list[Any], a: list[str], b: list[str]) -> list[Judgement]:
    """The judge's verdicts, except that identical responses are always a tie: no judge can
    prefer a text over itself, and a reward model's batched scores of the same text may still
    differ in the last bits."""
    out = judge.judge(prompts, a, b)
    for j, ra, rb in zip(out, a, b):
        if ra == rb:
            j.verdict = 0
    return out
