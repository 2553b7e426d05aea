"""Language and the options of the chosen model's family (punctuation, formatting, speakers)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.services.stt_families import SttChoices, SttFamily, family_for

AUTO = ""
LANGUAGES = (
    ("English", "en"),
    ("German", "de"),
    ("French", "fr"),
    ("Spanish", "es"),
    ("Italian", "it"),
    ("Portuguese", "pt"),
    ("Dutch", "nl"),
    ("Polish", "pl"),
    ("Ukrainian", "uk"),
    ("Russian", "ru"),
    ("Turkish", "tr"),
    ("Arabic", "ar"),
    ("Hindi", "hi"),
    ("Japanese", "ja"),
    ("Korean", "ko"),
    ("Chinese", "zh"),
)


class SttOptionsPanel(QWidget):
    """One row of controls; only those the model's family understands are enabled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.family: SttFamily = family_for("")
        self.language = QComboBox(self)
        self.language.setObjectName("sttLanguage")
        self.language.setAccessibleName("Language")
        self.language.setEditable(True)
        self.language.addItem("Auto-detect", AUTO)
        for name, code in LANGUAGES:
            self.language.addItem(f"{name} ({code})", code)
        self.language.setToolTip("Pick a language or type its code (BCP-47, e.g. en-GB).")
        self.punctuate = self._switch("sttPunctuate", "Punctuation", True)
        self.smart_format = self._switch("sttSmartFormat", "Smart formatting", True)
        self.smart_format.setToolTip("Numbers, dates and currencies written as people write them.")
        self.diarize = self._switch("sttDiarize", "Speaker labels", False)
        self.prompt = QLineEdit(self)
        self.prompt.setObjectName("sttPrompt")
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("Prompt: names, spellings, context")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.language.setMinimumContentsLength(14)
        self.language_label = QLabel("Language", self)
        self.language_label.setBuddy(self.language)
        layout.addWidget(self.language_label)
        layout.addWidget(self.language)
        for widget in (self.punctuate, self.smart_format, self.diarize):
            layout.addWidget(widget)
        layout.addWidget(self.prompt, 1)
        layout.addStretch(1)

    def _switch(self, name: str, text: str, checked: bool) -> QCheckBox:
        box = QCheckBox(text, self)
        box.setObjectName(name)
        box.setChecked(checked)
        return box

    def set_model(self, model: str) -> None:
        """Enable the controls ``model``'s family offers."""
        self.family = family_for(model)
        family = self.family
        self.language.setEnabled(family.language is not None)
        self.language.setItemText(0, "Auto-detect" if family.auto_language else "Server default")
        self.punctuate.setEnabled(family.punctuate is not None)
        self.smart_format.setEnabled(family.smart_format is not None)
        self.diarize.setEnabled(family.diarize is not None)
        self.prompt.setVisible(family.prompt is not None)
        tip = f"{family.label} models" if family.language is not None else "No options"
        self.setToolTip(f"Options for {tip}.")

    def language_code(self) -> str | None:
        """ "" for auto-detect, a code, or None when the family takes no language."""
        if self.family.language is None:
            return None
        text = self.language.currentText().strip()
        index = self.language.findText(text)
        if index >= 0:
            code = self.language.itemData(index)
        else:
            code = text.split("(")[-1].rstrip(")").strip() if "(" in text else text
        if code == AUTO and not self.family.auto_language:
            return None
        return code

    def choices(self) -> SttChoices:
        family = self.family
        return SttChoices(
            language=self.language_code(),
            punctuate=self.punctuate.isChecked() if family.punctuate else None,
            smart_format=self.smart_format.isChecked() if family.smart_format else None,
            diarize=self.diarize.isChecked() if family.diarize else None,
            prompt=self.prompt.text() if family.prompt else None,
        )
