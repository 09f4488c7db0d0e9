"""Evaluation: reward models on held-out pairs (`rm.evaluate`), policies against their
reference (`policy.evaluate`), with judges (`judges.py`) and the math as pure functions
(`metrics.py`). Importing this package imports no torch."""
