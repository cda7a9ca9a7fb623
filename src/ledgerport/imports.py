"""``ledgerport import``: rows of a CSV or JSON-lines file → creates through the batch pipeline.

Rows go in chunks, each a batch that runs on after failures (``continue-on-error``) under an
idempotency key made from the file's content, the target and the chunk's position: running
the same import again after a crash replays the chunks (and the rows of a chunk) that had
committed instead of creating them twice. A dry run rehearses each chunk and rolls it back.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec

from ledgerport.auth.principal import CompanyGrant, Principal
from ledgerport.batch import BatchAnswer, rehearse_batch, run_batch_once
from ledgerport.codec import decode, encode
from ledgerport.errors import UnknownResource
from ledgerport.model import Entity, FieldType, Scope
from ledgerport.request.batch import BatchItem, BatchRequest
from ledgerport.request.intent import Method
from ledgerport.services import Services

__all__ = [
    "ImportReport",
    "Source",
    "import_rows",
    "operator",
    "read_source",
    "write_failures",
]

IMPORT_USER = "ledgerport-import"
_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n"})


@dataclass(frozen=True)
class Source:
    """The rows of an input file, as JSON objects, with what is needed to write failures."""

    path: Path
    kind: str
    """``csv`` or ``jsonl``."""
    rows: tuple[dict[str, object], ...]
    raw_rows: tuple[object, ...]
    """Each row as read (a CSV record or a JSON line), for the file of failed rows."""
    columns: tuple[str, ...]
    digest: str


@dataclass
class ImportReport:
    created: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    """Row number (1-based, data rows) and the error, in words."""


def operator(company_no: int, context_user: str | None) -> Principal:
    """Whom an import acts as when no API user is named: the operator at the console."""
    return Principal(
        username=IMPORT_USER,
        scopes=frozenset({"read", "write"}),
        companies=(CompanyGrant(company_no),),
        context_user=context_user,
    )


def read_source(path: Path, entity: Entity) -> Source:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    text = data.decode("utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        records = list(reader)
        columns = tuple(reader.fieldnames or ())
        rows = tuple(_typed(entity, record) for record in records)
        return Source(path, "csv", rows, tuple(records), columns, digest)
    lines = [line for line in text.splitlines() if line.strip()]
    parsed: list[dict[str, object]] = []
    for number, line in enumerate(lines, 1):
        try:
            value = decode(line)
        except msgspec.DecodeError as exc:
            raise ValueError(f"line {number} is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ValueError(f"line {number} is not a JSON object")
        parsed.append(value)
    return Source(path, "jsonl", tuple(parsed), tuple(lines), (), digest)


def _typed(entity: Entity, record: dict[str | None, str | None]) -> dict[str, object]:
    """A CSV record as JSON values of the entity's field types; empty cells are left out.

    Cells that do not parse as their type are passed on as text, so the pipeline names the
    field and the reason in the row's error.
    """
    row: dict[str, object] = {}
    for name, cell in record.items():
        if name is None or cell is None or cell == "":
            continue
        spec = entity.field(name)
        row[name] = cell if spec is None else _cell(spec.type, cell)
    return row


def _cell(kind: FieldType, cell: str) -> object:
    text = cell.strip()
    try:
        if kind is FieldType.INTEGER and text != "next":
            return int(text)
        if kind is FieldType.DECIMAL:
            return Decimal(text)
    except (ValueError, InvalidOperation):
        return cell
    if kind is FieldType.BOOLEAN and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    return cell


async def import_rows(
    services: Services,
    principal: Principal,
    company_no: int,
    resource: str,
    source: Source,
    *,
    chunk_size: int,
    dry_run: bool,
    progress: Callable[[int], None],
) -> ImportReport:
    entity = services.registry.get(Scope.COMPANY, resource)
    if entity is None:
        raise UnknownResource(f"There is no company resource {resource!r}.")
    report = ImportReport()
    url = f"/api/{company_no}/{resource}"
    for first, chunk in _chunks(source.rows, chunk_size):
        items = tuple(
            BatchItem(str(first + i + 1), Method.POST, url, None, {}, row, (), None)
            for i, row in enumerate(chunk)
        )
        batch = BatchRequest(items, continue_on_error=True)
        if dry_run:
            answers = await rehearse_batch(batch, principal, services, "")
        else:
            key = f"import:{source.digest[:32]}:{company_no}:{resource}:{first}:{chunk_size}"
            outcome = await run_batch_once(
                batch, principal, services, "", key=key, fingerprint=_fingerprint(key, chunk)
            )
            answers = _answers(outcome.body)
        for answer in answers:
            if answer.status < 300:
                report.created += 1
            else:
                report.failed.append((int(answer.id), _reason(answer.body)))
        progress(len(chunk))
    return report


def _chunks(
    rows: Sequence[dict[str, object]], size: int
) -> Iterator[tuple[int, Sequence[dict[str, object]]]]:
    for start in range(0, len(rows), size):
        yield start, rows[start : start + size]


def _fingerprint(key: str, chunk: Sequence[dict[str, object]]) -> str:
    return hashlib.sha256(key.encode() + encode(list(chunk))).hexdigest()


def _answers(body: bytes | None) -> list[BatchAnswer]:
    document = decode(body or b'{"responses": []}')
    return [
        BatchAnswer(
            id=str(r["id"]),
            status=int(r["status"]),
            headers=(),
            body=encode(r["body"]) if "body" in r else None,
            atomicity_group=None,
        )
        for r in document["responses"]
    ]


def _reason(body: bytes | None) -> str:
    if body is None:
        return "failed"
    problem = decode(body)
    reason = str(problem.get("detail") or problem.get("title") or "failed")
    fields = [f"{e['field']}: {e['message']}" for e in problem.get("errors", ())]
    return f"{reason} ({'; '.join(fields)})" if fields else reason


def write_failures(source: Source, failed: list[tuple[int, str]], target: Path) -> None:
    """The failed rows as they were read, each with its error (column or member ``error``)."""
    with target.open("w", encoding="utf-8", newline="") as out:
        if source.kind == "csv":
            writer = csv.DictWriter(out, [*source.columns, "error"], extrasaction="ignore")
            writer.writeheader()
            for number, reason in failed:
                record = source.raw_rows[number - 1]
                assert isinstance(record, dict)
                writer.writerow({**record, "error": reason})
        else:
            for number, reason in failed:
                row = {**source.rows[number - 1], "error": reason}
                out.write(encode(row).decode() + "\n")
