"""Settings: targets, service hours, holidays, desk-resolvable categories, waiting statuses, costs.

The page edits the workspace's settings file (`<workspace>.yaml`, the one the CLI
reads) through the one settings writer (`karsta.web.settings_store`), shows a
message beside every field it cannot accept, and lists the history of changes.
Analysts and admins only; a viewer reads the targets on the overview.
"""

from __future__ import annotations

import difflib
import hashlib
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from karsta import i18n
from karsta import settings as settings_file
from karsta.i18n import gettext, localized
from karsta.metrics.config import ConfigError
from karsta.metrics.registry import catalog, find
from karsta.web.access import EVERYTHING
from karsta.web.models import SettingsChange, User
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES, render
from karsta.web.requests import Analyst, Visitor
from karsta.web.settings_store import save_settings
from karsta.web.views.forms import see_other

router = APIRouter(tags=["settings"])
SETTINGS = "/settings"
HISTORY = 20


class TargetRow(BaseModel):
    """A metric and its target as written in the settings (null: none)."""

    metric_id: str
    name: str
    direction: str
    target: str | None


class ValueChoices(BaseModel):
    """The values the workspace holds for the pickers: the desk's categories and statuses.

    They name the desk's vocabulary, not tickets, and the settings they are picked for hold
    for the whole desk, so every analyst is offered them all.
    """

    categories: list[str]
    statuses: list[str]


class SettingsChangeInfo(BaseModel):
    """One change of the settings file: who, when, and the lines changed."""

    id: int
    changed_at: datetime
    user: str | None
    before: str | None
    after: str
    diff: list[str]
    """The change as a unified diff of the file's lines."""
    lines_changed: int
    """Lines removed plus lines added (the diff's lines without its hunk headers)."""


class SettingsPage(BaseModel):
    """The workspace's settings as the CLI reads them, the pickers' values, and the history."""

    file: str
    version: str
    """A hash of the file as shown; a save from an outdated page is refused."""
    problem: str | None
    """Why the file cannot be read (it is then shown as it is, and not changed here)."""
    targets: list[TargetRow]
    service_hours: str | None
    holidays: str | None
    timezone: str | None
    desk_resolvable_categories: list[str]
    waiting_statuses: list[str]
    hourly_cost: float | None
    waiting_hourly_cost: float | None
    other: dict[str, Any]
    """Keys the page does not edit, kept as they are."""
    choices: ValueChoices
    history: list[SettingsChangeInfo]


EDITED = {
    "targets",
    "service_hours",
    "holidays",
    "timezone",
    "desk_resolvable_categories",
    "waiting_statuses",
    "hourly_cost",
    "waiting_hourly_cost",
}


def _version(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


def _choices(visitor: Visitor) -> ValueChoices:
    if not visitor.state.config.workspace.exists():
        return ValueChoices(categories=[], statuses=[])
    lists = visitor.state.results.get("value_lists", EVERYTHING, lambda ws: ws.value_lists())
    return ValueChoices(categories=list(lists.categories), statuses=list(lists.statuses))


def _history(visitor: Visitor) -> list[SettingsChangeInfo]:
    rows = visitor.db.execute(
        select(SettingsChange, User.username)
        .outerjoin(User, User.id == SettingsChange.user_id)
        .order_by(SettingsChange.id.desc())
        .limit(HISTORY)
    ).all()
    return [
        SettingsChangeInfo(
            id=c.id,
            changed_at=c.changed_at,
            user=name,
            before=c.before,
            after=c.after,
            diff=(diff := _diff(c.before, c.after)),
            lines_changed=sum(1 for line in diff if line[:1] in ("+", "-")),
        )
        for c, name in rows
    ]


def _diff(before: str | None, after: str) -> list[str]:
    """Return the change of the settings file as unified diff lines, without the file header."""
    lines = difflib.unified_diff((before or "").splitlines(), after.splitlines(), lineterm="", n=0)
    return [line.rstrip("\n") for line in lines][2:]


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(str(value).replace(",", "."))
    except ValueError:
        return None


def _settings(visitor: Visitor) -> SettingsPage:
    problem = None
    try:
        current = settings_file.read_settings(visitor.state.config.workspace)
    except ConfigError as exc:
        problem = str(localized(exc.args[0]))
        path = settings_file.settings_path(visitor.state.config.workspace)
        current = settings_file.SettingsFile(path, path.read_text(encoding="utf-8"), {})
    data = current.data
    given = data.get("targets")
    targets: dict[str, Any] = given if isinstance(given, dict) else {}
    return SettingsPage(
        file=current.path.name,
        version=_version(current.text),
        problem=problem,
        targets=[
            TargetRow(
                metric_id=d.id,
                name=d.card.name("en"),
                direction=d.card.direction,
                target=None if targets.get(d.id) is None else str(targets[d.id]),
            )
            for d in catalog().values()
        ],
        service_hours=None if data.get("service_hours") is None else str(data["service_hours"]),
        holidays=None if data.get("holidays") is None else str(data["holidays"]),
        timezone=None if data.get("timezone") is None else str(data["timezone"]),
        desk_resolvable_categories=_list(data.get("desk_resolvable_categories")),
        waiting_statuses=_list(data.get("waiting_statuses")),
        hourly_cost=_number(data.get("hourly_cost")),
        waiting_hourly_cost=_number(data.get("waiting_hourly_cost")),
        other={k: v for k, v in data.items() if k not in EDITED},
        choices=_choices(visitor),
        history=_history(visitor),
    )


@page(router, SETTINGS, template="settings/page.html", model=SettingsPage, summary="Settings")
def settings(visitor: Analyst) -> SettingsPage:
    """Return the workspace's settings, the values to pick from and the history of changes."""
    return _settings(visitor)


class SettingsForm(BaseModel):
    """The settings form: every edited field (empty: the default applies)."""

    version: str
    metric: list[str] = []
    target: list[str] = []
    service_hours: str = ""
    holidays: str = ""
    timezone: str = ""
    desk_resolvable_categories: list[str] = []
    waiting_statuses: list[str] = []
    hourly_cost: str = ""
    waiting_hourly_cost: str = ""

    def changes(self) -> dict[str, Any]:
        """Return the settings file's keys from the form (None removes a key)."""

        def text(value: str) -> str | None:
            return value.strip() or None

        def cost(value: str) -> float | str | None:
            given = value.strip().replace("\u00a0", "").replace(" ", "")
            if not given:
                return None
            try:
                return float(given.replace(",", "."))
            except ValueError:
                return given  # the check names it

        targets = {
            m: t.strip() for m, t in zip(self.metric, self.target, strict=False) if t.strip()
        }
        return {
            "targets": targets or None,
            "service_hours": text(self.service_hours),
            "holidays": text(self.holidays),
            "timezone": text(self.timezone),
            "desk_resolvable_categories": sorted(set(self.desk_resolvable_categories)) or None,
            "waiting_statuses": sorted(set(self.waiting_statuses)) or None,
            "hourly_cost": cost(self.hourly_cost),
            "waiting_hourly_cost": cost(self.waiting_hourly_cost),
        }


@router.post(SETTINGS, response_class=HTMLResponse, summary="Save the settings")
def save(visitor: Analyst, form: Annotated[SettingsForm, Form()]) -> Response:
    """Save the settings (every field checked) and record the change in the history."""
    assert visitor.user is not None
    i18n.set_language(visitor.lang)
    changes = form.changes()
    errors: dict[str, str] = {}
    error = None
    status = 400
    try:
        current = settings_file.read_settings(visitor.state.config.workspace)
        if _version(current.text) != form.version:
            raise settings_file.SettingsConflict
        save_settings(visitor.state, visitor.user.id, changes, expected=current.text)
    except settings_file.SettingsInvalid as exc:
        errors = {k: str(localized(v)) for k, v in exc.errors.items()}
        error = gettext("Some settings could not be saved; see the messages beside them.")
    except settings_file.SettingsConflict:
        status = 409
        error = gettext(
            "Someone else changed the settings since this page was opened. The page now "
            "shows their version: make your change again."
        )
    except ConfigError as exc:
        error = str(localized(exc.args[0]))
    else:
        return see_other(f"{SETTINGS}?saved=1")
    shown = _settings(visitor)
    if errors:  # show what was entered, beside its message
        shown = shown.model_copy(update=_entered(form, shown))
    return render(
        visitor.request,
        "settings/page.html",
        status_code=status,
        page=shown,
        errors=errors,
        error=error,
    )


def _entered(form: SettingsForm, shown: SettingsPage) -> dict[str, Any]:
    entered = dict(zip(form.metric, form.target, strict=False))
    return {
        "targets": [
            t.model_copy(update={"target": entered.get(t.metric_id) or None}) for t in shown.targets
        ],
        "service_hours": form.service_hours or None,
        "holidays": form.holidays or None,
        "timezone": form.timezone or None,
        "desk_resolvable_categories": form.desk_resolvable_categories,
        "waiting_statuses": form.waiting_statuses,
        "hourly_cost": _number(form.hourly_cost),
        "waiting_hourly_cost": _number(form.waiting_hourly_cost),
    }


TEMPLATES.globals["metric_card_name"] = lambda metric_id, lang: find(metric_id).card.name(lang)
