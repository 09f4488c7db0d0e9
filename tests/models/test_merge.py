"""Merging LoRA runs (alignkit.models.merge): `alignkit models merge` gives a full model whose
logits are the PEFT model's, for policies and reward models; the model cache that chained stages
use is keyed by the adapter and reused, never half-written; refusals are one line.

The LoRA runs here are made directly with PEFT (random, non-zero A and B, a perturbed reward
head) in the layout a training run leaves: run.json, config.json, model/ with the adapter and
tokenizer. tests/train/test_chaining.py does the same through real training runs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from alignkit.errors import AlignkitError
from alignkit.models import merge as merging
from alignkit.models.merge import adapter_digest, cached_merge, find_adapter, merged_cache_dir
from tests.models.conftest import one_line

torch = pytest.importorskip("torch")

IDS = [[1, 40, 41, 42, 43, 44, 45, 46], [1, 50, 51, 52, 53, 3, 3, 3]]


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    # what this process has said on stderr: identical adapters in two tests share a digest
    monkeypatch.setattr(merging, "_told", set())


def lora_run(tmp_path, name="run", *, task="CAUSAL_LM", base="tiny-llama", seed=0, alpha=8):
    """A LoRA run folder as training leaves it, and the PEFT model it holds (eval mode)."""
    from peft import LoraConfig, get_peft_model

    from alignkit.models import load_causal_lm, load_reward_model

    if task == "SEQ_CLS":
        model, tokenizer = load_reward_model(base)
    else:
        model, tokenizer = load_causal_lm(base)
    config = LoraConfig(
        r=4, lora_alpha=alpha, target_modules="all-linear", task_type=task, init_lora_weights=False
    )
    torch.manual_seed(seed)
    peft_model = get_peft_model(model, config)
    with torch.no_grad():  # a trained head: not the random one a fresh load would give
        for key, param in peft_model.named_parameters():
            if "modules_to_save" in key:
                param.add_(torch.randn_like(param))
    run = tmp_path / name
    peft_model.save_pretrained(run / "model")
    tokenizer.save_pretrained(run / "model")
    method, key = ("rm", "base_model") if task == "SEQ_CLS" else ("sft", "policy_model")
    (run / "run.json").write_text(json.dumps({"method": method, "status": "succeeded"}))
    (run / "config.json").write_text(json.dumps({key: base}))
    return run, peft_model.eval()


def logits(model, ids=IDS):
    with torch.no_grad():
        return model(input_ids=torch.tensor(ids)).logits


def cli(*args):
    from alignkit.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_merged_policy_has_the_peft_models_logits(tmp_path):
    from alignkit.models import load_causal_lm

    run, peft_model = lora_run(tmp_path)
    out = tmp_path / "merged"
    result = cli("models", "merge", run, "--output", out)
    assert result.exit_code == 0, result.output
    assert f"merged model: {out}" in result.output
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", merging.MARKER} <= names
    assert not names & {"adapter_config.json", "adapter_model.safetensors", "training_args.bin"}
    assert (out / "tokenizer.json").read_bytes() == (run / "model" / "tokenizer.json").read_bytes()
    assert not [p for p in tmp_path.iterdir() if ".merging-" in p.name]  # the staged folder
    merged, _ = load_causal_lm(str(out))
    expected = logits(peft_model)
    torch.testing.assert_close(logits(merged.eval()), expected, atol=1e-5, rtol=0)
    base, _ = load_causal_lm("tiny-llama")
    assert (logits(base.eval()) - expected).abs().max() > 1e-2  # the adapter does change it


def test_merged_reward_model_keeps_the_trained_head(tmp_path):
    from alignkit.models import load_reward_model

    run, peft_model = lora_run(tmp_path, task="SEQ_CLS", base="tiny-bert")
    out = merging.merge(run, tmp_path / "rm-merged")
    merged, _ = load_reward_model(str(out), new_head=False)  # a missing head is an error here
    assert merged.config.num_labels == 1
    expected = logits(peft_model)
    torch.testing.assert_close(logits(merged.eval()), expected, atol=1e-5, rtol=0)
    head = peft_model.base_model.model.classifier.modules_to_save["default"].weight
    torch.testing.assert_close(merged.classifier.weight, head, atol=0, rtol=0)


def test_an_existing_output_is_replaced_only_with_force(tmp_path):
    run, _ = lora_run(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(AlignkitError, match="not empty; pass --force") as info:
        merging.merge(run, out)
    one_line(info.value)
    assert (out / "keep.txt").read_text() == "mine"
    merging.merge(run, out, force=True)
    assert not (out / "keep.txt").exists() and (out / "model.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == [
        ".out.lock"  # the lock file stays (alignkit.locks); no staged or old folder is left
    ]
    (tmp_path / "file").write_text("x")
    with pytest.raises(AlignkitError, match="is a file"):
        merging.merge(run, tmp_path / "file")
    with pytest.raises(AlignkitError, match="is the run being merged"):
        merging.merge(run, run / "model", force=True)


def _strip_head(run):
    from safetensors.torch import load_file, save_file

    path = run / "model" / "adapter_model.safetensors"
    tensors = {k: v for k, v in load_file(path).items() if "classifier" not in k}
    save_file(tensors, path)


def _no_base(run):
    config = json.loads((run / "model" / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = None
    (run / "model" / "adapter_config.json").write_text(json.dumps(config))
    (run / "config.json").write_text("{}")  # and the run's settings do not name it either


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda run: (run / "model" / "adapter_model.safetensors").unlink(), "has no adapter_m"),
        (lambda run: (run / "config.json").write_text('{"policy_model": "/gone/base"}'),
         "base model '/gone/base' of the LoRA adapter in .* is not available: model folder "
         "'/gone/base' does not exist"),
        (_no_base, "does not say its base model"),
        (lambda run: __import__("shutil").rmtree(run / "model"), "has no model/"),
    ],
    ids=["no-weights", "missing-base", "no-base", "unfinished-run"],
)  # fmt: skip
def test_broken_runs_are_one_line(tmp_path, breakage, message):
    run, _ = lora_run(tmp_path)
    config = json.loads((run / "model" / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "/gone/too"  # the adapter's own record is no fallback
    (run / "model" / "adapter_config.json").write_text(json.dumps(config))
    breakage(run)
    with pytest.raises(AlignkitError, match=message) as info:
        merging.merge(run, tmp_path / "out")
    one_line(info.value)
    assert not (tmp_path / "out").exists()


def test_a_run_that_is_its_own_base_is_one_line(tmp_path):
    run, _ = lora_run(tmp_path)
    (run / "config.json").write_text(json.dumps({"policy_model": str(run)}))
    with pytest.raises(AlignkitError, match="is its own base model") as info:
        merging.merge(run, tmp_path / "out")
    one_line(info.value)


def test_a_reward_adapter_without_its_head_is_refused(tmp_path):
    run, _ = lora_run(tmp_path, task="SEQ_CLS", base="tiny-bert")
    _strip_head(run)
    with pytest.raises(AlignkitError, match="has no trained head") as info:
        merging.merge(run, tmp_path / "out")
    one_line(info.value)


def test_not_an_adapter_is_one_line(tmp_path, tiny_llama_copy):
    with pytest.raises(AlignkitError, match="holds a full model, not a LoRA adapter"):
        find_adapter(tiny_llama_copy)
    (tmp_path / "empty").mkdir()
    with pytest.raises(AlignkitError, match="holds no LoRA adapter"):
        find_adapter(tmp_path / "empty")
    (tmp_path / "kind" / "model").mkdir(parents=True)
    (tmp_path / "kind" / "model" / "adapter_config.json").write_text('{"task_type": "TOKEN_CLS"}')
    with pytest.raises(AlignkitError, match="task type 'TOKEN_CLS'"):
        find_adapter(tmp_path / "kind" / "model")
    # the CLI: one line with its code and exit 2, no traceback (and no torch import for it)
    result = subprocess.run(
        [sys.executable, "-m", "alignkit.cli", "models", "merge", str(tmp_path / "nope"),
         "--output", str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: '{tmp_path / 'nope'}' is not a folder (give a LoRA run's folder) [AK-INPUT]"
    ]


def test_the_cache_is_keyed_by_the_adapter_and_reused(tmp_path, monkeypatch, capsys, caplog):
    from alignkit.models import load_causal_lm, resolve

    caplog.set_level("INFO", logger="alignkit.models.merge")
    run, peft_model = lora_run(tmp_path)
    path = resolve(str(run))  # what a stage given the run as its model does
    assert path.parent == merged_cache_dir() and (path / merging.MARKER).is_file()
    assert "merged the LoRA adapter of" in capsys.readouterr().err
    model, _ = load_causal_lm(str(run))
    torch.testing.assert_close(logits(model.eval()), logits(peft_model), atol=1e-5, rtol=0)

    # a second use: the same entry, nothing merged again, and the log says it was reused
    def forbidden(*args, **kwargs):
        raise AssertionError("merged again on a cache hit")

    with monkeypatch.context() as patch:
        patch.setattr(merging, "merge_into", forbidden)
        assert cached_merge(run) == path
    assert "reusing the merged model" in caplog.records[-1].getMessage()

    adapter = find_adapter(run)
    base_dir = resolve("tiny-llama")
    digest = adapter_digest(adapter, base_dir)
    assert path.name == digest
    # another adapter config (alpha scales B @ A), other weights, another base: other keys
    other_alpha, _ = lora_run(tmp_path, "alpha", alpha=16)
    other_seed, _ = lora_run(tmp_path, "seed", seed=1)
    keys = {adapter_digest(find_adapter(r), base_dir) for r in (other_alpha, other_seed)}
    keys.add(adapter_digest(adapter, resolve("tiny-bert")))
    assert len(keys | {digest}) == 4
    # retraining into the same folder changes the key: the stage gets the new weights
    _, retrained = lora_run(tmp_path, seed=2)
    again = resolve(str(run))
    assert again != path
    model, _ = load_causal_lm(str(run))
    torch.testing.assert_close(logits(model.eval()), logits(retrained), atol=1e-5, rtol=0)


def test_a_half_written_entry_is_never_used(tmp_path, monkeypatch):
    from transformers import PreTrainedModel

    run, peft_model = lora_run(tmp_path)
    adapter = find_adapter(run)
    from alignkit.models import resolve

    target = merged_cache_dir() / adapter_digest(adapter, resolve("tiny-llama"))

    def dies(self, folder, **kwargs):  # a merge killed halfway through writing its weights
        (folder / "model.safetensors").write_bytes(b"\0" * 100)
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(PreTrainedModel, "save_pretrained", dies)
        with pytest.raises(KeyboardInterrupt):
            cached_merge(run)
    assert not target.exists()
    assert not [p for p in merged_cache_dir().iterdir() if ".merging-" in p.name]
    # a folder at the entry's name without the marker (copied in by hand, from an older
    # alignkit, ...) is replaced, not read; a staged folder a killed process left is cleared
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"junk")
    (merged_cache_dir() / f".{target.name}.merging-dead").mkdir()
    assert cached_merge(run) == target
    assert sorted(p.name for p in merged_cache_dir().iterdir()) == [target.name]
    from alignkit.models import load_causal_lm

    model, _ = load_causal_lm(str(run))
    torch.testing.assert_close(logits(model.eval()), logits(peft_model), atol=1e-5, rtol=0)


def test_two_stages_merging_one_adapter_at_once_merge_it_once(tmp_path, monkeypatch):
    """flock excludes two open files of one process too, so two threads stand in for two
    processes; the first merge is slowed so the second arrives while it runs."""
    run, _ = lora_run(tmp_path)
    real, calls = merging.merge_into, []

    def slow(*args, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(merging, "merge_into", slow)
    results, errors = [], []

    def stage():
        try:
            results.append(cached_merge(run))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=stage) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(calls) == 1
    assert results[0] == results[1] and (results[0] / merging.MARKER).is_file()
