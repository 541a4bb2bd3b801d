"""Indoor Voice engine: wake word, speech-to-text and text-to-speech on one local Wyoming server."""

# First of all: switches onnxruntime's telemetry off before anything imports onnxruntime.
import indoor_voice_models  # noqa: F401

__version__ = "0.1.0"
