"""Champion selection that rewards generalization (issue 9).

In-domain validation alone favours models that memorise recent GA markup. The registry's
``champion`` alias is moved on the **generalization score**::

    score = mean(val/<primary>, min over challenge kinds of challenge/<kind>/<transfer metric>)

where ``<primary>`` is macro-F1 (clause-type) or exact match (action-phrase), and the transfer
metric is preambular/operative macro-F1 (clause-type) or phrase exact match (action-phrase),
both on the challenge sets' **dev** parts (``pipelines.evaluation.challenge``); final parts never
enter selection. The minimum over kinds makes the worst genre count. Only the kinds in the
languages of a run's data are scored (``kind.json``, ``pipelines.evaluation.challenge``): an
English model is not judged on French documents, a multilingual one is. Without challenge metrics
the score is the validation metric alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipelines.evaluation.metrics import PRIMARY_METRIC

#: the name the score is logged and tagged under
SELECTION_METRIC = "generalization"
#: per task: the challenge metric whose minimum over kinds enters the score
TRANSFER_METRIC = {"clause-type": "preop_macro_f1", "action-phrase": "exact_match"}


def challenge_minimum(task: str, metrics: Mapping[str, float]) -> float | None:
    """The lowest dev-part transfer metric over challenge kinds, or None when there is none."""
    suffix = "/" + TRANSFER_METRIC[task]
    values = [v for k, v in metrics.items()
              if k.startswith("challenge/") and k.endswith(suffix) and v == v]
    return min(values) if values else None


def generalization_score(task: str, metrics: Mapping[str, float]) -> float | None:
    """``mean(val primary, challenge minimum)``; the validation metric alone without challenge
    metrics; None without a validation metric."""
    val = metrics.get(f"val/{PRIMARY_METRIC[task]}")
    if val is None:
        return None
    low = challenge_minimum(task, metrics)
    return val if low is None else (val + low) / 2
