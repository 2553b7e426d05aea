"""The window (PySide6 widgets). Importing it makes PySide6's import hook cheaper first."""

from app.ui import feature_scan

feature_scan.install()
