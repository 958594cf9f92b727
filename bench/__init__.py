"""The performance benchmark: ``make bench`` (``python bench/run.py``).

Results in bench/results/.
"""
