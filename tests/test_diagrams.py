"""Each flow's Mermaid diagram is drawn from its table and kept up to date."""

from __future__ import annotations

from flows.engine import FLOWS
from tools.diagrams import DIAGRAMS, main, mermaid


def test_every_diagram_is_current():
    assert main(["--check"]) == 0, "run `python -m tools.diagrams`"


def test_diagrams_show_every_state_and_the_guards():
    for flow in FLOWS:
        drawn = (DIAGRAMS / f"{flow.name}.md").read_text()
        for state in flow.screens:
            assert f'state "{state}"' in drawn
    check = mermaid(next(f for f in FLOWS if f.name == "check"))
    assert "check.sign --> check.context: answer [is_last_sign]" in check
