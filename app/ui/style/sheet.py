"""The application stylesheet, built from the design tokens for one scheme.

Widgets choose a look by property, never by colour: ``variant="primary"`` (the one main action
of a view), ``variant="flat"`` (icon buttons in toolbars and on hover rows), ``role="hint" |
"warning" | "error" | "ok" | "heading" | "title"`` on labels, ``level`` on the message bar,
``surface="card"`` on frames that are cards.
"""

from __future__ import annotations

from app.resources_path import resource_path
from app.ui.style.tokens import RADIUS, SPACE, TYPE, Scheme

# The small marks drawn on controls, each in the colour it has in every scheme.
MARK_COLOURS = {"check": "on_accent", "dot": "on_accent", "up": "muted", "down": "muted"}


def mark_path(mark: str, s: Scheme) -> str:
    """The file of ``mark`` (a key of ``MARK_COLOURS``) drawn in scheme ``s``: the check on a
    ticked box, the dot of a chosen radio button, the arrows of a spin box."""
    return resource_path("icons", "ui", f"indicator-{mark}-{s.name}.svg").as_posix()


def mark_url(mark: str, s: Scheme) -> str:
    """``mark`` as a stylesheet ``url(...)``, quoted as CSS wants it for a path with spaces or
    brackets (the app may be installed in "AIML Desktop.app" or "C:/Program Files/…")."""
    return f'url("{mark_path(mark, s)}")'


# Whose indicators are tick boxes: check boxes, checkable group boxes, checkable rows.
TICK_BOXES = ("QCheckBox", "QGroupBox", "QAbstractItemView")


def box_rules(s: Scheme, owners: tuple[str, ...], radius: int, mark: str) -> str:
    """The rules of one kind of box (the indicators of ``owners``): outlined when empty,
    filled with the accent and showing ``mark`` when chosen."""

    def boxes(state: str) -> str:
        return ", ".join(f"{owner}::indicator{state}" for owner in owners)

    return f"""{boxes("")} {{
    width: 14px; height: 14px; border: 1px solid {s.muted}; border-radius: {radius}px;
    background: {s.base};
}}
{boxes(":hover")} {{ border-color: {s.accent}; }}
{boxes(":checked")} {{
    background: {s.accent}; border-color: {s.accent}; image: {mark_url(mark, s)};
}}
{boxes(":checked:hover")} {{ background: {s.accent_hover}; border-color: {s.accent_hover}; }}
{boxes(":disabled")} {{ background: {s.window}; border-color: {s.disabled}; }}
{boxes(":checked:disabled")} {{ background: {s.disabled}; border-color: {s.disabled}; }}
"""


def stylesheet(s: Scheme) -> str:
    """The whole stylesheet of scheme ``s``."""
    r, sp = RADIUS, SPACE
    return f"""
QToolTip {{
    color: {s.text}; background: {s.surface}; border: 1px solid {s.border_strong};
    border-radius: {r["s"]}px; padding: {sp["s"]}px {sp["m"]}px;
}}
QTabWidget::pane {{ border: none; border-top: 1px solid {s.border}; top: -1px; }}
QTabBar {{ qproperty-drawBase: 0; }}
QTabBar::tab {{
    padding: {sp["m"]}px {sp["xl"]}px; margin: 0 {sp["xs"]}px 0 0; color: {s.muted};
    border: none; border-bottom: 2px solid transparent;
}}
QTabBar::tab:selected {{ color: {s.text}; border-bottom: 2px solid {s.accent}; font-weight: 600; }}
QTabBar::tab:!selected:hover {{ color: {s.text}; background: {s.surface_alt};
    border-top-left-radius: {r["m"]}px; border-top-right-radius: {r["m"]}px; }}
QTabBar::tab:focus {{ background: {s.accent_soft}; }}

QPushButton, QToolButton {{
    color: {s.text}; background: {s.surface}; border: 1px solid {s.border_strong};
    border-radius: {r["m"]}px; padding: {sp["s"] + 1}px {sp["l"]}px;
}}
QToolButton {{ padding: {sp["s"]}px {sp["s"] + 2}px; }}
QPushButton:hover, QToolButton:hover {{ background: {s.surface_alt}; }}
QPushButton:pressed, QToolButton:pressed, QToolButton:checked {{
    background: {s.accent_soft}; border-color: {s.accent};
}}
QPushButton:disabled, QToolButton:disabled {{
    color: {s.disabled}; background: {s.window}; border-color: {s.border};
}}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {s.accent}; }}
QPushButton[variant="primary"] {{
    color: {s.on_accent}; background: {s.accent}; border: 1px solid {s.accent}; font-weight: 600;
}}
QPushButton[variant="primary"]:hover {{ background: {s.accent_hover}; }}
QPushButton[variant="primary"]:focus {{ border: 2px solid {s.text}; }}
QPushButton[variant="primary"]:disabled {{
    color: {s.disabled}; background: {s.surface_alt}; border-color: {s.border};
}}
QToolButton[variant="flat"], QPushButton[variant="flat"] {{
    background: transparent; border: 1px solid transparent;
}}
QToolButton[variant="flat"]:hover, QPushButton[variant="flat"]:hover {{
    background: {s.surface_alt}; border-color: {s.border};
}}
QToolButton[variant="flat"]:focus, QPushButton[variant="flat"]:focus {{
    border: 2px solid {s.accent};
}}
QToolButton::menu-indicator {{ image: none; width: 0; }}

QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox {{
    color: {s.text}; background: {s.base}; border: 1px solid {s.border_strong};
    border-radius: {r["m"]}px; padding: {sp["s"]}px {sp["m"]}px;
    selection-background-color: {s.accent}; selection-color: {s.on_accent};
}}
QPlainTextEdit, QTextEdit {{ padding: {sp["s"]}px; }}
QComboBox:!editable {{ background: {s.surface}; }}
QComboBox:!editable:hover {{ background: {s.surface_alt}; }}
QComboBox QLineEdit, QComboBox QLineEdit:focus, QComboBox QLineEdit:disabled {{
    border: none; padding: 0; background: transparent;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractSpinBox:focus,
QComboBox:focus, QComboBox:on {{ border: 2px solid {s.accent}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QAbstractSpinBox:disabled, QComboBox:disabled {{
    color: {s.disabled}; background: {s.window};
}}
QComboBox:disabled {{ border-color: {s.border}; }}
/* The buttons inside fields: a spin box's arrows, a date field's and a drop-down's opener. */
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button, QDateTimeEdit::drop-down,
QComboBox::drop-down {{
    subcontrol-origin: border; width: 18px; border: none; border-left: 1px solid {s.border};
    background: transparent;
}}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; margin-top: 1px;
    border-top-right-radius: {r["m"]}px; }}
QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; margin-bottom: 1px;
    border-bottom-right-radius: {r["m"]}px; }}
QDateTimeEdit::drop-down, QComboBox::drop-down {{ subcontrol-position: center right; }}
QComboBox::drop-down {{ width: 20px; }}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover,
QDateTimeEdit::drop-down:hover, QComboBox::drop-down:hover {{ background: {s.surface_alt}; }}
QAbstractSpinBox::up-arrow {{ image: {mark_url("up", s)}; width: 10px; height: 10px; }}
QAbstractSpinBox::down-arrow, QComboBox::down-arrow {{
    image: {mark_url("down", s)}; width: 10px; height: 10px;
}}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::down-arrow:disabled,
QComboBox::down-arrow:disabled {{ image: none; }}
QComboBox QAbstractItemView {{
    background: {s.surface}; border: 1px solid {s.border_strong};
    selection-background-color: {s.accent_soft}; selection-color: {s.text};
}}
QCheckBox:focus, QRadioButton:focus {{ color: {s.accent}; }}
QCheckBox {{ spacing: {sp["s"] + 2}px; }}
{box_rules(s, TICK_BOXES, r["s"], "check")}
{box_rules(s, ("QRadioButton",), 8, "dot")}
QSlider::groove:horizontal {{ height: 4px; background: {s.border_strong}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {s.accent}; border-radius: 2px; }}
QSlider::sub-page:horizontal:disabled {{ background: {s.disabled}; }}
QSlider::handle:horizontal {{
    width: 14px; margin: -6px 0; border-radius: 8px; background: {s.surface};
    border: 1px solid {s.muted};
}}
QSlider::handle:horizontal:hover {{ border-color: {s.accent}; }}
QSlider::handle:horizontal:focus {{ border-color: {s.accent}; }}

QListView, QListWidget, QTreeView, QTableView {{
    background: {s.base}; border: 1px solid {s.border}; border-radius: {r["m"]}px;
    selection-background-color: {s.accent_soft}; selection-color: {s.text};
    alternate-background-color: {s.surface_alt};
}}
QListView:focus, QListWidget:focus, QTreeView:focus, QTableView:focus {{
    border: 2px solid {s.accent};
}}
QTreeView, QTableView {{ outline: 0; }}
QTableView {{ gridline-color: {s.border}; }}
QTreeView::item, QTableView::item {{ padding: {sp["s"]}px {sp["s"]}px; }}
QListView::item, QListWidget::item {{ padding: {sp["s"] + 1}px {sp["m"]}px;
    border-radius: {r["s"]}px; }}
QListView::item:hover, QListWidget::item:hover {{ background: {s.surface_alt}; }}
QListView::item:selected, QListWidget::item:selected {{
    background: {s.accent_soft}; color: {s.text};
}}
QHeaderView::section {{
    background: {s.surface_alt}; color: {s.muted}; border: none;
    border-bottom: 1px solid {s.border}; padding: {sp["s"]}px {sp["m"]}px;
}}

QScrollBar:vertical {{ background: transparent; width: 10px; margin: 0; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 0; }}
QScrollBar::handle {{ background: {s.border_strong}; border-radius: 4px; min-height: 28px;
    min-width: 28px; margin: 2px; }}
QScrollBar::handle:hover {{ background: {s.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}

QSplitter::handle {{ background: transparent; }}
QSplitter::handle:hover {{ background: {s.border}; }}
QGroupBox {{ border: 1px solid {s.border}; border-radius: {r["l"]}px;
    margin-top: {sp["xl"]}px; padding: {sp["m"]}px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: {sp["m"]}px; color: {s.muted}; }}
QToolButton#chatScrollToBottom {{ background: {s.surface}; border: 1px solid {s.border_strong};
    border-radius: 17px; }}
QToolButton#chatScrollToBottom:hover {{ background: {s.surface_alt}; border-color: {s.accent}; }}
QFrame[surface="composer"] {{ background: {s.base}; border: 1px solid {s.border_strong};
    border-radius: {r["l"]}px; }}
QFrame[surface="composer"][focused="true"] {{ border: 2px solid {s.accent}; }}
QFrame[surface="composer"] QPlainTextEdit, QFrame[surface="composer"] QPlainTextEdit:focus {{
    border: none; background: transparent; padding: {sp["m"]}px {sp["m"]}px 0 {sp["m"]}px; }}
QFrame[surface="chip"] {{ background: {s.accent_soft}; border: 1px solid {s.border};
    border-radius: {r["m"]}px; }}
QFrame[surface="chip"]:focus {{ border: 2px solid {s.accent}; }}
QFrame[surface="card"] {{ background: {s.surface}; border: 1px solid {s.border};
    border-radius: {r["l"]}px; }}
QMenu {{ background: {s.surface}; border: 1px solid {s.border_strong};
    border-radius: {r["m"]}px; padding: {sp["s"]}px; }}
QMenu::item {{ padding: {sp["s"] + 1}px {sp["xl"]}px; border-radius: {r["s"]}px; }}
QMenu::item:selected {{ background: {s.accent_soft}; color: {s.text}; }}
QMenu::separator {{ height: 1px; background: {s.border}; margin: {sp["s"]}px {sp["m"]}px; }}
QProgressBar {{ background: {s.surface_alt}; border: none; border-radius: 3px;
    height: 6px; text-align: center; color: transparent; }}
QProgressBar::chunk {{ background: {s.accent}; border-radius: 3px; }}

QStatusBar {{ border-top: 1px solid {s.border}; background: {s.window}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ padding: 0 {sp["m"] - 2}px; }}
QStatusBar QToolButton {{ padding: 0 {sp["m"] - 2}px; border: 1px solid transparent;
    background: transparent; }}
QStatusBar QToolButton:hover {{ background: {s.surface_alt}; border-color: {s.border}; }}

QFrame#messageBar {{ border-radius: {r["m"]}px; border: 1px solid transparent; }}
QFrame#messageBar QLabel#messageText {{ padding: {sp["xs"]}px 0; }}
QFrame#messageBar[level="error"] {{ background: {s.danger_soft}; border-color: {s.danger}; }}
QFrame#messageBar[level="notice"] {{ background: {s.warning_soft}; border-color: {s.warning}; }}
QFrame#messageBar[level="info"] {{ background: {s.info_soft}; border-color: {s.accent}; }}
QFrame#messageBar QLabel {{ color: {s.text}; }}

QLabel[role="hint"] {{ color: {s.muted}; }}
QLabel[role="title"] {{ font-size: {TYPE["title"]}pt; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: {TYPE["heading"]}pt; font-weight: 600; }}
QLabel[role="display"] {{ font-size: {TYPE["display"]}pt; font-weight: 600; }}
QLabel[role="warning"] {{ color: {s.warning}; }}
QLabel[role="error"] {{ color: {s.danger}; }}
QLabel[role="ok"] {{ color: {s.success}; }}
"""
