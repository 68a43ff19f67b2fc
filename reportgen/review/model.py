"""What a review finds: kind, place, the words quoted and a plain Chinese explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .reader import Place, SourceCell, SourceParagraph


class ReviewKind(StrEnum):
    COMPUTATION = "计算"        # a written computation whose stated result is wrong
    TOTAL = "合计"              # a total that is not the sum of its parts
    TABLE = "指标表"            # the indicator table's points, scores and sums
    SCORE = "评分"              # a score the framework's rule does not give
    MISMATCH = "前后不一"       # the same figure written differently in two places
    YEAR = "年份"               # a year that does not belong to the report's year
    NUMBERING = "编号"          # a list that skips or does not start at the beginning


@dataclass(frozen=True)
class ReviewFinding:
    kind: ReviewKind
    target: SourceParagraph | SourceCell
    span: tuple[int, int] | None   # offsets in the paragraph's text, None for a whole cell
    message: str

    @property
    def place(self) -> Place:
        return self.target.place

    @property
    def quote(self) -> str:
        text = self.target.text
        if self.span is None:
            return _shorten(text)
        start, end = self.span
        return _shorten(text[start:end])

    def render(self) -> str:
        return f"[{self.kind.value}] {self.place.describe()}「{self.quote}」：{self.message}"

    def as_json(self) -> dict:
        return {"kind": self.kind.value, "place": self.place.as_json(),
                "where": self.place.describe(), "quote": self.quote, "message": self.message}


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Review:
    """Everything one report gave: findings, the framework used and the two totals."""

    findings: list[ReviewFinding] = field(default_factory=list)
    unit: str = ""
    year: int | None = None
    framework: str = ""
    framework_note: str = ""
    claimed_total: Decimal | None = None
    recomputed_total: Decimal | None = None

    def count(self, kind: ReviewKind) -> int:
        return sum(1 for f in self.findings if f.kind is kind)
