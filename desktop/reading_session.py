"""One reader's read of one subject in the GUI: every edit saved at once, and undoable.

The reading view hands each edit — a caliper released, a lesion added, a finding chosen — to
a ``ReadingSession``, which runs the matching action of ``core.actions`` on the GUI thread:
the edit is committed durably (``synchronous=FULL``) before the next event is handled, so a
crash loses nothing the reader saw saved (issue #11 item 6). A saved edit goes on a
``QUndoStack``; undoing it is itself an action — the caliper put back as it was, or removed —
stored and audited like any other, so the audit shows the correction, never a rewrite.

An edit the store refuses (a signed timepoint, a caliper off its image, another reader's
lesion) is not pushed: ``refused`` carries the store's one-line reason for the status bar.
An undo the store refuses (the timepoint was signed meanwhile) drops that command from the
stack and says why.

Lesion ids change when an undone lesion is added again; commands name lesions through
``_LesionRef`` so that a later redo finds the lesion under its new id. A lesion added again
gets the next free label (labels are never reused, docs/reading.md §1).

Signing and amending go through the session as well, so the read and the panels follow;
they are not undoable (an amendment with its reason is the only way back into a signed
timepoint, 21 CFR 11.10(e)), and a signature clears the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.actions import (
    ReadUpdate,
    SignPreview,
    add_lesion,
    amend_timepoint,
    clear_finding,
    delete_caliper,
    delete_lesion,
    get_read,
    record_finding,
    save_caliper,
    sign_preview,
    sign_timepoint,
)
from core.errors import CoreError
from core.model.clinical import LesionCategory
from core.model.reading import Caliper, Finding, Lesion, Measurement, MeasurementKind, Read
from core.model.trial import Session
from core.store import Store

T = TypeVar("T")


@dataclass
class _LesionRef:
    """A lesion as the undo stack knows it: its id now, which a re-add changes."""

    lesion_id: int


class ReadingSession(QObject):
    """The reader's read of one task, edited through ``core.actions`` with undo and redo.

    Signals
    -------
    changed(ReadUpdate)
        After every saved edit, undo or redo: the read as it now is and its result.
    refused(str)
        The store refused an edit or an undo; the reason, one line.
    """

    changed = Signal(object)
    refused = Signal(str)

    def __init__(self, store: Store, session: Session, task_id: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self.task_id = task_id
        self.undo_stack = QUndoStack(self)
        self._refs: dict[int, _LesionRef] = {}
        self.read: Read = get_read(store, session, task_id)

    # -- what the reading view calls ------------------------------------------------------

    def save_caliper(self, lesion_id: int, timepoint_id: int, kind: MeasurementKind,
                     caliper: Caliper) -> bool:
        """Save a drawn or moved caliper; False (and ``refused``) if the store refuses it."""
        ref = self._ref(lesion_id)
        before = self.read.measurement(lesion_id, timepoint_id, kind)
        if self._run(lambda: save_caliper(self._store, self._session, ref.lesion_id,
                                          timepoint_id, kind, caliper)) is None:
            return False
        self._push(_CaliperCommand(self, ref, timepoint_id, kind, before, caliper,
                                   f"{kind.value} caliper"))
        return True

    def delete_caliper(self, lesion_id: int, timepoint_id: int,
                       kind: MeasurementKind) -> bool:
        """Remove a caliper; False (and ``refused``) if the store refuses it."""
        ref = self._ref(lesion_id)
        before = self.read.measurement(lesion_id, timepoint_id, kind)
        if before is None:
            return False
        if self._run(lambda: delete_caliper(self._store, self._session, ref.lesion_id,
                                            timepoint_id, kind)) is None:
            return False
        self._push(_CaliperCommand(self, ref, timepoint_id, kind, before, None,
                                   f"delete {kind.value} caliper"))
        return True

    def add_lesion(self, timepoint_id: int, category: LesionCategory, organ: str,
                   **details: Any) -> Lesion | None:
        """Add a lesion; the new lesion, or None (and ``refused``)."""
        update = self._run(lambda: add_lesion(self._store, self._session, self.task_id,
                                              timepoint_id, category, organ, **details))
        if update is None:
            return None
        lesion = update.value
        ref = self._ref(lesion.lesion_id)
        self._push(_LesionCommand(self, ref, timepoint_id, lesion, details, added=True))
        return lesion

    def delete_lesion(self, lesion_id: int) -> bool:
        """Remove a lesion with its calipers and findings; undo brings all of them back."""
        ref = self._ref(lesion_id)
        lesion = self.read.lesion_with_id(lesion_id)
        if lesion is None:
            return False
        calipers = tuple(m for m in self.read.measurements if m.lesion_id == lesion_id)
        findings = tuple(f for f in self.read.findings if f.lesion_id == lesion_id)
        if self._run(lambda: delete_lesion(self._store, self._session,
                                           ref.lesion_id)) is None:
            return False
        command = _LesionCommand(self, ref, lesion.first_timepoint_id, lesion,
                                 _details(lesion), added=False, calipers=calipers,
                                 findings=findings)
        self._push(command)
        return True

    def record_finding(self, finding: Finding) -> bool:
        """Record a lesion's state at a timepoint; False (and ``refused``) if refused."""
        ref = self._ref(finding.lesion_id)
        before = self.read.finding(finding.lesion_id, finding.timepoint_id)
        if self._run(lambda: record_finding(self._store, self._session,
                                            _with_lesion(finding, ref.lesion_id))) is None:
            return False
        self._push(_FindingCommand(self, ref, finding.timepoint_id, before, finding))
        return True

    @property
    def session(self) -> Session:
        """The reader's session the edits are made under."""
        return self._session

    def set_session(self, session: Session) -> None:
        """Edit under *session* from now on: the same reader logged in again after the idle
        lock; the undo stack stays (it holds this reader's own edits)."""
        if session.user_id != self._session.user_id:
            raise PermissionError("a reading session continues only for the same reader")
        self._session = session

    def sign_preview(self, timepoint_id: int) -> SignPreview | None:
        """What signing the timepoint would cover and who signs; None (and ``refused``)
        while it cannot be signed (incomplete, out of order, signed already)."""
        try:
            return sign_preview(self._store, self._session, self.task_id, timepoint_id)
        except CoreError as error:
            self.refused.emit(str(error))
            return None

    def sign(self, timepoint_id: int, password: str,
             shown_sha256: str | None = None) -> str | None:
        """Sign the timepoint with the reader's password again (21 CFR 11.200(a)).

        None once signed, else the store's refusal (also ``refused``): a wrong password,
        counted toward the lock-out, or the lock-out itself, which ends the session; or a
        read that is no longer the one shown (*shown_sha256*, the preview's digest). A
        signed timepoint is immutable, so no edit before it can be undone: the undo stack
        is cleared.
        """
        refusal = self._execute(lambda: sign_timepoint(self._store, self._session,
                                                       self.task_id, timepoint_id,
                                                       password,
                                                       shown_sha256=shown_sha256))[1]
        if refusal is None:
            self.undo_stack.clear()
        return refusal

    def amend(self, timepoint_id: int, reason: str) -> str | None:
        """Re-open a signed timepoint for a correction, with the reason the audit keeps.

        None once re-opened (later signed timepoints then wait for a new signature), else
        the store's refusal (also ``refused``).
        """
        return self._execute(lambda: amend_timepoint(self._store, self._session,
                                                     self.task_id, timepoint_id, reason))[1]

    def lesion_id(self, original_id: int) -> int:
        """The id a lesion has now, given any id it had in this session."""
        return self._refs[original_id].lesion_id if original_id in self._refs else original_id

    # -- the machinery ----------------------------------------------------------------------

    def _ref(self, lesion_id: int) -> _LesionRef:
        for ref in self._refs.values():
            if ref.lesion_id == lesion_id:
                return ref
        return self._refs.setdefault(lesion_id, _LesionRef(lesion_id))

    def _push(self, command: QUndoCommand) -> None:
        # The edit is already saved: the command's first redo() does nothing.
        self.undo_stack.push(command)

    def _run(self, action: Callable[[], ReadUpdate[T]]) -> ReadUpdate[T] | None:
        """Run one action; on success keep and announce the read, else say why."""
        return self._execute(action)[0]

    def _execute(self, action: Callable[[], ReadUpdate[T]]
                 ) -> tuple[ReadUpdate[T] | None, str | None]:
        """``_run``, with the refusal too: (the update, None) or (None, the reason)."""
        try:
            update = action()
        except CoreError as error:
            self.refused.emit(str(error))
            return None, str(error)
        self.read = update.read
        self.changed.emit(update)
        return update, None


def _details(lesion: Lesion) -> dict[str, Any]:
    return {"is_node": lesion.is_node, "is_previously_treated": lesion.is_previously_treated,
            "is_porta_hepatis": lesion.is_porta_hepatis, "kind": lesion.kind,
            "location": lesion.location}


def _with_lesion(finding: Finding, lesion_id: int) -> Finding:
    return replace(finding, lesion_id=lesion_id)


class _Command(QUndoCommand):
    """An edit already saved: redo() saves it again only after an undo."""

    def __init__(self, owner: ReadingSession, text: str) -> None:
        super().__init__(text)
        self._owner = owner
        self._done = True

    def redo(self) -> None:
        if self._done:
            return  # pushed right after the edit was saved
        if self._apply(forward=True):
            self._done = True
        else:
            self.setObsolete(True)

    def undo(self) -> None:
        if self._apply(forward=False):
            self._done = False
        else:
            self.setObsolete(True)  # the store refused: the edit stays, and so says refused

    def _apply(self, forward: bool) -> bool:
        raise NotImplementedError


class _CaliperCommand(_Command):
    def __init__(self, owner: ReadingSession, ref: _LesionRef, timepoint_id: int,
                 kind: MeasurementKind, before: Measurement | None, after: Caliper | None,
                 text: str) -> None:
        super().__init__(owner, text)
        self._ref, self._timepoint_id, self._kind = ref, timepoint_id, kind
        self._before = before.caliper if before is not None else None
        self._after = after

    def _apply(self, forward: bool) -> bool:
        target = self._after if forward else self._before
        owner, store, session = self._owner, self._owner._store, self._owner._session
        if target is None:
            return owner._run(lambda: delete_caliper(store, session, self._ref.lesion_id,
                                                     self._timepoint_id, self._kind)) is not None
        return owner._run(lambda: save_caliper(store, session, self._ref.lesion_id,
                                               self._timepoint_id, self._kind,
                                               target)) is not None


class _FindingCommand(_Command):
    def __init__(self, owner: ReadingSession, ref: _LesionRef, timepoint_id: int,
                 before: Finding | None, after: Finding) -> None:
        super().__init__(owner, "finding")
        self._ref, self._timepoint_id = ref, timepoint_id
        self._before, self._after = before, after

    def _apply(self, forward: bool) -> bool:
        target = self._after if forward else self._before
        owner, store, session = self._owner, self._owner._store, self._owner._session
        if target is None:
            return owner._run(lambda: clear_finding(store, session, self._ref.lesion_id,
                                                    self._timepoint_id)) is not None
        return owner._run(lambda: record_finding(
            store, session, _with_lesion(target, self._ref.lesion_id))) is not None


class _LesionCommand(_Command):
    """Adding or removing a lesion; undoing a removal brings back its calipers and findings."""

    def __init__(self, owner: ReadingSession, ref: _LesionRef, timepoint_id: int,
                 lesion: Lesion, details: dict[str, Any], *, added: bool,
                 calipers: tuple[Measurement, ...] = (),
                 findings: tuple[Finding, ...] = ()) -> None:
        super().__init__(owner, f"{'add' if added else 'delete'} {lesion.label}")
        self._ref, self._timepoint_id, self._lesion = ref, timepoint_id, lesion
        self._details, self._added = details, added
        self._calipers, self._findings = calipers, findings

    def _apply(self, forward: bool) -> bool:
        create = forward == self._added
        owner, store, session = self._owner, self._owner._store, self._owner._session
        if not create:
            return owner._run(lambda: delete_lesion(store, session,
                                                    self._ref.lesion_id)) is not None
        update = owner._run(lambda: add_lesion(store, session, owner.task_id,
                                               self._timepoint_id, self._lesion.category,
                                               self._lesion.organ, **self._details))
        if update is None:
            return False
        self._ref.lesion_id = update.value.lesion_id
        for measurement in self._calipers:
            owner._run(lambda m=measurement: save_caliper(
                store, session, self._ref.lesion_id, m.timepoint_id, m.kind, m.caliper))
        for finding in self._findings:
            owner._run(lambda f=finding: record_finding(
                store, session, _with_lesion(f, self._ref.lesion_id)))
        return True
