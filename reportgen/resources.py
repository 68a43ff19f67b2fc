"""Where the shipped data lives: the default template and the default narratives.

Installed, they are the packages reportgen.templates and reportgen.narratives (mapped
from the top-level folders by pyproject.toml); run from a source checkout, where
`import reportgen` finds ./reportgen first, they are the sibling folders.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache  # where the package is does not change while it runs; a batch asks per report
def data_dir(name: str) -> Path:
    """name is "templates" or "narratives"."""
    try:
        return Path(str(resources.files(f"reportgen.{name}")))
    except ModuleNotFoundError:
        return _CHECKOUT / name
