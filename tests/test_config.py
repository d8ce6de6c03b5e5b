"""Strict configs: every shipped config validates; overrides, typos and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import (
    ExperimentConfig,
    LinearConfig,
    compose,
    flatten,
    load_config,
    parse_overrides,
)
from pipelines.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((ROOT / "configs/experiment").glob("*.yaml"))


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_experiment_config_loads_and_validates(path: Path) -> None:
    cfg = load_config(path)
    assert isinstance(cfg, ExperimentConfig)
    assert cfg.name and cfg.task in {"clause-type", "action-phrase"}
    assert cfg.model.family in path.stem or cfg.model.family == "linear"


def test_every_model_and_data_config_is_used_by_some_experiment() -> None:
    import yaml

    used = {(k, str(v)) for p in EXPERIMENTS
            for k, v in yaml.safe_load(p.read_text())["defaults"].items()}
    for group in ("data", "model"):
        for file in (ROOT / "configs" / group).glob("*.yaml"):
            assert (group, file.stem) in used, f"configs/{group}/{file.name} is not used"


def test_overrides_are_typed_and_nested() -> None:
    assert parse_overrides(["model.C=0.5", "debug=200", "tags.team=nlp"]) == {
        "model": {"C": 0.5}, "debug": 200, "tags": {"team": "nlp"}}
    cfg = load_config(ROOT / "configs/experiment/clause_type_linear.yaml",
                      ["model.C=0.5", "debug=200", "model.features=[opening]"])
    assert isinstance(cfg.model, LinearConfig)
    assert cfg.model.C == 0.5 and cfg.debug == 200 and cfg.model.features == ["opening"]


def test_compose_merges_defaults_then_file_then_overrides() -> None:
    raw = compose(ROOT / "configs/experiment/clause_type_transformer_debug.yaml", ["seed=1"])
    assert raw["model"]["family"] == "transformer" and raw["model"]["max_length"] == 48
    assert raw["seed"] == 1 and "defaults" not in raw


def test_override_of_a_family_field() -> None:
    cfg = load_config(ROOT / "configs/experiment/clause_type_rules.yaml", ["model.min_count=5"])
    assert cfg.model.family == "rules" and cfg.model.min_count == 5


@pytest.mark.parametrize(("override", "expected"), [
    ("model.Cc=1", "unknown key 'model.Cc'"),
    ("modle.C=1", "unknown key 'modle'"),
    ("task=translation", "'clause-type' or 'action-phrase'"),
    ("model.C=-1", "model.C"),
    ("model.family=forest", "rules, linear, crf, transformer"),
    ("debug=3", "debug"),
])
def test_bad_keys_and_values_name_the_key_and_the_allowed(override: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(ROOT / "configs/experiment/clause_type_linear.yaml", [override])
    assert expected in str(err.value)


def test_malformed_override_and_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="key=value"):
        parse_overrides(["modelC"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_flatten_gives_dotted_params() -> None:
    cfg = load_config(ROOT / "configs/experiment/clause_type_linear.yaml")
    flat = flatten(cfg)
    assert flat["model.C"] == cfg.model.C and flat["task"] == "clause-type"
    assert "tags" not in flat
