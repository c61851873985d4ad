"""Run every benchmark module, print a Markdown table, and write docs/benchmarks.md."""

import importlib
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

MODULES = ("journal", "feeds", "search", "export", "evaluation", "invitations", "mail", "scale")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite_version()}"
    )


def sqlite_version():
    import sqlite3

    return sqlite3.sqlite_version


def table(rows):
    lines = ["| benchmark | figure | target |", "| --- | --- | --- |"]
    lines += [f"| {label} | {value} | {target} |" for label, value, target in rows]
    return "\n".join(lines)


def written_by_hand():
    """The sections below the table (each under a ## heading): kept as they are."""
    text = DOCS.read_text() if DOCS.exists() else ""
    start = text.find("\n## ")
    return text[start:] if start >= 0 else ""


def main(names=None):
    rows, notes = [], []
    for name in names or MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bench.{name}":
                raise
            notes.append(f"bench/{name}.py is not there yet: skipped.")
            continue
        started = time.perf_counter()
        print(f"bench.{name} ...", file=sys.stderr, flush=True)
        rows += module.run()
        print(f"bench.{name} took {time.perf_counter() - started:.1f}s", file=sys.stderr)
    output = table(rows)
    print(output)
    for note in notes:
        print(note)
    if names is None:
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(
            "# Benchmarks\n\n"
            "Latest figures from `make bench` (`python -m bench`). Each ratio is against a "
            "baseline measured in the same run on the same machine, so ratios compare across "
            "machines where raw times do not; none of them is asserted in the tests.\n\n"
            f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
            f"- Machine: {machine()}\n\n"
            f"{output}\n" + "".join(f"\n{note}\n" for note in notes) + written_by_hand()
        )
        print(f"\nWrote {DOCS}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:] or None)
