"""`karsta feedback themes`: the themes of the open answers in surveys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Group
from rich.table import Table

from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import (
    FormatOption,
    WorkspaceOption,
    emit,
    fail,
    notes_table,
    working,
)
from karsta.cli.render import number, plain
from karsta.feedback.themes import RecurringRule, Theme, Themes, workspace_themes
from karsta.formatting import decimal, signed
from karsta.i18n import N_, Message, _
from karsta.workspace import Workspace, WorkspaceError

DEFAULT_RULE = RecurringRule()


def themes_command(
    workspace: WorkspaceOption,
    themes: Annotated[
        int, typer.Option(help=N_("Most themes to find in each language's answers."))
    ] = 8,
    min_answers: Annotated[
        int, typer.Option(help=N_("Fewest answers in a language to find themes in them."))
    ] = 20,
    examples: Annotated[int, typer.Option(help=N_("Example answers shown per theme."))] = 3,
    dictionary: Annotated[
        Path | None,
        typer.Option(
            help=N_("YAML file of your own themes: a theme name, then its words (a list).")
        ),
    ] = None,
    recurring_months: Annotated[
        int, typer.Option(help=N_("A recurring complaint occurs in at least this many months…"))
    ] = DEFAULT_RULE.months,
    recurring_window: Annotated[
        int, typer.Option(help=N_("…of this many last months of the answers."))
    ] = DEFAULT_RULE.window,
    recurring_gap: Annotated[
        float,
        typer.Option(
            help=N_("…and scores at least this share of the scale below the mean (0.1 = 10 %).")
        ),
    ] = DEFAULT_RULE.min_gap,
    recurring_min_n: Annotated[
        int, typer.Option(help=N_("…from at least this many scored answers."))
    ] = DEFAULT_RULE.min_n,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the themes of the open answers: words, count, trend, scores, examples."""
    rule = RecurringRule(recurring_months, recurring_window, recurring_gap, recurring_min_n)
    own = _dictionary(dictionary) if dictionary else None
    try:
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            result = working(
                _("Looking for themes"),
                lambda: workspace_themes(
                    ws,
                    themes=themes,
                    min_answers=min_answers,
                    examples=examples,
                    dictionary=own,
                    rule=rule,
                ),
            )
    except WorkspaceError as exc:
        raise fail(render.error_text(exc)) from exc
    emit(output, result.to_dict(), lambda: themes_tables(result))


def _dictionary(path: Path) -> dict[str, list[str]]:
    """Return the theme dictionary of a YAML file; a bad file stops with a clear message."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise fail(
            Message("Cannot read the theme dictionary {path}: {error}", path=str(path), error=exc)
        ) from exc
    if not isinstance(data, dict) or not data:
        raise fail(
            Message(
                "The theme dictionary {path} must map each theme name to a list of words.",
                path=str(path),
            )
        )
    out: dict[str, list[str]] = {}
    for name, words in data.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise fail(
                Message(
                    "The theme dictionary {path}: theme {name!r} needs a list of words, "
                    "got {value!r}.",
                    path=str(path),
                    name=str(name),
                    value=words,
                )
            )
        out[str(name)] = words
    return out


def themes_tables(result: Themes) -> Group:
    """Return the accounting, the themes, their examples, the notes and the recurring rule."""
    parts: list[Table] = [_accounting(result)]
    if result.themes:
        parts.append(_themes(result.themes))
        parts.append(_examples(result.themes))
    notes = [*result.notes, result.rule.text()]
    parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)


def _accounting(result: Themes) -> Table:
    """Return what was read: answers, languages and how they were known, left out, redacted."""
    table = Table(title=_("Open answers"), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row(_("answers read"), number(result.answers))
    for language, count in sorted(result.languages.items()):
        table.add_row(_("in {language}").format(language=language), number(count))
    sources = result.language_sources
    table.add_row(_("language detected"), number(sources["detected"]))
    table.add_row(_("language as the survey recorded it"), number(sources["recorded"]))
    table.add_row(_("language not known (left out)"), number(sources["unknown"]))
    for language, count in sorted(result.too_few.items()):
        table.add_row(
            _("too few answers for themes in {language}").format(language=language), number(count)
        )
    for language, count in sorted(result.without_theme.items()):
        table.add_row(_("no theme ({language})").format(language=language), number(count))
    for kind, label in (
        ("hetu", _("identity codes redacted")),
        ("email", _("e-mail addresses redacted")),
        ("phone", _("phone numbers redacted")),
        ("name", _("names redacted")),
    ):
        table.add_row(label, number(result.redactions.get(kind, 0)))
    return table


def _themes(themes: tuple[Theme, ...]) -> Table:
    """Return one row per theme: words, answers, months, score against the mean, recurrence."""
    table = Table(title=_("Themes"))
    table.add_column("#", justify="right")
    table.add_column(_("language"))
    table.add_column(_("words"))
    table.add_column(_("answers"), justify="right")
    table.add_column(_("by month"))
    table.add_column(_("score (n) vs all"), justify="right")
    table.add_column(_("recurring"))
    for i, theme in enumerate(themes, 1):
        words = ", ".join(theme.words)
        if theme.name:
            words = f"{theme.name}: {words}"
        months = " ".join(f"{m.month}: {m.count}" for m in theme.by_month)
        table.add_row(
            str(i),
            theme.language,
            plain(words),
            number(theme.count),
            months,
            _score(theme),
            _("yes") if theme.recurring else "",
        )
    return table


def _score(theme: Theme) -> str:
    """Return the theme's main score against every answer's: '3,0 (12) vs 6,8 · −38 %'."""
    if not theme.scores:
        return "–"
    main = theme.scores[0]
    text = _("{instrument} {mean} ({n}) vs {overall}").format(
        instrument=main.instrument,
        mean=decimal(main.mean),
        n=number(main.n),
        overall=decimal(main.overall_mean),
    )
    if main.gap is not None:
        text += " · " + signed(main.gap * 100, 0) + " %"
    return plain(text)


def _examples(themes: tuple[Theme, ...]) -> Table:
    """Return the example answers of each theme (redacted)."""
    table = Table(title=_("Example answers (redacted)"))
    table.add_column("#", justify="right")
    table.add_column(_("answer"))
    for i, theme in enumerate(themes, 1):
        for j, text in enumerate(theme.examples):
            table.add_row(str(i) if j == 0 else "", plain(text))
    return table
