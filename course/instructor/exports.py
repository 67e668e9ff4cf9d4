"""Placeholder replaced by the exports work: long answers CSV and xAPI statements."""
