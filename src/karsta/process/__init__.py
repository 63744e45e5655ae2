"""Process analysis of the ticket event log: map, variants, hand-offs, rework, waits, waste.

Everything is an Ibis expression on a `TableSource`, so the same code runs on the
DuckDB workspace and on the Parquet export read by Spark. `ProcessAnalysis` is the
front door; the modules hold one view each.
"""

from karsta.process.analysis import ProcessAnalysis
from karsta.process.dfg import ProcessMap
from karsta.process.filters import ProcessFilters
from karsta.process.handoffs import Handoffs
from karsta.process.rework import Rework
from karsta.process.variants import Variants
from karsta.process.waiting import WaitingRules, WaitingTime
from karsta.process.waste import Finding, WasteAssumptions, WasteFindings

__all__ = [
    "Finding",
    "Handoffs",
    "ProcessAnalysis",
    "ProcessFilters",
    "ProcessMap",
    "Rework",
    "Variants",
    "WaitingRules",
    "WaitingTime",
    "WasteAssumptions",
    "WasteFindings",
]
