"""Imports: an import's progress, past imports with their row accounting, rejects as CSV.

The accounting comes from the workspace's own `imports` table (CLI imports too);
who uploaded which file and when, from the app database's imports log. The
rejects of an import are its raw rows: shown and downloaded only by users who
see every ticket (a group-limited analyst cannot be shown rows of other groups,
and a rejected row cannot be told to belong to any group).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from karsta.cli.render import import_text
from karsta.i18n import localized
from karsta.ingest import STAGES, StoredImport, stored_imports, write_rejects_csv
from karsta.web.access import EVERYTHING
from karsta.web.import_queue import ImportJob
from karsta.web.models import ImportRecord, User
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Analyst, Visitor
from karsta.web.views.data_shared import PrivacyInfo, privacy_info

router = APIRouter(tags=["data"])
Id = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
MappingName = Annotated[str, PathParameter(pattern=r"^[a-z0-9_-]{1,60}$")]
SHOWN_REJECTS = 100


class RejectGroupInfo(BaseModel):
    """Rows (or values) with one problem in one column."""

    column: str | None
    reason: str
    rows: int
    first_line: int


class RedactionInfo(BaseModel):
    """What redaction replaced in one column's free text."""

    column: str
    identity_codes: int
    emails: int
    phones: int
    names: int = 0


class Accounting(BaseModel):
    """An import's row accounting, as the workspace recorded it."""

    import_id: int
    file: str
    mapping: str
    started_at: datetime | None
    finished_at: datetime | None
    row_label: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    balanced: bool
    """rows read = rows loaded + rows rejected."""
    events_new: int
    events_present: int
    tickets_created: int
    tickets_updated: int
    table: str = "ticket_events"
    """The canonical table the import filled: ticket events, or a record table (contacts, ...)."""
    records_new: int = 0
    records_present: int = 0
    records_updated: int = 0
    values_left_empty: int
    pseudonymised: bool
    replaced_by: int | None
    reject_groups: list[RejectGroupInfo]
    empty_groups: list[RejectGroupInfo]
    redactions: list[RedactionInfo]
    inferred_status_classes: dict[str, str]
    notes: list[str]


class UploadLog(BaseModel):
    """Who uploaded a file through the web app, when, and how its import ended."""

    id: int
    user: str | None
    file_name: str
    mapping: str
    status: str
    """queued, running, done or failed."""
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    workspace_import_id: int | None


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def accounting(stored: StoredImport) -> Accounting:
    """Return a stored import's accounting as the pages show it."""

    def groups(found: list[object]) -> list[RejectGroupInfo]:
        return [
            RejectGroupInfo(
                column=g.column,  # type: ignore[attr-defined]
                reason=g.reason,  # type: ignore[attr-defined]
                rows=g.rows,  # type: ignore[attr-defined]
                first_line=g.first_line,  # type: ignore[attr-defined]
            )
            for g in found
        ]

    return Accounting(
        import_id=stored.import_id,
        file=_file_name(stored.source_file),
        mapping=stored.mapping,
        started_at=stored.started_at,
        finished_at=stored.finished_at,
        row_label=stored.row_label,
        rows_read=stored.rows_read,
        rows_loaded=stored.rows_loaded,
        rows_rejected=stored.rows_rejected,
        balanced=stored.balanced,
        events_new=stored.events_new,
        events_present=stored.events_present,
        tickets_created=stored.tickets_created,
        tickets_updated=stored.tickets_updated,
        table=stored.table,
        records_new=stored.records_new,
        records_present=stored.records_present,
        records_updated=stored.records_updated,
        values_left_empty=stored.values_left_empty,
        pseudonymised=stored.pseudonymised,
        replaced_by=stored.replaced_by,
        reject_groups=groups(list(stored.reject_groups)),
        empty_groups=groups(list(stored.empty_groups)),
        redactions=[
            RedactionInfo(
                column=r.column,
                identity_codes=r.hetu,
                emails=r.email,
                phones=r.phone,
                names=r.name,
            )
            for r in stored.redactions
        ],
        inferred_status_classes=stored.inferred_status_classes,
        notes=stored.notes,
    )


def _stored(visitor: Visitor, import_id: int | None = None) -> list[StoredImport]:
    if not visitor.state.config.workspace.exists():
        return []
    question = ("imports", import_id)
    return visitor.state.results.get(
        question,
        EVERYTHING,
        lambda ws: stored_imports(ws, import_id=import_id),  # type: ignore[arg-type]
    )


def _logs(visitor: Visitor) -> list[UploadLog]:
    rows = visitor.db.execute(
        select(ImportRecord, User.username)
        .outerjoin(User, User.id == ImportRecord.user_id)
        .order_by(ImportRecord.id.desc())
    ).all()
    return [
        UploadLog(
            id=r.id,
            user=name,
            file_name=r.file_name,
            mapping=r.mapping,
            status=r.status,
            started_at=r.started_at,
            finished_at=r.finished_at,
            error=r.error,
            workspace_import_id=r.workspace_import_id,
        )
        for r, name in rows
    ]


class ImportRow(BaseModel):
    """A past import: its accounting (when it reached the workspace) and its upload, if any."""

    accounting: Accounting | None
    upload: UploadLog | None


class ImportsPage(BaseModel):
    """Every import: the workspace's, newest first, with the web app's uploads beside them."""

    privacy: PrivacyInfo
    imports: list[ImportRow]


@page(router, "/data/imports", template="data/imports.html", model=ImportsPage, summary="Imports")
def imports(visitor: Analyst) -> ImportsPage:
    """Return the past imports with their accounting and who uploaded them."""
    logs = _logs(visitor)
    by_import = {log.workspace_import_id: log for log in logs if log.workspace_import_id}
    rows = [
        ImportRow(accounting=accounting(s), upload=by_import.get(s.import_id))
        for s in _stored(visitor)
    ]
    # Uploads still waiting or running come first; failed ones take their place by time.
    pending = [
        ImportRow(accounting=None, upload=log)
        for log in logs
        if not log.workspace_import_id and log.status in ("queued", "running")
    ]
    failed = [
        ImportRow(accounting=None, upload=log)
        for log in logs
        if not log.workspace_import_id and log.status not in ("queued", "running")
    ]
    ended = sorted(rows + failed, key=_ended_at, reverse=True)
    return ImportsPage(privacy=privacy_info(visitor.state), imports=pending + ended)


def _ended_at(row: ImportRow) -> datetime:
    """Return when an import ended (or a failed upload started), in UTC."""
    at = row.accounting.finished_at if row.accounting else None
    if at is None and row.upload is not None:
        at = row.upload.finished_at or row.upload.started_at
    if at is None:
        return datetime.min.replace(tzinfo=UTC)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # SQLite keeps no zone


class RejectInfo(BaseModel):
    """One rejected row or unreadable value, with its row's raw text."""

    line: int
    column: str | None
    value: str | None
    reason: str
    row_loaded: bool
    raw: str | None


class ImportPage(BaseModel):
    """One import's accounting, its upload and its first rejects."""

    accounting: Accounting
    upload: UploadLog | None
    privacy: PrivacyInfo
    rejects_shown: bool
    """False for a user limited to some groups or channels: rejected rows belong to no group."""
    rejects: list[RejectInfo]
    """The first rejects by line (the CSV has them all)."""


def _rejects(visitor: Visitor, import_id: int) -> list[RejectInfo]:
    def read(ws: object) -> list[RejectInfo]:
        cursor = ws.connection.execute(  # type: ignore[attr-defined]
            "SELECT line, source_column, value, reason, coalesce(row_loaded, false), raw "
            "FROM rejects WHERE import_id = ? ORDER BY line, source_column NULLS FIRST LIMIT ?",
            [import_id, SHOWN_REJECTS],
        )
        return [
            RejectInfo(
                line=int(r[0]), column=r[1], value=r[2], reason=r[3], row_loaded=r[4], raw=r[5]
            )
            for r in cursor.fetchall()
        ]

    return visitor.state.results.get(("rejects", import_id), EVERYTHING, read)


def _sees_everything(visitor: Visitor) -> bool:
    return not visitor.scope.restricted


@page(
    router,
    "/data/imports/{import_id}",
    template="data/import.html",
    model=ImportPage,
    summary="An import",
)
def import_page(visitor: Analyst, import_id: Id) -> ImportPage:
    """Return one import's row accounting, its upload and its first rejects."""
    found = _stored(visitor, import_id)
    if not found:
        raise HTTPException(status_code=404)
    upload = next((u for u in _logs(visitor) if u.workspace_import_id == import_id), None)
    shown = _sees_everything(visitor)
    return ImportPage(
        accounting=accounting(found[0]),
        upload=upload,
        privacy=privacy_info(visitor.state),
        rejects_shown=shown,
        rejects=_rejects(visitor, import_id) if shown else [],
    )


@router.get(
    "/data/imports/{import_id}/rejects.csv",
    response_class=Response,
    summary="An import's rejects as CSV",
    responses={200: {"content": {"text/csv": {}}}},
)
def rejects_csv(visitor: Analyst, import_id: Id) -> Response:
    """Return every reject of one import as CSV (UTF-8 with BOM, for Excel), raw rows included."""
    if not _sees_everything(visitor):
        raise HTTPException(status_code=403)
    if not _stored(visitor, import_id):
        raise HTTPException(status_code=404)
    out = io.StringIO()
    with visitor.state.gate.reading() as ws:
        write_rejects_csv(ws, import_id, out)  # type: ignore[arg-type]
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="rejects-{import_id}.csv"',
            "cache-control": "no-store",
        },
    )


class JobPage(BaseModel):
    """An upload's import while it waits or runs, and how it ended."""

    upload: UploadLog
    stage: str | None
    """The stage running: read, parse, merge or derive."""
    stages: list[str]
    percent: float
    """How much of the import is done (each stage a quarter)."""
    ahead: int
    """Imports that wait or run before this one."""
    retry: str | None
    """After a failure, the page of the upload to import again (while the server keeps it)."""


@page(
    router,
    "/data/jobs/{job_id}",
    template="data/job.html",
    fragment="data/_job.html",
    model=JobPage,
    summary="An import's progress",
)
def job(visitor: Analyst, job_id: Id) -> JobPage:
    """Return the import's status and progress (the page polls it while it runs)."""
    upload = next((u for u in _logs(visitor) if u.id == job_id), None)
    if upload is None:
        raise HTTPException(status_code=404)
    running = visitor.state.imports.job(job_id)
    if upload.error is not None:
        upload = upload.model_copy(update={"error": str(localized(upload.error))})
    if running is not None and running.error is not None:
        upload = upload.model_copy(update={"error": str(localized(running.error))})
    return JobPage(
        upload=upload,
        stage=running.stage if running and upload.status == "running" else None,
        stages=list(STAGES),
        percent=round(100 * (running.done_share if running else 1.0), 1)
        if upload.status in ("running", "done")
        else 0.0,
        ahead=visitor.state.imports.ahead_of(job_id) if upload.status == "queued" else 0,
        retry=_retry(visitor, running) if upload.status == "failed" else None,
    )


def _retry(visitor: Visitor, running: ImportJob | None) -> str | None:
    """Return the page of a failed import's upload, if the server still keeps it for its user."""
    assert visitor.user is not None
    if running is None or visitor.state.uploads.get(running.upload.token, visitor.user.id) is None:
        return None
    return f"/data/uploads/{running.upload.token}"


@router.get(
    "/data/mappings/{name}.yaml",
    response_class=FileResponse,
    summary="A saved mapping file",
    responses={200: {"content": {"application/yaml": {}}}},
)
def mapping_file(visitor: Analyst, name: MappingName) -> Response:
    """Return a mapping file the wizard saved, to use with karsta import --mapping."""
    path = visitor.state.config.mappings_folder / f"{name}.yaml"
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path,
        media_type="application/yaml",
        filename=f"{name}.yaml",
        headers={"cache-control": "no-store"},
    )


TEMPLATES.globals["import_text"] = import_text
