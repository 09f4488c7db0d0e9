"""The comparison section of runs that differ in a few settings (a pipeline's sweep): the swept
settings found from config.json, a row per run, and a win-rate plot against the swept value."""

from __future__ import annotations

import json
import re

from alignkit.report import build
from alignkit.report.compare import comparison, members, model_name, swept
from alignkit.report.load import load, name_runs
from alignkit.report.svg import Point, PointSeries, sweep_chart
from tests.report import helpers
from tests.report.check import self_contained, svgs, well_formed


def member(root, name, model="smollm2-135m-instruct", evaluated=True, judge="rm:runs/rm",
           wins=(0, 2, 3, 7), **settings):  # fmt: skip
    """A DPO run folder as a sweep member writes it: run.json, config.json (the resolved
    settings, factual_lambda there even for Original DPO) and, when evaluated, eval_policy.json
    and generations.jsonl beside it."""
    run = root / name
    data = root / "data"
    config = {"dataset_dir": str(data), "output_dir": str(run), "policy_model": model,
              "ref_model": None, "beta": 0.1, "loss_type": "sigmoid", "factual_lambda": 1.0,
              "lr": 5e-6, "seed": 0, "run_name": name, "tags": [name], "logging_steps": 5,
              **settings}  # fmt: skip
    final = {"eval_loss": 0.5}
    helpers.write_json(run / "run.json", helpers._run_json("dpo", "policy_model", model, 8, final))
    helpers.write_json(run / "config.json", config)
    helpers.write_jsonl(run / "metrics.jsonl", [{"step": 2, "loss": 0.6}, {"step": 4, "loss": 0.5}])
    if evaluated:
        gens = helpers.generations(judge_wins=wins)
        report = helpers.policy_eval(data, judge, gens)
        report["policy"] = str(run)
        helpers.write_json(run / "eval_policy.json", report)
        helpers.write_jsonl(run / "generations.jsonl", gens)
    return run


def sweep(root, model="smollm2-135m-instruct", short="smol", lambdas=(0, 0.5, 1), missing=()):
    runs = [member(root, f"{short}_OriginalDPO", model)]
    for i, lam in enumerate(lambdas):
        runs.append(member(root, f"{short}_delta{lam}", model, loss_type="factual",
                           factual_lambda=lam, evaluated=lam not in missing,
                           wins=tuple(range(i + 3))))  # fmt: skip
    return runs


def loaded(paths):
    runs = [load(p) for p in paths]
    name_runs(runs)
    return runs


def chart(page: str):
    (found,) = [e for e in svgs(page) if (e.findtext("title") or "").startswith("win-rate by")]
    return found


def test_factual_lambda_sweep_with_original_dpo_as_its_own_row(tmp_path):
    paths = sweep(tmp_path)
    ms = members(loaded(paths))
    keys, per_model = swept(ms)
    # seed, run_name, tags, output_dir are the same or ignored; factual_lambda is n/a for sigmoid
    assert keys == ["factual_lambda", "loss_type"] and per_model == []
    assert [m.settings["factual_lambda"] for m in ms] == [None, 0, 0.5, 1]

    page = build(paths, output=tmp_path / "r.html").read_text(encoding="utf-8")
    well_formed(page)
    self_contained(page)
    assert '<h2 id="comparison">Comparison</h2>' in page and 'href="#comparison"' in page
    section = page.split('id="comparison"')[1].split("<section>")[0]
    assert "Original DPO (sigmoid)" in section and "Factual-DPO (factual)" in section
    assert section.count(">n/a</td>") == 1  # Original DPO's λ: unused by its loss
    assert "swept: factual_lambda, loss_type" in section and "judge rm:runs/rm" in section
    # rows in order: Original DPO first, then λ ascending
    order = [section.index(f"<code>smol_{n}</code>") for n in ("OriginalDPO", "delta0",
             "delta0.5", "delta1")]  # fmt: skip
    assert order == sorted(order)
    # win-rate with its interval, implicit-reward accuracy, the RM score from generations.jsonl
    assert "33.3%" in section and "8.3% – 53.3%" in section and "87.5%" in section
    assert "RM score, policy (ref)" in section and "1.63 (ref -1.2)" in section

    root = chart(page)
    labels = [t.text for t in root.iter("text")]
    assert "λ (factual_lambda)" in labels
    assert any("Original DPO" in (s or "") for s in labels)  # the level's legend entry
    (line,) = root.iter("polyline")
    assert len(line.get("points").split()) == 3  # λ = 0, 0.5, 1
    assert len([c for c in root.iter("circle")]) == 3
    whiskers = [p for p in root.iter("path") if p.get("stroke") != "#444"]
    assert len(whiskers) == 3
    dashed = [ln for ln in root.iter("line") if ln.get("stroke-dasharray") == "7 4"]
    assert len(dashed) == 1  # Original DPO across the plot, its interval as a band
    assert "Original DPO" in dashed[0].findtext("title")


def test_two_models_a_missing_eval_and_escaping(tmp_path):
    nasty = "org/<b>model</b>&"
    paths = sweep(tmp_path / "a", missing=(0.5,))
    paths += sweep(tmp_path / "b", model=nasty, short="evil")
    runs = loaded(paths)
    keys, per_model = swept(members(runs))
    assert keys == ["factual_lambda", "loss_type"]

    page = build(paths, output=tmp_path / "r.html").read_text(encoding="utf-8")
    well_formed(page)
    self_contained(page)
    assert "<b>model</b>" not in page and "org/&lt;b&gt;model&lt;/b&gt;&amp;" in page
    section = page.split('id="comparison"')[1].split("<section>")[0]
    assert "not evaluated" in section and "2 model(s)" in section
    assert "not in the plot (no judged win-rate): smol_delta0.5" in section
    root = chart(page)
    polylines = list(root.iter("polyline"))
    assert len(polylines) == 2  # one line per model
    assert sorted(len(p.get("points").split()) for p in polylines) == [2, 3]
    dashed = [ln for ln in root.iter("line") if ln.get("stroke-dasharray") == "7 4"]
    assert len(dashed) == 2  # each model's Original DPO
    assert len({p.get("stroke") for p in polylines}) == 2
    # a model's Original DPO level has the colour of its λ line
    assert {ln.get("stroke") for ln in dashed} == {p.get("stroke") for p in polylines}


def test_categorical_values_get_a_categorical_axis(tmp_path):
    paths = [
        member(tmp_path, "sig", loss_type="sigmoid", wins=(0,)),
        member(tmp_path, "ipo", loss_type="ipo", wins=(0, 1, 2, 3, 5)),
        member(tmp_path, "hinge", loss_type="hinge", evaluated=False),
    ]
    keys, _ = swept(members(loaded(paths)))
    assert keys == ["loss_type"]
    record = json.loads((paths[2] / "run.json").read_text())
    helpers.write_json(paths[2] / "run.json", {**record, "status": "failed"})
    report = json.loads((paths[1] / "eval_policy.json").read_text())
    no_judge = member(tmp_path, "robust", loss_type="robust", evaluated=False)
    helpers.write_json(no_judge / "eval_policy.json", {**report, "win_rate": None, "judge": None})
    paths.append(no_judge)
    page = build(paths, output=tmp_path / "r.html").read_text(encoding="utf-8")
    well_formed(page)
    root = chart(page)
    labels = [t.text for t in root.iter("text")]
    assert "Original DPO" in labels and "ipo" in labels and "hinge" not in labels
    assert not list(root.iter("polyline"))  # categories have no order to draw a line through
    assert len(list(root.iter("circle"))) == 2
    section = page.split('id="comparison"')[1].split("<section>")[0]
    assert "ipo" in section and "hinge" in section and "run failed" in section
    assert "no win-rate (no judge)" in section  # its implicit-reward accuracy still shown
    assert section.count("87.5%") == 3


def test_beta_sweep_seed_only_and_nothing_differing(tmp_path):
    beta = [member(tmp_path / "b", f"b{b}", beta=b, seed=i) for i, b in enumerate((0.1, 0.3))]
    keys, _ = swept(members(loaded(beta)))
    assert keys == ["beta"]  # the seed differs too, but it is not all that differs
    page = build(beta, output=tmp_path / "r.html").read_text()  # several runs: not into cwd
    assert "β (beta)" in [t.text for t in chart(page).iter("text")]

    seeds = [member(tmp_path / "s", f"s{i}", seed=i) for i in range(2)]
    assert swept(members(loaded(seeds)))[0] == ["seed"]

    same = [member(tmp_path / "x", f"x{i}") for i in range(2)]  # only names and paths differ
    assert comparison(loaded(same)) == ""
    assert comparison(loaded(same[:1])) == ""


def test_model_differences_are_not_swept_and_rule_scores_are_named(tmp_path):
    paths = [
        member(tmp_path, "a", model="m-a", ref_model="ref-a", judge="rule:house-style"),
        member(tmp_path, "b", model="m-b", ref_model="ref-b", judge="rule:house-style"),
    ]
    ms = members(loaded(paths))
    assert swept(ms) == ([], ["ref_model"])
    page = build(paths, output=tmp_path / "r.html").read_text(encoding="utf-8")
    well_formed(page)
    section = page.split('id="comparison"')[1].split("<section>")[0]
    assert "swept: the model only" in section and "differ with the model: ref_model" in section
    assert "judge score, policy (ref)" in section and "[rule score]" in section
    assert "eval_policy.json holds no RM score" in section
    root = chart(page)
    assert {"m-a", "m-b"} <= {t.text for t in root.iter("text")}


def test_rm_and_unevaluated_runs_stay_out(folders, tmp_path):
    paths = [
        folders.rm,
        folders.dpo,
        member(tmp_path, "other", "tiny-llama", beta=0.5, evaluated=False),
    ]
    page = build(paths, output=tmp_path / "r.html").read_text(encoding="utf-8")
    well_formed(page)
    section = page.split('id="comparison"')[1].split("<section>")[0]
    assert "<code>rm</code>" not in section and "not evaluated" in section
    assert re.search(r"swept: [^<]*beta", section)
    # the dpo run has two judges: a row and a plot each, the judge named in a column
    assert "<th>judge</th>" in section and "<code>rule:distinct-2</code>" in section
    assert "judge score, policy (ref)" in section and "1 (ref 1) [rule score]" in section
    titles = [e.findtext("title") for e in svgs(page)]
    assert "win-rate by β (beta), judge rm:runs/rm" in titles
    assert "win-rate by β (beta), judge rule:distinct-2" in titles


def test_model_names():
    assert model_name("runs/sweep/sft_tiny/model") == "sft_tiny"
    assert model_name("HuggingFaceTB/SmolLM2-135M") == "HuggingFaceTB/SmolLM2-135M"
    assert model_name("/abs/path/to/merged") == "merged" and model_name(None) == "?"


def test_sweep_chart_svg_is_valid_for_awkward_input():
    nasty = "a<b>&\"'\x00\x1b"
    markup = sweep_chart(
        [
            PointSeries(nasty, [Point(0, 0.4, 0.2, 0.6, "<x>"), Point(2, float("nan"))]),
            PointSeries("flat", [Point(1, 0.5)]),
            PointSeries("level", [Point(0.0, 0.7, 0.5, 1.2)], level=True),
        ],
        "t <1>",
        "λ",
    )
    import xml.etree.ElementTree as ET

    root = ET.fromstring(markup)
    assert root.findtext("title") == "t <1>"
    assert "a<b>&\"'\u2400\u241b" in [t.text for t in root.iter("text")]
    cats = sweep_chart([PointSeries("m", [Point("a very long category name indeed", 0.3),
                                          Point("b", 0.6)])], "c", "x",
                       categories=["a very long category name indeed", "b"])  # fmt: skip
    ET.fromstring(cats)
    assert sweep_chart([PointSeries("l", [Point(0, 0.5)], level=True)], "only a level", "x") == ""
    assert sweep_chart([], "none", "x") == ""
