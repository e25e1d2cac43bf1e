"""Key images: the rendered slice of each caliper, kept for the reports (issue #11 item 5).

The desktop renders the slice at its window with the caliper and its label burned in, off
the GUI thread, and hands the PNG here. The file is named by its SHA-256 under
``<store>-images/key-images/`` (written under a temporary name, then renamed, so a killed
process never leaves half a file named), and the store records which caliper it shows by
the caliper's own digest: when the caliper is moved, the old image is stale until the new
one arrives, and a PNG rendered for an older caliper is refused rather than filed under the
new one. Only the caliper's reader records or reads its key image (blinding, docs/reading.md
§2).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from core.actions._access import authorize, own_lesion_task
from core.actions.importing import image_folder
from core.errors import PermissionDeniedError, StaleKeyImageError, StoreError
from core.model.reading import Caliper, KeyImage, MeasurementKind, Role
from core.model.trial import Session
from core.store import Store
from core.store import key_images as key_image_store

KEY_IMAGE_FOLDER = "key-images"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_KEY_IMAGE_BYTES = 16 * 1024 * 1024


def caliper_sha256(caliper: Caliper) -> str:
    """The digest of what a caliper is: both ends, its image, its length."""
    content = [list(caliper.start_rc), list(caliper.end_rc), list(caliper.start_xyz),
               list(caliper.end_xyz), str(caliper.length_mm), caliper.sop_instance_uid,
               caliper.frame]
    text = json.dumps(content, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_key_image(store: Store, session: Session, lesion_id: int, timepoint_id: int,
                   kind: MeasurementKind, caliper: Caliper, png: bytes) -> KeyImage:
    """Keep *png* as the key image of the reader's caliper, if it shows that caliper.

    Raises
    ------
    PermissionDeniedError
        Not the caller's lesion (one message whether or not it exists).
    StaleKeyImageError
        No such caliper any more, or it has moved since *png* was rendered.
    StoreError
        *png* is not a PNG, is too large, or cannot be written.
    """
    if not png.startswith(PNG_SIGNATURE) or len(png) > MAX_KEY_IMAGE_BYTES:
        raise StoreError("key image", "not a PNG image of at most 16 MiB")
    digest = hashlib.sha256(png).hexdigest()
    folder = image_folder(store) / KEY_IMAGE_FOLDER
    relative = f"{folder.parent.name}/{KEY_IMAGE_FOLDER}/{digest}.png"
    with store.transaction():
        user = authorize(store, session, Role.READER)
        own_lesion_task(store, user, lesion_id)
        measurement = key_image_store.measurement_id(store, lesion_id, timepoint_id,
                                                     MeasurementKind(kind).value)
        if measurement is None:
            raise StaleKeyImageError(f"lesion {lesion_id}",
                                     f"has no {kind} caliper here any more")
        stored = store_caliper_digest(store, measurement)
        if stored != caliper_sha256(caliper):
            raise StaleKeyImageError(f"lesion {lesion_id}", "the caliper moved after this key "
                                     "image was rendered; it is rendered again")
        _write(folder / f"{digest}.png", png)
        key_image_store.put_key_image(store, user.user_id, measurement, stored, digest,
                                      relative)
        found = key_image_store.find_key_image(store, measurement)
    assert found is not None
    return found


def key_image(store: Store, session: Session, lesion_id: int, timepoint_id: int,
              kind: MeasurementKind) -> KeyImage | None:
    """The key image of the reader's caliper, or ``None`` (none yet, or none any more)."""
    with store.snapshot():
        user = authorize(store, session, Role.READER)
        own_lesion_task(store, user, lesion_id)
        measurement = key_image_store.measurement_id(store, lesion_id, timepoint_id,
                                                     MeasurementKind(kind).value)
        if measurement is None:
            return None
        return key_image_store.find_key_image(store, measurement)


def store_caliper_digest(store: Store, measurement: int) -> str:
    """The digest of the caliper as stored now (inside the caller's transaction)."""
    caliper = key_image_store.stored_caliper(store, measurement)
    if caliper is None:  # the caller found it in the same transaction
        raise PermissionDeniedError(f"caliper {measurement}", "not found")
    return caliper_sha256(caliper)


def _write(target: Path, png: bytes) -> None:
    """Write *png* to *target* unless it is already there (content-addressed)."""
    if target.is_file():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        with open(temporary, "wb") as out:
            out.write(png)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise StoreError(target, f"the key image cannot be written: {error.strerror}") from None
