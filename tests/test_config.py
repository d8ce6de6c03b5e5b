"""Strict configs: every shipped config validates; group choices, overrides, typos and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import (
    FAMILIES,
    CRFConfig,
    ExperimentConfig,
    LinearConfig,
    ModelConfig,
    compose,
    flatten,
    group_options,
    load_config,
    parse_overrides,
    split_group_choices,
)
from pipelines.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((ROOT / "configs/experiment").glob("*.yaml"))


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_experiment_config_loads_and_validates(path: Path) -> None:
    cfg = load_config(path)
    assert isinstance(cfg, ExperimentConfig)
    assert cfg.name and cfg.task in {"clause-type", "action-phrase"}
    assert "${" not in cfg.name + cfg.description + "".join(cfg.tags.values())


@pytest.mark.parametrize("task", group_options("task"))
@pytest.mark.parametrize("family", ["rules", "linear", "crf", "transformer"])
def test_default_experiment_takes_every_task_and_family(task: str, family: str) -> None:
    cfg = load_config(None, [f"task={task}", f"model={family}"])
    assert (cfg.task, cfg.model.family, cfg.name) == (task, family, f"{task}-{family}")
    assert cfg.tags == {"family": family, "purpose": "default"}
    assert f"the {family} family" in cfg.description


def test_every_group_option_is_used_by_some_experiment_or_is_a_family() -> None:
    import yaml

    used = {(k, str(v)) for p in EXPERIMENTS
            for k, v in yaml.safe_load(p.read_text())["defaults"].items()}
    for group in ("data", "model", "task"):
        for option in group_options(group):
            assert (group, option) in used or (group, option) in {
                ("model", f) for f in FAMILIES} | {("task", t) for t in group_options("task")}, \
                f"configs/{group}/{option}.yaml is not used"


def test_family_registry_matches_the_config_union() -> None:
    from typing import get_args

    union = get_args(get_args(ModelConfig)[0])
    assert {f.config for f in FAMILIES.values()} == set(union)
    for name, family in FAMILIES.items():
        assert family.config.model_fields["family"].default == name
        assert (ROOT / "configs" / "model" / f"{name}.yaml").exists()


def test_group_choice_switches_task_and_family_then_values_apply() -> None:
    cfg = load_config("default", ["task=action-phrase", "model=crf", "model.c1=0.2"])
    assert isinstance(cfg.model, CRFConfig) and cfg.model.c1 == 0.2 and cfg.model.c2 == 0.05
    assert cfg.name == "action-phrase-crf" and cfg.task == "action-phrase"
    assert cfg.description == "action phrase span and lemma from the crf family"
    linear = load_config(None, ["task=action-phrase", "model=linear", "model.C=2"])
    assert isinstance(linear.model, LinearConfig) and linear.model.C == 2.0
    # a model option that is not named after its family: the baseline's TF-IDF setup
    tfidf = load_config(None, ["model=linear_tfidf"])
    assert isinstance(tfidf.model, LinearConfig) and tfidf.model.features == ["words"]
    assert tfidf.name == "clause-type-linear"


def test_group_choice_order_does_not_matter_and_values_win() -> None:
    a = load_config(None, ["model.max_iterations=7", "model=crf", "task=action-phrase"])
    b = load_config(None, ["task=action-phrase", "model=crf", "model.max_iterations=7"])
    assert a == b and isinstance(a.model, CRFConfig) and a.model.max_iterations == 7


def test_a_chosen_task_wins_over_a_task_set_in_the_experiment(tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text("defaults: {model: rules}\nname: mine\ntask: clause-type\n")
    assert load_config(own).task == "clause-type"
    cfg = load_config(own, ["task=action-phrase"])
    assert cfg.task == "action-phrase" and cfg.name == "mine"


def test_split_group_choices_keeps_dotted_keys_and_structures_as_values() -> None:
    choices, values = split_group_choices(
        ["model=crf", "task=action-phrase", "model.C=2", "data={path: x}", "seed=3"])
    assert choices == {"model": "crf", "task": "action-phrase"}
    assert values == ["model.C=2", "data={path: x}", "seed=3"]


@pytest.mark.parametrize(("overrides", "expected"), [
    (["model=forest"], "unknown model 'forest'"),
    (["task=translation"], "allowed task values: action-phrase, clause-type"),
    (["data=nowhere"], "allowed data values: corpus"),
    (["task=action-phrase", "model=crf", "model.C=2"], "unknown key 'model.C'; allowed here: family, c1, c2"),
    (["model=rules", "model.C=2"], "allowed here: family, min_count, max_words"),
    (["name=${nope}"], "Interpolation key 'nope' not found"),
])
def test_bad_group_choices_name_the_allowed_options(overrides: list[str], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(None, overrides)
    assert expected in str(err.value)


def test_unknown_defaults_group_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("defaults: {modle: linear}\nname: x\ntask: clause-type\n")
    with pytest.raises(ConfigError, match="(?s)unknown defaults group 'modle'.*data, task, model"):
        load_config(bad)


def test_overrides_are_typed_and_nested() -> None:
    assert parse_overrides(["model.C=0.5", "debug=200", "tags.team=nlp"]) == {
        "model": {"C": 0.5}, "debug": 200, "tags": {"team": "nlp"}}
    cfg = load_config("default",
                      ["model.C=0.5", "debug=200", "model.features=[opening]"])
    assert isinstance(cfg.model, LinearConfig)
    assert cfg.model.C == 0.5 and cfg.debug == 200 and cfg.model.features == ["opening"]


def test_compose_merges_defaults_then_file_then_overrides() -> None:
    raw = compose(ROOT / "configs/experiment/debug.yaml", ["seed=1"])
    assert raw["model"]["family"] == "transformer" and raw["model"]["max_length"] == 48
    assert raw["seed"] == 1 and "defaults" not in raw
    assert raw["name"] == "clause-type-transformer-debug" and raw["task"] == "clause-type"


def test_override_of_a_family_field() -> None:
    cfg = load_config("default", ["model=rules", "model.min_count=5"])
    assert cfg.model.family == "rules" and cfg.model.min_count == 5


@pytest.mark.parametrize(("override", "expected"), [
    ("model.Cc=1", "unknown key 'model.Cc'"),
    ("modle.C=1", "unknown key 'modle'"),
    ("task=translation", "allowed task values: action-phrase, clause-type"),
    ("task={x: 1}", "'clause-type' or 'action-phrase'"),
    ("model.C=-1", "model.C"),
    ("model.family=forest", "rules, linear, crf, transformer"),
    ("debug=3", "debug"),
])
def test_bad_keys_and_values_name_the_key_and_the_allowed(override: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config("default", [override])
    assert expected in str(err.value)


def test_malformed_override_and_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="key=value"):
        parse_overrides(["modelC"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_flatten_gives_dotted_params() -> None:
    cfg = load_config("default")
    flat = flatten(cfg)
    assert flat["model.C"] == cfg.model.C and flat["task"] == "clause-type"
    assert "tags" not in flat


def test_configs_readme_lists_every_group_option() -> None:
    readme = (ROOT / "configs" / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `/"): line for line in readme.splitlines()
            if line.startswith("| `")}
    for group in ("data", "task", "model", "experiment"):
        missing = [o for o in group_options(group) if f"`{o}`" not in rows.get(group, "")]
        assert not missing, f"configs/README.md: add {missing} to the {group}/ row"
