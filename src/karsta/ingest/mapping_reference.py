"""The mapping file reference (docs/mapping.md), generated from the mapping's own definition.

Every key comes from `mapping.MAPPING_KEYS`, the canonical columns from the schema,
the status classes and read options from their tables in `mapping`, and the presets
from their files: a key added to the mapping is documented by the line that adds it.
"""

from __future__ import annotations

from karsta.ingest.mapping import (
    EVENT_COLUMNS,
    MAPPING_KEYS,
    READ_OPTION_MEANINGS,
    STATUS_CLASS_MEANINGS,
    STATUS_CLASSES,
    Layout,
    ReadOptions,
    SourceMapping,
    load_preset,
    preset_names,
    preset_text,
)
from karsta.schema import TICKET_EVENTS

__all__ = ["mapping_reference_markdown", "preset_text"]

EXAMPLE = """\
# my-desk.yaml — karsta import export.csv --mapping my-desk.yaml --workspace desk.karsta
extends: event-log
name: my-desk
columns:
  ticket_id: Tiketti
  activity: Tila
  timestamp: Aikaleima
  group: Ryhmä
  channel: Kanava
values:
  channel: {Puhelin: phone, Sähköposti: email, Chat: chat}
status_classes:
  new: [Uusi]
  active: [Työn alla]
  waiting: [Odottaa asiakasta, Odottaa toimittajaa]
  resolved: [Ratkaistu]
  closed: [Suljettu]
pause_statuses: [Odottaa asiakasta]
group_levels: {Palvelupiste: 1, Verkko: 2, Toimittaja: 3}
timezone: Europe/Helsinki
"""


def _cell(text: str) -> str:
    """Return text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _required(layout: Layout) -> tuple[str, ...]:
    """Return the canonical columns a mapping of `layout` must fill."""
    return SourceMapping(name="", title="", layout=layout, columns={}).required


def mapping_reference_markdown() -> str:
    """Return the mapping file reference page (docs/mapping.md) as Markdown."""
    lines = [
        "# Mapping files",
        "",
        "Generated from `src/karsta/ingest/mapping.py` by `karsta docs mapping`; do not edit "
        "by hand.",
        "",
        "A mapping tells `karsta import` which column of an export fills which canonical "
        "column (`docs/schema.md`), how the file is written and what its statuses mean. "
        "The built-in mappings (presets) are listed at the end; `karsta presets show NAME` "
        "prints one. Your own mapping is a YAML file given with `--mapping`, usually "
        "extending a preset:",
        "",
        "```yaml",
        EXAMPLE.rstrip(),
        "```",
        "",
        "## Keys",
        "",
        "| key | meaning | default | example |",
        "| --- | --- | --- | --- |",
    ]
    for key in MAPPING_KEYS:
        example = f"`{key.example}`" if key.example else ""
        lines.append(f"| `{key.name}` | {_cell(key.meaning)} | {_cell(key.default)} | {example} |")
    events, tickets = _required("events"), _required("tickets")
    lines += [
        "",
        "## `columns`: canonical columns a mapping can fill",
        "",
        f"Required with `layout: events`: {', '.join(f'`{c}`' for c in events)}. "
        f"With `layout: tickets`: {', '.join(f'`{c}`' for c in tickets)}. Columns the "
        "mapping does not name are left empty, and the figures that need them say so.",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
    ]
    for column in TICKET_EVENTS.columns:
        if column.name in EVENT_COLUMNS:
            lines.append(f"| `{column.name}` | {column.dtype} | {_cell(column.description)} |")
    lines += [
        "",
        "## `values`: value maps",
        "",
        "A value map rewrites the values of one canonical column as they are read, before "
        "anything is stored: `values: {channel: {Puhelin: phone}}` stores `phone` where the "
        "file says `Puhelin`. Values not in the map are stored as written. Any column "
        "under `columns` may have a map; channels are compared with the settings' "
        "`realtime_channels`, so map them to the words used there.",
        "",
        "## `status_classes`",
        "",
        "| class | meaning |",
        "| --- | --- |",
    ]
    lines += [f"| `{c}` | {_cell(STATUS_CLASS_MEANINGS[c])} |" for c in STATUS_CLASSES]
    lines += [
        "",
        "A status may be in one class only. Statuses in no class are kept as they are; "
        "`summary` lists the facts that cannot be derived without classes.",
        "",
        "## `pause_statuses`",
        "",
        "A stay in a pause status stops the SLA clock: time to resolve in service hours "
        "subtracts it, and `ticket_pauses` records each stay. List statuses by name, as in "
        "`status_classes`.",
        "",
        "## `group_levels`",
        "",
        "Assignment group → support level (whole number, 1 = first level). The level of "
        "each event is the level of its group; groups not listed have no level. Example: "
        "`group_levels: {Service Desk: 1, Network: 2, Vendor X: 3}`.",
        "",
        "## `read` options",
        "",
        "| option | meaning | default |",
        "| --- | --- | --- |",
    ]
    defaults = ReadOptions()
    for option in ReadOptions.__slots__:
        default = getattr(defaults, option)
        shown = "detected" if default is None else f"`{list(default)}`"
        lines.append(f"| `{option}` | {_cell(READ_OPTION_MEANINGS[option])} | {shown} |")
    lines += [
        "",
        "## `timezone`",
        "",
        "Timestamps written without an offset are read in this zone (an IANA name such as "
        "`Europe/Helsinki`) and stored in UTC; `--timezone` on the command line overrides "
        "it. Timestamps that carry an offset keep it.",
        "",
        "## Presets",
        "",
        "| preset | reads |",
        "| --- | --- |",
    ]
    for name in preset_names():
        lines.append(f"| `{name}` | {_cell(load_preset(name).title)} |")
    lines.append("")
    return "\n".join(lines)
