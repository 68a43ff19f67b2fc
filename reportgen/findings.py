"""Findings: what check, the readers and the scorer say about an input, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .text import shown


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"


CLAIMS_FIELD = "自填数"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    file: str = ""
    line: int | None = None
    field: str = ""

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 (GBK bytes from a Windows zip) would make the
        # message unprintable; every finding carries text any output can hold.
        for name in ("message", "file", "field"):
            object.__setattr__(self, name, shown(getattr(self, name)))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def makes_draft(self) -> bool:
        """An error behind a printed figure: the report cannot be final. A claimed figure
        (自填数) that differs is reported too, but the report prints the computed value."""
        return self.is_error and not self.field.startswith(CLAIMS_FIELD)

    def where(self) -> str:
        place = self.file
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"第{self.line}行"
        if self.field:
            place = f"{place}（{self.field}）" if place else self.field
        return place

    def render(self) -> str:
        where = self.where()
        return f"[{self.severity.value}] {where}：{self.message}" if where else (
            f"[{self.severity.value}] {self.message}"
        )


def count_errors(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.is_error)


def draft_errors(findings: list[Finding]) -> list[Finding]:
    """The errors that make a report a draft (草稿), in the order found."""
    return [f for f in findings if f.makes_draft]


class InputError(Exception):
    """The input cannot be used; carries every finding collected in the pass."""

    def __init__(self, findings: list[Finding], unreadable: bool = False) -> None:
        super().__init__("\n".join(f.render() for f in findings))
        self.findings = findings
        self.unreadable = unreadable


def error(message: str, file: str = "", line: int | None = None, field: str = "") -> Finding:
    return Finding(Severity.ERROR, message, file, line, field)


def warning(message: str, file: str = "", line: int | None = None, field: str = "") -> Finding:
    return Finding(Severity.WARNING, message, file, line, field)
