"""Dataset records in MLflow: the schema inferred from a sample equals the full inference."""

from __future__ import annotations

import pandas as pd
from mlflow.types.utils import _infer_schema

from pipelines.tracking.lineage import sample_schema


def test_sample_schema_keeps_columns_optional_when_values_go_missing_late() -> None:
    n = 3000
    table = pd.DataFrame({
        "doc_id": [f"d{i // 50}" for i in range(n)],
        "para_id": list(range(n)),
        "text": [f"Clause number {i} of an invented document;" for i in range(n)],
        # missing only after the first 1,000 rows: a head() sample would call it required
        "action_phrase": ["Decides"] * 2500 + [None] * 500,
        "session": ["80"] * (n - 1) + [None],
    })
    schema = sample_schema(table, rows=1000)
    assert schema == _infer_schema(table)
    optional = {spec.name for spec in schema.inputs if not spec.required}
    assert optional == {"action_phrase", "session"}
