"""The evaluation report: Markdown with comparison, per-class, slice and error tables, PNG
figures, error CSVs and a JSON of every figure, all written atomically into one folder."""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.data.card import markdown_table
from pipelines.evaluation.metrics import INTERVAL_METRICS, PRIMARY_METRIC, TASKS
from pipelines.io import atomic_open

#: the MLflow experiment of evaluation runs
EVAL_EXPERIMENT = "unclause-eval"


@dataclass
class ModelEvaluation:
    """One model's results on the gold table."""

    name: str
    uri: str
    task: str
    result: dict[str, Any]
    predict_seconds: float
    model_run_id: str | None = None

    @property
    def slug(self) -> str:
        """``name`` made safe for file and metric names."""
        return re.sub(r"[^\w.\-]+", "-", self.name).strip("-") or "model"

    @property
    def primary(self) -> str:
        return PRIMARY_METRIC[self.task]


@dataclass
class EvaluationReport:
    """What ``evaluate_models`` computed and wrote."""

    out_dir: Path
    data: Path
    models: list[ModelEvaluation]
    files: list[Path] = field(default_factory=list)
    run_id: str | None = None
    n_clauses: int = 0
    band_reference: str = "evaluated data"

    def comparison(self) -> pd.DataFrame:
        """One row per model: task, clauses, excluded rows, primary metric and its interval."""
        rows = []
        for m in self.models:
            met, ci = m.result["metrics"], m.result["intervals"]
            lo, hi = ci.get(m.primary, [math.nan, math.nan])
            rows.append({"model": m.name, "task": m.task, "clauses": m.result["n"],
                         "excluded": m.result["n_excluded"], "metric": m.primary,
                         "value": met.get(m.primary, math.nan), "lo": lo, "hi": hi})
        return pd.DataFrame(rows)

    @property
    def report_path(self) -> Path:
        return self.out_dir / "report.md"


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}f}"
    return str(value)


def _fmt_ci(value: float, lo: float, hi: float) -> str:
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        # a value without interval (one document, or no resampling) says so
        return _fmt(value) if isinstance(value, float) and math.isnan(value) else \
            f"{_fmt(value)} [n/a]"
    return f"{_fmt(value)} [{_fmt(lo)}, {_fmt(hi)}]"


def _md(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame`` (floats to 3 decimals; pipes and newlines escaped)."""
    if frame.empty:
        return "(none)"
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = [_fmt(v).replace("|", "\\|").replace("\n", " ") for v in shown[col]]
    return markdown_table(shown.set_index(shown.columns[0]))


def _with_ci_column(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Merge ``metric``, ``lo`` and ``hi`` into one column ``metric [95% CI]``."""
    out = table.copy()
    out[f"{metric} [95% CI]"] = [_fmt_ci(v, lo, hi) for v, lo, hi in
                                 zip(out[metric], out["lo"], out["hi"], strict=True)]
    cols = [c for c in out.columns if c not in (metric, "lo", "hi", f"{metric} [95% CI]")]
    return out[[*cols[:3], f"{metric} [95% CI]", *cols[3:]]]


def _top_errors(m: ModelEvaluation, n: int = 10) -> pd.DataFrame:
    errors = m.result["errors"]
    if errors.empty:
        return errors
    if m.task == "clause-type":
        top = errors.sort_values("pred_score", ascending=False, kind="stable").head(n)
        cols = ["doc_id", "para_id", "type", "pred_type", "pred_score", "text"]
    else:
        top = errors.head(n)
        cols = ["doc_id", "para_id", "action_phrase", "pred_phrase", "pred_lemma", "text"]
    top = top[cols].copy()
    top["text"] = [t if len(str(t)) <= 120 else str(t)[:117] + "…" for t in top["text"]]
    return top


def render_report(report: EvaluationReport, n_boot: int, split: str | None) -> str:
    """The Markdown report: comparison, then per model: classes, slices, top errors."""
    lines = [
        "# Evaluation report", "",
        f"- data: `{report.data}`" + (f" (split: {split})" if split else ""),
        f"- clauses: {report.n_clauses:,}; models: {len(report.models)}",
        f"- intervals: 95 % percentile bootstrap over whole documents, {n_boot} resamples",
        f"- phrase bands: lemma frequency ranks in the {report.band_reference}",
        f"- MLflow run: `{report.run_id}` (experiment {EVAL_EXPERIMENT})" if report.run_id
        else "- MLflow run: not logged (--no-track)",
        f"- written: {time.strftime('%Y-%m-%d %H:%M:%S')}", "",
        "## Comparison", "", "![comparison](comparison.png)", "",
    ]
    for task in TASKS:
        ms = [m for m in report.models if m.task == task]
        if not ms:
            continue
        names = INTERVAL_METRICS[task]
        rows = []
        for m in ms:
            met, ci = m.result["metrics"], m.result["intervals"]
            row: dict[str, Any] = {"model": f"`{m.name}`", "clauses": m.result["n"],
                                   "excluded": m.result["n_excluded"]}
            for name in names:
                if name in met:
                    row[name] = _fmt_ci(met[name], *ci.get(name, [math.nan, math.nan]))
            row["clauses/s"] = f"{m.result['n'] / max(m.predict_seconds, 1e-9):,.0f}"
            rows.append(row)
        lines += [f"### {task} (primary: {PRIMARY_METRIC[task]})", "", _md(pd.DataFrame(rows)),
                  ""]
    for m in report.models:
        lines += [f"## `{m.name}` — {m.task}", "", f"- URI: `{m.uri}`"]
        if m.model_run_id:
            lines.append(f"- trained in MLflow run `{m.model_run_id}`")
        lines += ["", "### Per class", ""]
        per_class = m.result["per_class"]
        if m.task == "clause-type":
            lines += [_md(_with_ci_column(per_class, "f1")), "",
                      f"![confusion](confusion_{m.slug}.png)", ""]
        else:
            lines += [_md(_with_ci_column(per_class, m.primary)) if not per_class.empty
                      else "(no gold types)", ""]
        lines += ["### Slices", "", f"![slices](slices_{m.slug}.png)", ""]
        for column, table in m.result["slices"].items():
            lines += [f"#### per {column.replace('_', ' ')}", "",
                      _md(_with_ci_column(table, m.primary)), ""]
        errors = m.result["errors"]
        lines += [f"### Top errors ({len(errors):,} in `errors_{m.slug}.csv`)", "",
                  _md(_top_errors(m)), ""]
    return "\n".join(lines)


def _slices_png(m: ModelEvaluation, path: Path) -> None:
    from pipelines.evaluation.plots import bar_comparison_png

    names, values, lows, highs = [], [], [], []
    for column, table in m.result["slices"].items():
        for row in table.itertuples(index=False):
            value = row[3]
            if value is None or math.isnan(value):
                continue
            lo, hi = row[4], row[5]
            names.append(f"{column.replace('phrase_', '')}: {row[0]} (n={row[1]})")
            values.append(value)
            lows.append(value if math.isnan(lo) else lo)
            highs.append(value if math.isnan(hi) else hi)
    bar_comparison_png(names, values, path, f"{m.name}: {m.primary} per slice (95% CI)",
                       lows, highs, xlabel=m.primary)


def write_report(report: EvaluationReport, n_boot: int, split: str | None) -> list[Path]:
    """Write report.md, comparison.png, confusion_/slices_ PNGs, errors CSVs, metrics.json."""
    from pipelines.evaluation.plots import bar_comparison_png, confusion_png

    out = report.out_dir
    files: list[Path] = []
    names = [f"{m.name} ({m.primary})" for m in report.models]
    values = [m.result["metrics"].get(m.primary, math.nan) for m in report.models]
    cis = [m.result["intervals"].get(m.primary, [math.nan, math.nan]) for m in report.models]
    values = [0.0 if math.isnan(v) else v for v in values]
    lows = [v if math.isnan(c[0]) else c[0] for v, c in zip(values, cis, strict=True)]
    highs = [v if math.isnan(c[1]) else c[1] for v, c in zip(values, cis, strict=True)]
    bar_comparison_png(names, values, out / "comparison.png",
                       "primary metric with 95% bootstrap interval", lows, highs)
    files.append(out / "comparison.png")
    for m in report.models:
        conf = m.result["confusion"]
        if conf:
            path = out / f"confusion_{m.slug}.png"
            confusion_png(np.asarray(conf["matrix"]), conf["labels"], path,
                          f"{m.name} (n={m.result['n']:,})")
            files.append(path)
        if m.result["slices"]:
            _slices_png(m, out / f"slices_{m.slug}.png")
            files.append(out / f"slices_{m.slug}.png")
        with atomic_open(out / f"errors_{m.slug}.csv") as fh:
            m.result["errors"].to_csv(fh, index=False)
        files.append(out / f"errors_{m.slug}.csv")
    with atomic_open(out / "metrics.json") as fh:
        json.dump(report_json(report, n_boot, split), fh, indent=2, allow_nan=False)
    files.append(out / "metrics.json")
    with atomic_open(out / "report.md") as fh:
        fh.write(render_report(report, n_boot, split))
    files.append(out / "report.md")
    return files


def _clean(value: Any) -> Any:
    """JSON-safe: NaN → None, numpy scalars → Python, frames → records."""
    if isinstance(value, pd.DataFrame):
        return [_clean(r) for r in value.to_dict(orient="records")]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def report_json(report: EvaluationReport, n_boot: int, split: str | None) -> dict[str, Any]:
    """Everything but the error rows, as plain JSON."""
    return _clean({
        "data": str(report.data), "split": split, "n_boot": n_boot, "run_id": report.run_id,
        "clauses": report.n_clauses, "band_reference": report.band_reference,
        "models": [{
            "name": m.name, "uri": m.uri, "task": m.task, "model_run_id": m.model_run_id,
            "predict_seconds": m.predict_seconds, "n": m.result["n"],
            "n_excluded": m.result["n_excluded"], "primary": m.primary,
            "metrics": m.result["metrics"], "intervals": m.result["intervals"],
            "per_class": m.result["per_class"], "confusion": m.result["confusion"],
            "slices": m.result["slices"], "errors": len(m.result["errors"]),
        } for m in report.models],
    })
