"""The `karsta` command: import exports, inspect and export the workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from karsta.cli import metrics as metric_commands
from karsta.cli import render
from karsta.cli.channels import channels_app, staffing_command
from karsta.cli.feedback import feedback_app
from karsta.cli.improve import (
    a3_app,
    gemba_app,
    ideas_app,
    pdca_app,
    records_app,
    savings_command,
    workshop_app,
)
from karsta.cli.interrupt import stops_on_ctrl_c
from karsta.cli.language import (
    TranslatedContext,
    choose_language,
    translate_help,
    translated_usage_errors,
)
from karsta.cli.options import LangOption
from karsta.cli.process import process_app
from karsta.cli.report import report_app
from karsta.cli.serve import serve
from karsta.cli.signals import signals_command
from karsta.cli.visits import visits_app
from karsta.cli.waste import waste_command
from karsta.i18n import N_, Message, _, localized
from karsta.ingest import (
    ImportFailed,
    ImportReport,
    MappingError,
    SourceMapping,
    import_file,
    load_mapping_file,
    load_preset,
    preset_names,
)
from karsta.ingest.importer import STAGES
from karsta.ingest.mapping_reference import mapping_reference_markdown, preset_text
from karsta.ingest.protection import PrivacyMode, check_request, stored_mode
from karsta.ingest.rejected import RejectLimit, RejectLimitError
from karsta.privacy import KeyFileError, default_key_path, load_key, load_or_create_key
from karsta.schema import reference_markdown
from karsta.summary import summarise
from karsta.workspace import Workspace, WorkspaceError, workspace_for_import


class KarstaGroup(TyperGroup):
    """The `karsta` command: speaks the user's language from the first line it prints.

    It chooses the language before any subcommand prints its help, and turns Ctrl-C
    into one line and exit code 130.
    """

    context_class = TranslatedContext

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Choose the language from the arguments, translate the help, then parse."""
        choose_language(args)
        translate_help(self, ctx)
        with translated_usage_errors():
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; Ctrl-C prints 'interrupted' and exits with code 130."""
        with stops_on_ctrl_c(_("interrupted")), translated_usage_errors():
            return super().invoke(ctx)


app = typer.Typer(
    name="karsta",
    cls=KarstaGroup,
    help=N_("Find the waste in customer service processes and measure service comparably."),
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def karsta(lang: LangOption = None) -> None:
    """Take --lang before the command too (karsta --lang fi metrics, karsta --lang fi --help)."""


docs_app = typer.Typer(help=N_("Generate the reference documentation."), no_args_is_help=True)
presets_app = typer.Typer(
    help=N_("The built-in mappings of source systems: list them, or show one."),
    invoke_without_command=True,
)
app.add_typer(docs_app, name="docs")
app.add_typer(presets_app, name="presets")
app.add_typer(process_app, name="process")
app.add_typer(report_app, name="report")
app.add_typer(feedback_app, name="feedback")
app.command(
    "waste",
    help=N_("Show the waste a year: staff time and customer time, per waste family and finding."),
)(waste_command)
app.command("serve")(serve)
app.command("signals", help=N_("Show what changed, what is falling and which patterns appear."))(
    signals_command
)
app.command(
    "savings",
    help=N_("How much time removing some minutes of waste saves a year (also from the log)."),
)(savings_command)
app.add_typer(workshop_app, name="workshop")
app.add_typer(ideas_app, name="ideas")
app.add_typer(gemba_app, name="gemba")
app.add_typer(a3_app, name="a3")
app.add_typer(pdca_app, name="pdca")
app.add_typer(records_app, name="improve")
app.add_typer(visits_app, name="visits")
app.add_typer(feedback_app, name="feedback")
app.add_typer(channels_app, name="channels")
app.command("staffing", help=N_("Show the agents each interval needs for a service target."))(
    staffing_command
)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help=N_("Workspace file (created on first import)."))
]
STAGE_TEXT = {
    "read": N_("Reading the file"),
    "parse": N_("Checking and parsing values"),
    "merge": N_("Adding events"),
    "derive": N_("Deriving ticket facts"),
}
RECORD_STAGE_TEXT = {**STAGE_TEXT, "merge": N_("Adding rows")}
"""A record import (contacts, visits, surveys, staffing) adds rows and derives nothing."""


_fail = render.fail


@app.command(
    "import", help=N_("Import an export file into the workspace and print the row accounting.")
)
def import_command(
    file: Annotated[
        Path, typer.Argument(help=N_("Export file: CSV, XLSX, Parquet, JSON lines, XES."))
    ],
    workspace: WorkspaceOption,
    preset: Annotated[
        str | None, typer.Option(help=N_("Built-in mapping (list them: karsta presets)."))
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help=N_("Your own mapping file (YAML; may extend a preset)."))
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help=N_("csv, xlsx, parquet, jsonl or xes."))
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help=N_("CSV delimiter (detected if not set)."))
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help=N_("Text encoding (detected if not set)."))
    ] = None,
    decimal: Annotated[str | None, typer.Option(help=N_("Decimal separator: ',' or '.'."))] = None,
    timestamp_format: Annotated[
        str | None, typer.Option(help=N_("strptime format, e.g. '%d.%m.%Y %H:%M' (detected)."))
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help=N_("Zone of naive timestamps (default Europe/Helsinki)."))
    ] = None,
    sheet: Annotated[str | None, typer.Option(help=N_("Excel sheet (default: the first)."))] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise",
            help=N_("Replace caller and agent ids by keyed hashes, and redact free text."),
        ),
    ] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help=N_(
                "Replace identity codes, e-mail addresses, phone numbers and names after "
                "greetings and signatures in free text by tags."
            ),
        ),
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option(help=N_("Pseudonymisation key (default ~/.config/karsta/...)."))
    ] = None,
    max_rejects: Annotated[
        str,
        typer.Option(
            help=N_(
                "Most rows the import may reject, a share (1%) or a number of rows; "
                "above it nothing is imported."
            )
        ),
    ] = "1%",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=N_(
                "Read a file imported before again (e.g. with other options): its "
                "earlier events are replaced."
            ),
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Read an export into the workspace in one transaction; print the row accounting."""
    if (preset is None) == (mapping is None):
        raise _fail(_("Give exactly one of --preset or --mapping."))
    try:
        source = load_preset(preset) if preset else load_mapping_file(mapping)  # type: ignore[arg-type]
    except MappingError as exc:
        raise _fail(render.error_text(exc)) from exc
    source = source.with_read(
        delimiter=delimiter,
        encoding=encoding,
        decimal=decimal,
        timestamp_format=timestamp_format,
        sheet=sheet,
    ).with_timezone(timezone)
    try:
        limit = RejectLimit.parse(max_rejects)
    except RejectLimitError as exc:
        raise _fail(localized(exc.args[0])) from exc
    unchanged = _("Nothing was imported; the workspace is unchanged.")
    try:
        with (
            stops_on_ctrl_c(_("interrupted: nothing was imported, the workspace is unchanged")),
            workspace_for_import(workspace) as ws,
        ):
            stored = stored_mode(ws)
            check_request(ws.path, stored, pseudonymise=pseudonymise, redact=redact)
            key, new_key = _import_key(stored, pseudonymise, key_file)
            try:
                report = _import_with_progress(
                    file, ws, source, file_format, key, redact, max_rejects=limit, replace=replace
                )
            except BaseException:
                if new_key is not None:  # nothing was pseudonymised with it: leave nothing new
                    new_key.unlink(missing_ok=True)
                raise
    except ImportFailed as exc:
        raise _fail(f"{render.import_failure(exc)} {unchanged}") from exc
    except (WorkspaceError, KeyFileError) as exc:
        raise _fail(f"{render.error_text(exc)} {unchanged}") from exc
    if new_key is not None:
        _announce_new_key(new_key)
    followed = report.privacy.not_asked(pseudonymise=pseudonymise, redact=redact)
    render.show(render.import_report(report, followed=followed))
    if not report.balanced:
        raise typer.Exit(code=1)


def _import_key(
    stored: PrivacyMode | None, pseudonymise: bool, key_file: Path | None
) -> tuple[bytes | None, Path | None]:
    """Return the key the import pseudonymises with (None when it does not), and its file if new.

    A pseudonymised workspace's key is loaded even without --pseudonymise, never
    created. A key created now is announced once the import succeeds and removed
    if it fails, so the announcement is never lost with a failed run.
    """
    if stored is not None and stored.pseudonymised:
        key = load_key(key_file)
        if key is None:
            raise KeyFileError(
                Message(
                    "This workspace is pseudonymised, so every import into it needs the key of "
                    "its earlier imports (fingerprint {fingerprint}); there is no key file at "
                    "{path}. Give it with --key-file.",
                    fingerprint=stored.key_fingerprint or "?",
                    path=str(key_file or default_key_path()),
                )
            )
        return key, None
    if not pseudonymise:
        return None, None
    key, created = load_or_create_key(key_file)
    return key, (key_file or default_key_path()) if created else None


def _announce_new_key(path: Path) -> None:
    """Say once where the new pseudonymisation key is, and why it must be kept."""
    render.console(stderr=True).print(
        _(
            "A new pseudonymisation key was created: {path}\n"
            "Keep it safe and back it up apart from the workspace. Every later import "
            "into this workspace needs it: without it, new imports cannot be linked to "
            "the pseudonyms already stored."
        ).format(path=path),
        markup=False,
    )


def _import_with_progress(
    file: Path,
    ws: Workspace,
    source: SourceMapping,
    file_format: str | None,
    key: bytes | None,
    redact: bool,
    *,
    max_rejects: RejectLimit,
    replace: bool,
) -> ImportReport:
    """Run the import, showing each stage's progress on stderr; return its report."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=render.console(stderr=True),
        transient=False,
    ) as bar:
        records = source.records is not None
        texts = RECORD_STAGE_TEXT if records else STAGE_TEXT
        shown = [stage for stage in STAGES if not (records and stage == "derive")]
        tasks = {stage: bar.add_task(_(texts[stage]), total=1.0, start=False) for stage in shown}

        def progress(stage: str, fraction: float | None) -> None:
            if stage not in tasks:
                return
            bar.start_task(tasks[stage])
            bar.update(tasks[stage], completed=fraction or 0.0)

        return import_file(
            file,
            workspace=ws,
            mapping=source,
            format_name=file_format,
            pseudonym_key=key,
            redact=redact,
            progress=progress,
            max_rejects=max_rejects,
            replace=replace,
        )


@app.command(
    help=N_("Show what the workspace holds: tickets, events, derived facts, imports, rejects.")
)
def summary(
    workspace: WorkspaceOption,
    output: Annotated[str, typer.Option("--format", help=N_("table or json."))] = "table",
    lang: LangOption = None,
) -> None:
    """Print what the workspace holds (table or JSON)."""
    try:
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            data = summarise(ws)
    except WorkspaceError as exc:
        raise _fail(render.error_text(exc)) from exc
    if output == "json":
        sys.stdout.write(json.dumps(data.to_dict(), indent=2, default=str) + "\n")
    else:
        render.show(render.summary(data))


@app.command(help=N_("Write the canonical tables as files (Parquet: for BI tools and Spark)."))
def export(
    workspace: WorkspaceOption,
    out: Annotated[Path, typer.Option(help=N_("Folder for the files."))] = Path("export"),
    output: Annotated[str, typer.Option("--format", help=N_("parquet."))] = "parquet",
    lang: LangOption = None,
) -> None:
    """Write the canonical tables as Parquet files."""
    try:
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            files = ws.export(out, fmt=output)
    except WorkspaceError as exc:
        raise _fail(render.error_text(exc)) from exc
    for path in files:
        render.console().print(render.plain(path))


@presets_app.callback()
def presets(ctx: typer.Context, lang: LangOption = None) -> None:
    """List the built-in mappings when no subcommand is given."""
    if ctx.invoked_subcommand is not None:
        return
    con = render.console()
    for name in preset_names():
        mapping = load_preset(name)
        con.print(f"[bold]{render.plain(name)}[/]: {render.plain(mapping.title)}")


@presets_app.command(
    "show", help=N_("Print a built-in mapping: the YAML file as written, or JSON with defaults.")
)
def presets_show(
    name: Annotated[str, typer.Argument(help=N_("Preset name, e.g. servicenow."))],
    output: Annotated[str, typer.Option("--format", help=N_("yaml or json."))] = "yaml",
    lang: LangOption = None,
) -> None:
    """Print one built-in mapping: its YAML file, or JSON with every default."""
    if output not in ("yaml", "json"):
        raise _fail(_("--format: choose yaml or json; got {output!r}.").format(output=output))
    try:
        text = preset_text(name) if output == "yaml" else None
        mapping = load_preset(name)
    except MappingError as exc:
        raise _fail(render.error_text(exc)) from exc
    if text is None:
        text = json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(text)


@docs_app.command("schema", help=N_("Print the canonical tables reference (docs/schema.md)."))
def docs_schema(
    out: Annotated[
        Path | None, typer.Option(help=N_("Write to this file instead of stdout."))
    ] = None,
) -> None:
    """Print or write docs/schema.md."""
    _write(reference_markdown(), out)


@docs_app.command("mapping", help=N_("Print the mapping file reference (docs/mapping.md)."))
def docs_mapping(
    out: Annotated[
        Path | None, typer.Option(help=N_("Write to this file instead of stdout."))
    ] = None,
) -> None:
    """Print or write docs/mapping.md."""
    _write(mapping_reference_markdown(), out)


def _write(text: str, out: Path | None) -> None:
    """Write `text` to the file `out`, or to stdout."""
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


metric_commands.register(app, docs_app)

if __name__ == "__main__":  # pragma: no cover
    app()
