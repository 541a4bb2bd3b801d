"""Indoor Voice satellite: microphone, on-device wake word and speaker on a Raspberry Pi,
linked to Home Assistant over paired, encrypted Wyoming (see the link's PROTOCOL.md)."""

# First of all: switches onnxruntime's telemetry off before anything imports onnxruntime.
import indoor_voice_models  # noqa: F401

__version__ = "0.1.0"
