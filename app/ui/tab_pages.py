"""The pages of the main window's tabs, each built the first time it is needed.

Until a page is built its tab holds an empty placeholder; building swaps the real page in at
the same index (the current tab stays current). Reading ``pages[kind]`` builds that page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


class TabPages(Mapping[str, QWidget]):
    """Tab kind → page, built on first use by ``make(kind)``.

    Args:
        tabs: the tab widget holding one tab per kind, in ``kinds`` order.
        kinds: the tab kinds.
        make: builds the page of a kind (called at most once per kind).
    """

    def __init__(self, tabs: QTabWidget, kinds: list[str], make: Callable[[str], QWidget]) -> None:
        self._tabs = tabs
        self._kinds = list(kinds)
        self._make = make
        self._placeholders: dict[str, QWidget] = {}
        self._pages: dict[str, QWidget] = {}
        self.swapping = False

    # -- Mapping -------------------------------------------------------------------------

    def __getitem__(self, kind: str) -> QWidget:
        if kind not in self._kinds:
            raise KeyError(kind)
        return self.build(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    # -- building ------------------------------------------------------------------------

    def placeholder(self, kind: str) -> QWidget:
        """The empty page the tab of ``kind`` shows until its page is built."""
        page = self._placeholders.get(kind)
        if page is None:
            page = QWidget(self._tabs)
            page.setObjectName(f"{kind}TabPending")
            self._placeholders[kind] = page
        return page

    def kind_at(self, index: int) -> str:
        return self._kinds[index] if 0 <= index < len(self._kinds) else self._kinds[0]

    def built(self, kind: str) -> QWidget | None:
        """The page of ``kind`` if it has been built, else None (nothing is built)."""
        return self._pages.get(kind)

    def built_pages(self) -> list[QWidget]:
        return [self._pages[kind] for kind in self._kinds if kind in self._pages]

    def next_unbuilt(self) -> str | None:
        return next((kind for kind in self._kinds if kind not in self._pages), None)

    def build(self, kind: str) -> QWidget:
        """The page of ``kind``, built and swapped into its tab if it was not yet."""
        page = self._pages.get(kind)
        if page is not None:
            return page
        page = self._make(kind)
        self._pages[kind] = page
        placeholder = self._placeholders.pop(kind, None)
        index = self._tabs.indexOf(placeholder) if placeholder is not None else -1
        if index < 0:
            return page
        current = self._tabs.currentIndex()
        icon, title = self._tabs.tabIcon(index), self._tabs.tabText(index)
        self.swapping = True
        try:
            self._tabs.removeTab(index)
            self._tabs.insertTab(index, page, icon, title)
            self._tabs.setCurrentIndex(current)
        finally:
            self.swapping = False
        if placeholder is not None:
            placeholder.deleteLater()
        return page

    def build_all(self) -> None:
        for kind in self._kinds:
            self.build(kind)


class UnavailableTab(QWidget):
    """Stands in for a tab whose page could not be built, saying why in one sentence."""

    def __init__(self, kind: str, title: str, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{kind}TabUnavailable")
        self.setAccessibleName(title)
        self.reason = reason
        self.note = QLabel(f"The {title} tab could not be opened: {reason}", self)
        self.note.setObjectName(f"{kind}TabUnavailableNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
