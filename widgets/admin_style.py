"""The admin screens' dark frame, the same as the reading station's and its dialogs'."""

from __future__ import annotations

REFUSAL_COLOUR = "#ff7b6b"
INTACT_COLOUR = "#98c379"
BROKEN_ROW_BACKGROUND = "#6b2a25"

STYLE = (
    "QWidget#adminScreen, QDialog { background: #1e1f22; color: #d8d8d8; }"
    "QLabel { color: #d8d8d8; }"
    "QLabel#caption { color: #9a9ca3; }"
    "QTableWidget { background: #25262a; alternate-background-color: #2a2b30; "
    "color: #e2e2e2; gridline-color: #34353a; border: 1px solid #34353a; "
    "selection-background-color: #2d5d7b; selection-color: #ffffff; }"
    "QHeaderView::section { background: #2a2b2f; color: #b8b8b8; border: 0; "
    "border-bottom: 1px solid #3a3b40; padding: 4px 6px; }"
    "QLineEdit, QComboBox, QSpinBox { background: #2a2b2f; color: #f0f0f0; "
    "border: 1px solid #4a4c52; border-radius: 3px; padding: 3px 5px; }"
    "QLineEdit:focus, QComboBox:focus { border-color: #4f8fc0; }"
    "QComboBox QAbstractItemView { background: #2a2b2f; color: #f0f0f0; "
    "selection-background-color: #2d5d7b; }"
    "QPushButton { background: #2f3136; color: #e0e0e0; border: 1px solid #4a4c52; "
    "border-radius: 3px; padding: 5px 14px; }"
    "QPushButton:default { background: #2d5d7b; border-color: #4f8fc0; }"
    "QPushButton:disabled { background: #26272b; color: #6c6c6c; border-color: #34353a; }"
    "QTabWidget::pane { border: 1px solid #34353a; }"
    "QTabBar::tab { background: #26272b; color: #b8b8b8; padding: 6px 16px; }"
    "QTabBar::tab:selected { background: #2f3136; color: #f0f0f0; }"
    "QProgressBar { background: #2a2b2f; border: 1px solid #4a4c52; border-radius: 3px; "
    "color: #d8d8d8; max-height: 14px; }"
    "QProgressBar::chunk { background: #2d5d7b; }"
)
