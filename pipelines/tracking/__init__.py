"""MLflow plumbing: the store (:mod:`.store`), the model registry with its ``champion`` alias
(:mod:`.registry`) and the lineage of runs: git commit, dataset records (:mod:`.lineage`)."""
