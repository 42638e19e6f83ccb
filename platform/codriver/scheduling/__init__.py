"""Trip jobs: pre-departure commands, reminders, in-trip checks, home actions and summaries.

APScheduler 3.11 keeps the jobs in the service's database; an action ledger makes every
action happen exactly once across restarts and re-plans.
"""

from codriver.scheduling._clock import Clock, FixedClock, SystemClock, WarpClock, parse_warp
from codriver.scheduling._plan import (
    HomeActionSpec,
    PlannedAction,
    SchedulerConfig,
    VehiclePresets,
    check_window,
    plan_actions,
)
from codriver.scheduling._progress import ARRIVED_M, CarState, Progress, planned_soc, trip_progress
from codriver.scheduling._runner import ActionRunner, TripOps, TripSnapshot, car_state, load_snapshot
from codriver.scheduling._scheduler import JOB_TABLE, TripScheduler, job_id

__all__ = [
    "ARRIVED_M",
    "JOB_TABLE",
    "ActionRunner",
    "CarState",
    "Clock",
    "FixedClock",
    "HomeActionSpec",
    "PlannedAction",
    "Progress",
    "SchedulerConfig",
    "SystemClock",
    "TripOps",
    "TripScheduler",
    "TripSnapshot",
    "VehiclePresets",
    "WarpClock",
    "car_state",
    "check_window",
    "job_id",
    "load_snapshot",
    "parse_warp",
    "plan_actions",
    "planned_soc",
    "trip_progress",
]
