"""Experiment trackers of a run (`--report-to wandb,mlflow,tensorboard`, `--wandb PROJECT`,
`--run-name`, `--tags`): the libraries checked before anything loads, and each tracker's run
opened before the model loads (a refused W&B login is one line, not a traceback minutes in).

The Trainer's own callbacks log the metrics; alignkit opens the runs itself so that they carry
the run's name, tags and alignkit settings, so that one run holds the final evaluation too (the
MLflow callback ends its run at `on_train_end`, before it), and so that the final model goes to
MLflow as an artifact. Where a tracker keeps its files is set for the run only, and put back
afterwards; a variable the user set wins:

- W&B: `WANDB_DIR` = the run folder (its files in `wandb/` there; `WANDB_MODE=offline` needs
  no account, `wandb sync` uploads later), `WANDB_PROJECT` = `--wandb` or `alignkit`;
- MLflow: `MLFLOW_TRACKING_URI` = a SQLite store in alignkit's data dir (`mlflow/mlflow.db`,
  artifacts beside it), shared by all runs; `MLFLOW_EXPERIMENT_NAME` = `alignkit`;
- TensorBoard: `TENSORBOARD_LOGGING_DIR` = `tensorboard/` in the run folder.

A resumed run continues the tracker runs it recorded in run.json."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkit.errors import AlignkitError, DependencyError
from alignkit.runfolder import TENSORBOARD_DIR

# --report-to name -> (modules that provide it, its name, what to install)
LIBRARIES = {
    "wandb": (("wandb",), "W&B", "alignkit[wandb]"),
    "mlflow": (("mlflow",), "MLflow", "alignkit[mlflow]"),
    # torch's SummaryWriter needs the tensorboard package; transformers also takes tensorboardX
    "tensorboard": (("tensorboard", "tensorboardX"), "TensorBoard", "alignkit[tensorboard]"),
}
UNLOGGED = ("training_args.bin",)  # a pickle: alignkit's models are safetensors only
STATUS = {  # run.json status -> MLflow's
    "succeeded": "FINISHED",
    "failed": "FAILED",
    "stopped": "KILLED",
}


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module without a spec
        return False


def require_libraries(report_to: list[str], deepspeed: str | None) -> None:
    """One line naming what to install, for a tracker or DeepSpeed that is not installed."""
    for name in report_to:
        modules, label, extra = LIBRARIES[name]
        if not any(installed(m) for m in modules):
            raise DependencyError(f"--report-to {name} needs {label}: pip install '{extra}'")
    if deepspeed:
        if not installed("deepspeed"):
            raise DependencyError("--deepspeed needs DeepSpeed: pip install deepspeed")
        if not Path(deepspeed).is_file():
            raise AlignkitError(f"--deepspeed: no such config file: {deepspeed}")


def run_name(settings) -> str:
    return settings.run_name or Path(settings.output_dir).absolute().name


def mlflow_home() -> Path:
    from alignkit.paths import data_dir

    return data_dir() / "mlflow"


def default_mlflow_uri() -> str:
    return f"sqlite:///{(mlflow_home() / 'mlflow.db').absolute()}"


def _first_line(exc: BaseException) -> str:
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return (text or type(exc).__name__)[:300]


@dataclass
class Tracking:
    """The tracker runs of one training run; `info` is what run.json records of them."""

    names: list[str]
    info: dict[str, Any] = field(default_factory=dict)
    _saved_env: dict[str, str | None] = field(default_factory=dict)
    _wandb: Any = None
    _mlflow: Any = None

    def set_env(self, name: str, value: str) -> None:
        """For this run only, and only where the user has not set it."""
        if os.environ.get(name):
            return
        self._saved_env.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    def log_model(self, path: Path) -> None:
        """The final model (or adapter) folder as the MLflow run's `model` artifact."""
        if self._mlflow is None:
            return
        try:
            for file in sorted(p for p in Path(path).rglob("*") if p.is_file()):
                if file.name in UNLOGGED:
                    continue
                where = Path("model") / file.relative_to(path).parent
                self._mlflow.log_artifact(str(file), artifact_path=where.as_posix())
            self.info["mlflow"]["model_artifact"] = "model"
        except Exception as exc:  # noqa: BLE001 - the model is saved; the tracker only misses it
            self.info["mlflow"]["model_artifact_error"] = _first_line(exc)

    def close(self, status: str) -> None:
        """End the tracker runs with the run's status and put the environment back."""
        try:
            if self._wandb is not None:
                run, self._wandb = self._wandb, None
                with _warn_on_error("W&B"):
                    run.summary["alignkit/status"] = status
                    run.finish(exit_code=0 if status == "succeeded" else 1)
            if self._mlflow is not None:
                mlflow, self._mlflow = self._mlflow, None
                with _warn_on_error("MLflow"):
                    flush = getattr(mlflow, "flush_async_logging", None)
                    if flush is not None:  # the Trainer's callback logs without waiting
                        flush()
                    mlflow.set_tag("alignkit.status", status)
                    mlflow.end_run(status=STATUS.get(status, "FINISHED"))
        finally:
            for name, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            self._saved_env.clear()


@contextlib.contextmanager
def _warn_on_error(tracker: str) -> Iterator[None]:
    """Closing a tracker run must not turn a finished training into an error: the run folder
    has everything; the tracker only misses its end."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001
        logging.getLogger("alignkit.train").warning(
            "%s: the run could not be closed: %s", tracker, _first_line(exc)
        )


def start(method: str, settings, run_dir: Path, previous: dict | None, main: bool) -> Tracking:
    """Open the tracker runs (a resumed run continues those `previous`, its run.json, names).
    Only the main process opens them; every process gets the environment."""
    tracking = Tracking(list(settings.report_to))
    if not tracking.names:
        return tracking
    before = (previous or {}).get("tracking") or {}
    run_dir = Path(run_dir).absolute()  # the env and run.json say where, wherever it runs from
    config = settings.to_dict()
    try:
        if "tensorboard" in tracking.names:
            logdir = Path(run_dir) / TENSORBOARD_DIR
            tracking.set_env("TENSORBOARD_LOGGING_DIR", str(logdir))
            if main:
                tracking.info["tensorboard"] = _tensorboard(method, settings, config)
        if "wandb" in tracking.names:
            tracking.set_env("WANDB_DIR", str(run_dir))
            entity, _, project = (settings.wandb or "alignkit").rpartition("/")
            tracking.set_env("WANDB_PROJECT", project)  # --wandb entity/project: a team's
            if entity:
                tracking.set_env("WANDB_ENTITY", entity)
            if main:
                tracking._wandb = _wandb(method, settings, config, before.get("wandb"))
                tracking.info["wandb"] = _wandb_info(tracking._wandb)
        if "mlflow" in tracking.names:
            tracking.set_env("MLFLOW_TRACKING_URI", default_mlflow_uri())
            tracking.set_env("MLFLOW_EXPERIMENT_NAME", "alignkit")
            if main:
                tracking._mlflow, tracking.info["mlflow"] = _mlflow(
                    method, settings, config, before.get("mlflow")
                )
    except BaseException:
        tracking.close("failed")
        raise
    return tracking


def _tensorboard(method: str, settings, config: dict) -> dict:
    """The run's settings, name and tags as text beside the Trainer's scalars."""
    from torch.utils.tensorboard import SummaryWriter

    logdir = os.environ["TENSORBOARD_LOGGING_DIR"]
    writer = SummaryWriter(log_dir=logdir, filename_suffix=".alignkit")
    text = json.dumps({"method": method, "settings": config}, indent=2, default=str)
    writer.add_text("alignkit/config", f"```json\n{text}\n```")
    writer.add_text("alignkit/run_name", run_name(settings))
    if settings.tags:
        writer.add_text("alignkit/tags", ", ".join(settings.tags))
    writer.close()
    return {"logging_dir": logdir}


def _wandb(method: str, settings, config: dict, before: dict | None):
    import wandb

    entity, _, name = (settings.wandb or "").rpartition("/")  # --wandb entity/project
    name = name or os.environ["WANDB_PROJECT"]
    kwargs: dict[str, Any] = dict(
        project=name,
        entity=entity or os.environ.get("WANDB_ENTITY") or None,
        name=run_name(settings),
        tags=settings.tags or None,
        job_type=method,
        config={"alignkit": config, "method": method},
        dir=os.environ["WANDB_DIR"],
        reinit="finish_previous",  # a process may train several times (tests, sweeps)
    )
    if before and before.get("id") and before.get("project") == name:
        kwargs.update(id=before["id"], resume="allow")
    try:
        return wandb.init(**kwargs)
    except Exception as exc:  # noqa: BLE001 - wandb raises its own kinds for login and network
        raise AlignkitError(
            f"W&B could not start: {_first_line(exc)} (log in with `wandb login`, "
            "or set WANDB_MODE=offline to keep its files in the run folder)"
        ) from None


def _wandb_info(run) -> dict:
    offline = bool(run.offline)
    return {
        "project": run.project,
        "id": run.id,
        "name": run.name,
        "mode": "offline" if offline else "online",
        "dir": str(Path(run.dir).parent),  # .../wandb/offline-run-<time>-<id>
        "url": None if offline else run.url,
    }


@contextlib.contextmanager
def _store_lock(path: Path) -> Iterator[None]:
    """Two runs starting at once must not both create the SQLite store's tables."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _mlflow(method: str, settings, config: dict, before: dict | None):
    import mlflow

    uri = os.environ["MLFLOW_TRACKING_URI"]
    ours = uri == default_mlflow_uri()
    name = os.environ["MLFLOW_EXPERIMENT_NAME"]
    lock = _store_lock(mlflow_home() / ".lock") if ours else contextlib.nullcontext()
    try:
        with lock:
            mlflow.set_tracking_uri(uri)
            experiment = mlflow.get_experiment_by_name(name)
            if experiment is None:
                where = (mlflow_home() / "artifacts").absolute().as_uri() if ours else None
                mlflow.create_experiment(name, artifact_location=where)
                experiment = mlflow.get_experiment_by_name(name)
        while mlflow.active_run() is not None:  # one left open by an earlier run in-process
            mlflow.end_run()
        active = None
        if before and before.get("run_id") and before.get("tracking_uri") == uri:
            with contextlib.suppress(Exception):  # gone from the store: a new run instead
                active = mlflow.start_run(run_id=before["run_id"])
        resumed = active is not None
        if active is None:
            tags = {
                "alignkit.method": method,
                "alignkit.run_folder": str(Path(settings.output_dir).absolute()),
                **({"alignkit.tags": ",".join(settings.tags)} if settings.tags else {}),
                **{tag: "" for tag in settings.tags},
            }
            active = mlflow.start_run(
                experiment_id=experiment.experiment_id, run_name=run_name(settings), tags=tags
            )
            mlflow.log_params(_params(config))
    except Exception as exc:  # noqa: BLE001 - the store's own errors (unreachable, locked, ...)
        raise AlignkitError(f"MLflow could not start at {uri}: {_first_line(exc)}") from None
    info = {
        "tracking_uri": uri,
        "experiment": name,
        "experiment_id": experiment.experiment_id,
        "run_id": active.info.run_id,
        "resumed": resumed,
    }
    return mlflow, info


def _params(config: dict) -> dict[str, str]:
    """alignkit's settings as MLflow params, apart from the TrainingArguments the Trainer
    logs (a param may not change value, and `max_length` means another thing there)."""
    from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH

    out = {}
    for key, value in config.items():
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        out[f"alignkit.{key}"] = text[:MAX_PARAM_VAL_LENGTH]
    return out
