"""Hand mutations the fast tests must kill: each one a small, plausible slip in the code that once went
unnoticed by every test not marked slow.

    .venv/bin/python -m tests.mutation_check

For each mutation, a copy of the project's files (`git ls-files`: the tracked files, plus untracked ones
that are not ignored, so a test not yet committed counts) is made in a temporary folder, the mutation is
applied there as an exact text replacement, and the targeted fast tests are run in that copy with this
project's Python, importing the copy's code (checked first). Each run must fail. One line per mutation
says `killed` or `SURVIVED`; the exit status is 1 if any survived, 2 if the check itself could not run
(a mutation's old text is no longer in its file, the unmutated tests fail, the wrong code was imported).
The project folder itself is only read, never written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = PROJECT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str  # relative to the project root
    old: str  # exact text, found exactly once in the file
    new: str
    tests: tuple[str, ...]  # the fast tests that must kill it


MUTATIONS = (
    Mutation("SIF start a year later (vocabularies.FRAMEWORK_STARTS)", "schemas/vocabularies.py",
             '"sif": dt.date(2013, 11, 1)', '"sif": dt.date(2014, 11, 1)',
             ("tests/unit/facts/test_apply.py",)),
    Mutation("SIF start a year earlier (vocabularies.FRAMEWORK_STARTS)", "schemas/vocabularies.py",
             '"sif": dt.date(2013, 11, 1)', '"sif": dt.date(2012, 11, 1)',
             ("tests/unit/facts/test_apply.py",)),
    Mutation("last_day of a month one day late (periods.last_day)", "ofsted_dataset/periods.py",
             "return following - dt.timedelta(days=1)", "return following",
             ("tests/unit/test_periods.py",)),
    Mutation("last_day of a month one day early (periods.last_day)", "ofsted_dataset/periods.py",
             "return following - dt.timedelta(days=1)", "return following - dt.timedelta(days=2)",
             ("tests/unit/test_periods.py",)),
    Mutation("month dates no longer need to be the 1st (pandera_schemas._dates_rules)", "schemas/pandera_schemas.py",
             '| ((p == "month") & (d.dt.day == 1))', '| (p == "month")',
             ("tests/unit/schemas/test_schemas.py",)),
)

# Run inside the copy before any mutation: the code imported must be the copy's.
_WHERE = "import ofsted_dataset, schemas, tests; print(ofsted_dataset.__file__, schemas.__file__, tests.__file__)"


class CheckError(Exception):
    """The check could not run as intended: nothing can be concluded about the mutations."""


def project_files(project: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=project,
                            check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    # tracked files deleted in the working tree are skipped; symlinks (published/current) are kept as links
    return sorted(name for name in set(listed)
                  if name and ((project / name).is_symlink() or (project / name).is_file()))


def copy_project(project: Path, target: Path) -> None:
    for name in project_files(project):
        source = project / name
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, destination)


def _environment(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OFSTED_"))}
    return {**env, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}


def _python() -> str:
    return str(PYTHON if PYTHON.exists() else Path(sys.executable))


def run_tests(copy: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_python(), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow",
                           *tests], cwd=copy, env=_environment(copy), capture_output=True, text=True, check=False)


def check_imports(copy: Path) -> None:
    shown = subprocess.run([_python(), "-c", _WHERE], cwd=copy, env=_environment(copy), capture_output=True,
                           text=True, check=False)
    if shown.returncode != 0:
        raise CheckError(f"the copy's code does not import:\n{shown.stderr}")
    for path in shown.stdout.split():
        if not Path(path).resolve().is_relative_to(copy.resolve()):
            raise CheckError(f"the copy imported {path}, not its own code")


def mutate(copy: Path, mutation: Mutation) -> str:
    """Apply the mutation in the copy; returns the original text, to restore it."""
    path = copy / mutation.file
    original = path.read_text(encoding="utf-8")
    found = original.count(mutation.old)
    if found != 1:
        raise CheckError(f"{mutation.name}: {mutation.old!r} is in {mutation.file} {found} time(s), not once: "
                         "update the mutation to the code")
    path.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    return original


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ofsted-mutation-") as folder:
        copy = Path(folder) / "project"
        copy_project(PROJECT, copy)
        try:
            check_imports(copy)
            targeted = tuple(dict.fromkeys(t for m in MUTATIONS for t in m.tests))
            baseline = run_tests(copy, targeted)
            if baseline.returncode != 0:
                raise CheckError(f"the targeted tests fail without any mutation:\n{baseline.stdout[-3000:]}")
            survived = 0
            for mutation in MUTATIONS:
                original = mutate(copy, mutation)
                try:
                    result = run_tests(copy, mutation.tests)
                finally:
                    (copy / mutation.file).write_text(original, encoding="utf-8")
                if result.returncode not in (0, 1):  # 1: tests failed; anything else: they could not run
                    raise CheckError(f"{mutation.name}: pytest exited with {result.returncode}:\n"
                                     f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
                killed = result.returncode == 1
                survived += not killed
                print(f"{'killed  ' if killed else 'SURVIVED'}  {mutation.name}  [{' '.join(mutation.tests)}]",
                      flush=True)
        except CheckError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"{len(MUTATIONS) - survived} of {len(MUTATIONS)} mutation(s) killed")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
