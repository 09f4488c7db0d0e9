"""`alignkit.report.build` on run folders written directly: sections, values, escaping and a
page that loads nothing from elsewhere."""

from __future__ import annotations

import json
import re

import pytest

from alignkit.errors import AlignkitError
from alignkit.report import build
from tests.report import helpers
from tests.report.check import self_contained, svgs, well_formed


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_one_run_goes_into_its_folder_with_every_section(folders):
    out = build([folders.dpo])
    assert out == folders.dpo / "report.html"
    page = read(out)
    well_formed(page)
    self_contained(page)
    for heading in ("Summary", "Training curves", "Policy evaluation", "Example generations",
                    "Dataset: data"):  # fmt: skip
        assert f">{heading}</h" in page, heading
    # summary and final metrics
    assert "tiny-llama" in page and "succeeded" in page
    assert "72.7 s" in page and "5.688" in page and "4.404" in page
    # charts: loss, margins, accuracies, rewards, learning rate; a win-rate bar chart
    titles = [e.findtext("title") for e in svgs(page)]
    assert "Loss" in titles and "Reward margin (chosen − rejected)" in titles
    assert "Preference accuracy / AUC" in titles and "Learning rate" in titles
    assert "win-rate against the reference" in titles


def test_win_rate_per_judge_from_the_run_folder_and_output_subfolders(folders):
    page = read(build([folders.dpo]))
    # one bar per judge, with whiskers, the 50% line and the interval in text
    (bars,) = [e for e in svgs(page) if e.findtext("title") == "win-rate against the reference"]
    labels = [t.text for t in bars.iter("text")]
    assert "rm:runs/rm" in labels and "rule:distinct-2" in labels
    win = json.loads((folders.dpo / "eval_policy.json").read_text())["win_rate"]
    low, high = win["win_rate_ci95"]
    shown = f"{win['win_rate']:.1%} [{low:.1%}, {high:.1%}]"
    assert any(t and t.startswith(shown) for t in labels), (shown, labels)
    assert any(e.get("stroke-dasharray") for e in bars.iter("line"))  # the 50% line
    assert f"{low:.1%} – {high:.1%}" in page
    # implicit-reward metrics shown once: both evaluations scored the same pairs
    assert page.count("share improved over the reference</td>") == 1 and "87.5%" in page


def test_generations_are_escaped_side_by_side(folders):
    page = read(build([folders.dpo], examples=4))
    assert helpers.INJECTION not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold" not in page
    assert "user: Say &lt;hi&gt;" in page  # chat prompts as role: content
    assert "\x10" not in page and "\x1b" not in page and "\u2410" in page  # control pictures
    assert "more characters" in page  # a runaway generation is cut
    # one card per example with both judges' verdicts (same generations, judged twice)
    assert page.count('class="example"') == 4
    assert page.count('class="badge tie"') >= 4 and 'class="badge win"' in page
    assert 'class="badge loss"' in page  # wins, losses and ties in turn


def test_examples_zero_leaves_them_out(folders):
    page = read(build([folders.dpo], examples=0))
    assert "Example generations" not in page and 'class="example"' not in page


def test_reward_model_section(folders):
    page = read(build([folders.rm]))
    well_formed(page)
    assert "Reward-model evaluation" in page
    assert "ECE of σ(margin)" in page and "0.0348" in page and "0.9712" in page
    titles = [e.findtext("title") for e in svgs(page)]
    assert "reward scores" in titles and "margins" in titles
    scores = next(e for e in svgs(page) if e.findtext("title") == "reward scores")
    assert len(list(scores.iter("rect"))) == 12  # the non-empty bins, chosen and rejected
    assert "Preference accuracy / AUC" in titles  # eval_pair_auc from its own metrics line


def test_dataset_tables(folders):
    page = read(build([folders.dpo]))
    for text in ("dropped by reason", "duplicate", "prompt_too_long", "annotator agreement",
                 "0.6172", "83.1%", "81.2%", "lengths (approx. tokens, chars/4)", "1: 62, 3: 150",
                 "warning: 4 records had more than one response marked &lt;best&gt;"):  # fmt: skip
        assert text in page, text


def test_several_runs_compare_side_by_side_and_share_the_dataset(folders, monkeypatch):
    monkeypatch.chdir(folders.root)
    out = build([folders.rm, folders.dpo], title="Sweep <1>")
    assert out == folders.root / "report.html"
    page = read(out)
    well_formed(page)
    assert "<title>Sweep &lt;1&gt;</title>" in page
    summary = page[page.index('id="summary"') : page.index('id="run-0"')]
    assert ">rm</th>" in summary
    assert ">dpo</th>" in summary and "tiny-bert" in summary and "0.9712" in summary
    assert page.count(">Dataset: data</h2>") == 1 and "used by rm, dpo" in page


def test_missing_pieces_are_notes(tmp_path):
    data = tmp_path / "nowhere"
    rm = helpers.make_rm_run(tmp_path, data, evaluated=False)
    (rm / "metrics.jsonl").write_text('{"step": 2, "loss": 0.6}\n{"step": 4, "lo')  # still writing
    page = read(build([rm]))
    well_formed(page)
    assert "not evaluated yet" in page and "alignkit eval rm" in page
    assert "no dataset report" in page and "1 line(s)" in page
    assert "Reward-model evaluation" not in page and "Dataset:" not in page


def test_a_dataset_folder_alone(folders):
    out = build([folders.data], examples=3)
    page = read(out)
    assert out == folders.data / "report.html"
    well_formed(page)
    assert "Dataset: data" in page and "Summary" not in page


def test_a_failed_run_and_a_running_one(folders):
    run = json.loads((folders.rm / "run.json").read_text())
    failed = {**run, "status": "failed", "error": "RuntimeError: out of <memory>"}
    (folders.rm / "run.json").write_text(json.dumps(failed))
    running = {**run, "status": "running", "ended": None, "final_metrics": None, "steps": None}
    (folders.dpo / "run.json").write_text(json.dumps(running))
    page = read(build([folders.rm, folders.dpo], folders.root / "r.html"))
    assert "the run failed: RuntimeError: out of &lt;memory&gt;" in page
    assert 'class="status-running"' in page and 'class="status-failed"' in page
    # no final metrics yet: the last logged eval loss stands in (the NaN line is skipped)
    assert "0.0200" in page


def test_output_folder_and_atomic_write(folders):
    target = folders.root / "reports"
    target.mkdir()
    out = build([folders.rm], target)
    assert out == target / "report.html"
    assert [p.name for p in target.iterdir()] == ["report.html"]  # no temporary file left


def test_not_a_run_is_one_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(AlignkitError, match="not an alignkit run"):
        build([tmp_path / "empty"])
    with pytest.raises(AlignkitError, match="is not a folder"):
        build([tmp_path / "missing"])
    with pytest.raises(AlignkitError, match="examples"):
        build([tmp_path], examples=-1)


def test_eval_policy_in_several_subfolders_is_found(folders):
    extra = folders.dpo / "eval" / "judge-b"
    report = helpers.policy_eval(folders.data, "rule:no-refusal", helpers.generations(6))
    helpers.write_json(extra / "eval_policy.json", report)
    (folders.dpo / "checkpoint-20").mkdir()  # never searched
    helpers.write_json(folders.dpo / "checkpoint-20" / "eval_policy.json", {"bad": True})
    page = read(build([folders.dpo]))
    assert "rule:no-refusal" in page and len(re.findall(r"n=\d+", page)) == 3


def test_a_policy_evaluation_without_a_judge(folders):
    report = helpers.policy_eval(folders.data, "x", helpers.generations(3))
    report.update(judge=None, win_rate=None)
    for path in folders.dpo.rglob("eval_policy.json"):
        path.unlink()
    for path in folders.dpo.rglob("generations.jsonl"):
        path.unlink()
    helpers.write_json(folders.dpo / "eval_policy.json", report)
    page = read(build([folders.dpo]))
    well_formed(page)
    assert "no win-rate" in page and "share improved over the reference" in page
    assert "win-rate against the reference" not in page and 'class="example"' not in page
