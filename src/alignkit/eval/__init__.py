"""Evaluation: reward models on held-out pairs (`rm.evaluate`), policies against their
reference (`policy.evaluate`), and the math as pure functions (`metrics.py`). The judges,
sampling and frozen inference models it uses live in alignkit.models (judges.py, generate.py,
inference.py), since online training scores and samples with the same code. Importing this
package imports no torch."""
