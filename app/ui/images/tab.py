"""The Images tab."""

from __future__ import annotations

from app.ui.widgets.placeholder_tab import PlaceholderTab


class ImagesTab(PlaceholderTab):
    OBJECT_NAME = "imageTab"
    ACCESSIBLE_NAME = "Images"
    MODEL_KIND = "image"
    MODEL_OBJECT_NAME = "imageModel"
    NOTE = "Generate images from a prompt: the generator arrives here."
