"""The `karsta` command: import exports, inspect and export the workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from karsta.cli import metrics as metric_commands
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process import process_app, waste_command
from karsta.cli.serve import serve
from karsta.i18n import N_, _
from karsta.ingest import (
    ImportFailed,
    MappingError,
    import_file,
    load_mapping_file,
    load_preset,
    preset_names,
)
from karsta.ingest.importer import STAGES
from karsta.privacy import load_or_create_key
from karsta.schema import reference_markdown
from karsta.summary import summarise
from karsta.workspace import Workspace, WorkspaceError

app = typer.Typer(
    name="karsta",
    help="Find the waste in customer service processes and measure service comparably.",
    no_args_is_help=True,
    add_completion=False,
)
docs_app = typer.Typer(help="Generate the reference documentation.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(process_app, name="process")
app.command("waste")(waste_command)
app.command("serve")(serve)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace file (created on first import).")
]
STAGE_TEXT = {
    "read": N_("Reading the file"),
    "parse": N_("Checking and parsing values"),
    "merge": N_("Adding events"),
    "derive": N_("Deriving ticket facts"),
}


_fail = render.fail


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Export file: CSV, XLSX, Parquet, JSON lines, XES.")],
    workspace: WorkspaceOption,
    preset: Annotated[
        str | None, typer.Option(help="Built-in mapping: " + ", ".join(preset_names()) + ".")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Your own mapping file (YAML; may extend a preset).")
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv, xlsx, parquet, jsonl or xes.")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="CSV delimiter (detected if not set).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (detected if not set).")
    ] = None,
    decimal: Annotated[str | None, typer.Option(help="Decimal separator: ',' or '.'.")] = None,
    timestamp_format: Annotated[
        str | None, typer.Option(help="strptime format, e.g. '%d.%m.%Y %H:%M' (detected).")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Zone of naive timestamps (default Europe/Helsinki).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet (default: the first).")] = None,
    pseudonymise: Annotated[
        bool, typer.Option("--pseudonymise", help="Replace caller and agent ids by keyed hashes.")
    ] = False,
    key_file: Annotated[
        Path | None, typer.Option(help="Pseudonymisation key (default ~/.config/karsta/...).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Import an export file into the workspace and print the row accounting."""
    if (preset is None) == (mapping is None):
        raise _fail(_("Give exactly one of --preset or --mapping."))
    try:
        source = load_preset(preset) if preset else load_mapping_file(mapping)  # type: ignore[arg-type]
    except MappingError as exc:
        raise _fail(str(exc)) from exc
    source = source.with_read(
        delimiter=delimiter,
        encoding=encoding,
        decimal=decimal,
        timestamp_format=timestamp_format,
        sheet=sheet,
    ).with_timezone(timezone)
    key = load_or_create_key(key_file) if pseudonymise else None
    out = render.console()
    try:
        with (
            Workspace.open(workspace) as ws,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=render.console(stderr=True),
                transient=False,
            ) as bar,
        ):
            tasks = {
                stage: bar.add_task(_(STAGE_TEXT[stage]), total=1.0, start=False)
                for stage in STAGES
            }

            def progress(stage: str, fraction: float | None) -> None:
                bar.start_task(tasks[stage])
                bar.update(tasks[stage], completed=fraction or 0.0)

            report = import_file(
                file,
                workspace=ws,
                mapping=source,
                format_name=file_format,
                pseudonym_key=key,
                progress=progress,
            )
    except (ImportFailed, WorkspaceError) as exc:
        unchanged = _("Nothing was imported; the workspace is unchanged.")
        raise _fail(f"{exc} {unchanged}") from exc
    out.print(render.import_report(report))
    if not report.balanced:
        raise typer.Exit(code=1)


@app.command()
def summary(
    workspace: WorkspaceOption,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    lang: LangOption = None,
) -> None:
    """Show what the workspace holds: tickets, events, derived facts, imports, rejects."""
    try:
        with Workspace.open(workspace, create=False) as ws:
            data = summarise(ws)
    except WorkspaceError as exc:
        raise _fail(str(exc)) from exc
    if output == "json":
        sys.stdout.write(json.dumps(data.to_dict(), indent=2, default=str) + "\n")
    else:
        render.console().print(render.summary(data))


@app.command()
def export(
    workspace: WorkspaceOption,
    out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path("export"),
    output: Annotated[str, typer.Option("--format", help="parquet.")] = "parquet",
    lang: LangOption = None,
) -> None:
    """Write the canonical tables as files (Parquet: for BI tools and Spark)."""
    try:
        with Workspace.open(workspace, create=False) as ws:
            files = ws.export(out, fmt=output)
    except WorkspaceError as exc:
        raise _fail(str(exc)) from exc
    for path in files:
        render.console().print(str(path))


@app.command()
def presets(lang: LangOption = None) -> None:
    """List the built-in mappings of source systems."""
    con = render.console()
    for name in preset_names():
        mapping = load_preset(name)
        con.print(f"[bold]{name}[/]: {mapping.title}")


@docs_app.command("schema")
def docs_schema(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the canonical tables reference (docs/schema.md)."""
    text = reference_markdown()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


metric_commands.register(app, docs_app)

if __name__ == "__main__":  # pragma: no cover
    app()
