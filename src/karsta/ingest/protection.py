"""The workspace's privacy mode: pseudonymised or not, free text redacted or not.

The mode is fixed by the workspace's first import and recorded in its settings.
Every later import follows it: an import that does not ask for pseudonymisation
or redaction gets them all the same when the workspace has them, and an import
that asks for what the workspace does not have is refused, because mixing raw
and pseudonymised identifiers (or clear and redacted text) would give the same
person two identities and store the same event twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from karsta.i18n import Message
from karsta.ingest.errors import ImportFailed
from karsta.workspace import Workspace, query_one

PSEUDONYMISED = "privacy_pseudonymised"
REDACT = "privacy_redact"
FINGERPRINT = "pseudonym_key_fingerprint"


@dataclass(frozen=True, slots=True)
class PrivacyMode:
    """How a workspace stores personal data."""

    pseudonymised: bool = False
    redact: bool = False
    key_fingerprint: str | None = None

    @property
    def name(self) -> str:
        """Return 'pseudonymised', 'redacted' or 'plain'."""
        if self.pseudonymised:
            return "pseudonymised"
        return "redacted" if self.redact else "plain"

    def describe(self) -> Message:
        """Return the mode for people (English; views show it translated)."""
        if self.pseudonymised and self.redact:
            return Message(
                "pseudonymised (key fingerprint {fingerprint}), free text redacted",
                fingerprint=self.key_fingerprint or "?",
            )
        if self.pseudonymised:
            return Message(
                "pseudonymised (key fingerprint {fingerprint}), free text not redacted",
                fingerprint=self.key_fingerprint or "?",
            )
        if self.redact:
            return Message("not pseudonymised, free text redacted")
        return Message("not pseudonymised, free text not redacted")

    def not_asked(self, *, pseudonymise: bool, redact: bool) -> tuple[str, ...]:
        """Return what of this mode an import that asked for these options did not ask for."""
        followed = []
        if self.pseudonymised and not pseudonymise:
            followed.append("pseudonymised")
        if self.redact and not (redact or pseudonymise):
            followed.append("redacted")
        return tuple(followed)

    def to_dict(self) -> dict[str, Any]:
        """Return the mode as JSON-ready data."""
        return {
            "mode": self.name,
            "pseudonymised": self.pseudonymised,
            "redact": self.redact,
            "key_fingerprint": self.key_fingerprint,
        }


def stored_mode(workspace: Workspace) -> PrivacyMode | None:
    """Return the workspace's mode, or None before its first import."""
    pseudonymised = workspace.setting(PSEUDONYMISED)
    fingerprint = workspace.setting(FINGERPRINT)
    if pseudonymised is not None:
        return PrivacyMode(
            pseudonymised == "true", workspace.setting(REDACT) == "true", fingerprint
        )
    # A workspace from before the mode was recorded: its first import tells.
    first = query_one(
        workspace.connection, "SELECT pseudonymised FROM imports ORDER BY import_id LIMIT 1"
    )
    if first is None:
        return None
    return PrivacyMode(bool(first[0]), False, fingerprint if first[0] else None)


def check_request(
    path: Path | str, stored: PrivacyMode | None, *, pseudonymise: bool, redact: bool
) -> None:
    """Refuse an import that asks for more protection than the workspace's earlier imports had."""
    if stored is None:
        return
    if pseudonymise and not stored.pseudonymised:
        raise ImportFailed(
            path,
            Message(
                "this workspace is not pseudonymised: its first import stored caller and agent "
                "identifiers as they are, and pseudonymising this import would give the same "
                "person two identities and store their events twice."
            ),
            Message(
                "Import into a new workspace with --pseudonymise, and import the earlier "
                "files there too."
            ),
        )
    if redact and not stored.redact:
        raise ImportFailed(
            path,
            Message(
                "free text in this workspace is not redacted: its first import stored it as it "
                "is, and redacting this import alone would leave the earlier text in clear."
            ),
            Message(
                "Import into a new workspace with --redact, and import the earlier files there too."
            ),
        )


def import_mode(workspace: Workspace, *, key_fingerprint: str | None, redact: bool) -> PrivacyMode:
    """Return the mode an import runs in: the workspace's, or for its first import the one asked.

    The import asks for pseudonymisation by bringing a key (its fingerprint here)
    and for redaction with `redact`. Raises `ImportFailed` when it cannot follow
    the workspace's mode.
    """
    stored = stored_mode(workspace)
    pseudonymise = key_fingerprint is not None
    check_request(workspace.path, stored, pseudonymise=pseudonymise, redact=redact)
    if stored is None:
        return PrivacyMode(pseudonymise, redact or pseudonymise, key_fingerprint)
    if stored.pseudonymised:
        if key_fingerprint is None:
            raise ImportFailed(
                workspace.path,
                Message(
                    "this workspace is pseudonymised (fixed at its first import), so every "
                    "import into it is pseudonymised with the same key; none was given."
                ),
                Message(
                    "Give the key file of the earlier imports (--key-file; its fingerprint "
                    "is {fingerprint}).",
                    fingerprint=stored.key_fingerprint or "?",
                ),
            )
        if stored.key_fingerprint not in (None, key_fingerprint):
            raise ImportFailed(
                workspace.path,
                Message(
                    "this workspace was pseudonymised with another key; identifiers would "
                    "not match."
                ),
                Message(
                    "Use the same key file (--key-file) as for the earlier imports (its "
                    "fingerprint is {fingerprint}).",
                    fingerprint=stored.key_fingerprint or "?",
                ),
            )
    return PrivacyMode(stored.pseudonymised, stored.redact, key_fingerprint)


def record_mode(workspace: Workspace, mode: PrivacyMode) -> None:
    """Store the mode in the workspace's settings (inside the import's transaction)."""
    workspace.set_setting(PSEUDONYMISED, "true" if mode.pseudonymised else "false")
    workspace.set_setting(REDACT, "true" if mode.redact else "false")
    if mode.key_fingerprint is not None:
        workspace.set_setting(FINGERPRINT, mode.key_fingerprint)
