"""The mapping file reference (docs/mapping.md), generated from the mapping's own definition.

Every key comes from `mapping.MAPPING_KEYS`, the canonical columns from the schema,
the status classes and read options from their tables in `mapping`, and the presets
from their files: a key added to the mapping is documented by the line that adds it.
"""

from __future__ import annotations

from karsta.ingest import levels, status_names
from karsta.ingest.mapping import (
    DURATION_UNITS,
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
from karsta.ingest.record_mapping import (
    ALLOWED_VALUES,
    BOOKKEEPING,
    RECORD_TABLES,
    SURVEY_QUESTION_COLUMNS,
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


def _inference_section() -> list[str]:
    """Return the lines on status classes read from activity names (`status_names`)."""
    lines = [
        "### Status classes inferred from activity names",
        "",
        "An activity the mapping does not name is classified by its name where the name "
        "leaves no doubt: one status word below, with at most words that say what changed "
        "status (ticket, case, ärende, …) or, for waiting, whom the ticket waits for "
        "(customer, asiakasta, på kund, …). Any other word leaves it unclassified. The "
        "import notes what it inferred and `summary` lists every activity with its class. "
        "`status_classes` always wins; `infer_status_classes: false` turns this off. "
        "`active` is never inferred: name it, or first responses and reopens cannot be told.",
        "",
        "| class | words (en, fi, sv) |",
        "| --- | --- |",
    ]
    for status_class, names in status_names.STATUS_WORDS.items():
        lines.append(f"| `{status_class}` | {', '.join(sorted(names))} |")
    return [*lines, ""]


def _levels_section() -> list[str]:
    """Return the lines on support levels: the `level` column, its value map, `group_levels`."""
    prefixes = ", ".join(f"`{p.upper()}2`" if len(p) == 1 else f"`{p.capitalize()} 2`"
                         for p in levels.PREFIXES)  # fmt: skip
    ordinals = ", ".join(f"`{' / '.join(words)}`" for words in levels.ORDINAL_WORDS.values())
    return [
        "## Support levels: `level`, `values: level` and `group_levels`",
        "",
        "The level of an event (1 = first level) comes from the `level` column, where the "
        "mapping names one, else from its group under `group_levels`. Escalations, returns "
        "and first-level resolution read it.",
        "",
        "A `level` column may hold whole numbers or text. Text is read as its number when "
        f"it is a prefix and the number ({prefixes}), a number before a word for a level "
        "(`2nd line`, `1. taso`, `2:a linjen`) or an ordinal word before one (`first "
        f"line`, `toisen tason tuki`, `andra linjen`; the ordinals: {ordinals}). Any "
        "other text, a team name for example, gets its "
        "number in the value map: `values: {level: {Service desk: 1, Network team: 2}}` "
        "(whole numbers ≥ 1, checked when the mapping is read). A value that is none of "
        "these is left empty, its row loaded, and counted in the import's accounting.",
        "",
        "`group_levels` gives each assignment group its level (whole number ≥ 1), for the "
        "events whose `level` is empty or not mapped; groups not listed have no level. "
        "Example: `group_levels: {Service Desk: 1, Network: 2, Vendor X: 3}`.",
        "",
    ]


def _durations_section() -> list[str]:
    """Return the lines on times written as durations after another time."""
    units = ", ".join(f"`{unit}`" for unit in DURATION_UNITS)
    return [
        "## `durations`",
        "",
        "A canonical time the export writes as a duration after another time: the time "
        "is `after` (a canonical time mapped under `columns`) plus the source column's "
        f"value in one of {units}. The time must not be mapped under `columns` too. "
        "Zendesk's first reply: `durations: {source_first_response_at: {after: "
        "source_opened_at, minutes: First reply time in minutes}}`.",
        "",
    ]


def _rows_section() -> list[str]:
    """Return the lines on what a row records: an event or a snapshot of the record."""
    return [
        "## `rows`: events or snapshots",
        "",
        "`rows: events` (the default) says each row records one event: where the "
        "resolving event has no group or agent, the last one recorded before it is "
        "carried forward, and every figure that reads it counts that as an assumption. "
        "`rows: snapshots` says each row holds the whole ticket record at that moment "
        "(ServiceNow's audit rows; always so with `layout: tickets`): an empty field means "
        "the record had no value, and nothing is carried forward.",
        "",
    ]


TECHNION_EXAMPLE = """\
# technion-1999.yaml — the Technion call-centre month, whose dates show 2010 for 1999
extends: acd
name: technion-1999
clock: {year: 1999}
"""

WIDE_SURVEY_EXAMPLE = """\
# palaute.yaml — one row per response, one column per question
extends: survey
name: palaute
columns: {response_id: Vastaus, respondent_id: Vastaaja, ticket_id: Tiketti,
          sent_at: Lähetetty, answered_at: Vastattu}
questions:
  - {column: Suosittelu, question: recommend, instrument: NPS, scale: [0, 10]}
  - {column: Tyytyväisyys, question: satisfied, instrument: CSAT, scale: [1, 5]}
  - {column: Kommentti, question: comment, free_text: true}
"""


def _records_section() -> list[str]:
    """Return the lines on record mappings: contacts, visits, surveys and staffing."""
    lines = [
        "## Record mappings: contacts, visits, surveys, staffing",
        "",
        "With `table: contacts` (or `visits`, `surveys`, `staffing`) each row of the file "
        "becomes one row of that table instead of ticket events. The import is the same: "
        "the same readers, encodings and value formats, rejects with their raw text and "
        "line, read = loaded + rejected, `--max-rejects`, one transaction, "
        "pseudonymisation and redaction in the workspace's mode, `--replace`, and the same "
        "file refused with other options. Ticket events and the facts derived from them "
        "are not touched. Rows are keyed by the table's key: a row already stored with "
        "the same values is counted as present and left as it is, a row with the same key "
        "and other values replaces the stored one (counted as changed), so importing a "
        "file again adds nothing and overlapping exports are exact. A row whose key "
        "repeats an earlier line of the same file is rejected.",
        "",
        "`columns` maps a canonical column to a source column, to the first of several "
        "that has a value (`{first_of: [q_start, vru_exit]}`), or to several joined with "
        "`/` (`{join: [vru+line, call_id, date]}`, for a key no single column gives). "
        "`constants`, `clock`, `cases`, `unknown`, `date_only` and `questions` are "
        "described under Keys; `layout`, `status_classes` and the other ticket keys do not "
        "apply. What a mapping assumes about some rows (a time kept on its written day "
        "although earlier than the time it follows, a year replaced, a date read without "
        "its time of day) is counted on the rows loaded and shown with the import, like "
        "its rejects. `personal` defaults to the table's identifiers of people "
        "(caller_id, agent, customer_id, adviser, respondent_id); with `--redact` or "
        "`--pseudonymise` every other text value but the key is redacted like free text.",
        "",
        "| table | key | required | documented values (others are rejected) |",
        "| --- | --- | --- | --- |",
    ]
    for name, tbl in RECORD_TABLES.items():
        required = [c.name for c in tbl.columns if c.required and c.name not in BOOKKEEPING]
        allowed = "; ".join(
            f"`{column}`: {', '.join(values)}"
            for (table, column), values in ALLOWED_VALUES.items()
            if table == name
        )
        lines.append(
            f"| `{name}` | {', '.join(f'`{k}`' for k in tbl.key)} | "
            f"{', '.join(f'`{c}`' for c in required)} | {allowed} |"
        )
    lines += [
        "",
        "Their columns are in `docs/schema.md`; `import_id` and `source_row` are filled by "
        "the import.",
        "",
        "The `acd` preset keeps dates as the file writes them. The Technion call-centre "
        "month shows the year 2010 for what is really 1999 (same calendar, same "
        "weekdays); this mapping reads it as 1999 and the import counts every row whose "
        "year it replaced:",
        "",
        "```yaml",
        TECHNION_EXAMPLE.rstrip(),
        "```",
        "",
        "A wide survey export (one row per response, one column per question) extends "
        "`survey` and lists its questions; each answered question becomes one row, and "
        f"{', '.join(f'`{c}`' for c in SURVEY_QUESTION_COLUMNS)} come from the list:",
        "",
        "```yaml",
        WIDE_SURVEY_EXAMPLE.rstrip(),
        "```",
        "",
    ]
    return lines


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
        *_inference_section(),
        "## `pause_statuses`",
        "",
        "A stay in a pause status stops the SLA clock: time to resolve in service hours "
        "subtracts it, and `ticket_pauses` records each stay. List statuses by name, as in "
        "`status_classes`.",
        "",
        *_levels_section(),
        *_durations_section(),
        *_rows_section(),
        *_records_section(),
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
