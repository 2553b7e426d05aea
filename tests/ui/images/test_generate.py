"""Generating in the Images tab against the stand-in: the family form's request bodies, every
response shape, URL/base64/expiry, parallel cards, and each error as one sentence."""

from __future__ import annotations

import base64
import struct
import sys
import threading
import zlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton

from tests.fake_api import Fault, Reply
from tests.fake_api.media import png_bytes
from tests.ui.images.conftest import choose, sent_bodies, wait_done


def _result_images(card) -> list[QImage]:
    return [
        b.icon().pixmap(b.iconSize()).toImage()
        for b in card.findChildren(QPushButton, "imageResult")
    ]


def test_form_shows_only_the_family_controls_and_sends_them(qtbot, image_tab, fake_api):
    choose(image_tab, "stable-diffusion-v35-large")
    assert set(image_tab.params.fields) == {
        "num_images",
        "image_size",
        "seed",
        "num_inference_steps",
        "guidance_scale",
        "enable_safety_checker",
    }
    assert image_tab.negative_prompt.isVisible()
    image_tab.params.field("image_size").set_value({"width": 768, "height": 512})
    image_tab.params.field("seed").widget.setText("99")
    image_tab.params.field("guidance_scale").set_value(6.5)
    image_tab.negative_prompt.setPlainText("blurry")
    qtbot.keyClick(image_tab.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(image_tab.cards), timeout=2000)
    wait_done(qtbot, image_tab.cards[0])
    assert sent_bodies(fake_api) == [
        {
            "model": "stable-diffusion-v35-large",
            "prompt": "a red fox in snow",
            "num_images": 1,
            "image_size": {"width": 768, "height": 512},
            "negative_prompt": "blurry",
            "seed": 99,
            "guidance_scale": 6.5,
            "enable_safety_checker": True,
        }
    ]
    (image,) = _result_images(image_tab.cards[0])
    assert image.width() / image.height() == pytest.approx(768 / 512, rel=0.05)

    choose(image_tab, "dall-e-3")
    assert set(image_tab.params.fields) == {"n", "size", "quality", "style", "response_format"}
    assert not image_tab.negative_prompt.isVisible()
    assert image_tab.params.field("n").widget.maximum() == 1


def test_unknown_model_gets_count_size_and_checked_extra_json(qtbot, image_tab, fake_api):
    choose(image_tab, "vendor/brand-new-model")
    assert set(image_tab.params.fields) == {"n", "size", "extra"}
    image_tab.params.field("extra").set_value('{"cfg": 3')
    assert image_tab.generate() is None
    assert "not valid JSON" in image_tab.message_bar.text
    assert sent_bodies(fake_api) == []
    assert image_tab.params.field("extra").value() == '{"cfg": 3'
    image_tab.params.field("extra").set_value('{"cfg": 3}')
    wait_done(qtbot, image_tab.generate())
    assert sent_bodies(fake_api)[-1] == {
        "model": "vendor/brand-new-model",
        "prompt": "a red fox in snow",
        "n": 1,
        "size": "1024x1024",
        "cfg": 3,
    }


@pytest.mark.parametrize("shape", ["data_url", "data_b64", "images", "both", "legacy", "data_uri"])
def test_every_response_shape_shows_its_images(qtbot, image_tab, fake_api, shape):
    fake_api.options.image_shape = shape
    choose(image_tab, "dall-e-2")
    image_tab.params.field("n").set_value(2)
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    images = _result_images(card)
    assert len(images) == 2 and all(not i.isNull() for i in images)
    assert images[0] != images[1]
    assert image_tab.gallery_model.rowCount() == 2
    downloads = fake_api.requests_to("/files/")
    assert len(downloads) == (2 if shape in ("data_url", "images", "both") else 0)


def test_seed_revised_prompt_and_cost_are_shown(qtbot, image_tab, fake_api):
    choose(image_tab, "dall-e-3")
    card = image_tab.generate()
    wait_done(qtbot, card)
    info = card.findChild(QPushButton, "imageResult").parent().findChildren(type(card.status))
    text = " ".join(label.text() for label in info)
    assert "64 × 64" in text and "Revised prompt" not in text  # the stand-in echoes the prompt
    assert "$" in card.status.text()
    choose(image_tab, "imagen-3.0-generate-002")
    image_tab.params.field("seed").widget.setText("1234")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert image_tab.gallery_model.record(0).seed == 1234


def test_parallel_generations_one_failing(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images", Fault.delay(0.8), Fault.error(422, "num_images: too many"))
    choose(image_tab, "flux/schnell", "slow one")
    slow = image_tab.generate()
    qtbot.waitUntil(lambda: len(fake_api.requests_to("/v1/images")) == 1, timeout=3000)
    choose(image_tab, "flux/schnell", "failing one")
    failing = image_tab.generate()
    assert image_tab.running_generations() == 2
    wait_done(qtbot, failing)
    assert failing.state == "failed" and "too many" in failing.status.text()
    assert slow.state == "running"
    assert slow.elapsed.text().startswith("0:")
    wait_done(qtbot, slow)
    assert slow.state == "done" and len(_result_images(slow)) == 1
    assert image_tab.gallery_model.rowCount() == 1


def test_cancel_stops_one_card_and_stores_nothing(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images", Fault.delay(1.0))
    choose(image_tab, "flux/schnell")
    card = image_tab.generate()
    qtbot.waitUntil(lambda: len(fake_api.requests_to("/v1/images")) == 1, timeout=3000)
    qtbot.mouseClick(card.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, card)
    assert card.state == "cancelled"
    qtbot.wait(1300)
    assert image_tab.gallery_model.total() == 0


def _threads_inside_image_request() -> list[str]:
    """Names of the threads whose stack is inside ``ImagesApi.generate`` right now."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    inside = []
    for ident, frame in sys._current_frames().items():
        while frame is not None:
            code = frame.f_code
            if code.co_name == "generate" and code.co_filename.endswith("api/images.py"):
                inside.append(names.get(ident, str(ident)))
                break
            frame = frame.f_back
    return inside


def test_cancel_ends_the_request_on_its_worker_thread(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images/generations", Fault.delay(10))
    choose(image_tab, "flux/schnell")
    card = image_tab.generate()
    qtbot.waitUntil(lambda: len(fake_api.requests_to("/v1/images")) == 1, timeout=3000)
    qtbot.waitUntil(lambda: len(_threads_inside_image_request()) == 1, timeout=2000)
    qtbot.mouseClick(card.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, card)
    assert card.state == "cancelled"
    qtbot.waitUntil(lambda: _threads_inside_image_request() == [], timeout=1500)
    assert len(fake_api.requests_to("/v1/images")) == 1


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    chunk += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64


def _b64_reply(data: bytes) -> Reply:
    return Reply(json={"data": [{"b64_json": base64.b64encode(data).decode()}]})


REFUSED = "The model refused this prompt under its content policy: "
CONTENT_POLICY = (
    '400 {"error":{"code":"content_policy_violation","message":"Your request was rejected as '
    'a result of our safety system."}}'
)


@pytest.mark.parametrize(
    ("script", "words"),
    [
        (Fault.error(400, "image_size: Expected object"), "refused as invalid"),
        (Fault.error(400, CONTENT_POLICY), "safety system"),
        (Fault.error(400, CONTENT_POLICY), REFUSED),
        (Fault.error(422, "The prompt violates Google's Responsible AI practices."), REFUSED),
        (
            Reply(json={"data": [{"url": None, "b64_json": None, "content_violation": True}]}),
            REFUSED,
        ),
        (Reply(json={"data": []}), "no image"),
        (_b64_reply(b"\x89PNG\r\n\x1a\n garbage that is not a png"), "damaged"),
        (_b64_reply(b"plain text, not an image at all"), "not a PNG, JPEG, WebP or GIF"),
        (_b64_reply(_png_header_only(100_000, 100_000)), "100000 × 100000"),
    ],
)
def test_errors_are_one_sentence_and_keep_the_form(qtbot, image_tab, fake_api, script, words):
    fake_api.script("/v1/images", script)
    choose(image_tab, "flux/dev", "keep this prompt")
    image_tab.params.field("seed").widget.setText("5")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "failed"
    assert words in card.status.text()
    assert "Traceback" not in card.status.text()
    assert image_tab.prompt.toPlainText() == "keep this prompt"
    assert image_tab.params.field("seed").value() == 5
    assert image_tab.gallery_model.total() == 0


def _fal_reply(flags: list[bool]) -> Reply:
    uri = "data:image/png;base64," + base64.b64encode(png_bytes(32, 32, 1)).decode()
    images = [{"url": uri, "width": 32, "height": 32} for _ in flags]
    return Reply(json={"images": images, "has_nsfw_concepts": flags, "seed": 1})


def test_every_image_flagged_unsafe_is_a_refusal_and_nothing_is_kept(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images", _fal_reply([True, True]))
    choose(image_tab, "flux/dev", "keep this prompt")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "failed"
    assert card.status.text().startswith(REFUSED)
    assert "safety checker" in card.status.text()
    assert image_tab.gallery_model.total() == 0


def test_some_images_flagged_unsafe_keeps_the_others_with_a_note(qtbot, image_tab, fake_api):
    fake_api.script("/v1/images", _fal_reply([True, False]))
    choose(image_tab, "flux/dev")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done"
    assert "flagged 1 image" in card.status.text()
    assert REFUSED not in card.status.text()


def test_expired_link_says_so(qtbot, image_tab, fake_api):
    fake_api.options.image_expired = True
    choose(image_tab, "dall-e-3")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert "expired" in card.status.text()


def test_oversized_download_is_refused_before_decoding(qtbot, image_tab, fake_api):
    image_tab.services.images.max_image_bytes = 1000
    big = png_bytes(64, 64, 3) + b"\x00" * 2000
    fake_api.script("/v1/images", _b64_reply(big))
    choose(image_tab, "flux/dev")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert "MB" in card.status.text() and card.state == "failed"


@pytest.mark.parametrize(
    ("model", "setup", "words"),
    [
        ("flux/dev", lambda tab: tab.prompt.setPlainText("   "), "prompt is empty"),
        (
            "flux/dev",
            lambda tab: tab.params.field("image_size").set_value({"width": 1000, "height": 512}),
            "multiple of 32",
        ),
        ("vendor/x", lambda tab: tab.params.field("size").set_value("20000x20000"), "out of range"),
    ],
)
def test_bad_input_is_refused_before_sending(qtbot, image_tab, fake_api, model, setup, words):
    choose(image_tab, model)
    setup(image_tab)
    assert image_tab.generate() is None
    assert words in image_tab.message_bar.text
    assert sent_bodies(fake_api) == []


def test_set_prompt_fills_the_prompt(image_tab):
    image_tab.set_prompt("a lighthouse at dusk\nin oil paint")
    assert image_tab.prompt.toPlainText() == "a lighthouse at dusk\nin oil paint"
