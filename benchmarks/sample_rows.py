"""A recipients file of any length, made from the sample workspace's fictional offices.

Row k repeats sample row ``k mod 7`` (its audience and place, so its local fact) with
the copy number in its id, name and office, so every copy names a recipient of its own;
no new place and no new fact. Used by batch_bench.py and per_copy.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "recipients.csv"


def sample() -> list[dict[str, str]]:
    """The sample workspace's recipients, as rows of column -> text."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rows(count: int, audience: str | None = None) -> list[dict[str, str]]:
    """``count`` recipients cycling through the sample's rows (only those of
    ``audience`` when given), each with its copy number."""
    base = [row for row in sample() if audience is None or row["audience"] == audience]
    out = []
    for k in range(count):
        row = dict(base[k % len(base)])
        number = k + 1
        row["id"] = f"{row['id']}-{number:05d}"
        if row["name"]:
            row["name"] = f"{row['name']} {number}"
        row["office"] = f"{row['office']}, copy {number}"
        out.append(row)
    return out


def csv_text(table: list[dict[str, str]]) -> str:
    """``table`` as a recipients CSV (header row first)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return text.getvalue()


def addressee(row: dict[str, str]) -> str:
    """Whom the built-in briefs address: title and name, else the office (as the
    built-in templates choose)."""
    return " ".join(part for part in (row["title"], row["name"]) if part) or row["office"]
