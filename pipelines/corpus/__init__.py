"""Reading real documents into Documents and Clauses: sources, readers, segmenter, labels."""
