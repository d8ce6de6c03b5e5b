# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Error analysis of a clause-type run
#
# Reads everything from MLflow (`$MLFLOW_TRACKING_URI`, default the project's
# `sqlite:///experiments/mlflow.db`): the `clause-type` champion's run if one is registered,
# else the latest finished clause-type run (or `$UNCLAUSE_RUN_ID`). It downloads the run's error
# table and confusion matrix, groups the errors by opening word and by position in the
# document, and compares the model families side by side.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import mlflow
import pandas as pd
from IPython.display import Image, display

import pipelines
from pipelines.data.dataset import load_clauses
from pipelines.evaluation.slices import opening_word, with_positions
from pipelines.schema import CLAUSE_TYPES
from pipelines.tracking.registry import champion_version
from pipelines.training.compare import comparison_frame

# %matplotlib inline

ROOT = Path(pipelines.__file__).resolve().parents[1]
URI = os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{ROOT / 'experiments' / 'mlflow.db'}"
EXPERIMENT = os.environ.get("UNCLAUSE_EXPERIMENT", "unclause")
SPLIT = os.environ.get("UNCLAUSE_ERROR_SPLIT", "validation")
os.environ["MLFLOW_TRACKING_URI"] = URI
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
mlflow.set_tracking_uri(URI)
mlflow.set_registry_uri(URI)
pd.set_option("display.width", 140)

runs = mlflow.search_runs(experiment_names=[EXPERIMENT],
                          filter_string="attributes.status = 'FINISHED'",
                          order_by=["attributes.start_time DESC"])
type_runs = runs[runs["tags.task"] == "clause-type"] if "tags.task" in runs else runs.iloc[:0]
champion = champion_version("clause-type")
champion_run = ((champion.tags or {}).get("run_id") or champion.run_id) if champion else None
assert champion_run or not type_runs.empty, f"no clause-type run in {URI}: run `make run` first"
run_id = os.environ.get("UNCLAUSE_RUN_ID") or champion_run or type_runs["run_id"].iloc[0]
run = mlflow.get_run(run_id)
source = "champion" if run_id == champion_run else "latest"
print(f"store {URI}\nrun {run_id} ({source}): {run.info.run_name}, "
      f"family {run.data.tags.get('family')}, data {run.data.params.get('data.path')}")
pd.Series({k: v for k, v in run.data.metrics.items() if k.startswith(("val/", "test/"))}).round(4)

# %% [markdown]
# ## Confusion matrix
#
# The matrix the run logged (rows: gold, columns: predicted), and the errors' confusion pairs.

# %%
display(Image(filename=mlflow.artifacts.download_artifacts(
    run_id=run_id, artifact_path=f"plots/confusion_{SPLIT}.png")))
errors = pd.read_csv(mlflow.artifacts.download_artifacts(
    run_id=run_id, artifact_path=f"errors/errors_{SPLIT}.csv"))
errors["opening"] = errors["text"].map(opening_word)
print(f"{len(errors):,} errors on {SPLIT}")
pd.crosstab(errors["type"], errors["pred_type"]).reindex(
    index=list(CLAUSE_TYPES), columns=list(CLAUSE_TYPES), fill_value=0)

# %% [markdown]
# ## Most common confusions by opening word
#
# An opening that keeps producing the same confusion is a rule or feature to fix (or a label
# convention to check).

# %%
by_opening = (errors.groupby(["opening", "type", "pred_type"]).size().rename("errors")
              .reset_index().sort_values("errors", ascending=False).head(15))
by_opening["confusion"] = (by_opening["opening"].replace("", "(none)") + ": "
                           + by_opening["type"] + " → " + by_opening["pred_type"])
fig, ax = plt.subplots(figsize=(8, 0.35 * len(by_opening) + 1.5))
ax.barh(by_opening["confusion"], by_opening["errors"], color="#b5504a")
ax.invert_yaxis()
ax.set_xlabel("errors")
ax.set_title(f"confusions by opening word ({SPLIT})")
fig.tight_layout()
plt.show()
by_opening.drop(columns="confusion")

# %% [markdown]
# ## Errors by position in the document
#
# The share of errors against the share of clauses in each tenth of the document (0 = first
# paragraph). Errors piling up at the edges point at structural lines (titles, formulas,
# meeting lines) or at the first operative paragraph after the preamble.

# %%
data_path = Path(os.environ.get("UNCLAUSE_DATA") or run.data.params.get("data.path")
                 or "data/processed/clauses")
data_path = data_path if data_path.is_absolute() else ROOT / data_path
clauses = with_positions(load_clauses(data_path, [SPLIT]))
located = errors.merge(clauses[["doc_id", "para_id", "rel_position", "position"]],
                       on=["doc_id", "para_id"], how="left")
bins = [i / 10 for i in range(11)]
shares = pd.DataFrame({
    "clauses": pd.cut(clauses["rel_position"], bins, include_lowest=True).value_counts(
        normalize=True, sort=False),
    "errors": pd.cut(located["rel_position"], bins, include_lowest=True).value_counts(
        normalize=True, sort=False),
}).fillna(0)
fig, ax = plt.subplots(figsize=(8, 3.5))
shares.plot.bar(ax=ax, color=["#9ab7d3", "#b5504a"])
ax.set_xticklabels([f"{b:.1f}" for b in bins[:-1]], rotation=0)
ax.set_xlabel("relative position (start of the tenth)")
ax.set_ylabel("share")
fig.tight_layout()
plt.show()
located.groupby("type")["position"].describe().round(1)

# %% [markdown]
# ## Model families side by side
#
# The latest run per experiment name (debug runs included), then per-class validation F1 of the
# latest clause-type run of each family.

# %%
table = comparison_frame(EXPERIMENT, last=1, include_debug=True)
display(table)
per_class = (type_runs.drop_duplicates("tags.family").set_index("tags.family")
             .reindex(columns=[f"metrics.val/{t}.f1" for t in CLAUSE_TYPES]))
per_class.columns = list(CLAUSE_TYPES)
fig, ax = plt.subplots(figsize=(7, 3.5))
per_class.plot.bar(ax=ax, rot=0, color=["#4a7fb5", "#d08c2f", "#8a8a8a"])
ax.set_ylim(max(0.0, float(per_class.min().min()) - 0.1) if per_class.notna().any().any()
            else 0, 1.0)
ax.set_ylabel("validation F1")
ax.set_xlabel("family")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
per_class.round(4)
