"""docxtpl's patch step, remembered on disk, so that a cold build need not import docxtpl.

docxtpl rewrites a template's own tag syntax ({{p }}, {%tr %}, tags Word split across
runs …) into plain Jinja with regular expressions; importing it loads python-docx too,
the largest import of a cold `reportgen build`. The result depends only on the parts'
XML and on docxtpl's version, so it is kept in the user's cache folder under a hash of
both. Any problem with the cache (none yet, unreadable, read-only) just means patching
again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import secrets
from pathlib import Path

CACHE_LIMIT = 50 * 2**20  # a cache file larger than this is not ours


def cache_dir() -> Path:
    configured = os.environ.get("REPORTGEN_CACHE_DIR")
    if configured:
        return Path(configured)
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") \
            / "reportgen" / "cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"


def patched_parts(sources: dict[str, str]) -> dict[str, str]:
    """Each part's XML after docxtpl's patch step."""
    version = _docxtpl_version()
    path = None
    if version is not None:
        digest = hashlib.sha256(f"docxtpl {version}\0".encode())
        for name in sorted(sources):
            digest.update(f"{name}\0{sources[name]}\0".encode())
        path = cache_dir() / f"patched-{digest.hexdigest()[:32]}.json"
        cached = _read(path)
        if cached is not None and set(cached) == set(sources):
            return cached
    from docxtpl import DocxTemplate

    patched = {name: DocxTemplate.patch_xml(None, source)  # uses no instance state
               for name, source in sources.items()}
    if path is not None:
        _write(path, patched)
    return patched


def _docxtpl_version() -> str | None:
    """Read from docxtpl's __init__.py without importing it (importing is the cost)."""
    spec = importlib.util.find_spec("docxtpl")
    if spec is None or spec.origin is None:
        return None
    try:
        text = Path(spec.origin).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return match.group(1) if match else None


def _read(path: Path) -> dict[str, str] | None:
    try:
        if path.stat().st_size > CACHE_LIMIT:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return data
    return None


def _write(path: Path, patched: dict[str, str]) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(patched, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)  # a reader sees the whole file or none
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)
