"""Progress bars (rich) on stderr for the long commands: demo, check-sp, check-scim, bench."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

# On stderr: stdout stays the command's result (tables, report paths) for pipes and scripts.
CONSOLE = Console(stderr=True)


def new_progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
        console=CONSOLE,
        transient=False,
    )


@contextmanager
def steps(description: str, total: int | None = None) -> Iterator[Any]:
    """A bar of `total` steps (None: a spinner with the time spent); yields advance(label)."""
    with new_progress() as progress:
        task = progress.add_task(description, total=total, current="")

        def advance(label: str = "", done: int = 1) -> None:
            progress.update(task, advance=done, current=label)

        yield advance
        if total is None:
            progress.update(task, total=1, completed=1)


class ScenarioProgress:
    """A pytest plugin for `demo`: one bar over the collected scenarios, naming the one running.
    pytest's own per-test letters are blanked (they would be drawn over the bar); its summary
    and failure details still follow the run."""

    def __init__(self, description: str = "Scenarios") -> None:
        self.description = description
        self.progress = new_progress()
        self.task: Any = None
        self.failed = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.start()
        self.task = self.progress.add_task(self.description, total=len(session.items), current="")

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """With `-n`, the workers collect: the total is theirs."""
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(self.description, total=len(ids), current="")
        else:
            self.progress.update(self.task, total=len(ids))

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        if self.task is not None:
            self.progress.update(self.task, current=location[2][:70])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed += 1

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1)

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        status = yield
        if status:
            category, _, word = status
            return category, "", word
        return status

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.progress.stop()
