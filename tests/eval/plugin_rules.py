"""A module that registers a rule on import, as the demo's oracle will (named in RULE_MODULES)."""

from alignkit.eval.judges import register


@register("test-plugin-exclaims")
def exclaims(prompt: str, response: str) -> float:
    """1 when the response ends with an exclamation mark."""
    return float(response.rstrip().endswith("!"))
