"""The account of one run: printed by the CLI and published as a Prefect artifact, from one object."""

from __future__ import annotations

from dataclasses import dataclass, field

from ofsted_dataset.release.publish import PublishResult


@dataclass(frozen=True)
class RunSummary:
    sources_read: int
    mapped: int
    waiting_for_curation: list[str]
    facts_applied: int
    quotes_matched: int
    rows: dict[str, int]
    official_record: str
    official_statuses: dict[str, int]
    official_conflicts: list[str]
    release: PublishResult | None  # None when the run was refused
    refused: list[str] = field(default_factory=list)  # the error's summary and details

    @property
    def repair_line(self) -> str:
        """What this run finished of an interrupted publish before its own; empty when nothing was left.

        Said in the summary because the pointers move (and leftovers vanish) without a release of this
        run's own: unreported, that looks like the project changing by itself.
        """
        release = self.release
        if release is None or not release.repaired:
            return ""
        return "Finished an interrupted publish: " + "; ".join(release.repaired)

    @property
    def outcome(self) -> str:
        if self.refused:
            return f"Refused: {self.refused[0]}"
        release = self.release
        if release is None or release.version is None:
            return f"No changes: release {release.previous if release else None} is current; nothing published"
        kind = f"{release.level}, previous {release.previous}" if release.previous else "first release"
        return f"Release {release.version} written to published/{release.version} ({kind}): {release.summary}"

    def lines(self, outcome: bool = True) -> list[str]:
        """The run summary as the CLI prints it; `check`, which publishes nothing, prints its own outcome."""
        lines = [f"Sources read: {self.sources_read} raw article(s), {self.mapped} with a mapping"]
        if self.waiting_for_curation:
            lines.append(f"Waiting for curation (no mapping yet): {', '.join(self.waiting_for_curation)}")
        lines.append(f"Facts applied: {self.facts_applied} curated record(s), {self.quotes_matched} quote(s) matched")
        if self.rows:
            lines.append("Rows: " + ", ".join(f"{name} {count}" for name, count in self.rows.items()))
        if self.official_record:
            lines.append(self.official_record)
        if self.official_statuses:
            lines.append("Checks against the official record: "
                         + ", ".join(f"{count} {status}" for status, count in self.official_statuses.items()))
        lines += [f"  conflict: {c}" for c in self.official_conflicts]
        if self.repair_line:
            lines.append(self.repair_line)
        if outcome and not self.refused:
            lines.append(self.outcome)
        return lines

    def markdown(self) -> str:
        """The same account as a Markdown artifact for the Prefect UI."""
        rows = "\n".join(f"| {name} | {count} |" for name, count in self.rows.items())
        validation = "failed: nothing was published" if self.refused else "passed"
        parts = [
            "# Build summary", "",
            f"- Sources read: {self.sources_read} ({self.mapped} with a mapping)",
            f"- Waiting for curation: {', '.join(self.waiting_for_curation) or 'none'}",
            f"- Facts applied: {self.facts_applied}; quotes matched: {self.quotes_matched}",
            f"- Validation: {validation}",
            *([f"- {self.repair_line}"] if self.repair_line else []),
            f"- Outcome: {self.outcome}",
            f"- {self.official_record}" if self.official_record else "- Official record: not consulted",
        ]
        if rows:
            parts += ["", "| table | rows |", "|---|---|", rows]
        if self.official_conflicts:
            parts += ["", "## Conflicts with the official record", "", *(f"- {c}" for c in self.official_conflicts)]
        if self.refused:
            parts += ["", "## Problems", "", *(f"- {line.strip()}" for line in self.refused[1:])]
        return "\n".join(parts) + "\n"
