"""A comparison table of the latest MLflow runs per task and experiment name."""

from __future__ import annotations

import pandas as pd

from pipelines.errors import TrackingError
from pipelines.evaluation.metrics import PRIMARY_METRIC
from pipelines.tracking.registry import champion_version
from pipelines.tracking.store import setup


def comparison_frame(experiment: str = "unclause", last: int = 1,
                     include_debug: bool = False) -> pd.DataFrame:
    """Latest ``last`` finished runs per (task, run name): primary metric on val and test."""
    import mlflow

    setup(experiment)
    runs = mlflow.search_runs(experiment_names=[experiment], filter_string="status = 'FINISHED'",
                              order_by=["attributes.start_time DESC"])
    if runs.empty:
        raise TrackingError(f"no finished runs in MLflow experiment '{experiment}'",
                            "run `make run` or `unclause run configs/experiment/NAME.yaml`")
    if not include_debug and "tags.debug" in runs:
        runs = runs[runs["tags.debug"] != "True"]
    champions = {}
    for task in runs["tags.task"].dropna().unique():
        name = next((r for r in runs.loc[runs["tags.task"] == task, "tags.registry.model_name"]
                     if isinstance(r, str)), task) if "tags.registry.model_name" in runs else task
        version = champion_version(name)
        if version is not None:
            champions[task] = version.run_id
    rows = []
    for (task, name), group in runs.groupby(["tags.task", "tags.mlflow.runName"], sort=True):
        primary = PRIMARY_METRIC.get(task, "macro_f1")
        for _, r in group.head(last).iterrows():
            rows.append({
                "task": task, "experiment": name, "family": r.get("tags.family"),
                "metric": primary,
                "val": r.get(f"metrics.val/{primary}"), "test": r.get(f"metrics.test/{primary}"),
                "train_s": r.get("metrics.train_seconds"),
                "clauses_per_s": r.get("metrics.inference_clauses_per_s"),
                "registered": r.get("tags.registry.version") or "",
                "champion": "@champion" if champions.get(task) == r["run_id"] else "",
                "run_id": r["run_id"][:8],
            })
    frame = pd.DataFrame(rows)
    return frame.sort_values(["task", "val"], ascending=[True, False]).reset_index(drop=True)
