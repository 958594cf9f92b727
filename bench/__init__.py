"""The performance benchmark: ``make bench`` (``python bench/run.py``); results in bench/results/."""
