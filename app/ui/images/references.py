"""Reference images in the Images form: as many slots as the chosen model takes, filled from a
file, the clipboard, a drag from the file manager or a gallery image, each showing the size it
will be sent at; and the mask that goes with the first one.

The panel says why when the model takes no reference, and why the mask is unavailable.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import describe
from app.media.image_inputs import PreparedImage
from app.services.image_edits import EditInputs, ReferenceImage, square_sentence
from app.services.image_families import TEXT_ONLY, EditSupport
from app.storage.atomic import write_bytes_atomic
from app.storage.paths import cache_dir
from app.ui.asyncutils import start_task
from app.ui.images.codec import QtImageCodec, encode
from app.ui.images.decode import decode_file
from app.ui.style.controls import decorate
from app.ui.style.repolish import repolish
from app.ui.style.tokens import SPACE

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

SLOT_SIDE = 64
TITLE_WIDTH = 180
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp)"
_codec = QtImageCodec()
# Beside the file URLs of a drag out of the gallery: the history ids of those images, in the
# same order, so a dropped picture keeps its place in the chain of versions.
IMAGE_IDS_MIME = "application/x-aiml-desktop-image-ids"


def set_image_ids(mime: QMimeData, ids: list[int | None]) -> None:
    mime.setData(IMAGE_IDS_MIME, ",".join(str(i or "") for i in ids).encode("ascii"))


def image_ids_of(mime: QMimeData) -> list[int | None]:
    """The history ids a drag carries, one per file URL (None where it carries none)."""
    raw = bytes(mime.data(IMAGE_IDS_MIME).data()).decode("ascii", "replace")
    ids: list[int | None] = [int(p) or None if p.isdigit() else None for p in raw.split(",")]
    count = len(mime.urls())
    return (ids + [None] * count)[:count] if raw else [None] * count


def _prepared_summary(path: Path, support: EditSupport) -> tuple[QImage, PreparedImage]:
    """A slot's thumbnail and the reference as it will be sent (worker thread)."""
    data = path.read_bytes()
    prepared = _codec.prepare_reference(
        data, max_side=support.max_side, max_bytes=support.max_upload_bytes
    )
    return decode_file(path, scaled_to=SLOT_SIDE * 2), prepared


def _title_of(reference: ReferenceImage) -> str:
    """What a slot is called: a chat picture by its name in the chat, a gallery image by its
    number, any other file by its name."""
    if reference.chat is not None:
        return f"{reference.chat.name or reference.path.name} (from chat)"
    if reference.image_id is not None:
        return f"image {reference.image_id} · {reference.path.name}"
    return reference.path.name


class ReferenceSlot(QFrame):
    """One reference: thumbnail, the size it is sent at, and a remove button.

    Signals:
        removed(): the person removed this reference.
    """

    removed = Signal()

    def __init__(self, reference: ReferenceImage, number: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.reference = reference
        self.setObjectName("imageReferenceSlot")
        self.setProperty("surface", "card")
        self.setAccessibleName(f"Reference image {number}: {_title_of(reference)}")
        self.picture = QLabel(self)
        self.picture.setFixedSize(SLOT_SIDE, SLOT_SIDE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setText("…")
        self.summary = QLabel("Reading…", self)
        self.summary.setObjectName("imageReferenceSize")
        self.summary.setProperty("role", "hint")
        self.summary.setWordWrap(True)
        self.summary.setToolTip(str(reference.path))
        title = QLabel(self)
        title.setObjectName("imageReferenceTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        name = title.fontMetrics().elidedText(
            _title_of(reference), Qt.TextElideMode.ElideMiddle, TITLE_WIDTH
        )
        title.setText(("Source · " if number == 1 else "") + name)
        title.setToolTip(str(reference.path))
        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("imageReferenceRemove")
        self.remove_button.setText("Remove reference")
        decorate(self.remove_button, "close", icon_only=True)
        self.remove_button.clicked.connect(self.removed)
        text = QVBoxLayout()
        text.setSpacing(SPACE["xs"])
        text.addWidget(title)
        text.addWidget(self.summary)
        row = QHBoxLayout(self)
        row.setContentsMargins(SPACE["s"], SPACE["s"], SPACE["s"], SPACE["s"])
        row.addWidget(self.picture)
        row.addLayout(text, 1)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.prepared: PreparedImage | None = None

    def show_prepared(self, thumbnail: QImage, prepared: PreparedImage) -> None:
        self.prepared = prepared
        pixmap = QPixmap.fromImage(thumbnail)
        self.picture.setPixmap(
            pixmap.scaled(
                QSize(SLOT_SIDE, SLOT_SIDE),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.summary.setText(f"Sends {prepared.summary()}")

    def show_problem(self, sentence: str) -> None:
        self.prepared = None
        self.summary.setProperty("role", "error")
        repolish(self.summary)
        self.summary.setText(sentence)


class ReferencePanel(QFrame):
    """The reference images of the form (objectName ``imageReferences``).

    Signals:
        changed(): a reference was added or removed, or the mask changed.
        mask_requested(): the person asked to paint a mask over the first reference.
    """

    changed = Signal()
    mask_requested = Signal()

    def __init__(self, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageReferences")
        self.setAccessibleName("Reference images")
        self.setAcceptDrops(True)
        self._runner = runner
        self.support: EditSupport = TEXT_ONLY
        self.references: list[ReferenceImage] = []
        self.slots: list[ReferenceSlot] = []
        self.mask: bytes | None = None  # type: ignore[assignment]  # shadows QWidget.mask()
        self.mask_unavailable = ""
        self.family_label = ""
        self._tasks: set[asyncio.Task[Any]] = set()

        self.title = QLabel("Reference images", self)
        self.note = QLabel(self)
        self.note.setObjectName("imageReferenceNote")
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        self.slot_column = QVBoxLayout()
        self.slot_column.setSpacing(SPACE["s"])
        self.add_button = QPushButton("Add image…", self)
        self.add_button.setObjectName("imageAddReference")
        decorate(self.add_button, "add", flat=True)
        self.add_button.setToolTip("Add a reference image from a file (or drop one here)")
        self.add_button.clicked.connect(self.choose_files)
        self.paste_button = QPushButton("Paste", self)
        self.paste_button.setObjectName("imagePasteReference")
        decorate(self.paste_button, "paste", flat=True)
        self.paste_button.setToolTip("Paste an image from the clipboard as a reference")
        self.paste_button.clicked.connect(self.paste)
        self.mask_button = QPushButton("Mask…", self)
        self.mask_button.setObjectName("imageMaskEdit")
        decorate(self.mask_button, "brush", flat=True)
        self.mask_button.clicked.connect(self.mask_requested)
        self.mask_note = QLabel(self)
        self.mask_note.setObjectName("imageMaskNote")
        self.mask_note.setProperty("role", "hint")
        self.mask_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.mask_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, SPACE["s"], 0, SPACE["s"])
        column.setSpacing(SPACE["s"])
        column.addWidget(self.title)
        column.addWidget(self.note)
        column.addLayout(self.slot_column)
        column.addLayout(buttons)
        column.addWidget(self.mask_note)
        self._refresh()

    # -- the model's limits ----------------------------------------------------------------

    def set_support(
        self, support: EditSupport, *, mask_refused: bool = False, label: str = ""
    ) -> None:
        """Show as many slots as ``support`` takes (for the family ``label``); re-measure what
        will be sent."""
        limits = ("max_side", "max_upload_bytes", "square_only")
        changed_limits = any(getattr(support, n) != getattr(self.support, n) for n in limits)
        self.support = support
        self.family_label = label
        if not support.takes_mask:
            self.mask_unavailable = support.mask_reason or "This model takes no mask."
        elif mask_refused:
            self.mask_unavailable = (
                "The server refused a mask for this model: edit without one, or pick another "
                "GPT Image model."
            )
        else:
            self.mask_unavailable = ""
        if changed_limits:
            self._rebuild_slots()
        self._refresh()

    @property
    def room(self) -> int:
        return max(self.support.max_references - len(self.references), 0)

    def _refresh(self) -> None:
        most = self.support.max_references
        count = len(self.references)
        for number, slot in enumerate(self.slots, start=1):
            slot.setVisible(number <= most)
        if not most:
            kept = f" ({count} kept for another model.)" if count else ""
            self.note.setText(self.support.reason + kept)
        elif count > most:
            self.note.setText(f"This model takes {most}; only the first {most} are sent.")
        else:
            sent = "uploaded" if self.support.transport == "edits" else "sent as data URLs"
            self.note.setText(
                f"{count} of up to {most} · {sent}; larger images are scaled down first."
            )
        self.add_button.setEnabled(self.room > 0)
        self.paste_button.setEnabled(self.room > 0)
        self.add_button.setVisible(bool(most))
        self.paste_button.setVisible(bool(most))
        self._refresh_mask()

    def _refresh_mask(self) -> None:
        has_source = bool(self.references) and bool(self.support.max_references)
        usable = has_source and not self.mask_unavailable
        self.mask_button.setVisible(bool(self.support.max_references))
        self.mask_button.setEnabled(usable)
        if self.mask_unavailable:
            reason = self.mask_unavailable
        elif not has_source:
            reason = "Add a source image to paint a mask over it."
        elif self.mask is None:
            reason = "No mask: the whole image may change. Paint one to edit only a part."
        else:
            reason = "Mask set: only the painted area will be edited."
        self.mask_button.setToolTip(reason)
        self.mask_note.setText(reason)
        self.mask_note.setVisible(bool(self.support.max_references))

    # -- adding and removing ---------------------------------------------------------------

    def add(self, reference: ReferenceImage) -> bool:
        """Add a reference when the model has room; returns whether it was added."""
        if self.room <= 0:
            return False
        self.references.append(reference)
        self._add_slot(reference)
        self._refresh()
        self.changed.emit()
        return True

    def set_references(self, references: list[ReferenceImage], mask: bytes | None = None) -> None:
        """Replace every reference (and the mask) at once: "Edit this image", "Reuse"."""
        self.references = list(references)
        self.mask = mask
        self._rebuild_slots()
        self._refresh()
        self.changed.emit()

    def remove(self, reference: ReferenceImage) -> None:
        if reference not in self.references:
            return
        first = self.references[0] == reference
        self.references.remove(reference)
        if first:
            self.mask = None  # the mask belonged to the source
        self._rebuild_slots()
        self._refresh()
        self.changed.emit()

    def clear(self) -> None:
        self.set_references([])

    def set_mask(self, mask: bytes | None) -> None:
        self.mask = mask
        self._refresh()
        self.changed.emit()

    def inputs(self) -> EditInputs:
        """What is sent with the prompt: the references the model takes, and the mask."""
        most = self.support.max_references
        if not most:
            return EditInputs()
        mask = self.mask if not self.mask_unavailable else None
        return EditInputs(tuple(self.references[:most]), mask)

    def _rebuild_slots(self) -> None:
        for slot in self.slots:
            slot.deleteLater()
        self.slots = []
        for reference in self.references:
            self._add_slot(reference)

    def _add_slot(self, reference: ReferenceImage) -> None:
        slot = ReferenceSlot(reference, len(self.slots) + 1, self)
        slot.removed.connect(lambda: self.remove(reference))
        self.slots.append(slot)
        self.slot_column.addWidget(slot)
        task = start_task(self._measure(slot), name="reference size")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _measure(self, slot: ReferenceSlot) -> None:
        support = self.support
        try:
            thumbnail, prepared = await self._runner.run(
                _prepared_summary, slot.reference.path, support
            )
        except (OSError, ValueError) as exc:
            slot.show_problem(describe(exc))
            return
        if slot not in self.slots:
            return
        slot.show_prepared(thumbnail, prepared)
        square = prepared.width == prepared.height
        if support.square_only and slot is self.slots[0] and not square:
            label = self.family_label or "This model"
            slot.show_problem(square_sentence(prepared, slot.reference.path.name, label))

    def pending(self) -> int:
        """How many slots are still being measured (tests wait for none)."""
        return len(self._tasks)

    # -- sources ---------------------------------------------------------------------------

    def choose_files(self) -> QFileDialog:
        dialog = QFileDialog(self, "Add reference images")
        dialog.setObjectName("imageReferenceDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(IMAGE_FILTER)
        dialog.filesSelected.connect(self.add_files)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def add_files(self, paths: list[str]) -> int:
        added = 0
        for path in paths:
            if self.add(ReferenceImage(Path(path))):
                added += 1
        return added

    def paste(self) -> bool:
        """Add the clipboard's image (or image files) as references."""
        return self.add_from_mime(QApplication.clipboard().mimeData())

    def add_from_mime(self, mime: QMimeData | None) -> bool:
        if mime is None:
            return False
        ids = image_ids_of(mime)
        found = [
            ReferenceImage(Path(url.toLocalFile()), image_id)
            for url, image_id in zip(mime.urls(), ids, strict=True)
            if url.isLocalFile()
        ]
        if found:
            return sum(self.add(reference) for reference in found) > 0
        if mime.hasImage():
            image = QImage(mime.imageData())
            if image.isNull():
                return False
            folder = cache_dir() / "references"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{id(mime) % 10000}.png"
            write_bytes_atomic(path, encode(image, "PNG"))
            return self.add(ReferenceImage(path))
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if self.room > 0 and (mime.hasUrls() or mime.hasImage()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.add_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
