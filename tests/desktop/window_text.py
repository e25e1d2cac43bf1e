"""Every text a window shows, for the tests that check what a role may see."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


def window_strings(window: QWidget) -> list[str]:
    """Every text a window shows: title, labels, buttons, menus' actions, lists."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from widgets.worklist import WorklistView

    texts = [window.windowTitle()]
    texts += [label.text() for label in window.findChildren(QLabel)]
    texts += [button.text() for button in window.findChildren(QAbstractButton)]
    texts += [action.text() for action in window.findChildren(QAction)]
    for view in window.findChildren(WorklistView):
        texts += view.visible_texts()
    if isinstance(window, QMainWindow):
        texts.append(window.statusBar().currentMessage())
    return texts
