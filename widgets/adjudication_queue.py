"""The adjudicator's queue: discordant subjects waiting for a decision, oldest first.

Each row is one open adjudication: the subject, the timepoint its cycle runs to, the
triggers that fired (read A against read B, never a reader's name) and how long it has
waited since the second signature opened it. Enter or a double click opens it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from core.model.trial import AdjudicationTask

_ROLE = Qt.ItemDataRole.UserRole
Clock = Callable[[], dt.datetime]


def waited(opened_utc: str, now: dt.datetime) -> str:
    """How long since *opened_utc*, in the largest whole unit ("3 days", "5 h", "12 min")."""
    try:
        opened = dt.datetime.fromisoformat(opened_utc.replace("Z", "+00:00"))
    except ValueError:
        return ""
    seconds = max(0, int((now - opened).total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


def trigger_text(trigger: str) -> str:
    """ "best_overall_response: PR vs SD" → "best overall response: A PR, B SD"."""
    name, _, detail = trigger.partition(": ")
    a, _, b = detail.partition(" vs ")
    return f"{name.replace('_', ' ')}: A {a}, B {b}" if b else trigger.replace("_", " ")


class AdjudicationQueue(QTreeWidget):
    """Open adjudications, oldest first.

    Signals
    -------
    adjudication_chosen(AdjudicationTask)   the adjudicator opened one
    """

    adjudication_chosen = Signal(object)

    def __init__(self, clock: Clock | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.setHeaderLabels(["Subject", "Through", "Waiting"])
        self.setRootIsDecorated(False)
        self._tasks: tuple[AdjudicationTask, ...] = ()
        self.itemActivated.connect(self._open)

    def set_tasks(self, tasks: Sequence[AdjudicationTask]) -> None:
        """Show *tasks* (oldest first, as the store gives them); the first is current."""
        self._tasks = tuple(tasks)
        self.clear()
        now = self._clock()
        for task in self._tasks:
            item = QTreeWidgetItem([task.subject, task.through_label,
                                    waited(task.opened_utc, now)])
            item.setData(0, _ROLE, task)
            self.addTopLevelItem(item)
            for trigger in task.triggers:  # why, under it, the whole width of the list
                reason = QTreeWidgetItem(item, [f"  {trigger_text(trigger)}"])
                reason.setData(0, _ROLE, task)
                reason.setFirstColumnSpanned(True)
                reason.setForeground(0, QBrush(QColor("#ffb74d")))
                reason.setToolTip(0, trigger_text(trigger))
            item.setExpanded(True)
        for column in range(3):
            self.resizeColumnToContents(column)
        first = self.topLevelItem(0)
        if first is not None:
            self.setCurrentItem(first)

    @property
    def tasks(self) -> tuple[AdjudicationTask, ...]:
        """The tasks shown."""
        return self._tasks

    def select(self, adjudication_id: int) -> bool:
        """Make one task's row current; False if it is not in the queue."""
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is not None and item.data(0, _ROLE).adjudication_id == adjudication_id:
                self.setCurrentItem(item)
                return True
        return False

    def rows(self) -> list[list[str]]:
        """What the queue shows, one row per task: subject, through, waiting, and the
        triggers (one per line) shown under it (for tests)."""
        shown = []
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is None:
                continue
            why = "\n".join(item.child(c).text(0).strip() for c in range(item.childCount()))
            shown.append([item.text(0), item.text(1), item.text(2), why])
        return shown

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        task = item.data(0, _ROLE)
        if isinstance(task, AdjudicationTask):
            self.adjudication_chosen.emit(task)
