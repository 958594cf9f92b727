"""The performance benchmark: ``make bench`` (``python bench/run.py``).

Results go to bench/results/.
"""
