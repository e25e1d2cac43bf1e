"""Check a store file against everything that can vouch for it.

Four checks, each defending against a different change by someone with the file in hand
(docs/security.md §3):

- the chain: a row of the audit edited or removed in the middle;
- the schema: a trigger dropped or changed, an object added;
- the ledger replay: a row of a table changed, added or removed by direct SQL;
- the anchors: the audit truncated, or rewritten with every hash recomputed, back to the
  oldest anchor that still differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import StoreError
from core.store.anchors import (
    Anchor,
    checkpoint_path,
    lines_problems,
    read_anchors,
    unanchored_spans,
)
from core.store.audit import AuditVerdict, verify
from core.store.db import ANCHOR_COPY_SETTING, Store
from core.store.replay import Discrepancy, ledger_discrepancies, schema_discrepancies
from core.store.settings import get_setting


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """What the store check found: the chain, then every other discrepancy."""

    chain: AuditVerdict
    discrepancies: tuple[Discrepancy, ...]
    anchors_checked: int
    audit_rows: int
    unanchored_rows: int  # rows after the last anchor: a crash between commit and anchor

    @property
    def is_intact(self) -> bool:
        """True when nothing was found."""
        return self.chain.is_intact and not self.discrepancies


def anchor_discrepancies(store: Store, source: str, anchors: Sequence[Anchor]
                         ) -> list[Discrepancy]:
    """Anchors the audit no longer reaches (truncated) or no longer matches (rewritten)."""
    found = []
    count_row = store._row("SELECT COUNT(*) AS n FROM audit")
    count = int(count_row["n"]) if count_row else 0
    for anchor in anchors:
        row = store._row("SELECT hash FROM audit WHERE id = ?", (anchor.rows,))
        when = f"the anchor of {anchor.utc or 'unknown time'} in {source}"
        if row is None:
            found.append(Discrepancy("audit", None, f"truncated: {when} records "
                                     f"{anchor.rows} rows, the audit has {count}"))
            break
        if row["hash"] != anchor.head:
            found.append(Discrepancy("audit", anchor.rows, f"rewritten: its hash differs "
                                     f"from {when}"))
            break
    return found


def check_store(store: Store, anchor_files: Sequence[Path] = ()) -> StoreCheck:
    """Run every check on *store*; *anchor_files* are anchors besides its checkpoint file
    and the site's copy (which is checked whenever one is set).

    Raises
    ------
    StoreError
        If one of *anchor_files* cannot be read (the checkpoint file beside the store and
        the site's copy are findings when missing or unreadable, not errors).
    """
    extra = [(str(path), read_anchors(path)) for path in anchor_files]
    with store.snapshot():
        chain = verify(store)
        found = file_discrepancies(store)
        found += schema_discrepancies(store) + ledger_discrepancies(store)
        head = store.audit_head()
        rows = head.rows if head else 0
        checkpoint = checkpoint_path(store.path)
        own = _anchor_file(checkpoint, "checkpoint file", found, own=True)
        copy_path = get_setting(store, ANCHOR_COPY_SETTING)
        copies: list[tuple[str, list[Anchor]]] = []
        if copy_path:
            copy = _anchor_file(Path(copy_path), "the site's anchor copy", found, own=False)
            copies.append((copy_path, copy))
            if own and copy and max(a.rows for a in copy) < max(a.rows for a in own):
                found.append(Discrepancy("anchors", None, f"the site's anchor copy {copy_path} "
                                         f"stops at audit row {max(a.rows for a in copy)}, "
                                         f"the checkpoint at {max(a.rows for a in own)}: it "
                                         "is no longer written"))
        for first, last in unanchored_spans(own, rows) if own else []:
            found.append(Discrepancy("audit", None, f"rows {first}–{last} were written by no "
                                     "anchored action: added outside the application, or "
                                     "committed just before a crash; review them"))
        for source, anchors in [(checkpoint.name, own), *copies, *extra]:
            found += anchor_discrepancies(store, source, anchors)
    last = max((anchor.rows for anchor in own), default=0)
    return StoreCheck(chain, tuple(found),
                      len(own) + sum(len(a) for _, a in copies) + sum(len(a) for _, a in extra),
                      rows, max(rows - last, 0))


def _anchor_file(path: Path, name: str, found: list[Discrepancy], *, own: bool
                 ) -> list[Anchor]:
    """The anchors of a file the store relies on; what is wrong with it joins *found*."""
    try:
        anchors = read_anchors(path)
    except StoreError as error:
        found.append(Discrepancy("anchors", None, f"{name} {path.name}: {error.reason}; "
                                 "truncation and re-hashing of the audit cannot be ruled "
                                 "out"))
        return []
    found += [Discrepancy("anchors", None, f"{name} {path.name} {problem}")
              for problem in lines_problems(anchors, own=own)]
    return anchors


def file_discrepancies(store: Store) -> list[Discrepancy]:
    """What SQLite itself finds: a damaged page or index, a dangling reference.

    An index rebuilt behind the schema's back (``writable_schema``) keeps its original
    text, so only SQLite's own check sees that it no longer matches its table.
    """
    found = [Discrepancy("file", None, f"integrity check: {message}")
             for message in store.pragma_messages("integrity_check") if message != "ok"]
    found += [Discrepancy(table, row_id, f"refers to a missing {parent} row")
              for table, row_id, parent in store.foreign_key_problems()]
    return found
