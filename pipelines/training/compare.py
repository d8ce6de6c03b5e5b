"""A comparison table of the latest MLflow runs per task and experiment name."""

from __future__ import annotations

import pandas as pd

from pipelines.errors import TrackingError
from pipelines.evaluation.metrics import PRIMARY_METRIC
from pipelines.tracking.registry import champion_version
from pipelines.tracking.store import setup


def finished_runs(experiment: str, include_debug: bool, tag_filter: str = "",
                  what: str = "finished runs",
                  hint: str = "run `make run` or `unclause run configs/experiment/NAME.yaml`",
                  ) -> pd.DataFrame:
    """The finished runs of ``experiment``, newest first (``tag_filter``: an extra MLflow filter
    clause such as ``tags.purpose = 'multilingual'``); debug-size runs left out unless
    ``include_debug``. None at all is a ``TrackingError`` naming ``what`` and ``hint``."""
    import mlflow

    setup(experiment)
    query = "status = 'FINISHED'" + (f" and {tag_filter}" if tag_filter else "")
    runs = mlflow.search_runs(experiment_names=[experiment], filter_string=query,
                              order_by=["attributes.start_time DESC"])
    if runs.empty:
        raise TrackingError(f"no {what} in MLflow experiment '{experiment}'", hint)
    return runs if include_debug else without_debug(runs)


def without_debug(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs not marked debug-size (``tags.debug``)."""
    return runs[runs["tags.debug"] != "True"] if "tags.debug" in runs else runs


def comparison_frame(experiment: str = "unclause", last: int = 1,
                     include_debug: bool = False) -> pd.DataFrame:
    """Latest ``last`` finished runs per (task, run name): primary metric on val and test."""
    runs = finished_runs(experiment, include_debug)
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


LANGUAGE_ORDER = ("en", "fr", "es", "ru", "zh", "ar")


def _languages_param(value: object) -> list[str]:
    import ast

    if not isinstance(value, str) or value in ("", "None"):
        return []
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return []
    return [str(v) for v in parsed] if isinstance(parsed, list | tuple) else []


def language_frame(experiment: str = "unclause", include_debug: bool = True) -> pd.DataFrame:
    """Per-language test figures of the multilingual runs (tag ``purpose=multilingual``): one
    row per task and setup — the multilingual model, zero-shot from the training languages,
    and the per-language models (one run each, gathered in one row) — one column per language.
    The metric is the task's primary one (type macro-F1, phrase exact match); latest run wins."""
    runs = finished_runs(experiment, include_debug, "tags.purpose = 'multilingual'",
                         "finished multilingual runs",
                         "run `unclause run multilingual` (see configs/experiment/multilingual.yaml)")
    cells: dict[tuple[str, str], dict[str, float]] = {}
    debug: dict[tuple[str, str], bool] = {}
    for _, r in runs.iterrows():
        task = r.get("tags.task")
        primary = PRIMARY_METRIC.get(str(task), "macro_f1")
        langs = _languages_param(r.get("params.data.languages")) or list(LANGUAGE_ORDER)
        train = _languages_param(r.get("params.data.train_languages"))
        if train:
            name = f"zero-shot from {'+'.join(train)}"
        elif len(langs) == 1:
            name = "per-language"
        else:
            name = "multilingual"
        row = cells.setdefault((str(task), name), {})
        for code in LANGUAGE_ORDER:
            if code in row or code not in langs:
                continue
            value = r.get(f"metrics.test/lang/{code}/{primary}")
            if (value is None or value != value) and langs == [code]:
                value = r.get(f"metrics.test/{primary}")
            if value is not None and value == value:
                row[code] = float(value)
        debug[(str(task), name)] = debug.get((str(task), name), False) or r.get("tags.debug") == "True"
    rows = [{"task": task, "setup": name,
             "metric": PRIMARY_METRIC.get(task, "macro_f1"),
             **{code: row.get(code) for code in LANGUAGE_ORDER},
             "debug-size": "yes" if debug[(task, name)] else ""}
            for (task, name), row in sorted(cells.items())]
    return pd.DataFrame(rows)


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table (figures to 4 decimals, missing cells empty)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "" if v != v else f"{v:.4f}"
        return "" if v is None else str(v)
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    sep = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, sep, *rows]) + "\n"
