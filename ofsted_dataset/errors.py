"""Errors a curator or operator can act on: a one-line summary plus one line per problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, located as precisely as the input allows."""

    file: str
    line: int | None
    where: str  # the record and field, e.g. "inspections[0].overall_grade"
    message: str

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        where = f" {self.where}:" if self.where else ""
        return f"{location}:{where} {self.message}"


class PipelineError(Exception):
    """An expected failure: the CLI prints it without a traceback and exits non-zero."""

    def __init__(self, summary: str, details: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = details or []

    def __str__(self) -> str:
        return "\n".join([self.summary, *(f"  - {d}" for d in self.details)])


class CurationError(PipelineError):
    """Mappings or raw articles that cannot be applied; every problem of the run is listed at once."""

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.where, p.message))
        files = sorted({p.file for p in problems})
        super().__init__(
            f"{len(problems)} curation problem(s) in {len(files)} file(s); nothing was published.",
            [str(p) for p in problems],
        )
        self.problems = problems


class ValidationError(PipelineError):
    """Built tables that break the data contract (schemas/); nothing is published."""
