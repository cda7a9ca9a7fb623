"""Run a parsed ``$batch``: each request through the same pipeline as a single one.

Requests run in order. Outside atomicity groups each commits alone; an atomicity group runs
in one transaction and commits all or nothing (its change-log entries, and so its events,
too). References are resolved just before a request runs, from the answers before it. As in
OData, the batch stops at the first failure unless ``Prefer: odata.continue-on-error`` was
sent; a request whose dependency failed is not run and answers 424.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.codec import decode, encode
from ledgerport.errors import (
    PROBLEM_JSON,
    BadBatch,
    FailedDependency,
    FieldError,
    IdempotencyKeyReused,
    InternalError,
    LedgerportError,
)
from ledgerport.idempotency import answer_of, idempotent, outcome_of
from ledgerport.pipeline import Recorder, bulk_create_plan, run, run_creates
from ledgerport.plan.plan import Create
from ledgerport.request.batch import BatchItem, BatchRequest, PropertyRef
from ledgerport.request.intent import Method, ResourceRequest
from ledgerport.request.parse import BODY_METHODS, resource_request
from ledgerport.response import Outcome
from ledgerport.services import Services
from ledgerport.store import idempotency as idempotency_store
from ledgerport.store.idempotency import Claim

__all__ = [
    "BatchAnswer",
    "Parts",
    "batch_outcome",
    "rehearse_batch",
    "run_batch",
    "run_batch_once",
]

_PART = "\x1f"
"""Joins a batch's idempotency key and a request id into the key of that request's answer."""

log = logging.getLogger("ledgerport")

_UNEXPECTED = InternalError("Something went wrong on the server; it has been logged.")


@dataclass(frozen=True)
class BatchAnswer:
    """One entry of the batch response."""

    id: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    atomicity_group: str | None
    entity_path: str | None = None
    """The path of the entity this request created or changed (for ``$<id>`` URLs)."""


@dataclass(frozen=True)
class Parts:
    """Per-request answers kept under a batch's idempotency key, so a retry after a crash
    replays the requests that had committed instead of running them again."""

    services: Services
    username: str
    key: str
    fingerprint: str
    expires_at: dt.datetime

    def _key(self, request_id: str) -> str:
        return self.key + _PART + request_id

    async def find(self, request_ids: list[str], conn: AsyncConnection) -> dict[str, Outcome]:
        """The stored answers of these requests, by request id."""
        keys = {self._key(request_id): request_id for request_id in request_ids}
        stored = await idempotency_store.find_answers(
            conn, self.username, list(keys), self.fingerprint
        )
        return {keys[key]: outcome_of(answer, replayed=False) for key, answer in stored.items()}

    async def keep(self, conn: AsyncConnection, outcomes: list[tuple[str, Outcome]]) -> None:
        """Store these requests' answers, in the transaction of their writes."""
        answers = [(self._key(request_id), answer_of(o)) for request_id, o in outcomes]
        await idempotency_store.record_new(
            conn, self.username, answers, self.fingerprint, self.expires_at
        )

    def recorder(self, request_id: str) -> Recorder:
        async def record(conn: AsyncConnection, outcome: Outcome) -> None:
            await self.keep(conn, [(request_id, outcome)])

        return record


async def run_batch_once(
    batch: BatchRequest,
    principal: Principal,
    services: Services,
    base_url: str,
    *,
    key: str,
    fingerprint: str,
) -> Outcome:
    """``run_batch`` under an idempotency key: its answer replayed, its parts never repeated."""
    ttl = dt.timedelta(seconds=services.settings.idempotency.ttl_seconds)
    parts = Parts(services, principal.username, key, fingerprint, services.clock() + ttl)

    async def runner(_record: Recorder, _claim: Claim) -> Outcome:
        return batch_outcome(await run_batch(batch, principal, services, base_url, parts))

    return await idempotent(services, principal, key, fingerprint, runner)


@dataclass
class _State:
    max_filter_length: int
    answers: dict[str, BatchAnswer] = field(default_factory=dict)
    failed: bool = False


class _GroupFailed(Exception):
    def __init__(self, answer: BatchAnswer) -> None:
        self.answer = answer


async def run_batch(
    batch: BatchRequest,
    principal: Principal,
    services: Services,
    base_url: str,
    parts: Parts | None = None,
) -> list[BatchAnswer]:
    state = _State(services.settings.server.max_filter_length)
    runs = list(_runs(batch.items))
    position = 0
    while position < len(runs) and not (state.failed and not batch.continue_on_error):
        if runs[position][0].atomicity_group is not None:
            group = runs[position]
            position += 1
            for answer in await _run_group(group, principal, services, base_url, state):
                _keep(state, answer)
            continue
        singles: list[BatchItem] = []
        while position < len(runs) and runs[position][0].atomicity_group is None:
            singles.append(runs[position][0])
            position += 1
        done = alone_until = 0
        while done < len(singles) and not (state.failed and not batch.continue_on_error):
            done, alone_until = await _run_singles(
                singles, done, alone_until, batch, principal, services, base_url, state, parts
            )
    return list(state.answers.values())


_SAVEPOINT = "ledgerport_batch_request"
COMMIT_EVERY = 100
"""Requests outside atomicity groups share a transaction of at most this many savepoints:
one per request, or one for a run of creates that goes in as one statement. (PostgreSQL keeps
64 subtransactions per transaction in shared memory; past that, others' snapshots get slower,
so a transaction does not collect savepoints without end.)"""


async def _run_singles(
    items: list[BatchItem],
    position: int,
    alone_until: int,
    batch: BatchRequest,
    principal: Principal,
    services: Services,
    base_url: str,
    state: _State,
    parts: Parts | None,
) -> tuple[int, int]:
    """Requests that each succeed or fail alone, from ``items[position]`` on, in one
    transaction of up to ``COMMIT_EVERY`` savepoints: where the next transaction starts, and
    up to where requests go one by one (those of a run that failed as a whole).

    A failed request rolls back to its savepoint and leaves the others; the commit at the end
    saves one round trip and one disk flush per request. Should the commit itself fail, every
    request of the transaction that had succeeded answers that error instead.
    """
    done: list[str] = []
    start = position
    try:
        async with services.database.write() as conn:
            savepoints = 0
            while (
                position < len(items)
                and savepoints < COMMIT_EVERY
                and not (state.failed and not batch.continue_on_error)
            ):
                savepoints += 1
                answers: list[BatchAnswer] | None = []
                if position >= alone_until:
                    run = _creates_run(items[position:], principal, services, base_url, state)
                    answers = await _run_creates(run, conn, principal, services, base_url, parts)
                    if answers is None:  # the run failed as a whole: its requests one by one
                        alone_until = position + len(run)
                        savepoints += 1
                if not answers:
                    item = items[position]
                    answers = [
                        await _run_saved(item, conn, principal, services, base_url, state, parts)
                    ]
                for answer in answers:
                    _keep(state, answer)
                    if answer.status < 400:
                        done.append(answer.id)
                position += len(answers)
    except IdempotencyKeyReused:
        raise
    except LedgerportError as error:
        if position == start:  # the transaction did not begin: its first request answers
            done.append(items[position].id)
            position += 1
        for request_id in done:
            failed = _error_answer(_item(batch, request_id), error)
            state.answers[request_id] = failed
            state.failed = True
    return position, alone_until


def _item(batch: BatchRequest, request_id: str) -> BatchItem:
    return next(i for i in batch.items if i.id == request_id)


async def _run_saved(
    item: BatchItem,
    conn: AsyncConnection,
    principal: Principal,
    services: Services,
    base_url: str,
    state: _State,
    parts: Parts | None,
) -> BatchAnswer:
    kept = parts is not None and item.method in BODY_METHODS
    # A stored answer under another request's fingerprint fails the whole batch (422).
    stored = (await parts.find([item.id], conn)).get(item.id) if parts and kept else None
    record = parts.recorder(item.id) if parts is not None and kept else None
    if stored is not None:
        _, path = _request(item, state, base_url)
        return _answer(item, path, stored, base_url)
    # One savepoint name for every request: the same statement text each time, so the
    # driver's prepared-statement cache keeps it (SQLAlchemy numbers its savepoints).
    await conn.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
    answer = await _run_within(item, conn, principal, services, base_url, state, record)
    if answer.status >= 400:
        await conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
    await conn.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return answer


@dataclass(frozen=True)
class _Create:
    item: BatchItem
    request: ResourceRequest
    path: str
    plan: Create


def _creates_run(
    items: list[BatchItem],
    principal: Principal,
    services: Services,
    base_url: str,
    state: _State,
) -> list[_Create]:
    """The creates at the start of ``items`` that can go in as one INSERT: plain POSTs to one
    collection, referring to no other request, and valid (an invalid one ends the run, and
    answers its error one by one)."""
    run: list[_Create] = []
    for item in items:
        if item.method is not Method.POST or item.url_ref or item.depends_on:
            break
        if _refers(item.body) or (run and item.url != run[0].item.url):
            break
        try:
            request, path = _request(item, state, base_url)
        except LedgerportError:
            break
        plan = bulk_create_plan(request, principal, services)
        if plan is None:
            break
        run.append(_Create(item, request, path, plan))
    return run


def _refers(value: object) -> bool:
    if isinstance(value, PropertyRef):
        return True
    if isinstance(value, dict):
        return any(_refers(v) for v in value.values())
    if isinstance(value, list):
        return any(_refers(v) for v in value)
    return False


async def _run_creates(
    run: list[_Create],
    conn: AsyncConnection,
    principal: Principal,
    services: Services,
    base_url: str,
    parts: Parts | None,
) -> list[BatchAnswer] | None:
    """A run of two or more creates as one INSERT in a savepoint; [] when there is no such
    run, None when it failed (rolled back: its requests then go one by one, answering alone).

    Under an idempotency key the run ends before a request with a stored answer (replayed
    one by one), and the answers are stored in the savepoint with the rows.
    """
    if parts is not None and len(run) >= 2:
        stored = await parts.find([c.item.id for c in run], conn)
        run = list(itertools.takewhile(lambda c: c.item.id not in stored, run))
    if len(run) < 2:
        return []
    await conn.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
    try:
        requests = [c.request for c in run]
        outcomes = await run_creates(requests, [c.plan for c in run], principal, services, conn)
        if parts is not None:
            await parts.keep(conn, [(c.item.id, o) for c, o in zip(run, outcomes, strict=True)])
    except Exception as error:
        log.debug("bulk create of %d fell back to one by one: %s", len(run), error)
        await conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        await conn.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        return None
    await conn.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return [
        _answer(c.item, c.path, outcome, base_url) for c, outcome in zip(run, outcomes, strict=True)
    ]


class _RollBack(Exception):
    """Ends a rehearsal: everything it did is undone."""


async def rehearse_batch(
    batch: BatchRequest, principal: Principal, services: Services, base_url: str
) -> list[BatchAnswer]:
    """Run every request as ``run_batch`` would, then roll everything back (a dry run).

    All requests share one transaction, each in a savepoint of its own, so each answers as
    it would for real (references included) and nothing is kept.
    """
    state = _State(services.settings.server.max_filter_length)
    with contextlib.suppress(_RollBack):
        async with services.database.write() as conn:
            for item in batch.items:
                _keep(
                    state, await _run_saved(item, conn, principal, services, base_url, state, None)
                )
            raise _RollBack
    return list(state.answers.values())


def _runs(items: tuple[BatchItem, ...]) -> Iterator[tuple[BatchItem, ...]]:
    """Single requests one by one; an atomicity group's (adjacent) requests together."""
    position = 0
    while position < len(items):
        group = items[position].atomicity_group
        end = position + 1
        if group is not None:
            while end < len(items) and items[end].atomicity_group == group:
                end += 1
        yield items[position:end]
        position = end


def _keep(state: _State, answer: BatchAnswer) -> None:
    state.answers[answer.id] = answer
    if answer.status >= 400:
        state.failed = True


async def _run_group(
    items: tuple[BatchItem, ...],
    principal: Principal,
    services: Services,
    base_url: str,
    state: _State,
) -> list[BatchAnswer]:
    """All in one transaction; the first failure rolls back the group and fails every member."""
    done: list[BatchAnswer] = []
    try:
        async with services.database.write() as conn:
            for item in items:
                answer = await _run_within(item, conn, principal, services, base_url, state)
                if answer.status >= 400:
                    raise _GroupFailed(answer)
                done.append(answer)
                state.answers[item.id] = answer  # later members may refer to it
    except _GroupFailed as failure:
        return _group_failure(items, failure.answer)
    except LedgerportError as error:  # the commit itself failed (busy, constraint)
        return _group_failure(items, _error_answer(items[-1], error))
    return done


async def _run_within(
    item: BatchItem,
    conn: AsyncConnection,
    principal: Principal,
    services: Services,
    base_url: str,
    state: _State,
    record: Recorder | None = None,
) -> BatchAnswer:
    try:
        request, path = _request(item, state, base_url)
        outcome = await run(request, principal, services, within=conn, record=record)
    except LedgerportError as error:
        return _error_answer(item, error)
    except Exception:
        log.exception("unexpected error in batch request %s", item.id)
        return _error_answer(item, _UNEXPECTED)
    return _answer(item, path, outcome, base_url)


def _group_failure(items: tuple[BatchItem, ...], failed: BatchAnswer) -> list[BatchAnswer]:
    answers: list[BatchAnswer] = []
    for item in items:
        if item.id == failed.id:
            answers.append(failed)
            continue
        error = FailedDependency(
            f"Not applied: request {failed.id!r} of atomicity group "
            f"{item.atomicity_group!r} failed, so the whole group was rolled back."
        )
        answers.append(_error_answer(item, error))
    return answers


def _request(item: BatchItem, state: _State, base_url: str) -> tuple[ResourceRequest, str]:
    """The sub-request with its references resolved, and its path."""
    for name in item.depends_on:
        answer = state.answers.get(name)
        if answer is None or answer.status >= 400:
            why = "failed" if answer is not None else "did not run"
            raise FailedDependency(f"Request {item.id!r} depends on {name!r}, which {why}.")
    url = item.url
    if item.url_ref is not None:
        url = _entity_path_of(item, state.answers[item.url_ref]) + url
    parts = urlsplit(url)
    path = parts.path if parts.path.startswith("/") else "/api/" + parts.path
    body = _resolve(item, item.body, state)
    query = parse_qsl(parts.query, keep_blank_values=True)
    request = resource_request(
        item.method,
        path,
        query,
        item.headers,
        body,
        base_url,
        max_filter_length=state.max_filter_length,
    )
    return request, path


def _entity_path_of(item: BatchItem, answer: BatchAnswer) -> str:
    if answer.entity_path is None:
        raise _reference_error(
            item, "url", f"${answer.id} created or changed no entity to refer to"
        )
    return answer.entity_path


def _resolve(item: BatchItem, value: object, state: _State) -> object:
    if isinstance(value, PropertyRef):
        answer = state.answers[value.request_id]
        if answer.body is None:
            raise _reference_error(
                item,
                "body",
                f"${value.request_id} answered without a body to take "
                f"{value.name!r} from (was it sent with Prefer: return=minimal?)",
            )
        entity = decode(answer.body)
        if not isinstance(entity, dict) or value.name not in entity:
            raise _reference_error(
                item, "body", f"the answer of ${value.request_id} has no property {value.name!r}"
            )
        return entity[value.name]
    if isinstance(value, dict):
        return {k: _resolve(item, v, state) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(item, v, state) for v in value]
    return value


def _reference_error(item: BatchItem, member: str, message: str) -> BadBatch:
    where = f"request {item.id!r}"
    return BadBatch(f"{where}: {message}.", errors=[FieldError(f"{where}.{member}", message)])


def _answer(item: BatchItem, path: str, outcome: Outcome, base_url: str) -> BatchAnswer:
    return BatchAnswer(
        id=item.id,
        status=outcome.status,
        headers=outcome.headers,
        body=outcome.body,
        atomicity_group=item.atomicity_group,
        entity_path=_changed_entity(item.method, path, outcome, base_url),
    )


def _changed_entity(method: Method, path: str, outcome: Outcome, base_url: str) -> str | None:
    """What ``$<id>`` names: the created entity (Location), or the one written or acted on."""
    if outcome.status >= 300:
        return None
    for name, value in outcome.headers:
        if name.lower() == "location":
            return value.removeprefix(base_url)
    if method in (Method.PUT, Method.PATCH, Method.POST):
        return path.split("/actions/", 1)[0]
    return None


def _error_answer(item: BatchItem, error: LedgerportError) -> BatchAnswer:
    headers = (("Content-Type", PROBLEM_JSON), *error.headers.items())
    return BatchAnswer(
        id=item.id,
        status=error.status,
        headers=tuple(headers),
        body=encode(error.document()),
        atomicity_group=item.atomicity_group,
    )


def batch_outcome(answers: list[BatchAnswer]) -> Outcome:
    """The ``$batch`` answer: 200 with one response per request that ran, in order."""
    responses: list[dict[str, object]] = []
    for answer in answers:
        response: dict[str, object] = {"id": answer.id, "status": answer.status}
        if answer.atomicity_group is not None:
            response["atomicityGroup"] = answer.atomicity_group
        response["headers"] = {name.lower(): value for name, value in answer.headers}
        if answer.body is not None:
            response["body"] = msgspec.Raw(answer.body)
        responses.append(response)
    return Outcome(200, (("Content-Type", "application/json"),), encode({"responses": responses}))
