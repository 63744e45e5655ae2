"""Data: upload an export, choose or propose its mapping (or make one in the wizard), import it.

Analysts and admins only: an upload changes the workspace for everyone. A viewer
gets 403 on every data page (past imports included: their files, rejects and
accounting describe the whole desk, not the viewer's groups).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from karsta import i18n
from karsta.formatting import file_size
from karsta.i18n import N_, gettext, localized
from karsta.ingest import (
    ImportFailed,
    MappingDraft,
    MappingError,
    SourceMapping,
    column_values,
    load_mapping_file,
    load_preset,
    preset_names,
    preview_file,
    propose_mapping,
    save_mapping,
    status_class_of,
)
from karsta.ingest.mapping import STATUS_CLASSES, ReadOptions
from karsta.ingest.proposal import REQUIRED_COLUMNS, WIZARD_COLUMNS, guess_columns
from karsta.ingest.rejected import DEFAULT_LIMIT, RejectLimit, RejectLimitError
from karsta.web.import_queue import ImportJob
from karsta.web.models import ImportRecord
from karsta.web.pages import page
from karsta.web.rendering import render
from karsta.web.requests import Analyst, Visitor
from karsta.web.uploads import Upload, UploadRefused, UploadTooLarge
from karsta.web.views.data_shared import (
    PreviewInfo,
    PrivacyInfo,
    SavedMapping,
    preview_info,
    privacy_info,
    saved_mappings,
    server_key,
)
from karsta.web.views.forms import see_other

router = APIRouter(tags=["data"])
UPLOAD = "/data/upload"
Token = Annotated[str, PathParameter(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
CLASS_NAMES = (
    N_("new"),
    N_("active"),
    N_("waiting"),
    N_("resolved"),
    N_("closed"),
    N_("cancelled"),
)
"""The status classes as the wizard names them (the template translates each class)."""


class PresetInfo(BaseModel):
    """A built-in mapping."""

    name: str
    title: str


class UploadPage(BaseModel):
    """The upload form: the size limit, the workspace's privacy and the mappings to choose."""

    limit_bytes: int
    privacy: PrivacyInfo
    presets: list[PresetInfo]
    mappings: list[SavedMapping]


def _upload_page(visitor: Visitor) -> UploadPage:
    return UploadPage(
        limit_bytes=visitor.state.config.upload_limit,
        privacy=privacy_info(visitor.state),
        presets=[PresetInfo(name=n, title=load_preset(n).title) for n in preset_names()],
        mappings=saved_mappings(visitor.state.config.mappings_folder),
    )


@page(router, UPLOAD, template="data/upload.html", model=UploadPage, summary="Upload an export")
def upload_form(visitor: Analyst) -> UploadPage:
    """Return the upload form with the size limit and the workspace's privacy mode."""
    return _upload_page(visitor)


@router.post(UPLOAD, response_class=HTMLResponse, summary="Upload an export")
async def upload(visitor: Analyst) -> Response:
    """Keep the uploaded file in the server's private folder; go to its preview."""
    assert visitor.user is not None
    i18n.set_language(visitor.lang)
    uploads = visitor.state.uploads
    try:
        kept = await uploads.receive(visitor.request, visitor.user.id)
    except UploadTooLarge as exc:
        error = gettext("The file is larger than {limit}, the most this server accepts.")
        return _upload_again(
            visitor, error.format(limit=file_size(exc.limit, lang=visitor.lang)), 413
        )
    except UploadRefused:
        return _upload_again(visitor, gettext("Choose a file to upload."), 400)
    return see_other(f"/data/uploads/{kept.token}")


def _upload_again(visitor: Visitor, error: str, status: int) -> Response:
    return render(
        visitor.request,
        "data/upload.html",
        status_code=status,
        page=_upload_page(visitor),
        error=error,
    )


# --- one uploaded file: its preview and the mapping to import it with --------------------


class PresetScoreInfo(BaseModel):
    """How well a preset fits the file's header."""

    preset: str
    title: str
    score: int
    columns: int
    found: list[str]
    missing_required: list[str]
    usable: bool


class UploadedPage(BaseModel):
    """An uploaded file: its preview, the presets scored, and the mappings to import it with."""

    token: str
    file_name: str
    size: int
    preview: PreviewInfo | None
    problem: str | None
    """Why the file cannot be read (the import would stop the same way)."""
    proposal: list[PresetScoreInfo]
    proposed: str | None
    """The preset Karsta proposes: the usable one with the most of its columns in the header."""
    mappings: list[SavedMapping]
    chosen: str | None
    """The mapping to preselect ('preset:NAME' or 'file:NAME')."""
    max_rejects: str
    """The most rows the import may reject: a share of the rows read ('1%') or a number."""
    privacy: PrivacyInfo


def _upload(visitor: Visitor, token: str) -> Upload:
    assert visitor.user is not None
    found = visitor.state.uploads.get(token, visitor.user.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _pseudonymised(visitor: Visitor) -> bool:
    mode = privacy_info(visitor.state)
    return bool(mode.pseudonymised)


@page(
    router,
    "/data/uploads/{token}",
    template="data/uploaded.html",
    model=UploadedPage,
    summary="An uploaded export",
)
def uploaded(
    visitor: Analyst, token: Token, mapping: str | None = None, max_rejects: str | None = None
) -> UploadedPage:
    """Return the file's preview and the presets scored by the columns its header has."""
    kept = _upload(visitor, token)
    preview, problem = None, None
    try:
        found = preview_file(kept.path, pseudonymised=_pseudonymised(visitor))
        preview = preview_info(found)
    except ImportFailed as exc:
        problem = _without_path(exc, kept)
    header = [c.name for c in preview.columns] if preview else []
    scores = propose_mapping(header) if preview else None
    proposal = [
        PresetScoreInfo(
            preset=s.preset,
            title=s.title,
            score=s.score,
            columns=len(s.wanted),
            found=list(s.found),
            missing_required=list(s.missing_required),
            usable=s.usable,
        )
        for s in (scores.scores if scores else ())
    ]
    proposed = scores.best.preset if scores and scores.best else None
    chosen = mapping or (f"preset:{proposed}" if proposed else None)
    return UploadedPage(
        token=token,
        file_name=kept.file_name,
        size=kept.size,
        preview=preview,
        problem=problem,
        proposal=proposal,
        proposed=proposed,
        mappings=saved_mappings(visitor.state.config.mappings_folder),
        chosen=chosen,
        max_rejects=max_rejects or _limit_text(DEFAULT_LIMIT),
        privacy=privacy_info(visitor.state),
    )


def _limit_text(limit: RejectLimit) -> str:
    """Return a reject limit as the form's field writes it: '1%' or a number of rows."""
    return str(limit.rows) if limit.rows is not None else str(limit)


def reject_limit(text: str) -> RejectLimit:
    """Return the reject limit the import form's field gives; raise ValueError saying how."""
    try:
        return RejectLimit.parse(text or _limit_text(DEFAULT_LIMIT))
    except RejectLimitError as exc:
        raise ValueError(
            gettext(
                "The most rows that may be rejected is a share of the rows, such as 1 % or "
                "0.5 %, or a number of rows, such as 250."
            )
        ) from exc


def _without_path(exc: ImportFailed, kept: Upload) -> str:
    """Return an import error naming the file as uploaded, not the private folder's path."""
    return str(localized(exc.args[0])).replace(str(kept.path), kept.file_name)


# --- the mapping wizard ---------------------------------------------------------------------


class WizardChoices(BaseModel):
    """The wizard's choices: source columns, how the file is written, the mapping's name."""

    ticket_id: str = ""
    activity: str = ""
    timestamp: str = ""
    agent: str = ""
    group: str = ""
    channel: str = ""
    category: str = ""
    subcategory: str = ""
    priority: str = ""
    ticket_type: str = ""
    level: str = ""
    caller_id: str = ""
    resolution_code: str = ""
    name: str = Field(default="", max_length=80)
    timezone: str = "Europe/Helsinki"
    delimiter: str = Field(default="", max_length=3)
    encoding: str = Field(default="", max_length=30)
    decimal: str = Field(default="", max_length=1)
    timestamp_format: str = Field(default="", max_length=60)

    def columns(self) -> dict[str, str]:
        """Return canonical column → source column for the columns chosen."""
        return {c: getattr(self, c) for c in WIZARD_COLUMNS if getattr(self, c)}

    def read(self) -> dict[str, str]:
        """Return the read options given (others are detected)."""
        given = {
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "decimal": self.decimal,
            "timestamp_format": self.timestamp_format,
        }
        return {k: v for k, v in given.items() if v}


class StatusChoice(BaseModel):
    """A status (a value of the activity column) and the class proposed or chosen for it."""

    value: str
    rows: int
    proposed: str | None
    """The class its name names beyond doubt (the import's own inference), if any."""
    chosen: str | None
    pause: bool


class ColumnChoice(BaseModel):
    """A canonical column and the source column chosen for it."""

    canonical: str
    required: bool
    chosen: str | None


class WizardPage(BaseModel):
    """The mapping wizard of an uploaded file."""

    token: str
    file_name: str
    preview: PreviewInfo | None
    problem: str | None
    columns: list[ColumnChoice]
    choices: WizardChoices
    statuses: list[StatusChoice]
    """The values of the chosen activity column, most rows first, with their classes."""
    classes: list[str]


def _wizard(
    visitor: Visitor,
    token: str,
    choices: WizardChoices,
    status_classes: dict[str, str] | None = None,
    pauses: set[str] | None = None,
) -> WizardPage:
    kept = _upload(visitor, token)
    read = ReadOptions(**choices.read())  # type: ignore[arg-type]
    pseudonymised = _pseudonymised(visitor)
    try:
        preview = preview_info(preview_file(kept.path, read=read, pseudonymised=pseudonymised))
    except (ImportFailed, TypeError) as exc:
        problem = _without_path(exc, kept) if isinstance(exc, ImportFailed) else str(exc)
        return WizardPage(
            token=token,
            file_name=kept.file_name,
            preview=None,
            problem=problem,
            columns=[],
            choices=choices,
            statuses=[],
            classes=list(STATUS_CLASSES),
        )
    header = [c.name for c in preview.columns]
    if not any(choices.columns().values()):
        timestamps = [c.name for c in preview.columns if c.kind == "timestamp"]
        guessed = guess_columns(header, timestamps)
        choices = choices.model_copy(update=guessed)
    if not choices.name:
        choices = choices.model_copy(update={"name": Path(kept.file_name).stem.split(".")[0]})
    statuses: list[StatusChoice] = []
    if choices.activity in header:
        for value, rows in column_values(
            kept.path, choices.activity, read=read, pseudonymised=pseudonymised
        ):
            proposed = status_class_of(value)
            chosen = proposed if status_classes is None else status_classes.get(value) or None
            statuses.append(
                StatusChoice(
                    value=value,
                    rows=rows,
                    proposed=proposed,
                    chosen=chosen,
                    pause=value in (pauses or set()),
                )
            )
    return WizardPage(
        token=token,
        file_name=kept.file_name,
        preview=preview,
        problem=None,
        columns=[
            ColumnChoice(
                canonical=c,
                required=c in REQUIRED_COLUMNS,
                chosen=getattr(choices, c) if getattr(choices, c) in header else None,
            )
            for c in WIZARD_COLUMNS
        ],
        choices=choices,
        statuses=statuses,
        classes=list(STATUS_CLASSES),
    )


WIZARD = "/data/uploads/{token}/mapping"


@page(
    router,
    WIZARD,
    template="data/wizard.html",
    fragment="data/_statuses.html",
    model=WizardPage,
    summary="Mapping wizard",
)
def wizard(
    visitor: Analyst, token: Token, choices: Annotated[WizardChoices, Query()]
) -> WizardPage:
    """Return the preview, the columns to pick, and the chosen status column's values."""
    return _wizard(visitor, token, choices)


class WizardForm(WizardChoices):
    """The wizard's form: the choices, and each status with its class and pause."""

    status: list[str] = []
    status_class: list[str] = []
    pause: list[str] = []


@router.post(WIZARD, response_class=HTMLResponse, summary="Save the wizard's mapping")
def save_wizard(visitor: Analyst, token: Token, form: Annotated[WizardForm, Form()]) -> Response:
    """Save the mapping as `<workspace>.mappings/<name>.yaml` (checked by the CLI's reader)."""
    i18n.set_language(visitor.lang)
    kept = _upload(visitor, token)
    classes = {
        status: cls
        for status, cls in zip(form.status, form.status_class, strict=False)
        if cls in STATUS_CLASSES
    }
    choices = WizardChoices(**form.model_dump(exclude={"status", "status_class", "pause"}))
    missing = [c for c in REQUIRED_COLUMNS if not getattr(choices, c)]
    error: str | None = None
    if missing:
        error = gettext("Choose the columns of the ticket, its status and the time.")
    elif not choices.name.strip():
        error = gettext("Give the mapping a name.")
    else:
        draft = MappingDraft(
            name=choices.name.strip(),
            title=gettext("Made with the mapping wizard from {file}").format(file=kept.file_name),
            columns=choices.columns(),
            read=choices.read(),
            timezone=choices.timezone or "Europe/Helsinki",
            status_classes=classes,
            pause_statuses=[p for p in form.pause if p in form.status],
        )
        try:
            path, _mapping = save_mapping(draft, visitor.state.config.mappings_folder)
        except MappingError as exc:
            error = str(localized(exc.args[0]))
        else:
            return see_other(f"/data/uploads/{token}?mapping=file:{path.stem}")
    wizard_page = _wizard(visitor, token, choices, classes, set(form.pause))
    return render(
        visitor.request, "data/wizard.html", status_code=400, page=wizard_page, error=error
    )


# --- the import -------------------------------------------------------------------------------


def chosen_mapping(visitor: Visitor, chosen: str) -> tuple[SourceMapping, str]:
    """Return the mapping 'preset:NAME' or 'file:NAME' names, and its label for the log."""
    kind, _, name = chosen.partition(":")
    try:
        if kind == "preset" and name in preset_names():
            return load_preset(name), chosen
        if kind == "file":
            wanted = {m.name: m for m in saved_mappings(visitor.state.config.mappings_folder)}
            if name in wanted:
                folder = visitor.state.config.mappings_folder
                return load_mapping_file(folder / f"{name}.yaml"), chosen
    except MappingError as exc:
        raise ValueError(str(localized(exc.args[0]))) from exc
    raise ValueError(gettext("Choose a mapping."))


@router.post("/data/uploads/{token}/import", response_class=HTMLResponse, summary="Import")
def start_import(
    visitor: Analyst,
    token: Token,
    mapping: Annotated[str, Form()],
    pseudonymise: Annotated[bool, Form()] = False,
    redact: Annotated[bool, Form()] = False,
    max_rejects: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Queue the upload's import with the chosen mapping; go to its progress."""
    assert visitor.user is not None
    i18n.set_language(visitor.lang)
    kept = _upload(visitor, token)
    privacy = privacy_info(visitor.state)
    try:
        source, label = chosen_mapping(visitor, mapping)
        key = server_key(visitor.state, privacy, pseudonymise=pseudonymise)
        limit = reject_limit(max_rejects)
    except ValueError as exc:
        page_data = uploaded(visitor, token, mapping, max_rejects)
        return render(
            visitor.request,
            "data/uploaded.html",
            status_code=400,
            page=page_data,
            error=str(exc),
        )
    with visitor.state.sessions.begin() as db:  # stored before the worker can take it up
        record = ImportRecord(
            user_id=visitor.user.id, file_name=kept.file_name, mapping=label, status="queued"
        )
        db.add(record)
        db.flush()
        record_id = record.id
    job = ImportJob(
        record_id=record_id,
        upload=kept,
        mapping=source,
        key=key,
        redact=redact and privacy.mode is None,
        max_rejects=limit,
    )
    visitor.state.imports.submit(job)
    return see_other(f"/data/jobs/{record_id}")
