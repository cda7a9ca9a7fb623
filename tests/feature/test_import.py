"""``ledgerport import`` as an operator runs it: chunks, failures file, re-runs, dry runs."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from feature.test_cli import ledgerport, user_entry

CUSTOMERS = [
    {"customerNo": "71001", "name": "Import En AS", "city": "Oslo", "creditLimit": "1500.50"},
    {"customerNo": "71002", "name": "Import To AS", "city": "Bergen", "creditLimit": ""},
    {"customerNo": "71003", "name": "", "city": "Trondheim", "creditLimit": "10"},
    {"customerNo": "71004", "name": "Import Fire AS", "city": "Bodø", "creditLimit": "abc"},
    {"customerNo": "71005", "name": "Import Fem AS", "city": "Alta", "creditLimit": "0"},
]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("import")
    (workdir / "ledgerport.toml").write_text(user_entry("ops", "ops-pw"), encoding="utf-8")
    result = ledgerport("init", "--demo", cwd=workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def stored(workdir: Path, customer_numbers: list[int]) -> list[tuple[int, str, str | None]]:
    marks = ",".join("?" * len(customer_numbers))
    with sqlite3.connect(workdir / "ledgerport.db") as db:
        return db.execute(
            f"SELECT customer_no, name, city FROM associates WHERE company_no = 9999 "
            f"AND customer_no IN ({marks}) ORDER BY customer_no",
            customer_numbers,
        ).fetchall()


def test_import_creates_good_rows_and_writes_the_failed_ones_with_their_errors(
    demo_dir: Path,
) -> None:
    source = write_csv(demo_dir / "customers.csv", CUSTOMERS)
    result = ledgerport(
        "import", "--company", "9999", "--chunk-size", "2", "associates", str(source), cwd=demo_dir
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "created 3, failed 2 of 5 rows" in result.stdout
    assert stored(demo_dir, [71001, 71002, 71003, 71004, 71005]) == [
        (71001, "Import En AS", "Oslo"),
        (71002, "Import To AS", "Bergen"),
        (71005, "Import Fem AS", "Alta"),
    ]
    with (demo_dir / "customers.failed.csv").open(encoding="utf-8") as failed_file:
        failed = list(csv.DictReader(failed_file))
    assert [row["customerNo"] for row in failed] == ["71003", "71004"]
    assert "name" in failed[0]["error"]
    assert "creditLimit: must be a number" in failed[1]["error"]

    again = ledgerport(
        "import", "--company", "9999", "--chunk-size", "2", "associates", str(source), cwd=demo_dir
    )
    assert "created 3, failed 2 of 5 rows" in again.stdout  # the first answers, replayed
    assert len(stored(demo_dir, [71001, 71002, 71005])) == 3  # and nothing twice


def test_a_dry_run_checks_every_row_and_keeps_nothing(demo_dir: Path) -> None:
    rows = [
        {"customerNo": "72001", "name": "Dry En AS"},
        {"customerNo": "72001", "name": "Dry Same Number AS"},
        {"customerNo": "72002", "name": "Dry To AS"},
    ]
    source = write_csv(demo_dir / "dry.csv", rows)
    result = ledgerport(
        "import", "--company", "9999", "--dry-run", "associates", str(source), cwd=demo_dir
    )
    assert "would create 2, failed 1 of 3 rows (dry run: nothing was kept)" in result.stdout
    assert stored(demo_dir, [72001, 72002]) == []


def test_json_lines_and_refusals(demo_dir: Path) -> None:
    source = demo_dir / "customers.jsonl"
    source.write_text(
        '{"customerNo": 73001, "name": "Linje AS", "creditLimit": 12.25}\n'
        '{"customerNo": 73002, "name": "Linje To AS", "colour": "red"}\n',
        encoding="utf-8",
    )
    result = ledgerport("import", "--company", "9999", "associates", str(source), cwd=demo_dir)
    assert "created 1, failed 1 of 2 rows" in result.stdout
    failed = (demo_dir / "customers.failed.jsonl").read_text(encoding="utf-8")
    assert '"colour":"red"' in failed
    assert "colour" in failed.split('"error"')[1]
    assert stored(demo_dir, [73001]) == [(73001, "Linje AS", None)]

    elsewhere = ledgerport("import", "--company", "4242", "associates", str(source), cwd=demo_dir)
    assert elsewhere.returncode == 1
    assert "failed 2 of 2" in elsewhere.stdout
    nothing = ledgerport("import", "--company", "9999", "gadgets", str(source), cwd=demo_dir)
    assert nothing.returncode == 2
    assert "no company resource 'gadgets'" in nothing.stdout
