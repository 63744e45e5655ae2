"""Office visits: appointments and walk-ins measured, compared and simulated.

- `measures`: waiting time, lateness against the booked time, lead time, no-show and
  late-cancel rates, adviser utilisation, one-visit resolution, matters another
  channel could have handled — Ibis expressions over the `visits` table.
- `drivers`: what goes with no-shows (lead time, reminder, segment), the reminder's
  effect adjusted for lead time.
- `compare`: two periods or two offices side by side with intervals and tests.
- `simulate`: a SimPy office with a chosen mix of appointments and walk-ins.
- `generate`: a seeded office log with times of day, labelled as generated.
"""

from karsta.visits.measures import VisitMeasures, VisitOptions, measure_visits
from karsta.visits.population import GENERATED_PREFIX, VisitFilters

__all__ = [
    "GENERATED_PREFIX",
    "VisitFilters",
    "VisitMeasures",
    "VisitOptions",
    "measure_visits",
]
