"""The models the engine knows by name, with their canonical sources.

Every file is pinned twice: by the revision in its URL (a commit or release tag) and by
its digest (SHA-256; for Piper's voices the size and MD5 that Piper's own list gives,
piper_voices.py), so a download is either exactly the file listed or an error.
"""

from __future__ import annotations

from .model_spec import (
    HUGGING_FACE,
    MULTILINGUAL,
    ModelFile,
    ModelKind,
    ModelSpec,
)
from .piper_voices import voice_specs

# What a model is lives in model_spec.py; the catalog hands those names on to its importers.
__all__ = ["HUGGING_FACE", "MULTILINGUAL", "ModelFile", "ModelKind", "ModelSpec"]

PROJECT = ("Indoor Voice", "https://github.com/indoor-voice/indoor-voice")
"""Who made the programs (name, URL), as they attribute themselves to Wyoming clients."""

GITHUB = "https://github.com"

_TINY_EN_REVISION = "0d3d19a32d3338f10357c0889762bd8d64bbdeba"
_BASE_REVISION = "ebe41f70d5b6dfa9166e2c581c45c9c0cfc57b66"
_SMALL_REVISION = "536b0662742c02347bc0e980a01041f333bce120"
# Whisper's multilingual tokenizer and vocabulary, the same file in base, base-int8 and small.
_TOKENIZER = (
    "tokenizer.json",
    "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    2203239,
)
_VOCABULARY = (
    "vocabulary.txt",
    "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    459861,
)
_PIPER_VOICES_REVISION = "v1.0.0"
_OPENWAKEWORD_RELEASE = "v0.5.1"


def _hf(repo: str, revision: str, path: str) -> str:
    return f"{HUGGING_FACE}/{repo}/resolve/{revision}/{path}"


def _oww(file: str) -> str:
    return f"{GITHUB}/dscripka/openWakeWord/releases/download/{_OPENWAKEWORD_RELEASE}/{file}"


def _systran(
    name: str, revision: str, files: tuple[tuple[str, str, int], ...], description: str
) -> ModelSpec:
    """A multilingual faster-whisper model of Systran's, pinned by commit and SHA-256."""
    repo = f"Systran/faster-whisper-{name}"
    return ModelSpec(
        name=name,
        kind=ModelKind.STT,
        files=tuple(
            ModelFile(file, _hf(repo, revision, file), sha, size) for file, sha, size in files
        ),
        languages=MULTILINGUAL,
        description=description,
        attribution=("Systran", f"{HUGGING_FACE}/{repo}"),
        version=revision[:12],
        aliases=(repo,),
    )


def _wake(name: str, file: str, sha256: str, size: int, phrase: str) -> ModelSpec:
    return ModelSpec(
        name=name,
        kind=ModelKind.WAKE,
        files=(ModelFile(file, _oww(file), sha256, size),),
        languages=("en",),
        description=phrase,
        attribution=("dscripka", "https://github.com/dscripka/openWakeWord"),
        version=_OPENWAKEWORD_RELEASE,
        phrase=phrase,
    )


WAKE_FEATURES = ModelSpec(
    name="openwakeword-features",
    kind=ModelKind.WAKE,
    files=(
        ModelFile(
            "melspectrogram.onnx",
            _oww("melspectrogram.onnx"),
            "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
            1087958,
        ),
        ModelFile(
            "embedding_model.onnx",
            _oww("embedding_model.onnx"),
            "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f",
            1326578,
        ),
    ),
    languages=(),
    description="openWakeWord audio features (mel spectrogram and speech embedding)",
    attribution=("dscripka", "https://github.com/dscripka/openWakeWord"),
    version=_OPENWAKEWORD_RELEASE,
)

CATALOG: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="tiny.en",
        kind=ModelKind.STT,
        files=tuple(
            ModelFile(
                name, _hf("Systran/faster-whisper-tiny.en", _TINY_EN_REVISION, name), sha, size
            )
            for name, sha, size in (
                (
                    "config.json",
                    "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                    2317,
                ),
                (
                    "model.bin",
                    "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                    75537502,
                ),
                (
                    "tokenizer.json",
                    "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                    2128466,
                ),
                (
                    "vocabulary.txt",
                    "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                    422309,
                ),
            )
        ),
        languages=("en",),
        description="Whisper tiny.en (faster-whisper, CTranslate2)",
        attribution=("Systran", "https://huggingface.co/Systran/faster-whisper-tiny.en"),
        version=_TINY_EN_REVISION[:12],
        aliases=("Systran/faster-whisper-tiny.en",),
    ),
    ModelSpec(
        # Content-pinned: each file's SHA-256 is fixed here, the repository revision is "main".
        name="base-int8",
        kind=ModelKind.STT,
        files=(
            ModelFile(
                "config.json",
                _hf("rhasspy/faster-whisper-base-int8", "main", "config.json"),
                "c9dee3d675c31c3763c1ee3c9e7235050e877dadd9002c5b3c60366e3d81da2a",
            ),
            ModelFile(
                "model.bin",
                _hf("rhasspy/faster-whisper-base-int8", "main", "model.bin"),
                "ae13f74db4d23c2746863880e87f15bf780bd2ee0a8b9c7dd967b9343a227081",
            ),
            ModelFile(
                "vocabulary.txt",
                _hf("rhasspy/faster-whisper-base-int8", "main", "vocabulary.txt"),
                "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
            ),
            ModelFile(
                # Without it faster-whisper would fetch a tokenizer from the hub at load time.
                "tokenizer.json",
                _hf("Systran/faster-whisper-base", "main", "tokenizer.json"),
                "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            ),
        ),
        languages=MULTILINGUAL,
        description="Whisper base, int8 (faster-whisper, CTranslate2)",
        attribution=("rhasspy", "https://huggingface.co/rhasspy/faster-whisper-base-int8"),
        version="main",
        aliases=("rhasspy/faster-whisper-base-int8",),
    ),
    _systran(
        "base",
        _BASE_REVISION,
        (
            (
                "config.json",
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                2309,
            ),
            (
                "model.bin",
                "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
                145217532,
            ),
            _TOKENIZER,
            _VOCABULARY,
        ),
        "Whisper base, multilingual (faster-whisper, CTranslate2)",
    ),
    # For stronger machines: three times the parameters of base (244 M), fewer mistakes, slower.
    # Its checksums are those public records give for this commit; no copy of it installs
    # here, so the first download is what verifies them.
    _systran(
        "small",
        _SMALL_REVISION,
        (
            (
                "config.json",
                "b55496ac7940a7ae47d2c01eab40edfd8701feec1229d9cce3b40014383fb828",
                2370,
            ),
            (
                "model.bin",
                "3e305921506d8872816023e4c273e75d2419fb89b24da97b4fe7bce14170d671",
                483546902,
            ),
            _TOKENIZER,
            _VOCABULARY,
        ),
        "Whisper small, multilingual (faster-whisper, CTranslate2)",
    ),
    ModelSpec(
        name="en_US-joe-medium",
        kind=ModelKind.TTS,
        files=tuple(
            ModelFile(
                name,
                _hf(
                    "rhasspy/piper-voices",
                    _PIPER_VOICES_REVISION,
                    f"en/en_US/joe/medium/{name}",
                ),
                sha,
                size,
            )
            for name, sha, size in (
                (
                    "en_US-joe-medium.onnx",
                    "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
                    63201294,
                ),
                (
                    "en_US-joe-medium.onnx.json",
                    "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
                    4794,
                ),
            )
        ),
        languages=("en_US",),
        description="Joe (US English, medium)",
        attribution=("rhasspy", "https://huggingface.co/rhasspy/piper-voices"),
        version=_PIPER_VOICES_REVISION,
    ),
    _wake(
        "hey_jarvis",
        "hey_jarvis_v0.1.onnx",
        "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb",
        1271370,
        "Hey Jarvis",
    ),
    _wake(
        "alexa",
        "alexa_v0.1.onnx",
        "6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e",
        854246,
        "Alexa",
    ),
    _wake(
        "hey_mycroft",
        "hey_mycroft_v0.1.onnx",
        "c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18",
        857691,
        "Hey Mycroft",
    ),
    _wake(
        "hey_rhasspy",
        "hey_rhasspy_v0.1.onnx",
        "5a9b3ed3be2910e35780e097905aa9f35a9c10038df47914cf2b3ec4d670f6ea",
        204081,
        "Hey Rhasspy",
    ),
)

DEFAULT_STT_MODELS = ("tiny.en", "base-int8")
"""The speech model when none is named: tiny.en when installed, else base-int8."""
MULTILINGUAL_STT_MODELS = ("base-int8", "base", "small")
"""For a language the main speech model does not serve: the first of these installed, else
base-int8, downloaded when a client first asks for such a language."""
DEFAULT_VOICE = "en_US-joe-medium"


def find_spec(kind: ModelKind, name: str) -> ModelSpec | None:
    """Return the catalog entry for a model name or alias (Piper's whole list for voices)."""
    for spec in CATALOG:
        if spec.kind == kind and (name == spec.name or name in spec.aliases):
            return spec
    if kind == ModelKind.TTS:
        return voice_specs().get(name)
    return None


def wake_specs() -> list[ModelSpec]:
    """All wake word classifiers in the catalog (not the shared feature models)."""
    return [spec for spec in CATALOG if spec.kind == ModelKind.WAKE]
