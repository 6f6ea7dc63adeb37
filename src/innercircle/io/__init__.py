"""Readers of source formats: each turns a source into an ImportBatch of generic tables."""
