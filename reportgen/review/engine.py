"""One report through every check: the order is the reader's, the checks are independent."""

from __future__ import annotations

import re
from pathlib import Path

from .computations import find_computations
from .model import Finding, Review
from .reader import ReviewedDocument, read_document
from .totals import check_totals

_TITLE_YEAR = re.compile(r"(?P<unit>[^\s，。]*?)\s*(?P<year>(?:19|20)\d{2})\s*年度?")


def review_file(path: Path, framework: str | None = None) -> tuple[ReviewedDocument, Review]:
    doc = read_document(path)
    return doc, review_document(doc, framework)


def review_document(doc: ReviewedDocument, framework: str | None = None) -> Review:
    unit, year = report_identity(doc)
    review = Review(unit=unit, year=year)
    findings: list[Finding] = []
    for computation in find_computations(doc.paragraphs, year):
        if not computation.consistent:
            findings.append(computation.finding())
    findings.extend(check_totals(doc.paragraphs))
    review.findings = _in_reading_order(findings)
    return review


def report_identity(doc: ReviewedDocument) -> tuple[str, int | None]:
    """The unit and year from the title: the first paragraphs up to "…年度…报告"."""
    head = "".join(p.text.strip() for p in doc.paragraphs[:4])
    title = re.search(r"(.{0,40}?)((?:19|20)\d{2})\s*年度?[^。]{0,30}?(?:绩效)?评价报告", head)
    if title:
        unit = re.sub(r"\s+", "", title.group(1))
        return unit, int(title.group(2))
    years = re.findall(r"((?:19|20)\d{2})\s*年度", doc.text)
    if years:
        common = max(set(years), key=years.count)
        return "", int(common)
    return "", None


def _in_reading_order(findings: list[Finding]) -> list[Finding]:
    def key(f: Finding) -> tuple:
        place = f.place
        if place.table is None:
            return (0, place.paragraph or 0, 0, 0, f.span[0] if f.span else 0)
        return (1, place.table, place.row or 0, place.column or 0, 0)
    return sorted(findings, key=key)
