"""Grid sweeps: a parent MLflow run with one nested run per combination of values."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

from pipelines.config import load_config
from pipelines.errors import ConfigError
from pipelines.evaluation.metrics import PRIMARY_METRIC

log = logging.getLogger(__name__)


def parse_grid(grid: list[str]) -> dict[str, list[str]]:
    """``["model.C=0.5,1,2"]`` → ``{"model.C": ["0.5", "1", "2"]}``."""
    out: dict[str, list[str]] = {}
    for item in grid:
        if "=" not in item:
            raise ConfigError(f"sweep axis '{item}' is not key=v1,v2,…", "write e.g. model.C=1,4")
        key, values = item.split("=", 1)
        out[key] = [v for v in values.split(",") if v != ""]
    return out


def run_sweep(config: str, grid: list[str], register: bool = False,
              jobs: int = 1) -> dict[str, object]:
    """Run every combination as a nested run of one parent run; tag and return the best by
    validation metric (ties: the first combination).

    ``jobs`` > 1 runs the trials in a pool of that many processes (spawned, so none inherits
    MLflow's or a database's state): each opens its own child run under the parent. Against
    the sqlite store their writes are serialised by sqlite's lock (MLflow waits up to 20 s for
    it); against a tracking server they go through HTTP as from separate users.
    """
    import mlflow
    from mlflow import MlflowClient

    from pipelines.tracking.registry import register_if_better
    from pipelines.tracking.store import setup

    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {jobs}")
    axes = parse_grid(grid)
    combos = [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
    overrides = [[f"{k}={v}" for k, v in combo.items()] for combo in combos]
    configs = [load_config(config, o) for o in overrides]  # every combination checked up front
    base = configs[0]
    setup(base.experiment)
    primary = PRIMARY_METRIC[base.task]
    best: dict[str, object] = {}
    best_value, best_run = float("-inf"), ""
    with mlflow.start_run(run_name=f"sweep-{base.name}",
                          tags={"task": base.task, "sweep": "parent", "debug": str(bool(base.debug)),
                                "sweep.jobs": str(jobs)}) as parent:
        mlflow.log_param("grid", "; ".join(grid))
        if jobs == 1:
            trials = [run_trial(config, o, parent.info.run_id, nested=True) for o in overrides]
        else:
            trials = _run_pool(config, overrides, parent.info.run_id, min(jobs, len(combos)))
        for combo, trial in zip(combos, trials, strict=True):
            value = trial.metrics.get(f"val/{primary}", float("-inf"))
            log.info("%s → val %s %.4f", combo, primary, value)
            if not best or value > best_value:
                best_value, best_run = value, trial.run_id
                best = {"params": combo, "value": value, "run_id": trial.run_id}
        mlflow.log_metric(f"best_val/{primary}", float(best_value))
        mlflow.set_tag("best_run_id", best_run)
        MlflowClient().set_tag(best_run, "sweep.best", "true")
    if register:
        register_if_better(best_run, base.model_name, primary, float(best_value))
    return best


@dataclass(frozen=True)
class Trial:
    """A finished combination: its child run and metrics (plain data a worker can return)."""

    run_id: str
    metrics: dict[str, float]


def run_trial(config: str, overrides: list[str], parent_run_id: str,
              nested: bool = False) -> Trial:
    """One combination as a child run of ``parent_run_id``."""
    from pipelines.training.runner import run_experiment

    cfg = load_config(config, overrides)
    cfg.tags = {**cfg.tags, "sweep": "child"}
    result = run_experiment(cfg, config_path=config, nested=nested, parent_run_id=parent_run_id)
    return Trial(result.run_id, dict(result.metrics))


def _init_worker(uri: str, verbose: bool) -> None:
    import os

    from pipelines.logging_setup import configure

    os.environ["MLFLOW_TRACKING_URI"] = uri  # the parent's store, even if it was the default
    configure(verbose)


def _run_pool(config: str, overrides: list[list[str]], parent_run_id: str,
              jobs: int) -> list[Trial]:
    """The trials in ``jobs`` worker processes, results in combination order; the first
    failure cancels the trials not yet started and is raised."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipelines.tracking.store import tracking_uri

    verbose = logging.getLogger("pipelines").isEnabledFor(logging.DEBUG)
    log.info("sweep: %d trials in %d processes", len(overrides), jobs)
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(tracking_uri(), verbose))
    try:
        futures = [pool.submit(run_trial, config, o, parent_run_id) for o in overrides]
        return [f.result() for f in futures]
    finally:
        pool.shutdown(cancel_futures=True)
