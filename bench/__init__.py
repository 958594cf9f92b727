"""The performance benchmark: ``make bench`` (``python bench/run.py``); see docs/performance.md."""
