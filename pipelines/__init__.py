"""unclause: learn the grammar of UN documents."""
