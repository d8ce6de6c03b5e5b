"""Typer commands that live beside their stage (evaluate, annotate, labelstudio…)."""
