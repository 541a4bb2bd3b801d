"""Indoor Voice models: what the engine and the satellite both need to find, fetch and run.

- `model_spec`: what a model is (kind, files with their digests, who made it).
- `catalog`: the models known by name, each file pinned by revision and SHA-256.
- `piper_voices`: Piper's voices, from the list its maintainers keep (piper_voices.json).
- `download`: finding a model in data dirs, or downloading it once, verified.
- `wake`: the openWakeWord runtime (its ONNX models on onnxruntime).
- `wake_words`: which wake word models to load, and loading them (one way for both programs).

A library, not a program: it imports neither the engine nor the satellite, only the link's
`files` (`indoor_voice_link`, under that one name in both programs). Importing this
package loads nothing heavy (numpy and onnxruntime come with `wake`).
"""

import os

# onnxruntime's telemetry writes a device id under ~/.cache and a session file under $TMPDIR
# as soon as it is imported. Neither program keeps anything at rest, so it is off, before any
# import of onnxruntime: the engine and the satellite import this package first.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
