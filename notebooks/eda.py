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
# # The clause dataset: exploratory analysis
#
# What the built clause table (`unclause data build`) holds: how the three types balance per
# body, how long clauses of each type are, which action phrases open them, how phrases move
# across sessions, and where preambular and operative clauses sit in a document.
#
# Data: `$UNCLAUSE_DATA` (default `data/processed/clauses` in the project). `make notebooks`
# executes it into `notebooks/eda.ipynb` (a kernel on the project's .venv); it also runs as a
# script.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import pipelines
from pipelines.data.dataset import load_clauses
from pipelines.evaluation.slices import opening_word, with_positions
from pipelines.schema import CLAUSE_TYPES

# %matplotlib inline

ROOT = Path(pipelines.__file__).resolve().parents[1]
DATA = Path(os.environ.get("UNCLAUSE_DATA") or ROOT / "data" / "processed" / "clauses")
COLORS = {"preambular": "#4a7fb5", "operative": "#d08c2f", "other": "#8a8a8a"}
pd.set_option("display.width", 140)

clauses = with_positions(load_clauses(DATA))
clauses["words"] = clauses["text"].fillna("").str.split().str.len()
clauses["opening"] = clauses["text"].map(opening_word)
labelled = clauses[clauses["type"].isin(CLAUSE_TYPES)]
print(f"{DATA}: {len(clauses):,} clauses in {clauses['doc_id'].nunique():,} documents; "
      f"{len(clauses) - len(labelled):,} without a type")
clauses.groupby(["split", "body"])["doc_id"].nunique().unstack(fill_value=0)

# %% [markdown]
# ## Type balance per body

# %%
balance = pd.crosstab(labelled["body"].fillna("?"), labelled["type"]).reindex(
    columns=list(CLAUSE_TYPES), fill_value=0)
shares = balance.div(balance.sum(axis=1), axis=0)
fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * len(balance) + 2))
balance.plot.barh(stacked=True, ax=axes[0], color=[COLORS[t] for t in balance.columns])
axes[0].set_title("clauses per body")
axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
shares.plot.barh(stacked=True, ax=axes[1], color=[COLORS[t] for t in shares.columns],
                 legend=False)
axes[1].set_title("share of each type")
axes[1].set_xlim(0, 1)
fig.tight_layout()
plt.show()
balance.assign(documents=labelled.groupby("body")["doc_id"].nunique())

# %% [markdown]
# ## Clause length per type (words)

# %%
fig, ax = plt.subplots(figsize=(8, 4))
upper = max(int(labelled["words"].quantile(0.99)), 10)
for ctype in CLAUSE_TYPES:
    words = labelled.loc[labelled["type"] == ctype, "words"].clip(upper=upper)
    ax.hist(words, bins=40, range=(0, upper), alpha=0.55, label=ctype, color=COLORS[ctype])
ax.set_xlabel(f"words per clause (clipped at the 99th percentile, {upper})")
ax.set_ylabel("clauses")
ax.legend()
plt.show()
labelled.groupby("type")["words"].describe(percentiles=[0.1, 0.5, 0.9]).round(1)

# %% [markdown]
# ## Top action lemmas and phrases per type
#
# The opening phrase is the signal that transfers across genres; the lemma groups its surface
# forms ("Also requests", "Requests" → request).

# %%
with_phrase = labelled[labelled["action_lemma"].notna()]
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, ctype in zip(axes, ("preambular", "operative"), strict=True):
    top = with_phrase.loc[with_phrase["type"] == ctype, "action_lemma"].value_counts().head(15)
    top.sort_values().plot.barh(ax=ax, color=COLORS[ctype])
    ax.set_title(f"{ctype}: top lemmas")
    ax.set_xlabel("clauses")
fig.tight_layout()
plt.show()
(with_phrase.groupby(["type", "action_phrase"]).size().rename("clauses").reset_index()
 .sort_values(["type", "clauses"], ascending=[True, False]).groupby("type").head(8))

# %% [markdown]
# ## Opening words: the grammar behind the types
#
# The first word after the numbering, per type: participles and adjectives open preambles,
# finite verbs open operative clauses.

# %%
openings = (labelled[labelled["opening"] != ""].groupby(["type", "opening"]).size()
            .rename("clauses").reset_index()
            .sort_values(["type", "clauses"], ascending=[True, False]).groupby("type").head(6))
openings.pivot_table(index="opening", columns="type", values="clauses", fill_value=0)

# %% [markdown]
# ## Phrases per session
#
# The share of each session's phrase-bearing clauses that the ten most frequent lemmas open:
# a lemma whose share moves a lot is a topic or drafting fashion, not grammar.

# %%
top_lemmas = with_phrase["action_lemma"].value_counts().head(10).index
by_session = pd.crosstab(with_phrase["session"].fillna("?"), with_phrase["action_lemma"])
by_session = by_session.div(by_session.sum(axis=1), axis=0)[top_lemmas]
fig, ax = plt.subplots(figsize=(9, 0.35 * len(by_session) + 2))
image = ax.imshow(by_session.to_numpy(), aspect="auto", cmap="Blues")
ax.set_xticks(range(len(top_lemmas)), top_lemmas, rotation=40, ha="right")
ax.set_yticks(range(len(by_session)), by_session.index)
ax.set_ylabel("session")
fig.colorbar(image, ax=ax, label="share of the session's phrases")
fig.tight_layout()
plt.show()
with_phrase.groupby("session").agg(clauses=("action_lemma", "size"),
                                   lemmas=("action_lemma", "nunique"))

# %% [markdown]
# ## Where clauses sit in the document
#
# Relative position 0 is the first paragraph, 1 the last. Preambles precede the operative
# part; "other" lines frame both (symbols, titles, formula at the top; meeting lines at the end).

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for ctype in CLAUSE_TYPES:
    ax.hist(labelled.loc[labelled["type"] == ctype, "rel_position"], bins=20, range=(0, 1),
            alpha=0.55, label=ctype, color=COLORS[ctype])
ax.set_xlabel("relative position in the document")
ax.set_ylabel("clauses")
ax.legend()
plt.show()
labelled.groupby("type")["rel_position"].describe(percentiles=[0.1, 0.5, 0.9]).round(2)

# %% [markdown]
# Documents where an operative clause comes before the last preambular one break the usual
# order; they are worth a look (segmentation slips, annexes with their own preamble).

# %%
order = labelled.pivot_table(index="doc_id", columns="type", values="position",
                             aggfunc=["min", "max"])
if {("max", "preambular"), ("min", "operative")} <= set(order.columns):
    mixed = order[order[("min", "operative")] < order[("max", "preambular")]]
    print(f"{len(mixed):,} of {len(order):,} documents interleave preambular and operative "
          "clauses")
