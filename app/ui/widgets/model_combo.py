"""An editable, searchable model picker: grouped by developer, filtered by substring, and
accepting any typed model id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

if TYPE_CHECKING:
    from app.api.types import ModelInfo

MODEL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_OTHER_GROUP = "Other"


def model_display_text(model: ModelInfo) -> str:
    """ "Name · id" when the list gives a name that differs from the id, else the id."""
    name = model.name.strip()
    if name and name != model.id:
        return f"{name} · {model.id}"
    return model.id


def _group_name(model: ModelInfo) -> str:
    return model.developer.strip() or _OTHER_GROUP


def _grouped(models: Iterable[ModelInfo]) -> list[tuple[str, list[ModelInfo]]]:
    groups: dict[str, list[ModelInfo]] = {}
    for model in models:
        groups.setdefault(_group_name(model), []).append(model)
    ordered = sorted(groups, key=lambda g: (g == _OTHER_GROUP, g.casefold()))
    return [(g, sorted(groups[g], key=lambda m: model_display_text(m).casefold())) for g in ordered]


class _IndentedModelDelegate(QStyledItemDelegate):
    """Draws model entries indented under their developer heading."""

    INDENT = 14

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(MODEL_ID_ROLE):
            option = QStyleOptionViewItem(option)
            option.rect = option.rect.adjusted(self.INDENT, 0, 0, 0)
        super().paint(painter, option, index)


class ModelCombo(QComboBox):
    """Pick a model from the list or type any model id.

    The popup shows models under developer headings; typing filters by substring (name or id,
    any case). ``current_model_id()`` is the id of the picked entry, or the typed text.

    Signals:
        model_changed(str): the chosen model id changed (picked, completed or typed + Enter).
    """

    model_changed = Signal(str)

    def __init__(self, kind: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._items = QStandardItemModel(self)
        self.setModel(self._items)
        self.setItemDelegate(_IndentedModelDelegate(self))
        self._models: list[ModelInfo] = []
        self._ids_by_text: dict[str, str] = {}
        self._texts_by_id: dict[str, str] = {}
        self._last_emitted = ""

        self._completion_texts = QStringListModel(self)
        completer = QCompleter(self._completion_texts, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)
        completer.activated.connect(self._on_completer_activated)
        self.activated.connect(self._on_self_activated)
        self.edit_field().editingFinished.connect(self._on_line_edit_editing_finished)
        self.edit_field().setClearButtonEnabled(True)
        self.editTextChanged.connect(self._on_edit_text_changed)
        self.view().setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.set_placeholder("Loading models…")

    # -- contents ------------------------------------------------------------------------

    def set_models(self, models: Iterable[ModelInfo]) -> None:
        """Replace the list, keeping the current choice (even a typed id not in the list)."""
        current = self.current_model_id()
        self._models = list(models)
        self.blockSignals(True)
        self._items.clear()
        self._ids_by_text.clear()
        self._texts_by_id.clear()
        heading_font = QFont(self.font())
        heading_font.setBold(True)
        for group, members in _grouped(self._models):
            heading = QStandardItem(group)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setFont(heading_font)
            heading.setAccessibleText(f"{group} models")
            self._items.appendRow(heading)
            for model in members:
                self._items.appendRow(self._model_item(model))
        self._completion_texts.setStringList(list(self._ids_by_text))
        self.blockSignals(False)
        self.set_current_model_id(current)

    def _model_item(self, model: ModelInfo) -> QStandardItem:
        text = model_display_text(model)
        item = QStandardItem(text)
        item.setData(model.id, MODEL_ID_ROLE)
        tip = [model.id] + ([model.description] if model.description else [])
        if model.context_length:
            tip.append(f"Context: {model.context_length:,} tokens")
        item.setToolTip("\n".join(tip))
        self._ids_by_text[text] = model.id
        self._texts_by_id.setdefault(model.id, text)
        for alias in model.aliases:
            self._texts_by_id.setdefault(alias, text)
        return item

    def edit_field(self) -> QLineEdit:
        """The combo's text field (it is always editable)."""
        field = self.lineEdit()
        assert field is not None
        return field

    def set_placeholder(self, text: str) -> None:
        """What the empty field says (e.g. why no list could be loaded)."""
        self.edit_field().setPlaceholderText(text)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        """The whole name and id of the choice (the field may be too narrow for them)."""
        text = self.currentText().strip()
        model_id = self._ids_by_text.get(text, text)
        if not text:
            self.setToolTip(self.edit_field().placeholderText() if not self.model_ids() else "")
        elif model_id != text:
            self.setToolTip(f"{text.removesuffix(f' · {model_id}')}\n{model_id}")
        else:
            self.setToolTip(model_id)

    def _show_start(self) -> None:
        """Scroll the field back to the start of the text: the name, not the id's tail."""
        self.edit_field().setCursorPosition(0)

    def showPopup(self) -> None:
        """Open the list at least as wide as its longest entry (up to the screen's width)."""
        view = self.view()
        metrics = view.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(self.itemText(row)) for row in range(self.count())),
            default=0,
        )
        scroll_bar = view.verticalScrollBar().sizeHint().width()
        wanted = widest + _IndentedModelDelegate.INDENT + scroll_bar + 4 * view.frameWidth() + 16
        screen = self.screen().availableGeometry().width() if self.screen() else wanted
        view.setMinimumWidth(min(wanted, int(screen * 0.9)))
        super().showPopup()

    def models(self) -> list[ModelInfo]:
        """The models in the list, as given to ``set_models``."""
        return list(self._models)

    def model_ids(self) -> list[str]:
        return list(self._ids_by_text.values())

    # -- choice --------------------------------------------------------------------------

    def current_model_id(self) -> str:
        text = self.currentText().strip()
        return self._ids_by_text.get(text, text)

    def set_current_model_id(self, model_id: str) -> None:
        """Select ``model_id`` (shown by its list entry when known, else as typed)."""
        model_id = model_id.strip()
        text = self._texts_by_id.get(model_id, model_id)
        index = self.findText(text) if text else -1
        self.blockSignals(True)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setCurrentIndex(-1)
        self.setEditText(text)
        self.blockSignals(False)
        self._show_start()
        self._update_tooltip()
        self._last_emitted = self.current_model_id()

    def _emit_if_changed(self) -> None:
        model_id = self.current_model_id()
        if model_id and model_id != self._last_emitted:
            self._last_emitted = model_id
            self.model_changed.emit(model_id)

    # -- slots ---------------------------------------------------------------------------

    def _on_self_activated(self, _index: int) -> None:
        self._show_start()
        self._emit_if_changed()

    def _on_completer_activated(self, text: str) -> None:
        self.setEditText(text)
        self._show_start()
        self._emit_if_changed()

    def _on_line_edit_editing_finished(self) -> None:
        self._show_start()
        self._emit_if_changed()

    def _on_edit_text_changed(self, _text: str) -> None:
        self._update_tooltip()
