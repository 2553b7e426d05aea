"""Compare image models: one prompt to 2–4 models, side by side: a column per model with its
time and cost over its pictures, each fit to the column with Open, Save and Reuse under it.
Until a model answers, its column shows a placeholder of the requested shape. Opened from the
Images tab."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import InvalidInputError
from app.services.image_compare import MAX_MODELS, ImageCompareOutcome, check_models
from app.services.image_families import build_body, requested_shape
from app.storage.image_store import ImageRecord
from app.ui.asyncutils import start_task
from app.ui.events import notify_paid_request
from app.ui.images.decode import decode_file
from app.ui.images.export import name_filters
from app.ui.images.result_view import FitImage
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.style.repolish import repolish
from app.ui.style.tokens import SPACE

if TYPE_CHECKING:
    from app.services.context import Services
    from app.ui.images.gallery import GalleryModel

log = logging.getLogger(__name__)

DECODE_SIDE = 1024  # pictures are decoded at most this large for the columns
NO_MODEL = "(none)"


def _money(usd: float | None) -> str:
    return "cost not reported" if usd is None else f"${usd:.4f}"


class _ImageCell(QWidget):
    """One result: the picture, fit to its column, and its Open, Save and Reuse buttons."""

    def __init__(self, record: ImageRecord, image: QImage, window: ImageCompareWindow) -> None:
        super().__init__(window)
        self.record = record
        self.setObjectName("imageCompareResult")
        self.picture = FitImage(self)
        self.picture.setObjectName("imageComparePicture")
        self.picture.set_image(image)
        self.picture.setAccessibleName(f"Image from {record.model}")
        self.picture.setToolTip(f"{record.model}: double-click to open")
        self.picture.double_clicked.connect(lambda: window.open_record(record))
        buttons = QHBoxLayout()
        buttons.setSpacing(SPACE["xs"])
        buttons.addStretch(1)
        for text, name, purpose, slot in (
            ("Open", "imageCompareOpen", "zoom-in", lambda: window.open_record(record)),
            ("Save…", "imageCompareSave", "save", lambda: window.ask_save(record)),
            ("Reuse", "imageCompareReuse", "regenerate", lambda: window.reuse(record)),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            decorate(button, purpose, icon_only=True, flat=True)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(SPACE["xs"])
        column.addWidget(self.picture, 1)
        column.addLayout(buttons)


class CompareHost(Protocol):
    """What the compare window needs of the Images tab it opens over (``ImagesTab`` is one)."""

    @property
    def services(self) -> Services: ...

    @property
    def gallery_model(self) -> GalleryModel: ...

    def open_viewer_for(self, image_id: int) -> None: ...

    def save_record(self, record: ImageRecord, path: str, name_filter: str = "") -> Any: ...

    def restore_request(self, request: dict[str, Any]) -> None: ...


class ImageCompareWindow(QWidget):
    """A window over the Images tab: it shares the tab's services, gallery and viewer."""

    def __init__(self, tab: CompareHost, model_ids: list[str]) -> None:
        assert isinstance(tab, QWidget), "the compare window opens over the tab widget"
        super().__init__(tab, Qt.WindowType.Window)
        self.tab_widget: QWidget = tab
        self.tab: CompareHost = tab
        self.services = tab.services
        self.setObjectName("imageCompare")
        self.setWindowTitle("Compare image models")
        self.setAccessibleName("Compare image models")
        self.resize(1000, 720)
        self.message_bar = MessageBar(self)
        self.outcomes: dict[int, ImageCompareOutcome] = {}
        self._task: asyncio.Task[Any] | None = None

        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("imageComparePrompt")
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("One prompt for every model (Ctrl+Enter compares)")
        self.prompt.setMaximumHeight(90)
        self.model_boxes: list[QComboBox] = []
        pickers = QHBoxLayout()
        for number in range(1, MAX_MODELS + 1):
            box = QComboBox(self)
            box.setObjectName(f"imageCompareModel{number}")
            box.setAccessibleName(f"Model {number}")
            box.setEditable(True)
            box.addItem(NO_MODEL)
            box.addItems(model_ids)
            pickers.addWidget(box, 1)
            self.model_boxes.append(box)
        for box, model in zip(self.model_boxes, model_ids[:3], strict=False):
            box.setCurrentText(model)
        self.run_button = QPushButton("Compare", self)
        self.run_button.setObjectName("imageCompareRun")
        decorate(self.run_button, "images", primary=True)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("imageCompareStop")
        decorate(self.stop_button, "stop")
        self.stop_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        pickers.addWidget(self.run_button)
        pickers.addWidget(self.stop_button)

        self.grid_holder = QWidget(self)
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(SPACE["m"], SPACE["m"], SPACE["m"], SPACE["m"])
        self.grid.setHorizontalSpacing(SPACE["l"])
        self.grid.setVerticalSpacing(SPACE["s"])
        self.placeholders: list[FitImage] = []
        scroll = QScrollArea(self)
        scroll.setObjectName("imageCompareGrid")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_holder)
        root = QVBoxLayout(self)
        root.setContentsMargins(SPACE["xl"], SPACE["l"], SPACE["xl"], SPACE["l"])
        root.setSpacing(SPACE["m"])
        root.addWidget(self.message_bar)
        root.addWidget(self.prompt)
        root.addLayout(pickers)
        root.addWidget(scroll, 1)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.run)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop)

    # -- running -----------------------------------------------------------------------------

    def chosen_models(self) -> list[str]:
        return [b.currentText().strip() for b in self.model_boxes if b.currentText() != NO_MODEL]

    def run(self) -> asyncio.Task[Any] | None:
        try:
            models = check_models(self.chosen_models())
        except InvalidInputError as exc:
            self.message_bar.show_error(exc)
            return None
        prompt = self.prompt.toPlainText()
        if not prompt.strip():
            self.message_bar.show_error("The prompt is empty. Describe the image to generate.")
            return None
        self.stop()
        self.message_bar.clear()
        self._clear_grid()
        self.outcomes = {}
        self.row_labels = [self._row_label(row, model) for row, model in enumerate(models)]
        self.placeholders = [self._placeholder(row, m, prompt) for row, m in enumerate(models)]
        for column in range(MAX_MODELS):
            self.grid.setColumnStretch(column, 1 if column < len(models) else 0)
        self._task = start_task(self._compare(prompt, models), owner=self, name="image compare")
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        return self._task

    def _row_label(self, row: int, model: str) -> QLabel:
        """The heading of model ``row``'s column (its name, then time and cost)."""
        label = QLabel(f"<b>{model}</b><br>generating…", self.grid_holder)
        label.setObjectName(f"imageCompareRow{row + 1}")
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        label.setWordWrap(True)
        self.grid.addWidget(label, 0, row)
        return label

    def _placeholder(self, row: int, model: str, prompt: str) -> FitImage:
        """What model ``row``'s column shows until its pictures arrive."""
        try:
            shape: tuple[int | None, int | None] = requested_shape(build_body(model, prompt, {}))
        except (TypeError, ValueError):
            shape = (None, None)
        placeholder = FitImage(self.grid_holder)
        placeholder.setObjectName("imageComparePending")
        placeholder.set_expected(*shape, "Generating…")
        self.grid.addWidget(placeholder, 1, row)
        self.grid.setRowStretch(1, 1)
        return placeholder

    async def _compare(self, prompt: str, models: list[str]) -> None:
        from app.services.image_compare import compare_images

        try:
            await compare_images(self.services, prompt, models, on_outcome=self._on_outcome)
        except asyncio.CancelledError:
            for row, label in enumerate(self.row_labels):
                if row not in self.outcomes:
                    label.setText(f"<b>{models[row]}</b><br>stopped")
                    self.placeholders[row].set_expected(None, None, "Stopped")
            raise
        finally:
            self.run_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            notify_paid_request()

    def _on_outcome(self, row: int, outcome: ImageCompareOutcome) -> None:
        self.outcomes[row] = outcome
        label = self.row_labels[row]
        if outcome.stored is None:
            label.setProperty("role", "error")
            label.setText(f"<b>{outcome.model}</b><br>{outcome.error}")
            repolish(label)
            self.placeholders[row].set_expected(None, None, "No image")
            return
        count = len(outcome.stored.records)
        label.setText(
            f"<b>{outcome.model}</b><br>{outcome.seconds:.1f} s · {_money(outcome.cost_usd)}"
            f"<br>{count} image{'s' if count != 1 else ''}"
        )
        self.tab.gallery_model.prepend(outcome.stored.records)
        start_task(self._show_images(row, outcome.stored.records), owner=self, name="thumbs")

    async def _show_images(self, row: int, records: tuple[ImageRecord, ...]) -> None:
        def decode() -> list[QImage]:
            return [decode_file(r.path, scaled_to=DECODE_SIDE) for r in records]

        images = await self.services.runner.run(decode)
        placeholder = self.placeholders[row]
        self.grid.removeWidget(placeholder)
        placeholder.hide()
        for number, (record, image) in enumerate(zip(records, images, strict=True), start=1):
            self.grid.addWidget(_ImageCell(record, image, self), number, row)
            self.grid.setRowStretch(number, 1)

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def _clear_grid(self) -> None:
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def cells(self) -> list[_ImageCell]:
        return self.grid_holder.findChildren(_ImageCell)

    # -- actions on a result -----------------------------------------------------------------

    def open_record(self, record: ImageRecord) -> None:
        self.tab.open_viewer_for(record.id)

    def ask_save(self, record: ImageRecord) -> QFileDialog:
        dialog = QFileDialog(self, "Save image", str(Path.home() / Path(record.path).stem))
        dialog.setObjectName("imageCompareSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(name_filters().split(";;"))
        dialog.fileSelected.connect(
            lambda path: self.tab.save_record(record, path, dialog.selectedNameFilter())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def reuse(self, record: ImageRecord) -> None:
        """Put the request of this result back in the Images form."""
        self.tab.restore_request(record.request)
        window = self.tab_widget.window()
        window.raise_()
        window.activateWindow()
