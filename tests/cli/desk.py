"""A small ServiceNow-style desk for the CLI tests, with statuses that look like markup.

Times are Helsinki wall-clock (d/m/yyyy HH:MM, as ServiceNow writes them). Five
tickets over February and March 2024; two statuses are named `[/]` and
`Odottaa [asiakas]`, which Rich would read as markup if they were not escaped.

Worked out by hand:
- March: T3 opened 4.3. 09:00, resolved 10:00 (1 h); T4 opened 5.3. 09:00, resolved
  13:00 (4 h); T5 (in status `[/]`) and T6 (in `Odottaa [asiakas]`) still open.
  O2 in calendar hours for March: mean (1 + 4) / 2 = 2.5 h, median 2.5 h,
  p90 = 1 + 0.9 × (4 − 1) = 3.7 h; n = 2, hours summed 5.0.
- February: T1 and T2 resolved.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from karsta.cli.main import app

HEADER = (
    "number,incident_state,sys_updated_at,sys_mod_count,assignment_group,assigned_to,contact_type"
)
ROWS = [
    "T1,New,5/2/2024 09:00,0,G1,A1,Phone",
    "T1,Active,5/2/2024 10:00,1,G1,A1,Phone",
    "T1,Odottaa [asiakas],5/2/2024 11:00,2,G1,A1,Phone",
    "T1,Resolved,5/2/2024 13:00,3,G1,A1,Phone",
    "T1,Closed,6/2/2024 13:00,4,G1,A1,Phone",
    "T2,New,6/2/2024 09:00,0,G1,A1,Email",
    "T2,[/],6/2/2024 09:30,1,[bold]G2,A2,Email",
    "T2,Resolved,6/2/2024 11:30,2,[bold]G2,A2,Email",
    "T3,New,4/3/2024 09:00,0,G1,A1,Phone",
    "T3,Active,4/3/2024 09:15,1,G1,A1,Phone",
    "T3,Resolved,4/3/2024 10:00,2,G1,A1,Phone",
    "T4,New,5/3/2024 09:00,0,G1,A2,Phone",
    "T4,Resolved,5/3/2024 13:00,1,G1,A2,Phone",
    "T5,New,6/3/2024 09:00,0,G1,A1,Phone",
    "T5,[/],6/3/2024 10:00,1,G1,A1,Phone",
    "T6,New,7/3/2024 09:00,0,G1,A1,Phone",
    "T6,Odottaa [asiakas],7/3/2024 09:30,1,G1,A1,Phone",
]
MAPPING = """\
extends: servicenow
name: desk
status_classes:
  waiting: ["Odottaa [asiakas]"]
  active: [Active, "[/]"]
pause_statuses: ["Odottaa [asiakas]"]
"""


def write_desk(folder: Path) -> Path:
    """Write the log and its mapping, import them, and return the workspace path."""
    log = folder / "desk.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping = folder / "desk.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    workspace = folder / "desk.karsta"
    result = CliRunner().invoke(
        app, ["import", str(log), "--mapping", str(mapping), "-w", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    return workspace
