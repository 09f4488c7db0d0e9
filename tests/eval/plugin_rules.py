"""A rule another package declares as an entry point of `alignkit.judges` (as the demo's oracle
does in pyproject.toml): a plain function, imported only when its name is looked up."""

IMPORTED = True


def exclaims(prompt: str, response: str) -> float:
    """1 when the response ends with an exclamation mark."""
    return float(response.rstrip().endswith("!"))
