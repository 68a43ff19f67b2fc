"""One report through every check: the order is the reader's, the checks are independent."""

from __future__ import annotations

import re
from pathlib import Path

from .computations import find_computations
from .indicator_table import key
from .indicator_text import indicator_sections
from .indicators import check_indicators
from .model import Review, ReviewFinding
from .numbering import check_numbering
from .reader import ReviewedDocument, read_document
from .totals import check_table_totals, check_totals
from .years import check_years

_TITLE_YEAR = re.compile(r"(?P<unit>[^\s，。]*?)\s*(?P<year>(?:19|20)\d{2})\s*年度?")


def review_file(path: Path, framework: str | None = None) -> tuple[ReviewedDocument, Review]:
    doc = read_document(path)
    return doc, review_document(doc, framework)


def review_document(doc: ReviewedDocument, framework: str | None = None) -> Review:
    unit, year = report_identity(doc)
    review = Review(unit=unit, year=year)
    findings: list[ReviewFinding] = []
    computations = find_computations(doc.paragraphs, year)
    indicators = check_indicators(doc, computations, framework)
    for computation in computations:
        if not computation.consistent:
            findings.append(computation.finding(indicators.consequences.get(id(computation), "")))
    findings += check_totals(doc.paragraphs)
    findings += check_table_totals(doc.tables, indicators.table)
    findings += indicators.findings
    fw = indicators.framework
    names = [i.name for _, _, i in fw.indicators()] if fw else []
    names += [r.name for r in indicators.table.rows] if indicators.table else []
    last_year = {key(i.name) for _, _, i in fw.indicators()
                 if i.formula is not None and any("上年" in n for n in i.formula.names)} if fw else set()
    findings += check_years(year, indicators.table, doc.paragraphs,
                            indicator_sections(doc.paragraphs, names), last_year)
    findings += check_numbering(doc.paragraphs)
    review.findings = _in_reading_order(doc, findings)
    if fw is not None:
        review.framework, review.framework_note = fw.ident, indicators.framework_note
    else:
        review.framework_note = indicators.framework_note or "报告中没有找到指标表"
    review.claimed_total = indicators.claimed_total
    review.recomputed_total = indicators.recomputed_total
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


def _in_reading_order(doc: ReviewedDocument, findings: list[ReviewFinding]) -> list[ReviewFinding]:
    after = {t.number: t.after_paragraph for t in doc.tables}

    def order(f: ReviewFinding) -> tuple:
        place = f.place
        if place.table is None:
            return (place.paragraph or 0, 0, 0, 0, 0, f.span[0] if f.span else 0)
        return (after.get(place.table, 0), 1, place.table, place.row or 0, place.column or 0, 0)
    return sorted(findings, key=order)
