"""Rendering of results: terminal tables, the HTML report."""
