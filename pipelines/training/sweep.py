"""Grid sweeps: a parent MLflow run with one nested run per combination of values."""

from __future__ import annotations

import itertools
import logging

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


def run_sweep(config: str, grid: list[str], register: bool = False) -> dict[str, object]:
    """Run every combination as a nested run; return the best by validation metric."""
    import mlflow

    from pipelines.tracking.registry import register_if_better
    from pipelines.tracking.store import setup
    from pipelines.training.runner import run_experiment

    axes = parse_grid(grid)
    combos = [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
    configs = [load_config(config, [f"{k}={v}" for k, v in combo.items()]) for combo in combos]
    base = configs[0]
    setup(base.experiment)
    primary = PRIMARY_METRIC[base.task]
    best: dict[str, object] = {}
    best_value, best_run = float("-inf"), ""
    with mlflow.start_run(run_name=f"sweep-{base.name}",
                          tags={"task": base.task, "sweep": "parent", "debug": str(bool(base.debug))}):
        mlflow.log_param("grid", "; ".join(grid))
        for combo, cfg in zip(combos, configs, strict=True):
            cfg.tags = {**cfg.tags, "sweep": "child"}
            result = run_experiment(cfg, config_path=config, nested=True)
            value = result.metrics.get(f"val/{primary}", float("-inf"))
            log.info("%s → val %s %.4f", combo, primary, value)
            if not best or value > best_value:
                best_value, best_run = value, result.run_id
                best = {"params": combo, "value": value, "run_id": result.run_id}
        mlflow.log_metric(f"best_val/{primary}", float(best_value))
        mlflow.set_tag("best_run_id", best_run)
    if register:
        register_if_better(best_run, base.model_name, primary, float(best_value))
    return best
