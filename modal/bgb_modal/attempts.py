"""Attempts of a training run, as recorded in run.json (pure: no files, no Modal).

An *attempt* is one execution of the `train` function on one input. Modal starts another one on
the same input after a preemption ("Preemption" guide) or, under the function's
`modal.Retries`, after the body raised; each gets a fresh `timeout` ("Timeouts" guide). A
*launch* (one `modal run ... --action train`, id `launch_id`) is one input and so has
1 + retries attempts at most; `--resume` starts a new launch of the same run.

modal 1.6.4 does not tell the function body which retry it is (the retry count stays inside
`modal._runtime.container_io_manager.IOContext`), so the attempt number is counted here, from
the attempts already in the run record.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

# After a preempted attempt (or one stopped at its time budget), Modal starts the next one
# within seconds to minutes. Until this long after it ended, a new launch of the same run is
# refused: it would race the restart for the same checkpoint directory.
RESTART_WINDOW_S = 15 * 60
# Modal enforces the function timeout; an attempt recorded `running` longer than its timeout
# plus this much cannot be alive.
LIVENESS_SLACK_S = 5 * 60
MAX_TIMEOUT_S = 86_400  # Modal's maximum function timeout


def parse_time(s: str | None) -> _dt.datetime | None:
    if not s:
        return None
    try:
        return _dt.datetime.fromisoformat(s)  # 3.11 reads the trailing Z
    except ValueError:
        return None


def now_utc() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def live_attempt(rec: dict[str, Any], now: _dt.datetime | None = None) -> str | None:
    """Why the run may still be executing on Modal (None: it cannot be).

    Decided from the record's state and Modal's hard timeout, not from a heartbeat: a heartbeat
    would need a volume commit while the trainer holds files open, which modal 1.6's
    `Volume.commit()` (it reloads) does not allow."""
    now = now or now_utc()
    attempts = rec.get("attempts") or []
    last = attempts[-1] if attempts else None
    if last is None:
        return None
    if last.get("outcome") == "running":
        started = parse_time(last.get("started_at"))
        budget = last.get("timeout_s")
        if not isinstance(budget, int | float):
            budget = MAX_TIMEOUT_S  # unknown: no attempt runs longer than Modal's maximum
        if started is None:
            return f"attempt {last.get('attempt')} is recorded as running"
        alive_until = started + _dt.timedelta(seconds=budget + LIVENESS_SLACK_S)
        if now < alive_until:
            return (
                f"attempt {last.get('attempt')} started {last.get('started_at')} is recorded as "
                f"running and may run until {alive_until.isoformat(timespec='seconds')}"
            )
        return None
    if rec.get("exit_status") in ("running", "preempted") and last.get("outcome") in (
        "preempted",
        "timeout",
    ):
        ended = parse_time(last.get("ended_at"))
        if ended is not None and now < ended + _dt.timedelta(seconds=RESTART_WINDOW_S):
            return (
                f"attempt {last.get('attempt')} ended {last.get('ended_at')} "
                f"({last.get('outcome')}) and Modal may be starting the next one"
            )
    return None


def launch_attempts(rec: dict[str, Any], launch_id: str | None) -> list[dict[str, Any]]:
    return [a for a in rec.get("attempts") or [] if a.get("launch_id") == launch_id]


def mark_lost(rec: dict[str, Any], now: str) -> list[dict[str, Any]]:
    """Attempts still `running` when a later one starts died without the runner: say so."""
    lost = []
    for a in rec.get("attempts") or []:
        if a.get("outcome") == "running":
            a.update(
                outcome="lost",
                why="the container ended before the runner could record it "
                "(killed after the grace period, crashed, or hit the hard timeout)",
                noticed_at=now,
            )
            lost.append(a)
    return lost
