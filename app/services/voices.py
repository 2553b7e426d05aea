"""Text-to-speech model families: where the voice goes, which voices exist, options and limits.

One table (``FAMILIES``) says for every family how a request carries the voice — inside the
model id (Deepgram Aura ``#g1_aura-<voice>-<lang>``), as ``voice``, as
``voice_setting.voice_id`` (MiniMax) or as ``speakers[{preset}]`` with a ``script``
(VibeVoice) — plus the family's voices, its options, its text limit per request, how many
requests may run at once, and a price per 1,000 characters where one is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.api.errors import InvalidInputError

FEMALE, MALE = "female", "male"

# How the voice travels in the request body.
VOICE_IN_MODEL = "model"
VOICE_PARAM = "voice"
VOICE_SETTING = "voice_setting"
VOICE_SPEAKERS = "speakers"


@dataclass(frozen=True)
class Voice:
    """One voice of a family; ``model`` is set when the voice is its own model id (Aura)."""

    id: str
    language: str = ""
    gender: str = ""
    model: str = ""

    @property
    def label(self) -> str:
        facts = [fact for fact in (self.language, self.gender) if fact]
        return f"{self.id} ({', '.join(facts)})" if facts else self.id


@dataclass(frozen=True)
class VoiceOption:
    """A request option shown for a family.

    ``path`` is where the value goes in the body (``("voice_setting", "speed")``). A choice
    whose value is "" and a number equal to its default are left out of the body, so the
    server's own default applies.
    """

    name: str
    label: str
    path: tuple[str, ...]
    choices: tuple[str, ...] = ()
    default: str | float = ""
    minimum: float = 0.0
    maximum: float = 0.0
    step: float = 0.1

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)


@dataclass(frozen=True)
class VoiceFamily:
    key: str
    label: str
    voice_style: str
    voices: tuple[Voice, ...] = ()
    default_voice: str = ""
    closed_voice_list: bool = False
    options: tuple[VoiceOption, ...] = ()
    text_limit: int = 2000
    parallel: int = 2
    prices: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    def voice(self, voice_id: str) -> Voice | None:
        wanted = voice_id.casefold()
        return next((v for v in self.voices if v.id.casefold() == wanted), None)

    def price_per_1k(self, model: str) -> float | None:
        """USD per 1,000 characters for ``model`` (longest matching prefix), or None."""
        lowered = model.lower()
        matches = [(len(prefix), usd) for prefix, usd in self.prices if lowered.startswith(prefix)]
        return max(matches)[1] if matches else None


# -- voices -------------------------------------------------------------------------------------

_AURA1_VOICES = {
    "asteria": FEMALE, "luna": FEMALE, "stella": FEMALE, "athena": FEMALE, "hera": FEMALE,
    "orion": MALE, "arcas": MALE, "perseus": MALE, "angus": MALE, "orpheus": MALE,
    "helios": MALE, "zeus": MALE,
}  # fmt: skip
_AURA2_EN_VOICES = {
    "thalia": FEMALE, "andromeda": FEMALE, "helena": FEMALE, "apollo": MALE, "arcas": MALE,
    "aries": MALE, "amalthea": FEMALE, "asteria": FEMALE, "athena": FEMALE, "atlas": MALE,
    "aurora": FEMALE, "callista": FEMALE, "cora": FEMALE, "cordelia": FEMALE, "delia": FEMALE,
    "draco": MALE, "electra": FEMALE, "harmonia": FEMALE, "hera": FEMALE, "hermes": MALE,
    "hyperion": MALE, "iris": FEMALE, "juno": FEMALE, "jupiter": MALE, "luna": FEMALE,
    "mars": MALE, "minerva": FEMALE, "neptune": MALE, "odysseus": MALE, "ophelia": FEMALE,
    "orion": MALE, "orpheus": MALE, "pandora": FEMALE, "phoebe": FEMALE, "pluto": MALE,
    "saturn": MALE, "selene": FEMALE, "theia": FEMALE, "vesta": FEMALE, "zeus": MALE,
}  # fmt: skip
_AURA2_ES_VOICES = {
    "celeste": FEMALE, "estrella": FEMALE, "nestor": MALE, "sirio": MALE, "carina": FEMALE,
    "alvaro": MALE, "diana": FEMALE, "aquila": MALE, "selena": FEMALE, "javier": MALE,
}  # fmt: skip
_LANGUAGES = {"en": "English", "es": "Spanish", "zh": "Chinese", "de": "German", "fr": "French"}
_AURA_ID = re.compile(r"^#g1_aura-(?:(?P<gen>2)-)?(?P<voice>[a-z]+)-(?P<lang>[a-z]{2})$")

OPENAI_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse",
)  # fmt: skip
_OPENAI_CLASSIC_VOICES = (
    "alloy",
    "ash",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
)
_ELEVENLABS_VOICES = {
    "Rachel": FEMALE, "Aria": FEMALE, "Sarah": FEMALE, "Laura": FEMALE, "Charlotte": FEMALE,
    "Alice": FEMALE, "Matilda": FEMALE, "Jessica": FEMALE, "Lily": FEMALE, "Roger": MALE,
    "Charlie": MALE, "George": MALE, "Callum": MALE, "Liam": MALE, "Will": MALE, "Eric": MALE,
    "Chris": MALE, "Brian": MALE, "Daniel": MALE, "Bill": MALE, "River": "",
}  # fmt: skip
_MINIMAX_VOICES = (
    "Wise_Woman", "Friendly_Person", "Inspirational_girl", "Deep_Voice_Man", "Calm_Woman",
    "Casual_Guy", "Lively_Girl", "Patient_Man", "Young_Knight", "Determined_Man",
    "Lovely_Girl", "Decent_Boy", "Imposing_Manner", "Elegant_Man", "Abbess",
    "Sweet_Girl_2", "Exuberant_Girl",
)  # fmt: skip
_VIBEVOICE_PRESETS = {
    "Alice [EN]": FEMALE, "Carter [EN]": MALE, "Frank [EN]": MALE, "Maya [EN]": FEMALE,
    "Mary [EN] (Background Music)": FEMALE, "Bowen [ZH]": "", "Xinran [ZH]": "",
    "Anchen [ZH] (Background Music)": "",
}  # fmt: skip
_MAI_VOICES = {
    "en-US-AvaNeural": FEMALE, "en-US-AndrewNeural": MALE, "en-US-EmmaNeural": FEMALE,
    "en-US-BrianNeural": MALE, "en-US-JennyNeural": FEMALE, "en-US-GuyNeural": MALE,
}  # fmt: skip
_GENDER_WORDS = {"woman": FEMALE, "girl": FEMALE, "man": MALE, "guy": MALE, "boy": MALE}


def _aura_voices(generation: str) -> tuple[Voice, ...]:
    prefix = "#g1_aura-2-" if generation == "2" else "#g1_aura-"
    tables = [(_AURA2_EN_VOICES, "en"), (_AURA2_ES_VOICES, "es")] if generation == "2" else []
    tables = tables or [(_AURA1_VOICES, "en")]
    return tuple(
        Voice(name, _LANGUAGES[lang], gender, model=f"{prefix}{name}-{lang}")
        for table, lang in tables
        for name, gender in table.items()
    )


def _gender_from_words(voice_id: str) -> str:
    words = re.split(r"[_\s-]+", voice_id.lower())
    return next((_GENDER_WORDS[w] for w in words if w in _GENDER_WORDS), "")


def _language_from_tag(voice_id: str) -> str:
    bracket = re.search(r"\[([A-Z]{2})\]", voice_id)
    locale = re.match(r"^([a-z]{2})-[A-Z]{2}-", voice_id)
    code = (bracket.group(1).lower() if bracket else "") or (locale.group(1) if locale else "")
    return _LANGUAGES.get(code, code.upper())


def _named(table: dict[str, str] | Iterable[str], *, words: bool = False) -> tuple[Voice, ...]:
    items = table.items() if isinstance(table, dict) else ((name, "") for name in table)
    return tuple(
        Voice(name, _language_from_tag(name), gender or (_gender_from_words(name) if words else ""))
        for name, gender in items
    )


# -- options ------------------------------------------------------------------------------------

_SPEED = VoiceOption("speed", "Speed", ("speed",), default=1.0, minimum=0.25, maximum=4.0)
_AURA_OPTIONS = (
    VoiceOption(
        "encoding",
        "Encoding",
        ("encoding",),
        choices=("", "linear16", "mp3", "flac", "opus", "aac", "mulaw", "alaw"),
    ),
    VoiceOption(
        "sample_rate",
        "Sample rate",
        ("sample_rate",),
        choices=("", "8000", "16000", "24000", "32000", "48000"),
    ),
)
_OPENAI_OPTIONS = (
    _SPEED,
    VoiceOption(
        "response_format",
        "Format",
        ("response_format",),
        choices=("", "mp3", "wav", "flac", "opus", "aac"),
    ),
)
_ELEVENLABS_OPTIONS = (
    VoiceOption(
        "speed", "Speed", ("voice_settings", "speed"), default=1.0, minimum=0.7, maximum=1.2
    ),
    VoiceOption(
        "output_format",
        "Format",
        ("output_format",),
        choices=("", "mp3_44100_128", "mp3_44100_64", "mp3_22050_32", "opus_48000_64"),
    ),
)
_MINIMAX_OPTIONS = (
    VoiceOption(
        "speed", "Speed", ("voice_setting", "speed"), default=1.0, minimum=0.5, maximum=2.0
    ),
    VoiceOption("format", "Format", ("audio_setting", "format"), choices=("", "mp3", "flac")),
    VoiceOption(
        "sample_rate",
        "Sample rate",
        ("audio_setting", "sample_rate"),
        choices=("", "16000", "24000", "32000", "44100"),
    ),
)
_VIBEVOICE_OPTIONS = (
    VoiceOption("cfg_scale", "Guidance", ("cfg_scale",), default=1.3, minimum=0.1, maximum=2.0),
)
_FORMAT_OPTION = VoiceOption("format", "Format", ("format",), choices=("", "wav", "mp3"))

# -- the table ----------------------------------------------------------------------------------

AURA = VoiceFamily(
    "aura", "Deepgram Aura", VOICE_IN_MODEL, _aura_voices("1"), "asteria", True,
    _AURA_OPTIONS, 2000, 3, (("#g1_aura", 0.015),),
)  # fmt: skip
AURA2 = VoiceFamily(
    "aura-2", "Deepgram Aura 2", VOICE_IN_MODEL, _aura_voices("2"), "thalia", True,
    _AURA_OPTIONS, 2000, 3, (("#g1_aura-2", 0.030),),
)  # fmt: skip
AURA_PARAM = VoiceFamily(
    "deepgram", "Deepgram Aura", VOICE_PARAM, _aura_voices("2"), "thalia", True,
    _AURA_OPTIONS, 2000, 3, (("deepgram/aura", 0.015), ("deepgram/aura-2", 0.030)),
)  # fmt: skip
OPENAI = VoiceFamily(
    "openai", "OpenAI", VOICE_PARAM, _named(OPENAI_VOICES), "alloy", True,
    _OPENAI_OPTIONS, 4096, 3, (("openai/tts-1", 0.015), ("openai/tts-1-hd", 0.030)),
)  # fmt: skip
ELEVENLABS = VoiceFamily(
    "elevenlabs", "ElevenLabs", VOICE_PARAM, _named(_ELEVENLABS_VOICES), "Rachel", False,
    _ELEVENLABS_OPTIONS, 5000, 2,
)  # fmt: skip
MINIMAX = VoiceFamily(
    "minimax", "MiniMax", VOICE_SETTING, _named(_MINIMAX_VOICES, words=True), "Wise_Woman",
    False, _MINIMAX_OPTIONS, 5000, 2,
    (("minimax/speech-2.5-hd", 0.10), ("minimax/speech-2.6-hd", 0.10),
     ("minimax/speech-2.8-hd", 0.10), ("minimax/speech-2.5-turbo", 0.06),
     ("minimax/speech-2.6-turbo", 0.06), ("minimax/speech-2.8-turbo", 0.06)),
)  # fmt: skip
VIBEVOICE = VoiceFamily(
    "vibevoice", "VibeVoice", VOICE_SPEAKERS, _named(_VIBEVOICE_PRESETS), "Alice [EN]", False,
    _VIBEVOICE_OPTIONS, 5000, 1,
)  # fmt: skip
MAI = VoiceFamily(
    "mai", "Microsoft MAI", VOICE_PARAM, _named(_MAI_VOICES), "en-US-AvaNeural", False,
    (VoiceOption("response_format", "Format", ("response_format",), choices=("", "mp3", "wav")),),
    3000, 2,
)  # fmt: skip
QWEN = VoiceFamily(
    "qwen", "Qwen TTS", VOICE_PARAM,
    _named({"Cherry": FEMALE, "Ethan": MALE, "Jennifer": FEMALE, "Ryan": MALE}), "Cherry",
    False, (), 600, 2,
)  # fmt: skip
INWORLD = VoiceFamily(
    "inworld", "Inworld", VOICE_PARAM,
    _named({"Ashley": FEMALE, "Dennis": MALE, "Alex": MALE, "Olivia": FEMALE, "Mark": MALE}),
    "Ashley", False, (_FORMAT_OPTION,), 2000, 2,
)  # fmt: skip
GENERIC = VoiceFamily(
    "other", "Other", VOICE_PARAM, (), "", False, (_FORMAT_OPTION,), 2000, 2
)  # fmt: skip

FAMILIES = (AURA2, AURA, AURA_PARAM, OPENAI, ELEVENLABS, MINIMAX, VIBEVOICE, MAI, QWEN, INWORLD)
_FAMILY_PREFIXES = (
    ("#g1_aura-2-", AURA2),
    ("#g1_aura-", AURA),
    ("aura-2-", AURA2),
    ("aura-", AURA),
    ("deepgram/", AURA_PARAM),
    ("openai/", OPENAI),
    ("tts-1", OPENAI),
    ("gpt-4o-mini-tts", OPENAI),
    ("elevenlabs/", ELEVENLABS),
    ("minimax/", MINIMAX),
    ("microsoft/vibevoice", VIBEVOICE),
    ("microsoft/mai-voice", MAI),
    ("alibaba/qwen", QWEN),
    ("inworld/", INWORLD),
    ("hume/", INWORLD),
)


def family_for(model: str) -> VoiceFamily:
    """The family of ``model`` (``GENERIC`` when unknown)."""
    lowered = model.strip().lower()
    return next((fam for prefix, fam in _FAMILY_PREFIXES if lowered.startswith(prefix)), GENERIC)


def voice_in_model(model: str) -> str:
    """The voice named inside an Aura model id (``#g1_aura-2-thalia-en`` → ``thalia``)."""
    match = _AURA_ID.match(model.strip().lower())
    return match.group("voice") if match else ""


def voices_for(model: str, listed_models: Iterable[str] = ()) -> list[Voice]:
    """The voices to offer for ``model``: the family's table plus Aura voices the list has."""
    family = family_for(model)
    voices = list(family.voices)
    if family.voice_style != VOICE_IN_MODEL:
        return voices
    known = {v.model for v in voices}
    for listed in listed_models:
        match = _AURA_ID.match(listed.lower())
        if not match or listed in known or family_for(listed) is not family:
            continue
        name, lang = match.group("voice"), match.group("lang")
        gender = (_AURA2_EN_VOICES | _AURA2_ES_VOICES | _AURA1_VOICES).get(name, "")
        voices.append(Voice(name, _LANGUAGES.get(lang, lang.upper()), gender, model=listed))
        known.add(listed)
    return voices


def default_voice(model: str) -> str:
    """The voice a request uses when none is picked (the Aura model's own voice)."""
    return voice_in_model(model) or family_for(model).default_voice


def check_voice(model: str, voice: str) -> None:
    """Refuse a voice that the model's family does not have (only for closed lists).

    Raises:
        InvalidInputError: with a sentence naming the model and a few of its voices.
    """
    family = family_for(model)
    if not voice or not family.closed_voice_list:
        return
    if family.voice(voice) is not None and _voice_fits_model(model, voice):
        return
    names = ", ".join(v.id for v in family.voices[:6])
    raise InvalidInputError(
        f"The model {model} has no voice called {voice!r}; pick one of its voices ({names}, …)."
    )


def _voice_fits_model(model: str, voice: str) -> bool:
    lowered = model.lower()
    if lowered.startswith("openai/tts-1") or lowered.startswith("tts-1"):
        return voice.lower() in _OPENAI_CLASSIC_VOICES
    return True


def request_model(model: str, voice: str) -> str:
    """The model id to send: for Aura, the model of the chosen voice."""
    family = family_for(model)
    if family.voice_style != VOICE_IN_MODEL or not voice:
        return model
    chosen = family.voice(voice)
    current = _AURA_ID.match(model.lower())
    if chosen is None or current is None:
        return model
    if current.group("voice") == chosen.id:
        return model
    return chosen.model


def _put(body: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    node = body
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _option_value(option: VoiceOption, value: object) -> object | None:
    if option.is_choice:
        return value if isinstance(value, str) and value else None
    if not isinstance(value, int | float) or abs(float(value) - float(option.default)) < 1e-9:
        return None
    return round(float(value), 3)


def build_body(
    model: str, text: str, voice: str = "", options: dict[str, object] | None = None
) -> dict[str, Any]:
    """The ``POST /v1/tts`` body in the family's own terms.

    Raises:
        InvalidInputError: the voice is not one the model has.
    """
    family = family_for(model)
    voice = voice.strip()
    check_voice(model, voice)
    body: dict[str, Any] = {"model": request_model(model, voice)}
    if family.voice_style == VOICE_SPEAKERS:
        stripped = text.lstrip()
        body["script"] = text if stripped.lower().startswith("speaker") else f"Speaker 1: {text}"
        body["speakers"] = [{"preset": voice or family.default_voice}]
    else:
        body["text"] = text
    if voice and family.voice_style == VOICE_PARAM:
        body["voice"] = voice
    elif voice and family.voice_style == VOICE_SETTING:
        body["voice_setting"] = {"voice_id": voice}
    for option in family.options:
        value = _option_value(option, (options or {}).get(option.name))
        if value is not None:
            _put(body, option.path, value)
    return body


def estimate_cost(model: str, characters: int) -> float | None:
    """USD for ``characters`` of text, or None when the family's price is not known."""
    price = family_for(model).price_per_1k(model)
    return None if price is None else price * characters / 1000
