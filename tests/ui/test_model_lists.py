"""Model pickers: filled per kind at start, cached for offline use, searchable, remembered."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.api.types import ModelInfo, ModelKind
from app.storage.settings import load_settings
from app.ui.widgets.model_combo import ModelCombo
from tests.fake_api.catalog import CHAT, IMAGE, STT, TTS, default_catalog
from tests.ui.conftest import use_server

KIND_OF_TYPE = {CHAT: "chat", IMAGE: "image", STT: "stt", TTS: "tts"}
COMBO_NAMES = {"chat": "chatModel", "image": "imageModel", "stt": "sttModel", "tts": "ttsModel"}


def _catalog_ids() -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {kind: set() for kind in COMBO_NAMES}
    for item in default_catalog():
        ids[KIND_OF_TYPE[item["type"]]].add(item["id"])
    return ids


def _combo(window, kind: str) -> ModelCombo:
    return window.findChild(ModelCombo, COMBO_NAMES[kind])


def _filled(window) -> bool:
    return all(_combo(window, kind).model_ids() for kind in COMBO_NAMES)


def test_each_tab_gets_the_models_of_its_kind(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: _filled(window), timeout=5000)
    expected = _catalog_ids()
    for kind in COMBO_NAMES:
        assert set(_combo(window, kind).model_ids()) == expected[kind], kind
        assert _combo(window, kind).current_model_id() in expected[kind]
    assert len(fake_api.requests_to("/v1/models")) == 1


def test_the_cached_list_is_used_when_the_server_is_down(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    first = open_window()
    qtbot.waitUntil(lambda: _filled(first), timeout=5000)
    first.close()
    fake_api.stop()

    window = open_window()
    qtbot.waitUntil(lambda: _filled(window), timeout=5000)
    assert set(_combo(window, "chat").model_ids()) == _catalog_ids()["chat"]
    bar = window.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "saved" in bar.text, timeout=5000)
    assert bar.level == "notice"
    assert bar.action_text == "Retry"
    assert window.status.connection_state in ("offline", "no_key")


def test_with_no_server_and_no_cache_the_empty_pickers_say_why(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    fake_api.stop()
    window = open_window()
    combo = _combo(window, "tts")
    qtbot.waitUntil(
        lambda: "could not be reached" in combo.lineEdit().placeholderText(), timeout=5000
    )
    assert combo.model_ids() == []
    assert window.message_bar.isVisible()
    assert "could not be loaded" in window.message_bar.text


def test_the_chosen_model_is_remembered_per_tab(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: _filled(window), timeout=5000)
    combo = _combo(window, "image")
    target = sorted(_catalog_ids()["image"])[-1]
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), target)
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert combo.current_model_id() == target
    window.close()
    assert load_settings().last_models["image"] == target

    again = open_window()
    qtbot.waitUntil(lambda: _filled(again), timeout=5000)
    assert _combo(again, "image").current_model_id() == target


def _models() -> list[ModelInfo]:
    return [
        ModelInfo("openai/gpt-4o", ModelKind.CHAT, name="GPT-4o", developer="Open AI"),
        ModelInfo("openai/gpt-4o-mini", ModelKind.CHAT, name="GPT-4o mini", developer="Open AI"),
        ModelInfo("claude-sonnet-4", ModelKind.CHAT, name="Claude Sonnet 4", developer="Anthropic"),
        ModelInfo("local-llama", ModelKind.CHAT),
    ]


def test_the_picker_filters_by_substring_in_any_case(qtbot):
    combo = ModelCombo("chat")
    qtbot.addWidget(combo)
    combo.set_models(_models())
    completer = combo.completer()
    completer.setCompletionPrefix("MINI")
    found = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionModel().rowCount())
    ]
    assert found == ["GPT-4o mini · openai/gpt-4o-mini"]
    completer.setCompletionPrefix("sonnet")
    assert completer.completionModel().rowCount() == 1


def test_the_picker_groups_by_developer_and_accepts_any_typed_id(qtbot):
    combo = ModelCombo("chat")
    qtbot.addWidget(combo)
    combo.set_models(_models())
    rows = [combo.itemText(i) for i in range(combo.count())]
    assert rows[0] == "Anthropic"
    assert rows.index("Open AI") < rows.index("GPT-4o · openai/gpt-4o")
    assert rows[-2:] == ["Other", "local-llama"]
    assert not combo.model().item(0).isEnabled()

    combo.set_current_model_id("claude-sonnet-4")
    assert combo.currentText() == "Claude Sonnet 4 · claude-sonnet-4"
    assert combo.current_model_id() == "claude-sonnet-4"
    combo.setEditText("  someone/new-model-2  ")
    assert combo.current_model_id() == "someone/new-model-2"
