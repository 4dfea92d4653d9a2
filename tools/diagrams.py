"""Draw each flow as a Mermaid state diagram from its transition table.

    python -m tools.diagrams          # write flows/diagrams/<flow>.md
    python -m tools.diagrams --check  # fail if a diagram is stale (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from transitions.extensions import GraphMachine

from flows.engine import FLOWS
from flows.flow import Flow

DIAGRAMS = Path(__file__).resolve().parent.parent / "flows" / "diagrams"


def mermaid(flow: Flow) -> str:
    """The flow's states and transitions, with guard names, as Mermaid."""
    states = list(flow.screens)
    machine = GraphMachine(
        model=None, states=states, transitions=flow.table, initial=None,
        auto_transitions=False, graph_engine="mermaid", show_conditions=True,
        title=f"The {flow.name} flow",
    )
    model = SimpleNamespace(state=states[0])
    machine.add_model(model, initial=states[0])
    graph: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    return graph.strip() + "\n"


def document(flow: Flow) -> str:
    """A Markdown page holding the diagram."""
    return (
        f"# The `{flow.name}` flow\n\n"
        "Drawn from the transition table by `python -m tools.diagrams`; "
        "a test fails when it is stale.\n\n"
        f"```mermaid\n{mermaid(flow)}```\n"
    )


def main(argv: list[str]) -> int:
    """Write every diagram, or with --check report stale ones."""
    stale = []
    DIAGRAMS.mkdir(exist_ok=True)
    for flow in FLOWS:
        path = DIAGRAMS / f"{flow.name}.md"
        text = document(flow)
        if "--check" in argv:
            if not path.is_file() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print(f"stale diagrams: {', '.join(stale)}; run `python -m tools.diagrams`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
