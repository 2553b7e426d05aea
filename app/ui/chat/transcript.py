"""The transcript: a delegate that paints each row from its layout, and a list view that keeps
its place when rows change height (the model is in ``transcript_model``)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from app.services.chat_history import Message
from app.services.markdown_render import MarkdownRenderer, copy_index, preview_key
from app.services.message_documents import citation_number, sources_of
from app.ui.chat.citation_popup import citation_tip
from app.ui.chat.row_layout import (
    ACTION_ICONS,
    MARGIN,
    Piece,
    RowFlags,
    RowLayout,
    RowLayoutCache,
    SafeTextDocument,
    actions_for,
)
from app.ui.chat.transcript_model import (
    MESSAGE_ID_ROLE,
    MESSAGE_ROLE,
    PART_ROLE,
    SLICE_HEIGHT,
    TranscriptModel,
)
from app.ui.style.icons import icon
from app.ui.style.motion import FadeIns
from app.ui.style.tokens import ICON, RADIUS, SPACE

log = logging.getLogger(__name__)

JUMP_SIZE = 34  # the round "scroll to the newest message" button
JUMP_SHOW_PIXELS = 48  # it shows once the bottom is this far out of sight

EAGER_ROWS = 12
IDLE_STEP_SECONDS = 0.008  # layout work per step for text off screen
IDLE_STEP_INTERVAL_MS = 4
IDLE_START_MS = 30
MATH_REFRESH_MS = 100  # formulas drawn in the background are shown at most this often
# Laying out a group moves those below it onto or off the screen: passes over what is visible
# until nothing pending is left there (a taller viewport needs more of them).
LAYOUT_PASSES = 32
PAINT_BUDGET_S = 0.012  # layout time for text coming on screen, per paint

_Index = QModelIndex | QPersistentModelIndex


def _parts_for(height: int) -> int:
    """How many rows a message of ``height`` pixels takes."""
    return max(1, math.ceil(height / SLICE_HEIGHT))


def _slice_height(height: int, part: int, parts: int) -> int:
    """The height of row ``part`` of a message of ``height`` pixels shown in ``parts`` rows;
    the last row also holds the gap below the message."""
    if part < parts - 1:
        return SLICE_HEIGHT
    # (capped: until the message gets the rows it needs, its last one shows what fits)
    return min(SLICE_HEIGHT, max(0, height - part * SLICE_HEIGHT)) + MARGIN


class MessageDelegate(QStyledItemDelegate):
    """Paints message rows and turns clicks on their links into signals.

    Text of a row that is off screen is laid out in short steps between frames, which wait
    while ``defer_idle`` is set (a reply is streaming: the stream comes first); text that comes
    on screen is laid out as it is painted.

    Signals:
        action_requested(str, int): an action link ("copy", "edit", "regenerate", "delete",
            "details", "retry") was clicked under message (id).
        link_activated(str): a web link in a message was clicked.
        citation_activated(int, int): the citation mark ``[n]`` (number) of a reply (id) was
            clicked.
        code_copy_requested(str): the Copy link of a code block was clicked (its code).
    """

    action_requested = Signal(str, int)
    link_activated = Signal(str)
    citation_activated = Signal(int, int)
    code_copy_requested = Signal(str)
    _math_drawn = Signal()

    def __init__(self, view: TranscriptView, renderer: MarkdownRenderer) -> None:
        super().__init__(view)
        self.view = view
        self.layouts = RowLayoutCache(renderer)
        # Formulas are drawn on a worker thread; its news comes here as a queued signal.
        renderer.math.background = True
        renderer.math.on_ready = self._math_drawn.emit
        self._math_timer = QTimer(self)
        self._math_timer.setSingleShot(True)
        self._math_timer.setInterval(MATH_REFRESH_MS)
        self._math_timer.timeout.connect(self._on_math_timer_timeout)
        self._math_drawn.connect(self._on_math_drawn)
        self.flags: dict[int, RowFlags] = {}
        # The message under the pointer (its actions show) and the action under it.
        self.hovered_message: int | None = None
        self.hovered_action = ""
        # New messages fade in; painting at an opacity lays nothing out again.
        self.fades = FadeIns(view.viewport().update, self)
        self.work_seconds = 0.0
        # Layout time spent since the last paint (the render timer's, an idle step's): the
        # paint that follows in the same frame lays out only what is left of its budget.
        self._spent_before_paint = 0.0
        self._painting = False
        self._defer_idle = False
        self._new_parts: dict[int, int] = {}
        self._repart_timer = QTimer(self)
        self._repart_timer.setSingleShot(True)
        self._repart_timer.timeout.connect(self._on_repart_timer_timeout)
        self._repaint_timer = QTimer(self)
        self._repaint_timer.setSingleShot(True)
        self._repaint_timer.timeout.connect(self._on_repaint_timer_timeout)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle_timer_timeout)

    # -- geometry -----------------------------------------------------------------------

    def content_width(self) -> int:
        """The text width of rows; the same with or without the scroll bar, so a reply that
        grows past the bottom is not laid out again when the bar appears."""
        width = self.view.viewport().width()
        bar = self.view.verticalScrollBar()
        if not bar.isVisible():
            width -= bar.sizeHint().width()
        return max(120, width - 2 * MARGIN - 2 * 10)

    def warm_up(self, html: str) -> None:
        """Do once, at start, what a first reply would otherwise pay for in its first frame:
        the first text layout and painting (fonts, glyphs), and the first calls of the view's
        geometry methods (their Python types are made on first use)."""
        self.layouts.warm_up(html)
        self.content_width()

    def flags_for(self, message_id: int) -> RowFlags:
        return self.flags.setdefault(message_id, RowFlags())

    def _key(self, model: TranscriptModel, message: Message, width: int) -> tuple[Any, ...]:
        flags = self.flags_for(message.id)
        is_last = model.last_reply_id() == message.id
        return (
            message.id,
            model.versions.get(message.id, 0),
            width,
            flags.reasoning_open,
            flags.details_open,
            flags.tools_open,
            is_last,
            model.busy,
            self.layouts.renderer.scheme,
        )

    def layout_for(self, index: _Index, *, lay_out_end: bool = True) -> RowLayout:
        """The row's layout, built if needed; ``lay_out_end``: also lay out the end of a row
        the view follows (see ``_shown_end``); without it, only a row with little text."""
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        message: Message = index.data(MESSAGE_ROLE)
        width = self.content_width()
        key = self._key(model, message, width)
        layout = self.layouts.cached(message.id, key)
        if layout is None:
            started = time.perf_counter()
            is_last = model.last_reply_id() == message.id
            actions = actions_for(message, is_last_reply=is_last, busy=model.busy)
            layout = self.layouts.build(
                message,
                key,
                width,
                self.flags_for(message.id),
                actions,
                self._shown_end(index) if lay_out_end else 0,
                hurry=self._defer_idle,
            )
            self._count_layout(started)
            if not layout.complete:
                self._schedule_idle(IDLE_START_MS)
        return layout

    def _shown_end(self, index: _Index) -> int:
        """How many pixels at the end of row ``index`` are on screen for sure: the viewport's
        height for the last row while the view follows the bottom, else 0 (pending text that
        is painted is laid out before the next frame)."""
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        if self.view.following_bottom and model.is_last_message(index.data(MESSAGE_ID_ROLE)):
            return self.view.viewport().height()
        return 0

    # -- text off screen ----------------------------------------------------------------

    @property
    def defer_idle(self) -> bool:
        return self._defer_idle

    @defer_idle.setter
    def defer_idle(self, defer: bool) -> None:
        self._defer_idle = defer
        if not defer and self.layouts.incomplete:
            self._schedule_idle(IDLE_START_MS)

    def _schedule_idle(self, delay_ms: int) -> None:
        if not self._idle_timer.isActive() or delay_ms < self._idle_timer.remainingTime():
            self._idle_timer.start(delay_ms)

    def _on_idle_timer_timeout(self) -> None:
        if self._defer_idle:
            return
        started = time.perf_counter()
        changed = self.layouts.complete_step(started + IDLE_STEP_SECONDS)
        self._count_layout(started)
        model = self.view.model()
        if isinstance(model, TranscriptModel):
            for message_id in changed:
                model.touch(message_id)
        if self.layouts.incomplete and not self._defer_idle:
            self._schedule_idle(IDLE_STEP_INTERVAL_MS)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        message: Message = index.data(MESSAGE_ROLE)
        width = self.content_width()
        layout = self.layouts.cached(message.id, self._key(model, message, width))
        if layout is None and index.row() >= model.rowCount() - EAGER_ROWS:
            layout = self.layout_for(index)
        if layout is not None:
            height = layout.height
        else:
            known = self.layouts.heights.get(message.id)
            height = known or self.layouts.estimate(message, width, self.flags_for(message.id))
        parts = model.parts(message.id)
        if parts != _parts_for(height):
            self._repart(message.id, _parts_for(height))
        slice_height = _slice_height(height, index.data(PART_ROLE) or 0, parts)
        return QSize(self.view.viewport().width(), slice_height)

    def _repart(self, message_id: int, parts: int) -> None:
        """Give a message the rows its height needs, once the view's layout pass is over."""
        self._new_parts[message_id] = parts
        self._repart_timer.start(0)

    def _on_math_drawn(self) -> None:
        if not self._math_timer.isActive():
            self._math_timer.start()

    def _on_math_timer_timeout(self) -> None:
        # At idle time the text whose formulas arrived is laid out again here, in one step
        # (not left for an idle step: the row is then laid out and painted once, not twice).
        started = time.perf_counter()
        deadline = None if self._defer_idle else started + IDLE_STEP_SECONDS
        changed = self.layouts.math_drawn(deadline)
        self._count_layout(started)
        model = self.view.model()
        if isinstance(model, TranscriptModel):
            for message_id in changed:
                model.touch(message_id)

    def _on_repaint_timer_timeout(self) -> None:
        self.view.viewport().update()

    def _on_repart_timer_timeout(self) -> None:
        model = self.view.model()
        pending, self._new_parts = self._new_parts, {}
        if isinstance(model, TranscriptModel):
            for message_id, parts in pending.items():
                model.set_parts(message_id, parts)

    # -- painting -----------------------------------------------------------------------

    def _count_layout(self, started: float) -> None:
        """Count the layout work since ``started``: in all, and outside a paint also against
        the budget of the paint that follows in the same frame."""
        spent = time.perf_counter() - started
        self.work_seconds += spent
        if not self._painting:
            self._spent_before_paint += spent

    def painted(self) -> None:
        """The view was painted: the next frame's layout budget starts afresh."""
        self._spent_before_paint = 0.0

    def take_work_seconds(self) -> float:
        """Seconds spent laying out and painting rows since the last call."""
        spent, self.work_seconds = self.work_seconds, 0.0
        return spent

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        started = time.perf_counter()
        self._painting = True
        try:
            self._paint_row(painter, option, index)
        finally:
            self._painting = False
            self.work_seconds += time.perf_counter() - started

    def _paint_row(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        message: Message = index.data(MESSAGE_ROLE)
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        part = index.data(PART_ROLE) or 0
        visible = option.rect.intersected(self.view.viewport().rect())
        origin = QPoint(option.rect.left() + MARGIN, option.rect.top() - part * SLICE_HEIGHT)
        layout = self._with_visible_text(index, message.id, visible, origin)
        row_rect = QRect(origin, QSize(option.rect.width() - 2 * MARGIN, layout.height))
        expected = _slice_height(layout.height, part, model.parts(message.id))
        if option.rect.height() != expected:
            self.sizeHintChanged.emit(index)
        painter.save()
        painter.setClipRect(option.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(self.fades.opacity(message.id))
        palette = option.palette
        background = self._background(palette, message)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(background)
        painter.drawRoundedRect(row_rect.adjusted(0, 0, -1, -1), 8, 8)
        actions_shown = self._actions_shown(message, model)
        for piece in layout.pieces:
            target = piece.rect.translated(row_rect.topLeft())
            if not target.intersects(visible):
                continue
            if piece.kind.startswith("action:"):
                if actions_shown:
                    self._paint_action(painter, palette, piece, target, message.id)
                continue
            self._paint_piece(painter, palette, piece, target, visible)
        painter.restore()

    def _actions_shown(self, message: Message, model: TranscriptModel) -> bool:
        """A message's actions show while the pointer is over it or it has the keyboard focus,
        and always under the newest message."""
        if message.id == self.hovered_message or model.is_last_message(message.id):
            return True
        current = self.view.currentIndex()
        return current.isValid() and current.data(MESSAGE_ID_ROLE) == message.id

    def _paint_action(
        self, painter: QPainter, palette: QPalette, piece: Piece, target: QRect, message_id: int
    ) -> None:
        name = piece.kind.split(":", 1)[1]
        hot = message_id == self.hovered_message and self.hovered_action == piece.kind
        if hot:
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            wash = QColor(palette.color(QPalette.ColorRole.Accent))
            wash.setAlpha(48)
            painter.setBrush(wash)
            painter.drawRoundedRect(target, RADIUS["s"], RADIUS["s"])
            painter.restore()
        size = ICON["s"]
        square = QRect(0, 0, size, size)
        square.moveCenter(target.center())
        role = "danger" if name == "delete" and hot else ("text" if hot else "muted")
        icon(ACTION_ICONS.get(name, "more"), role).paint(painter, square)

    def action_label_at(self, point: QPoint) -> str:
        """The label of the action under viewport ``point`` ("" when none is)."""
        index = self.view.indexAt(point)
        if not index.isValid():
            return ""
        piece, _inside = self.piece_at(index, point)
        if piece is not None and piece.kind.startswith("action:"):
            return piece.text
        return ""

    def hover(self, point: QPoint | None) -> bool:
        """Notes which message and action are under the pointer; True when that changed."""
        message_id, action = None, ""
        if point is not None:
            index = self.view.indexAt(point)
            if index.isValid():
                message_id = int(index.data(MESSAGE_ID_ROLE))
                piece, _inside = self.piece_at(index, point)
                if piece is not None and piece.kind.startswith("action:"):
                    action = piece.kind
        changed = (message_id, action) != (self.hovered_message, self.hovered_action)
        self.hovered_message, self.hovered_action = message_id, action
        return changed

    def _with_visible_text(
        self, index: _Index, message_id: int, visible: QRect, origin: QPoint
    ) -> RowLayout:
        """The message's layout with every text group that lies in ``visible`` (viewport
        coordinates; the message's top-left is at ``origin``) laid out: those that came on
        screen are laid out now, before they are painted, for at most ``PAINT_BUDGET_S`` (one
        group at least; another only if the last one's time still fits); the rest is laid out
        and painted in the next turns of the event loop (a long code reply scrolled through
        fast, or its end when it stops streaming, would otherwise hold a frame up)."""
        layout = self.layout_for(index)
        visible = visible.translated(-origin)
        deadline = time.perf_counter() + PAINT_BUDGET_S - self._spent_before_paint
        # The time the last group took: another starts only if that still fits. In a frame
        # that has laid text out already (the render tick, an idle step), even the first one.
        last = self.layouts.last_realize if self._spent_before_paint else 0.0
        for _attempt in range(LAYOUT_PASSES):  # laying out a group moves the ones below it
            groups = [
                piece.group
                for piece in layout.pieces
                if piece.group is not None and piece.rect.intersects(visible)
            ]
            if not groups:
                break
            if time.perf_counter() + last > deadline:
                self._repaint_timer.start(0)
                break
            for kind, number in groups:
                started = time.perf_counter()
                self.layouts.realize_pending(message_id, kind, number)
                last = time.perf_counter() - started
                if time.perf_counter() + last > deadline:
                    break
            self.layouts.drop_layout(message_id)
            layout = self.layout_for(index, lay_out_end=False)  # on screen: this loop's work
        else:
            self._repaint_timer.start(0)  # still text on screen to lay out: next turn
        return layout

    def _background(self, palette: QPalette, message: Message) -> QColor:
        if message.role == "user":
            return palette.color(QPalette.ColorRole.AlternateBase)
        return palette.color(QPalette.ColorRole.Base)

    def _paint_piece(
        self, painter: QPainter, palette: QPalette, piece: Piece, target: QRect, visible: QRect
    ) -> None:
        if piece.group is not None:
            return  # not laid out yet (off screen)
        if piece.doc is not None:
            if isinstance(piece.doc, SafeTextDocument) and piece.doc.math_waiting:
                self.layouts.renderer.math.prefer(piece.doc.math_waiting)  # on screen: first
                piece.doc.painted_at = time.perf_counter()
            painter.save()
            painter.translate(target.topLeft())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette = palette
            clip = visible.translated(-target.topLeft()).intersected(
                QRect(0, 0, target.width(), target.height())
            )
            context.clip = clip.toRectF()
            painter.setClipRect(clip)
            piece.doc.documentLayout().draw(painter, context)
            painter.restore()
            return
        if piece.pixmap is not None:
            painter.drawPixmap(target.topLeft(), piece.pixmap)
            return
        self._paint_text(painter, palette, piece, target)

    def _paint_text(
        self, painter: QPainter, palette: QPalette, piece: Piece, target: QRect
    ) -> None:
        font = QFont(self.layouts.font)
        colour = palette.color(QPalette.ColorRole.Text)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if piece.kind == "header":
            font.setBold(True)
        elif piece.kind.startswith("action:") or piece.kind == "toggle_reasoning":
            colour = palette.color(QPalette.ColorRole.Link)
        elif piece.kind == "error":
            colour = palette.color(QPalette.ColorRole.BrightText)
        elif piece.kind in ("header_right", "details", "tool"):
            colour = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(target, int(flags) | int(Qt.TextFlag.TextWordWrap), piece.text)

    # -- clicks -------------------------------------------------------------------------

    def row_origin(self, index: _Index) -> QPoint:
        """Where the top-left of the message shown in row ``index`` is, in the viewport."""
        rect = self.view.visualRect(index)
        part = index.data(PART_ROLE) or 0
        return QPoint(rect.left() + MARGIN, rect.top() - part * SLICE_HEIGHT)

    def piece_at(self, index: _Index, point: QPoint) -> tuple[Piece | None, QPoint]:
        """The piece of row ``index`` under viewport ``point`` and the point inside it."""
        layout = self.layout_for(index)
        local = point - self.row_origin(index)
        for piece in layout.pieces:
            if piece.rect.contains(local):
                return piece, local - piece.rect.topLeft()
        return None, local

    def action_rect(self, index: _Index, name: str) -> QRect | None:
        """Where the ``name`` action link of a row is, in viewport coordinates (or None)."""
        for piece in self.layout_for(index).pieces:
            if piece.kind in (f"action:{name}", name):
                return piece.rect.translated(self.row_origin(index))
        return None

    def editorEvent(
        self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease:
            return False
        assert isinstance(event, QMouseEvent)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        piece, inside = self.piece_at(index, event.position().toPoint())
        if piece is None:
            return False
        return self._click(index, piece, inside)

    def _click(self, index: _Index, piece: Piece, inside: QPoint) -> bool:
        message_id = int(index.data(MESSAGE_ID_ROLE))
        if piece.kind.startswith("action:"):
            name = piece.kind.split(":", 1)[1]
            if name == "details" or name.startswith("tool_"):
                self.toggle(message_id, name)
            else:
                self.action_requested.emit(name, message_id)
            return True
        if piece.kind == "toggle_reasoning":
            self.toggle(message_id, "reasoning")
            return True
        if piece.doc is not None:
            href = piece.doc.documentLayout().anchorAt(inside.toPointF())
            return self._activate(index.data(MESSAGE_ROLE), piece, href)
        return False

    def _activate(self, message: Message, piece: Piece, href: str) -> bool:
        if not href:
            return False
        number = copy_index(href)
        preview = preview_key(href)
        cited = citation_number(href)
        if cited is not None:
            self.citation_activated.emit(message.id, cited)
        elif preview is not None:
            self.layouts.renderer.toggle_svg_preview(preview)
            self.layouts.render_again(message.id)
            model = self.view.model()
            if isinstance(model, TranscriptModel):
                model.touch(message.id)
        elif number is None:
            self.link_activated.emit(href)
        elif number == len(piece.code) - 1 and piece.cut_code_at is not None:
            # a code block cut into several groups: copy all of it
            text = (message.reasoning or "") if piece.kind == "reasoning" else message.content
            code = self.layouts.renderer.fenced_code(text, piece.cut_code_at)
            self.code_copy_requested.emit(code)
        elif 0 <= number < len(piece.code):
            self.code_copy_requested.emit(piece.code[number])
        return True

    def toggle(self, message_id: int, what: str) -> None:
        flags = self.flags_for(message_id)
        if what == "details":
            flags.details_open = not flags.details_open
        elif what.startswith("tool_"):
            position = int(what.removeprefix("tool_"))
            flags.tools_open = flags.tools_open ^ {position}
        else:
            flags.reasoning_open = not flags.reasoning_open
        model = self.view.model()
        if isinstance(model, TranscriptModel):
            model.touch(message_id)

    def citation_tip_at(self, point: QPoint) -> str:
        """The tooltip of the citation mark under ``point``: its source and passage."""
        index = self.view.indexAt(point)
        number = citation_number(self.anchor_at(point))
        if not index.isValid() or number is None:
            return ""
        source = sources_of(index.data(MESSAGE_ROLE).meta).get(number)
        return citation_tip(source) if source is not None else ""

    def anchor_at(self, point: QPoint) -> str:
        index = self.view.indexAt(point)
        if not index.isValid():
            return ""
        piece, inside = self.piece_at(index, point)
        if piece is not None and piece.doc is not None:
            return piece.doc.documentLayout().anchorAt(inside.toPointF())
        if piece is not None and (
            piece.kind.startswith("action:") or piece.kind == "toggle_reasoning"
        ):
            return piece.kind
        return ""


class TranscriptView(QListView):
    """The message list: pixel scrolling, keeps its anchor row in place when heights change,
    follows the bottom while it is there, and asks for earlier/later pages at the edges.

    Signals:
        earlier_needed(): scrolled to the top while older messages exist.
        later_needed(): scrolled to the bottom while newer messages exist.
    """

    earlier_needed = Signal()
    later_needed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.following_bottom = True
        self._restoring = False
        self.setObjectName("chatTranscript")
        self.setAccessibleName("Conversation")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        self.setSpacing(0)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalScrollBar().setSingleStep(24)
        self.following_bottom = True
        self._restoring = False
        self.verticalScrollBar().valueChanged.connect(self._on_scroll_value_changed)
        self.jump_button = QToolButton(self)
        self.jump_button.setObjectName("chatScrollToBottom")
        self.jump_button.setText("Scroll to the newest message")
        self.jump_button.setIcon(icon("scroll-down"))
        self.jump_button.setIconSize(QSize(ICON["s"], ICON["s"]))
        self.jump_button.setToolTip("Scroll to the newest message")
        self.jump_button.setAccessibleName("Scroll to the newest message")
        self.jump_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.jump_button.setFixedSize(JUMP_SIZE, JUMP_SIZE)
        self.jump_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump_button.clicked.connect(self.follow_bottom)
        self.jump_button.hide()
        self.verticalScrollBar().rangeChanged.connect(self._update_jump_button)

    def transcript_model(self) -> TranscriptModel:
        model = self.model()
        assert isinstance(model, TranscriptModel)
        return model

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def doItemsLayout(self) -> None:
        follow = self.following_bottom
        anchor = None if follow else self._anchor()
        self._restoring = True
        try:
            super().doItemsLayout()
            self.updateGeometries()
            if follow:
                self.scrollToBottom()
            elif anchor is not None:
                top = self._message_top(anchor[0])
                if top is not None and top != anchor[1]:
                    bar = self.verticalScrollBar()
                    bar.setValue(bar.value() + top - anchor[1])
        finally:
            self._restoring = False

    def _anchor(self) -> tuple[int, int] | None:
        """(id, top in the viewport) of the message at the top of the viewport: kept in place
        when rows above change height or a message gains or loses rows."""
        index = self.indexAt(QPoint(MARGIN + 4, 2))
        if not index.isValid():
            return None
        message_id = index.data(MESSAGE_ID_ROLE)
        top = self._message_top(message_id)
        return None if top is None else (message_id, top)

    def _message_top(self, message_id: int) -> int | None:
        """Where the first row of a message is, in the viewport; None if it is not shown."""
        model = self.model()
        row = model.row_of(message_id) if isinstance(model, TranscriptModel) else None
        return None if row is None else self.visualRect(model.index(row, 0)).top()

    def top_row(self) -> tuple[int, int] | None:
        """(row, pixel offset of its top) of the row at the top of the viewport."""
        index = self.indexAt(QPoint(MARGIN + 4, 2))
        if not index.isValid():
            return None
        return index.row(), self.visualRect(index).top()

    def keep_row_at(self, row: int, offset: int) -> None:
        """Lay out now and scroll so ``row``'s top is ``offset`` pixels from the viewport top."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        self.following_bottom = False
        self.doItemsLayout()
        moved = self.visualRect(model.index(row, 0)).top() - offset
        bar = self.verticalScrollBar()
        self._restoring = True
        try:
            bar.setValue(bar.value() + moved)
        finally:
            self._restoring = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        delegate = self.itemDelegate()
        if isinstance(delegate, MessageDelegate):
            delegate.painted()

    def wheelEvent(self, event: QWheelEvent) -> None:
        model = self.model()
        at_top = self.verticalScrollBar().value() == 0
        scrolling_up = event.angleDelta().y() > 0
        if at_top and scrolling_up and isinstance(model, TranscriptModel) and model.has_earlier:
            self.earlier_needed.emit()
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The Menu key or Shift+F10 opens the menu of the current message, beside it."""
        menu_key = event.key() == Qt.Key.Key_Menu or (
            event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        )
        index = self.currentIndex()
        if menu_key and index.isValid():
            box = self.visualRect(index).intersected(self.viewport().rect())
            if box.isEmpty():
                self.scrollTo(index)
                box = self.visualRect(index).intersected(self.viewport().rect())
            self.customContextMenuRequested.emit(QPoint(box.left() + SPACE["l"], box.top() + 1))
            event.accept()
            return
        super().keyPressEvent(event)

    def scroll_to_row(self, row: int) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        self.following_bottom = False
        self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def follow_bottom(self) -> None:
        self.following_bottom = True
        self.scrollToBottom()

    def _update_jump_button(self, *_args: object) -> None:
        """Offers a way back down while the newest text is out of sight below."""
        bar = self.verticalScrollBar()
        model = self.model()
        below = bar.maximum() - bar.value() > JUMP_SHOW_PIXELS or (
            isinstance(model, TranscriptModel) and model.has_later
        )
        self.jump_button.setVisible(below)
        if below:
            area = self.viewport().geometry()
            self.jump_button.move(
                area.center().x() - JUMP_SIZE // 2, area.bottom() - JUMP_SIZE - SPACE["l"]
            )
            self.jump_button.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_jump_button()

    def _on_scroll_value_changed(self, value: int) -> None:
        self._update_jump_button()
        if self._restoring:
            return
        bar = self.verticalScrollBar()
        self.following_bottom = value >= bar.maximum() - 4
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return
        if value <= bar.singleStep() and model.has_earlier:
            self.earlier_needed.emit()
        elif self.following_bottom and model.has_later:
            self.later_needed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        delegate = self.itemDelegate()
        if isinstance(delegate, MessageDelegate):
            point = event.position().toPoint()
            anchor = delegate.anchor_at(point)
            shape = Qt.CursorShape.PointingHandCursor if anchor else Qt.CursorShape.ArrowCursor
            self.viewport().setCursor(shape)
            if anchor.startswith("action:"):
                tip = delegate.action_label_at(point)
            elif anchor.startswith("cite:"):
                tip = delegate.citation_tip_at(point)
            else:
                tip = anchor if anchor.startswith(("http", "mailto")) else ""
            self.viewport().setToolTip(tip)
            if delegate.hover(point):
                self.viewport().update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        delegate = self.itemDelegate()
        if isinstance(delegate, MessageDelegate) and delegate.hover(None):
            self.viewport().update()
        super().leaveEvent(event)
