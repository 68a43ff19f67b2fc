"""docxtpl's patch step for the shipped template, done once when the template is built.

docxtpl rewrites a template's own tag syntax ({{p }}, {%tr %}, tags Word split across
runs …) into plain Jinja with regular expressions; importing it loads python-docx too,
the largest import of a cold `reportgen build`. For the shipped template,
templates/build_template.py stores the patched parts beside report.docx
(report.patched.json) under a digest of the parts and docxtpl's version. Nothing is
written at run time: a custom template, a changed template or another docxtpl version
is patched in memory, as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

SIDECAR_SUFFIX = ".patched.json"
SIDECAR_LIMIT = 50 * 2**20  # a larger file is not ours


def patched_parts(sources: dict[str, str], template: Path) -> dict[str, str]:
    """Each part's XML after docxtpl's patch step."""
    stored = _stored(sources, template)
    return stored if stored is not None else patch(sources)


def patch(sources: dict[str, str]) -> dict[str, str]:
    from docxtpl import DocxTemplate

    return {name: DocxTemplate.patch_xml(None, source)  # uses no instance state
            for name, source in sources.items()}


def sidecar_path(template: Path) -> Path:
    return template.with_name(template.stem + SIDECAR_SUFFIX)


def sidecar_bytes(sources: dict[str, str]) -> bytes:
    """What build_template.py writes beside the shipped template."""
    record = {"digest": _digest(sources, docxtpl_version()), "parts": patch(sources)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, indent=0).encode()


def docxtpl_version() -> str | None:
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


def _digest(sources: dict[str, str], version: str | None) -> str:
    digest = hashlib.sha256(f"docxtpl {version}\0".encode())
    for name in sorted(sources):
        digest.update(f"{name}\0{sources[name]}\0".encode())
    return digest.hexdigest()


def _stored(sources: dict[str, str], template: Path) -> dict[str, str] | None:
    """The shipped template's parts, if the sidecar is for exactly these parts."""
    from ..resources import data_dir

    path = sidecar_path(template)
    try:
        if template.resolve().parent != data_dir("templates").resolve() \
                or path.stat().st_size > SIDECAR_LIMIT:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = docxtpl_version()
    if version is None or not isinstance(record, dict) \
            or record.get("digest") != _digest(sources, version):
        return None
    parts = record.get("parts")
    if isinstance(parts, dict) and set(parts) == set(sources) \
            and all(isinstance(v, str) for v in parts.values()):
        return parts
    return None
