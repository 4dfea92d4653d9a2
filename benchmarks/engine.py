"""Flow engine figures: events per second over whole checks, one engine step against a bare
`transitions` trigger in the same run (target <= 3), and bytes per stored session (<= 1 KB).

    python -m benchmarks.engine
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from transitions import Machine

from flows.engine import Engine
from flows.screen import Event, Kind
from flows.services import DEFAULT_SERVICES_FILE, load_services
from flows.session import Session

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
CHECKS = 2_000
REPEATS = 7
ROUNDS = 9


def whole_check() -> list[Event]:
    """The events of one complete check, from the menu to the summary."""
    events = [Event(Kind.ACTION, "open:check"), Event(Kind.ACTION, "danger:n")]
    events += [Event(Kind.ACTION, f"answer:{i}:{'yn'[i % 2]}") for i in range(13)]
    events += [Event(Kind.ACTION, f"answer:{i}:{c}") for i, c in enumerate("exyny")]
    return events


def best_of(run: Callable[[], None], repeats: int = REPEATS) -> float:
    """The fastest of several runs, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


@dataclass
class Bare:
    """The smallest model a transitions trigger can move."""

    state: str = "a"


def main() -> None:
    """Print the figures."""
    engine = Engine(load_services(DEFAULT_SERVICES_FILE))
    events = whole_check()

    def checks() -> None:
        for _ in range(CHECKS):
            session = Session()
            for event in events:
                engine.handle(session, event, NOW)

    def checks_through_json() -> None:
        for _ in range(CHECKS // 4):
            raw = Session().to_json()
            for event in events:
                session = Session.from_json(raw)
                engine.handle(session, event, NOW)
                raw = session.to_json()

    n_events = CHECKS * len(events)
    engine_rate = n_events / best_of(checks)
    json_rate = (CHECKS // 4) * len(events) / best_of(checks_through_json)

    # One step: answering a sign, against a bare trigger on a one-transition machine.
    bare_machine = Machine(
        model=None, states=["a"], initial=None, auto_transitions=False,
        transitions=[{"trigger": "go", "source": "a", "dest": None}],
    )
    bare_event = bare_machine.events["go"]
    bare = Bare()
    loops = 10_000

    def bare_triggers() -> None:
        for _ in range(loops):
            bare_event.trigger(bare)

    session = Session(state="check.sign", step=3)
    answer = Event(Kind.ACTION, "answer:3:n")
    back = Event(Kind.ACTION, "back")

    def engine_steps() -> None:
        for _ in range(loops // 2):
            engine.handle(session, answer, NOW)
            engine.handle(session, back, NOW)

    # Alternate the two, round by round, so both see the same machine load; report the
    # median of the per-round ratios (single runs swing with the shared machine's load).
    ratios, bare_times, step_times = [], [], []
    for _round in range(ROUNDS):
        bare_us = best_of(bare_triggers, 3) / loops * 1e6
        step_us = best_of(engine_steps, 3) / loops * 1e6
        bare_times.append(bare_us)
        step_times.append(step_us)
        ratios.append(step_us / bare_us)
    bare_us, step_us = statistics.median(bare_times), statistics.median(step_times)

    sizes = []
    for answers in ("", "y" * 13, "u" * 13):
        s = Session(state="check.summary", step=4, lang="pl", screen_id=2_147_483_647)
        s.answers = {f"sign{i}": c for i, c in enumerate(answers)}
        sizes.append(len(s.to_json().encode()))
    full = Session(state="check.summary", step=4, lang="pl", screen_id=2_147_483_647)
    for event in events:
        engine.handle(full, event, NOW)
    full_size = len(full.to_json().encode())

    print(f"events through the engine: {engine_rate:,.0f} events/s "
          f"({len(events)} events per check, {CHECKS} checks)")
    print(f"events with a JSON round trip each: {json_rate:,.0f} events/s")
    print(f"bare transitions trigger: {bare_us:.2f} µs")
    print(f"one engine step (answer a sign): {step_us:.2f} µs")
    print(f"engine step / bare trigger: median {statistics.median(ratios):.2f} "
          f"(range {min(ratios):.2f}-{max(ratios):.2f} over {ROUNDS} rounds; target <= 3)")
    print(f"bytes per stored session: after a whole check {full_size} B, "
          f"median of shapes {statistics.median(sizes):.0f} B (target <= 1024)")


if __name__ == "__main__":
    main()
