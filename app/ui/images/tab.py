"""The Images tab: prompt, model and the family's parameters; parallel generations as cards;
the gallery of every stored image with viewer, save, copy, reuse and delete."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import InvalidInputError
from app.errors import EXPECTED_ERRORS, describe
from app.services.chat_images import ChatPictures, write_references
from app.services.image_edits import (
    ChatSource,
    EditInputs,
    MaskRefusedError,
    ReferenceImage,
    edit_of,
    input_files,
    mask_file,
    reference_files,
)
from app.services.image_families import (
    NEGATIVE_KEY,
    build_body,
    family_for,
    requested_shape,
    values_from_body,
)
from app.services.images import StoredGeneration
from app.storage.image_store import ImageRecord
from app.storage.paths import cache_dir, media_dir
from app.ui.asyncutils import ask_question, start_task
from app.ui.events import after_first_paint, app_events, notify_paid_request
from app.ui.images.card import RESULT_SIDE, GenerationCard
from app.ui.images.codec import QtImageCodec
from app.ui.images.decode import decode_file, forget_thumbnail
from app.ui.images.export import name_filters, save_record_as
from app.ui.images.gallery import GalleryModel, GalleryView
from app.ui.images.mask_editor import MaskEditor
from app.ui.images.param_form import ParamForm
from app.ui.images.references import ReferencePanel
from app.ui.images.result_view import ResultView
from app.ui.images.viewer import ImageViewer
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.widgets.empty_hint import EmptyHint
from app.ui.widgets.model_combo import ModelCombo

if TYPE_CHECKING:
    import asyncio

    from app.services.context import Services


log = logging.getLogger(__name__)

LARGE_SIDE = 2048
CARDS_HEIGHT = 150


class ImagesTab(QWidget):
    """The Images tab (objectName ``imageTab``)."""

    def __init__(self, services: Services, message_bar: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.message_bar = message_bar
        self.model_kind = "image"
        self.setObjectName("imageTab")
        self.setAccessibleName("Images")
        self.cards: list[GenerationCard] = []
        self._tasks: dict[GenerationCard, asyncio.Task[Any]] = {}
        self.viewer: ImageViewer | None = None
        self.mask_editor: MaskEditor | None = None
        self._gallery_model: GalleryModel | None = None

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_form())
        splitter.addWidget(self._build_results())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.generate)
        self.prompt.installEventFilter(self)
        self.negative_prompt.installEventFilter(self)
        self.model_combo.edit_field().textChanged.connect(self._on_model_text_changed)
        app_events().models_loaded.connect(self._on_app_events_models_loaded)
        self._sync_family()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the prompt fields generates (the text edits would take the key)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.generate()
            return True
        return super().eventFilter(watched, event)

    # -- building --------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        panel = QWidget(self)
        panel.setMinimumWidth(300)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 4, 0)
        self.model_combo = ModelCombo("image", panel)
        self.model_combo.setObjectName("imageModel")
        self.model_combo.setAccessibleName("Model")
        self.family_label = QLabel(panel)
        self.family_label.setObjectName("imageFamily")
        self.family_label.setProperty("role", "hint")
        self.prompt = QPlainTextEdit(panel)
        self.prompt.setObjectName("imagePrompt")
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("Describe the image… (Ctrl+Enter generates)")
        self.negative_label = QLabel("Negative prompt", panel)
        self.negative_prompt = QPlainTextEdit(panel)
        self.negative_prompt.setObjectName("imageNegativePrompt")
        self.negative_prompt.setAccessibleName("Negative prompt")
        self.negative_prompt.setPlaceholderText("What the image should not contain")
        self.negative_prompt.setMaximumHeight(70)
        self.references = ReferencePanel(self.services.runner, panel)
        self.references.mask_requested.connect(self.open_mask_editor)
        self.params = ParamForm(panel)
        self.generate_button = QPushButton("Generate", panel)
        self.generate_button.setObjectName("imageGenerate")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setToolTip("Generate (Ctrl+Enter)")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)

        column.addWidget(QLabel("Model", panel))
        column.addWidget(self.model_combo)
        column.addWidget(self.family_label)
        column.addWidget(QLabel("Prompt", panel))
        column.addWidget(self.prompt, 2)
        column.addWidget(self.references)
        column.addWidget(self.negative_label)
        column.addWidget(self.negative_prompt)
        column.addWidget(self.params)
        column.addWidget(self.generate_button)
        self.compare_button = QPushButton("Compare models…", panel)
        self.compare_button.setObjectName("imageCompareModels")
        self.compare_button.setToolTip("Send one prompt to 2–4 image models side by side")
        self.compare_button.clicked.connect(self.open_compare)
        column.addWidget(self.compare_button)
        column.addStretch(0)
        return panel

    def _build_results(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(splitter)
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        self.result_view = ResultView(top)
        self.result_view.example_chosen.connect(self._on_result_view_example_chosen)
        self.result_view.image_activated.connect(self.open_viewer_for)
        self.cards_area = QScrollArea(top)
        self.cards_area.setObjectName("imageGenerations")
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setMaximumHeight(CARDS_HEIGHT)
        self.cards_area.hide()
        holder = QWidget(self.cards_area)
        self.cards_layout = QVBoxLayout(holder)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.addStretch(1)
        self.cards_area.setWidget(holder)
        top_column.addWidget(self.result_view, 1)
        top_column.addWidget(self.cards_area)

        gallery_panel = QWidget(splitter)
        column = QVBoxLayout(gallery_panel)
        column.setContentsMargins(0, 0, 0, 0)
        toolbar = QHBoxLayout()
        self.gallery_title = QLabel("Gallery", gallery_panel)
        self.gallery_title.setProperty("role", "title")
        toolbar.addWidget(self.gallery_title)
        toolbar.addStretch(1)
        self.save_button = self._tool_button("Save as…", "imageSave", self.save_selected, toolbar)
        self.copy_button = self._tool_button("Copy", "imageCopy", self.copy_selected, toolbar)
        self.reuse_button = self._tool_button("Reuse", "imageReuse", self.reuse_selected, toolbar)
        self.folder_button = self._tool_button(
            "Open folder", "imageOpenFolder", self.open_folder, toolbar
        )
        self.delete_button = self._tool_button(
            "Delete", "imageDelete", self.delete_selected, toolbar
        )
        for button, purpose in (
            (self.save_button, "save"),
            (self.copy_button, "copy"),
            (self.reuse_button, "regenerate"),
            (self.folder_button, "open-folder"),
            (self.delete_button, "delete"),
        ):
            decorate(button, purpose, flat=True)
        self.gallery = GalleryView(gallery_panel)
        self.gallery.doubleClicked.connect(self._on_gallery_double_clicked)
        self.gallery.action_requested.connect(self._on_gallery_action_requested)
        column.addLayout(toolbar)
        column.addWidget(self.gallery, 1)
        splitter.addWidget(top)
        splitter.addWidget(gallery_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([460, 300])
        self._update_actions()
        return splitter

    def _tool_button(self, text: str, name: str, slot: Any, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        return button

    # -- gallery (opened lazily: the history is read when the tab is first shown) -----------

    @property
    def gallery_model(self) -> GalleryModel:
        if self._gallery_model is None:
            self._gallery_model = GalleryModel(
                self.services.images.store, self.services.runner, self
            )
            self.gallery.setModel(self._gallery_model)
            self.gallery_hint = EmptyHint(
                self.gallery,
                "No images yet. Describe one on the left and press Generate; "
                "every image you make is kept here.",
            )
            self.gallery.selectionModel().selectionChanged.connect(self._update_actions)
            self._gallery_model.rowsInserted.connect(self._update_gallery_title)
            self._gallery_model.rowsRemoved.connect(self._update_gallery_title)
            self._update_gallery_title()
        return self._gallery_model

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._gallery_model is None:  # opens the gallery on first show, after the paint
            after_first_paint(self._open_gallery)

    def _open_gallery(self) -> None:
        self.gallery_model  # noqa: B018 - built on first use

    def _update_gallery_title(self, *_args: Any) -> None:
        total = self.gallery_model.total()
        self.gallery_title.setText(f"Gallery — {total} image{'s' if total != 1 else ''}")

    def _update_actions(self, *_args: Any) -> None:
        chosen = self.gallery.selected_record() is not None if self._gallery_model else False
        for button in (self.save_button, self.copy_button, self.reuse_button, self.delete_button):
            button.setEnabled(chosen)

    # -- form ------------------------------------------------------------------------------

    def _on_result_view_example_chosen(self, text: str) -> None:
        self.set_prompt(text)

    def _on_gallery_action_requested(self, action: str, image_id: int) -> None:
        """An action button of the gallery's hover overlay was clicked."""
        if not self.select_image(image_id):
            return
        slots = {
            "save": self.save_selected,
            "copy": self.copy_selected,
            "reuse": self.reuse_selected,
            "reference": self.reference_selected,
            "edit": self.edit_selected,
            "delete": self.delete_selected,
            "open": lambda: self.open_viewer_for(image_id),
        }
        slot = slots.get(action)
        if slot is not None:
            slot()

    def _on_model_text_changed(self, _text: str) -> None:
        self._sync_family()

    def _on_app_events_models_loaded(self, kind: str) -> None:
        if kind == "image":
            self._sync_family()

    def _sync_family(self) -> None:
        model = self.model_combo.current_model_id()
        family = family_for(model)
        self.params.set_family(family)
        refused = model in self.services.images.mask_refused
        self.references.set_support(family.edit, mask_refused=refused, label=family.label)
        self.family_label.setText(f"Parameters for {family.label}")
        negative = family.takes_negative_prompt
        self.negative_label.setVisible(negative)
        self.negative_prompt.setVisible(negative)

    def form_values(self) -> dict[str, Any]:
        values = self.params.values()
        family = self.params.family
        if family is not None and family.takes_negative_prompt:
            values[NEGATIVE_KEY] = self.negative_prompt.toPlainText()
        return values

    def current_body(self) -> dict[str, Any]:
        """The request the form describes; ``InvalidInputError`` names what is wrong."""
        self._sync_family()
        return build_body(
            self.model_combo.current_model_id(), self.prompt.toPlainText(), self.form_values()
        )

    def open_compare(self) -> QWidget:
        """The Compare image models window, with this tab's prompt and models."""
        from app.ui.images.compare import ImageCompareWindow

        window = self.findChild(ImageCompareWindow, "imageCompare")
        if window is None:
            window = ImageCompareWindow(self, self.model_combo.model_ids())
        if not window.prompt.toPlainText().strip():
            window.prompt.setPlainText(self.prompt.toPlainText())
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def set_prompt(self, text: str) -> None:
        """Fill the prompt (the chat tab's "Use as image prompt")."""
        self.prompt.setPlainText(text)
        self.prompt.setFocus()

    def restore_request(self, request: dict[str, Any]) -> None:
        """Put a stored request back into the form: model, prompt and parameters."""
        model = str(request.get("model", ""))
        if model:
            self.model_combo.set_current_model_id(model)
        self._sync_family()
        self.prompt.setPlainText(str(request.get("prompt", "")))
        values = values_from_body(request)
        self.negative_prompt.setPlainText(str(values.pop(NEGATIVE_KEY, "") or ""))
        self.params.set_values(values)

    def restore_inputs(self, record: ImageRecord) -> None:
        """Put an edit's references and mask back into the form (an empty list otherwise)."""
        kept = [r for r in edit_of(record).get("references", []) if isinstance(r, dict)]
        references = [
            ReferenceImage(path, *_origin_of(kept[n] if n < len(kept) else {}))
            for n, path in enumerate(reference_files(record))
            if path.exists()
        ]
        found = mask_file(record)
        mask = found.read_bytes() if found is not None and found.exists() else None
        self.references.set_references(references, mask)

    def _on_viewer_edit_requested(self, record: ImageRecord) -> None:
        self.edit_image(record)
        self.window().activateWindow()

    def open_mask_editor(self) -> Any:
        """Open the mask editor over the first reference (decoded off the UI thread)."""
        if not self.references.references or self.references.mask_unavailable:
            return None
        return start_task(self._open_mask_editor(), name="mask editor")

    async def _open_mask_editor(self) -> None:
        source = self.references.references[0].path
        try:
            image = await self.services.runner.run(decode_file, source)
        except (OSError, ValueError) as exc:
            self.message_bar.show_error(exc)
            return
        mask = QImage.fromData(self.references.mask) if self.references.mask else None
        if self.mask_editor is not None:
            self.mask_editor.close()
        self.mask_editor = MaskEditor(image, mask, self)
        self.mask_editor.mask_accepted.connect(self.references.set_mask)
        self.mask_editor.open()

    def use_as_reference(self, record: ImageRecord) -> bool:
        """Add a gallery image to the references ("Use as reference")."""
        if self.references.add(ReferenceImage(Path(record.path), record.id)):
            return True
        reason = self.references.support.reason or (
            f"This model takes at most {self.references.support.max_references} reference "
            "images; remove one first."
        )
        self.message_bar.show_error(InvalidInputError(reason))
        return False

    def edit_image(self, record: ImageRecord) -> None:
        """ "Edit this image": it becomes the only reference, with its prompt, on a model that
        takes references (its own when it does, else the first such model of the list)."""
        self._choose_model_taking_references(record.model)
        self.references.set_references([ReferenceImage(Path(record.path), record.id)])
        self.prompt.setPlainText(record.prompt)
        self.prompt.setFocus()
        self.prompt.selectAll()

    def _choose_model_taking_references(self, preferred: str = "") -> None:
        """Keep the current model when it takes references, else ``preferred`` when it does,
        else the first model of the list that does."""
        current = self.model_combo.current_model_id()
        if not family_for(current).edit.max_references:
            candidates = [preferred, *self.model_combo.model_ids()]
            chosen = next((m for m in candidates if family_for(m).edit.max_references), None)
            if chosen is not None:
                self.model_combo.set_current_model_id(chosen)
        self._sync_family()

    def take_chat_pictures(self, pictures: ChatPictures) -> asyncio.Task[None]:
        """The pictures of a chat message as references: "Edit image in Images" makes them
        the references (the first is the source), "Use image as reference" adds them."""
        return start_task(self._take_chat_pictures(pictures), name="chat pictures")

    async def _take_chat_pictures(self, pictures: ChatPictures) -> None:
        folder = cache_dir() / "references"
        try:
            found = await self.services.runner.run(write_references, pictures.pictures, folder)
        except OSError as exc:
            self.message_bar.show_error(exc)
            return
        if not found:
            self.message_bar.show_notice("The message has no picture that can be used here.")
            return
        self._choose_model_taking_references()
        if pictures.edit:
            self.references.set_references(found[: self.references.support.max_references])
            self.prompt.setFocus()
            self.prompt.selectAll()
            return
        added = sum(self.references.add(reference) for reference in found)
        if added < len(found):
            most = self.references.support.max_references
            self.message_bar.show_notice(
                f"This model takes at most {most} reference image{'s' if most != 1 else ''}; "
                f"{len(found) - added} of the message's pictures were not added."
            )

    # -- generating ------------------------------------------------------------------------

    def generate(self) -> GenerationCard | None:
        """Start one generation from the form; several may run at once."""
        try:
            body = self.current_body()
        except InvalidInputError as exc:
            self.message_bar.show_error(exc)
            return None
        inputs = self.references.inputs()
        if self.services.images.codec is None:
            self.services.images.codec = QtImageCodec()
        title = body["prompt"] if not inputs else f"Edit: {body['prompt']}"
        card = GenerationCard(body["model"], title, self)
        self.cards.append(card)
        self.cards_area.show()
        self.cards_layout.insertWidget(0, card)
        self.result_view.show_pending(*expected_size(body), "Generating…")
        task = start_task(self._run(card, body, inputs), name="image generation")
        self._tasks[card] = task
        card.cancel_requested.connect(task.cancel)
        card.dismissed.connect(lambda: self._dismiss(card))
        card.image_activated.connect(self.open_viewer_for)
        return card

    async def _run(self, card: GenerationCard, body: dict[str, Any], inputs: EditInputs) -> None:
        import asyncio

        try:
            stored = await self.services.images.generate_and_keep(body, inputs or None)
            thumbnails = await self.services.runner.run(_card_thumbnails, stored)
        except asyncio.CancelledError:
            card.show_cancelled()
            raise
        except EXPECTED_ERRORS as exc:
            log.info("generation failed: %s", exc)
            card.show_error(describe(exc))
            if isinstance(exc, MaskRefusedError):
                self._sync_family()  # the mask is now offered no more for this model
            return
        finally:
            self._tasks.pop(card, None)
            notify_paid_request()
        card.show_result(stored, [_small(image) for image in thumbnails])
        self.result_view.show_batch(stored.records, thumbnails)
        self.gallery_model.prepend(stored.records)

    def _dismiss(self, card: GenerationCard) -> None:
        if card in self.cards:
            self.cards.remove(card)
        card.deleteLater()
        if not self.cards:
            self.cards_area.hide()
            if self.result_view.current is None:
                self.result_view.show_empty()

    def running_generations(self) -> int:
        return len(self._tasks)

    # -- gallery actions -------------------------------------------------------------------

    def selected_record(self) -> ImageRecord | None:
        return self.gallery.selected_record() if self._gallery_model else None

    def select_image(self, image_id: int) -> bool:
        model = self.gallery_model
        row = model.row_of(image_id)
        while row < 0 and model.canFetchMore():
            model.fetchMore()
            row = model.row_of(image_id)
        if row < 0:
            return False
        self.gallery.setCurrentIndex(model.index(row))
        return True

    def _on_gallery_double_clicked(self, index: QModelIndex) -> None:
        self.open_viewer(index.row())

    def open_viewer_for(self, image_id: int) -> None:
        if self.select_image(image_id):
            self.open_viewer(self.gallery_model.row_of(image_id))

    def open_viewer(self, row: int) -> ImageViewer:
        if self.viewer is not None:
            self.viewer.close()
            self.viewer.deleteLater()
        self.viewer = ImageViewer(
            self.gallery_model, self.services.runner, row, self, store=self.services.images.store
        )
        self.viewer.edit_requested.connect(self._on_viewer_edit_requested)
        self.viewer.reference_requested.connect(self.use_as_reference)
        self.viewer.show()
        return self.viewer

    def save_selected(self) -> QFileDialog | None:
        """Ask where to save the selected image (a plain slot: the dialog is opened, not run)."""
        record = self.selected_record()
        if record is None:
            return None
        dialog = QFileDialog(self, "Save image", str(Path.home() / Path(record.path).stem))
        dialog.setObjectName("imageSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(name_filters().split(";;"))
        dialog.fileSelected.connect(
            lambda path: self.save_record(record, path, dialog.selectedNameFilter())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def save_record(self, record: ImageRecord, path: str, name_filter: str = "") -> Any:
        return start_task(self._save(record, path, name_filter), name="save image")

    async def _save(self, record: ImageRecord, path: str, name_filter: str) -> None:
        try:
            saved = await self.services.runner.run(save_record_as, record, path, name_filter)
        except (OSError, ValueError) as exc:
            self.message_bar.show_error(exc)
            return
        self.message_bar.show_info(f"Saved {saved.name} and its request as {saved.stem}.json.")

    def copy_selected(self) -> Any:
        record = self.selected_record()
        return start_task(self._copy(record), name="copy image") if record else None

    async def _copy(self, record: ImageRecord) -> None:
        try:
            image = await self.services.runner.run(decode_file, record.path)
        except (OSError, ValueError) as exc:
            self.message_bar.show_error(exc)
            return
        mime = QMimeData()
        mime.setImageData(image)
        files = [Path(record.path), *(p for p in input_files(record) if p.exists())]
        mime.setUrls([QUrl.fromLocalFile(str(path.resolve())) for path in files])
        QApplication.clipboard().setMimeData(mime)
        extra = len(files) - 1
        more = (
            f", with its {extra} reference and mask file{'s' if extra != 1 else ''}"
            if extra
            else ""
        )
        self.message_bar.show_info(f"The image is on the clipboard{more}.")

    def reuse_selected(self) -> None:
        record = self.selected_record()
        if record is not None:
            self.restore_request(record.request)
            self.restore_inputs(record)

    def reference_selected(self) -> None:
        record = self.selected_record()
        if record is not None:
            self.use_as_reference(record)

    def edit_selected(self) -> None:
        record = self.selected_record()
        if record is not None:
            self.edit_image(record)

    def open_folder(self) -> None:
        record = self.selected_record()
        folder = Path(record.path).parent if record else media_dir("images")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def delete_selected(self) -> Any:
        record = self.selected_record()
        return start_task(self._delete(record), name="delete image") if record else None

    async def _delete(self, record: ImageRecord) -> None:
        answer = await ask_question(
            self,
            "Delete image",
            f"Delete this image and its history entry?\n\n{record.prompt[:200]}",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            await self.services.images.delete(record.id)
            await self.services.runner.run(forget_thumbnail, record.id)
        except EXPECTED_ERRORS as exc:
            self.message_bar.show_error(exc)
            return
        self.gallery_model.remove(record.id)
        self.result_view.forget(record.id)
        self._update_actions()

    # -- frame -----------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        """Generations run side by side, so the form stays usable while any is busy."""

    def shutdown(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        self.references.shutdown()
        if self.viewer is not None:
            self.viewer.close()


def _origin_of(kept: dict[str, Any]) -> tuple[int | None, ChatSource | None]:
    """The gallery id and the chat message a kept reference came from."""
    image_id = kept.get("image_id")
    chat = kept.get("chat")
    source = None
    if isinstance(chat, dict) and isinstance(chat.get("message_id"), int):
        source = ChatSource(
            int(chat.get("conversation_id") or 0),
            chat["message_id"],
            str(chat.get("name") or ""),
            str(chat.get("role") or ""),
        )
    return (image_id if isinstance(image_id, int) else None), source


def _card_thumbnails(stored: StoredGeneration) -> list[QImage]:
    """The batch decoded once, at a size that fills the large view on a 2× screen."""
    return [decode_file(record.path, scaled_to=LARGE_SIDE) for record in stored.records]


def _small(image: QImage) -> QImage:
    side = RESULT_SIDE * 2
    if max(image.width(), image.height()) <= side:
        return image
    return image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)  # fmt: skip


def expected_size(body: dict[str, Any]) -> tuple[int | None, int | None]:
    """The shape the request asks for, so the placeholder has it before the image arrives."""
    try:
        width, height = requested_shape(body)
    except (TypeError, ValueError):
        return None, None
    return width, height
