"""An independent pandas reading of the real call month (Technion "Anonymous Bank", Aug 1999).

Written from the data's README (../shared/data/callcentre-bank/README.md), not from
Karsta's code: its words are quoted where a rule comes from them. Tests compare
Karsta's figures, computed from the contacts table, with these.

- Quirk 1: "The date column reads 2010-08-xx ... the real year is 1999." Only weekdays
  matter here, and they are the same; the year is fixed anyway.
- Quirk 2/3: times are H:MM:SS wall clock; "A 0:00:00 value in the q_/ser_ columns means
  'did not happen', not midnight"; durations are read from q_time and ser_time (which
  "match ... with the difference taken modulo 86,400").
- Outcomes: AGENT served, HANG hung up, "PHANTOM virtual call, ignore". A HANG "can
  abandon in the queue ... or in the VRU before queueing": a hang-up that never queued
  left in the VRU (the IVR ended it: special routing, excluded from S1 by default).
- Quirk 2: "The 19 rows with a negative vru_time ... the queue starts at the recorded VRU
  exit": a call that never queued is placed at its VRU exit as recorded.

The offered calls are AGENT calls and HANG calls that queued. A call waits q_time
seconds (0 when it went straight to an agent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

CSV = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "callcentre-bank" / "august_calls.csv"
)
TARGET = 20


def calls(path: Path = CSV) -> pd.DataFrame:
    """Return the calls with the README's fixes and the columns the figures need."""
    d = pd.read_csv(path, dtype=str)
    d["date"] = d["date"].str.replace("2010", "1999", n=1)
    d["queued"] = d["q_start"] != "0:00:00"
    d["served"] = d["ser_start"] != "0:00:00"
    d["q_time"] = d["q_time"].astype(int)
    d["ser_time"] = d["ser_time"].astype(int)
    d = d[d["outcome"] != "PHANTOM"].copy()
    d["offered"] = (d["outcome"] == "AGENT") | ((d["outcome"] == "HANG") & d["queued"])
    # Arrival in the queue: q_start; for a call that never queued, the recorded VRU exit.
    clock = d["q_start"].where(d["queued"], d["vru_exit"])
    entry = pd.to_timedelta(d["vru_entry"])
    at = pd.to_timedelta(clock)
    # A queue start earlier in the day than the VRU entry crossed midnight (by hours, not
    # the negative-vru seconds).
    next_day = (entry - at) > pd.Timedelta(hours=12)
    d["arrival"] = pd.to_datetime(d["date"]) + at + pd.to_timedelta(next_day.astype(int), unit="D")
    return d


def figures(d: pd.DataFrame) -> dict[str, Any]:
    """Return S1 (80/20), ASA, abandon rate and I6 (talk only) for the whole month."""
    offered = d[d["offered"]]
    agent = offered[offered["outcome"] == "AGENT"]
    hang = offered[offered["outcome"] == "HANG"]
    early = hang[hang["q_time"] < TARGET]
    on_time = agent[agent["q_time"] <= TARGET]
    talk = agent[agent["served"]]["ser_time"]
    return {
        "s1_numerator": len(on_time),
        "s1_denominator": len(offered) - len(early),
        "s1": 100.0 * len(on_time) / (len(offered) - len(early)),
        "asa": agent["q_time"].mean(),
        "abandon_rate": 100.0 * len(hang) / len(offered),
        "offered": len(offered),
        "talk_mean": talk.mean(),
        "talk_median": talk.median(),
        "talk_p90": talk.quantile(0.9),
        "talk_missing": int((~agent["served"]).sum()),
    }


def per_interval(d: pd.DataFrame, minutes: int = 30) -> pd.DataFrame:
    """Return per local interval start: offered calls and the mean talk time of served calls."""
    offered = d[d["offered"]].copy()
    offered["start"] = offered["arrival"].dt.floor(f"{minutes}min")
    offered["talk"] = offered["ser_time"].where((offered["outcome"] == "AGENT") & offered["served"])
    grouped = offered.groupby("start")
    return pd.DataFrame({"offered": grouped.size(), "aht": grouped["talk"].mean()})
