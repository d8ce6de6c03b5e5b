"""`unclause run`: one experiment → one MLflow run (fit ▶ evaluate ▶ log ▶ maybe register)."""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipelines.config import ExperimentConfig, flatten
from pipelines.data.dataset import dataset_digest, load_clauses, read_manifest, sample_documents
from pipelines.data.order import document_order
from pipelines.data.split import SPLITS
from pipelines.errors import UnclauseError
from pipelines.evaluation.challenge import preop_macro_f1
from pipelines.evaluation.errors import error_table
from pipelines.evaluation.metrics import PRIMARY_METRIC, confusion, task_metrics
from pipelines.evaluation.plots import confusion_png
from pipelines.models.base import build_model
from pipelines.models.frames import with_translated_lemmas
from pipelines.schema import CLAUSE_TYPES
from pipelines.tracking.lineage import git_tags, log_dataset
from pipelines.tracking.registry import register_if_better
from pipelines.tracking.store import setup
from pipelines.training.selection import SELECTION_METRIC, generalization_score

log = logging.getLogger(__name__)
METRIC_PREFIX = {"train": "train", "validation": "val", "test": "test"}
#: ``train/`` metrics (a fit check, not a result) come from at most this many clauses of whole
#: training documents: the full 93k split took a CPU transformer over 10 minutes to predict
TRAIN_EVAL_MAX = 20_000


@dataclass
class RunResult:
    """What one experiment produced."""

    run_id: str
    config: ExperimentConfig
    metrics: dict[str, float]
    train_seconds: float
    throughput: float
    registration: dict[str, Any] | None = None
    artifacts: list[str] = field(default_factory=list)

    @property
    def primary(self) -> str:
        return PRIMARY_METRIC[self.config.task]


def load_splits(cfg: ExperimentConfig) -> dict[str, pd.DataFrame]:
    """Train/validation/test tables for ``cfg``, filtered and (in debug) sampled by document."""
    frame = load_clauses(cfg.data.path)
    if cfg.data.bodies:
        frame = frame[frame["body"].isin(cfg.data.bodies)]
    if cfg.data.languages:
        # tables built before the language column are English
        languages = frame["language"] if "language" in frame.columns else pd.Series(
            "en", index=frame.index)
        frame = frame[languages.fillna("en").isin(cfg.data.languages)]
    if cfg.data.drop_other_sections and "section" in frame.columns:
        frame = frame[~frame["section"].isin(cfg.data.drop_other_sections)]
    frame = frame[frame["type"].isin(CLAUSE_TYPES)]
    splits = {s: document_order(frame[frame["split"] == s]).reset_index(drop=True) for s in SPLITS}
    if cfg.data.train_languages and "language" in frame.columns:
        train = splits["train"]
        splits["train"] = train[train["language"].fillna("en").isin(cfg.data.train_languages)
                                ].reset_index(drop=True)
    if splits["train"].empty:
        raise UnclauseError(f"no training clauses in {cfg.data.path} after filtering",
                            "check data.bodies and data.languages, or rebuild with `unclause data build`")
    if cfg.debug:
        splits = {s: sample_documents(f, cfg.debug, cfg.seed) for s, f in splits.items()}
    return splits


def augmented_train(cfg: ExperimentConfig, train: pd.DataFrame
                    ) -> tuple[pd.DataFrame, dict[str, float]]:
    """The training table the model fits on: ``train`` plus transformed copies of a share of
    its documents when ``cfg.augment`` is on, and the counts to log."""
    enabled = cfg.augment.enabled()
    if not enabled:
        return train, {}
    from pipelines.data.augment import headings_as_other_table
    from pipelines.data.augmentation import augment_documents

    # the generalizing model learns headings as the label definitions type them (the copies
    # are cleaned likewise inside augment_documents)
    train = headings_as_other_table(train)
    result = augment_documents(train, enabled, cfg.augment.fraction, cfg.augment.probability,
                               cfg.seed)
    return pd.concat([train, result.rows], ignore_index=True), result.metrics()


def run_languages(splits: dict[str, pd.DataFrame]) -> list[str]:
    """The languages a run's data covers (English for tables without a language column): the
    challenge kinds in these languages are the ones the model is judged on."""
    frames = [f for f in splits.values() if not f.empty]
    if not frames or not any("language" in f.columns for f in frames):
        return ["en"]
    codes = pd.concat([f["language"] for f in frames if "language" in f.columns]).fillna("en")
    return sorted(set(codes))


def challenge_metrics(task: str, model: Any, metrics: dict[str, float],
                      languages: list[str] | None = None) -> pd.DataFrame:
    """Add ``challenge/<kind>/<metric>`` (dev) and ``challenge_final/…`` to ``metrics`` for the
    kinds in ``languages`` (default: all); return the dev parts' errors. Nothing when the
    repository has no challenge sets in those languages."""
    from pipelines.evaluation import challenge

    sets = challenge.load_sets(challenge.PARTS, languages=languages)
    if not sets:
        return pd.DataFrame()
    results = {}
    errors = []
    for cset in sets:
        pred = model.predict(cset.inputs)
        results[(cset.kind, cset.part)] = challenge.score(task, cset, pred)
        if cset.part == "dev":
            errors.append(challenge.error_rows(task, cset, pred))
    metrics.update(challenge.flat_metrics(results, task))
    return pd.concat(errors, ignore_index=True) if errors else pd.DataFrame()


def language_metrics(task: str, gold: pd.DataFrame, pred: pd.DataFrame,
                     prefix: str) -> dict[str, float]:
    """``<prefix>/lang/<code>/<metric>`` for each language of a multilingual split (none when
    the split has one language or no language column). Predicted lemmas in another language
    than English come from the cross-lingual phrase map, as in the gold labels and annotate."""
    if "language" not in gold.columns:
        return {}
    languages = gold["language"].fillna("en").reset_index(drop=True)
    if languages.nunique() < 2:
        return {}
    gold = gold.reset_index(drop=True)
    pred = pred.reset_index(drop=True)
    out: dict[str, float] = {}
    for code in sorted(languages.unique()):
        mask = (languages == code).to_numpy()
        part = with_translated_lemmas(pred[mask], code)
        for key, value in task_metrics(task, gold[mask], part).items():
            out[f"{prefix}/lang/{code}/{key}"] = value
    return out


def run_experiment(cfg: ExperimentConfig, register: bool = False,
                   config_path: str | None = None, nested: bool = False,
                   parent_run_id: str | None = None) -> RunResult:
    """Fit, evaluate on every split, log everything to MLflow; optionally register.

    ``nested``: a child of this process's active run; ``parent_run_id``: a child of that run,
    which may be active in another process (a sweep's worker)."""
    import mlflow

    from pipelines.models.pyfunc import log_clause_model

    splits = load_splits(cfg)
    fit_train, augment_metrics = augmented_train(cfg, splits["train"])
    setup(cfg.experiment)
    manifest = read_manifest(cfg.data.path)
    full_digest = manifest.get("digest") or dataset_digest(pd.concat(splits.values()))
    model = build_model(cfg.model, cfg.task, cfg.seed)
    tags = {"task": cfg.task, "family": cfg.model.family, "debug": str(bool(cfg.debug)),
            "dataset.digest": full_digest, **cfg.tags}
    tags.update(git_tags())
    with mlflow.start_run(run_name=cfg.name, tags=tags, nested=nested,
                          parent_run_id=parent_run_id,
                          description=cfg.description or None) as run, \
            tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        mlflow.log_params({k: str(v)[:500] for k, v in flatten(cfg).items()})
        (tmp / "config.yaml").write_text(yaml.safe_dump(cfg.model_dump(mode="json"),
                                                        sort_keys=False), encoding="utf-8")
        mlflow.log_artifact(str(tmp / "config.yaml"))
        if config_path:
            mlflow.set_tag("config_path", config_path)
        datasets = {split: log_dataset(frame, f"clauses-{split}", dataset_digest(frame),
                                       str(Path(cfg.data.path).resolve()), split)
                    for split, frame in splits.items()}
        mlflow.log_params({f"data.{s}_clauses": len(f) for s, f in splits.items()}
                          | {f"data.{s}_documents": f["doc_id"].nunique()
                             for s, f in splits.items()})

        log.info("fitting %s/%s on %d clauses", cfg.model.family, cfg.task, len(fit_train))
        t0 = time.perf_counter()
        model.fit(fit_train, splits["validation"])
        if cfg.decode == "viterbi" and cfg.task == "clause-type":
            from pipelines.models.decode import ViterbiDecoder

            model.decoder = ViterbiDecoder.learn(fit_train, model.labels)
        train_seconds = time.perf_counter() - t0
        metrics: dict[str, float] = {"train_seconds": train_seconds, **augment_metrics}
        for key, value in model.describe().items():
            if isinstance(value, int | float):
                metrics[f"model.{key}"] = float(value)

        predictions: dict[str, pd.DataFrame] = {}
        throughput = 0.0
        for split, frame in splits.items():
            if frame.empty:
                continue
            if split == "train":
                frame = sample_documents(frame, TRAIN_EVAL_MAX, cfg.seed)
                metrics["train_eval_clauses"] = float(len(frame))
            t0 = time.perf_counter()
            pred = model.predict(frame)
            seconds = time.perf_counter() - t0
            predictions[split] = pred
            if split == "test" or (split == "validation" and not throughput):
                throughput = len(frame) / max(seconds, 1e-9)
            for key, value in task_metrics(cfg.task, frame, pred).items():
                metrics[f"{METRIC_PREFIX[split]}/{key}"] = value
            if cfg.task == "clause-type":  # as on the challenge sets, for the same table
                metrics[f"{METRIC_PREFIX[split]}/preop_macro_f1"] = preop_macro_f1(
                    frame["type"].tolist(), pred["type"].tolist())
            metrics.update(language_metrics(cfg.task, frame, pred, METRIC_PREFIX[split]))
        metrics["inference_clauses_per_s"] = throughput
        challenge_errors = challenge_metrics(cfg.task, model, metrics, run_languages(splits))
        score = generalization_score(cfg.task, metrics)
        if score is not None:
            metrics[SELECTION_METRIC] = score
        split_prefixes = tuple(f"{METRIC_PREFIX[s]}/" for s in datasets)
        # per-split metrics are logged below, linked to the logged model and their dataset
        mlflow.log_metrics({k: v for k, v in metrics.items() if not k.startswith(split_prefixes)})
        if not challenge_errors.empty:
            challenge_csv = tmp / "errors_challenge_dev.csv"
            challenge_errors.to_csv(challenge_csv, index=False)
            mlflow.log_artifact(str(challenge_csv), "errors")

        artifacts = []
        for split in ("validation", "test"):
            if split not in predictions:
                continue
            gold = splits[split]
            pred = predictions[split]
            if cfg.task == "clause-type":
                png = confusion_png(confusion(gold["type"], pred["type"]), CLAUSE_TYPES,
                                    tmp / f"confusion_{split}.png",
                                    f"{cfg.name} — {split} (n={len(gold):,})")
                mlflow.log_artifact(str(png), "plots")
                artifacts.append(f"plots/{png.name}")
            errors = error_table(cfg.task, gold, pred, cfg.max_errors)
            err_csv = tmp / f"errors_{split}.csv"
            errors.to_csv(err_csv, index=False)
            mlflow.log_artifact(str(err_csv), "errors")
            artifacts.append(f"errors/{err_csv.name}")

        saved = model.save(tmp / "saved_model")
        example = splits["test"].head(5)[["doc_id", "para_id", "text"]].reset_index(drop=True)
        if example.empty:
            example = splits["train"].head(5)[["doc_id", "para_id", "text"]]
        info = log_clause_model(model, saved, example,
                                tags={"task": cfg.task, "family": cfg.model.family,
                                      "run_name": cfg.name,
                                      **({"mlflow.note.content": cfg.description}
                                         if cfg.description else {})})
        for split, dataset in datasets.items():
            prefix = f"{METRIC_PREFIX[split]}/"
            linked = {k: v for k, v in metrics.items() if k.startswith(prefix)}
            if linked:
                mlflow.log_metrics(linked, model_id=info.model_id, dataset=dataset)

        registration = None
        if register:
            if score is None:
                raise UnclauseError("cannot register: no validation metric",
                                    "the validation split is empty; rebuild the dataset")
            # the champion is chosen on validation and the challenge sets' dev parts together
            registration = register_if_better(run.info.run_id, cfg.model_name,
                                              SELECTION_METRIC, score,
                                              description=cfg.description or None)
            mlflow.set_tags({"registry.model_name": registration["model_name"],
                             "registry.version": registration["version"],
                             "registry.promoted": registration["promoted"],
                             "registry.tie": registration["tie"]})
            if registration["previous_value"] is not None:
                mlflow.log_metric("registry.previous_champion_val", registration["previous_value"])
        return RunResult(run_id=run.info.run_id, config=cfg, metrics=metrics,
                         train_seconds=train_seconds, throughput=throughput,
                         registration=registration, artifacts=artifacts)
