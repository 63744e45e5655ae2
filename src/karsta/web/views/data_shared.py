"""What the data pages share: the workspace's privacy, the server's key, previews, mappings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from karsta.i18n import gettext, localized
from karsta.ingest import Preview, load_mapping_file
from karsta.ingest.mapping import MappingError
from karsta.ingest.protection import PrivacyMode, stored_mode
from karsta.privacy import KeyFileError, key_fingerprint, load_key
from karsta.web.access import EVERYTHING
from karsta.web.state import AppState


class PrivacyInfo(BaseModel):
    """The workspace's privacy mode, and whether the server can import into it."""

    mode: str | None
    """plain, redacted or pseudonymised; null before the first import (it fixes the mode)."""
    pseudonymised: bool
    redact: bool
    key_fingerprint: str | None
    """The fingerprint of the key the workspace was pseudonymised with."""
    server_key: bool
    """Whether the server has a usable key file (karsta serve --key-file)."""
    server_key_fingerprint: str | None
    can_import: bool
    problem: str | None
    """Why imports cannot run (in the page's language; JSON: English)."""


def workspace_mode(state: AppState) -> PrivacyMode | None:
    """Return the workspace's privacy mode, or None before its first import."""
    if not state.config.workspace.exists():
        return None
    return state.results.get(
        "privacy",
        EVERYTHING,
        lambda ws: stored_mode(ws),  # type: ignore[arg-type]
    )


def _key(state: AppState) -> tuple[bytes | None, str | None]:
    """Return the server's key and, when its file cannot be used, why."""
    if state.config.key_file is None:
        return None, None
    try:
        return load_key(state.config.key_file), None
    except KeyFileError as exc:
        return None, str(localized(exc.args[0]))


def privacy_info(state: AppState) -> PrivacyInfo:
    """Return the workspace's mode and whether the server's key lets it import."""
    mode = workspace_mode(state)
    key, key_problem = _key(state)
    fingerprint = None if key is None else key_fingerprint(key)
    problem: str | None = key_problem
    if mode is not None and mode.pseudonymised:
        if key is None and problem is None:
            problem = gettext(
                "This workspace is pseudonymised: every import into it needs the key of its "
                "earlier imports. Start the server with it: karsta serve --key-file FILE."
            )
        elif key is not None and mode.key_fingerprint not in (None, fingerprint):
            problem = gettext(
                "The server's key is not the one this workspace was pseudonymised with "
                "(fingerprint {fingerprint}). Start the server with that key file."
            ).format(fingerprint=mode.key_fingerprint)
    needs_key = mode is not None and mode.pseudonymised
    return PrivacyInfo(
        mode=None if mode is None else mode.name,
        pseudonymised=bool(mode and mode.pseudonymised),
        redact=bool(mode and mode.redact),
        key_fingerprint=None if mode is None else mode.key_fingerprint,
        server_key=key is not None,
        server_key_fingerprint=fingerprint,
        can_import=problem is None or not needs_key,
        problem=problem if needs_key or key_problem else None,
    )


def server_key(state: AppState, privacy: PrivacyInfo, *, pseudonymise: bool) -> bytes | None:
    """Return the key an import uses: the workspace's if pseudonymised, else if asked for.

    Raises ValueError (its message for the page) when the import cannot run.
    """
    if not privacy.can_import:
        raise ValueError(privacy.problem or "")
    key, problem = _key(state)
    if privacy.pseudonymised:
        return key
    if pseudonymise and privacy.mode is None:
        if key is None:
            raise ValueError(
                problem
                or gettext(
                    "Pseudonymising needs the server's key file: start it with "
                    "karsta serve --key-file FILE."
                )
            )
        return key
    return None


class PreviewColumn(BaseModel):
    """A column of the file and how its sampled values read."""

    name: str
    kind: str
    timestamp_format: str | None
    decimal: str | None
    distinct: int


class PreviewInfo(BaseModel):
    """The first rows of an uploaded file and how it is written."""

    format: str
    row_label: str
    encoding: str | None
    delimiter: str | None
    decimal: str | None
    timestamp_format: str | None
    columns: list[PreviewColumn]
    rows: list[list[str | None]]


def preview_info(preview: Preview) -> PreviewInfo:
    """Return a preview as the pages show it."""
    return PreviewInfo(
        format=preview.format,
        row_label=preview.row_label,
        encoding=preview.encoding,
        delimiter=preview.delimiter,
        decimal=preview.decimal,
        timestamp_format=preview.timestamp_format,
        columns=[
            PreviewColumn(
                name=c.name,
                kind=c.kind,
                timestamp_format=c.timestamp_format,
                decimal=c.decimal,
                distinct=c.distinct,
            )
            for c in preview.columns
        ],
        rows=[list(r) for r in preview.rows],
    )


class SavedMapping(BaseModel):
    """A mapping file the wizard saved beside the workspace."""

    name: str
    title: str
    download: str
    """Where the YAML file is downloaded (for `karsta import --mapping`)."""


def saved_mappings(folder: Path) -> list[SavedMapping]:
    """Return the mapping files in the wizard's folder that the CLI's reader accepts."""
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        try:
            mapping = load_mapping_file(path)
        except MappingError:
            continue
        found.append(
            SavedMapping(
                name=path.stem, title=mapping.name, download=f"/data/mappings/{path.stem}.yaml"
            )
        )
    return found
