# The Indoor Voice engine as a container image: openWakeWord, faster-whisper and Piper behind
# one Wyoming port (10400). Models live in the /data volume and are downloaded on first start
# (unless started with --offline); nothing else is written anywhere. The engine runs as the
# unprivileged user indoor-voice (uid 1000).
#
#   docker build -t indoor-voice-engine .                        (or podman; compose.yaml)
#   docker run -v indoor-voice:/data -p 127.0.0.1:10400:10400 indoor-voice-engine
#
# Arguments after the image name go to the engine (`--offline`, `--stt-model base-int8`, ...).
# BUILD_FROM is any Debian bookworm image: debian:bookworm-slim for the plain image, Home
# Assistant's base-debian for the add-on (build.yaml). Every package used is published
# for amd64 and aarch64, so the same file builds both. scripts/container builds it where no
# registry is reachable.
#
# This file is also the add-on's: the Supervisor builds it with the repository's root as the
# context and passes BUILD_FROM, BUILD_ARCH, BUILD_VERSION (config.yaml's version) and
# build.yaml's args. ENGINE_SOURCE picks where the engine's own code comes from: `checkout`
# (this build context, needing nothing published) or `index` (the released wheel of
# BUILD_VERSION from the package index; ENGINE_INDEX_URL adds an index to look in).
ARG BUILD_FROM=docker.io/library/debian:bookworm-slim
FROM ${BUILD_FROM}

ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/indoor-voice/bin:$PATH

RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
    && python3 -m venv /opt/indoor-voice \
    && useradd --uid 1000 --user-group --no-create-home --home-dir /data \
        --shell /usr/sbin/nologin indoor-voice \
    && mkdir -p /data/models \
    && chown -R indoor-voice:indoor-voice /data

# The dependencies in a layer of their own: rebuilt only when pyproject.toml or the programs'
# pins change, not for every change of the engine's code.
COPY pyproject.toml requirements/programs.txt /tmp/deps/
RUN python3 -c 'import tomllib; p = tomllib.load(open("/tmp/deps/pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["engine"]))' \
        >/tmp/deps/requirements.txt \
    && pip install -q -r /tmp/deps/requirements.txt -c /tmp/deps/programs.txt \
    && rm -rf /tmp/deps /root/.cache

COPY . /tmp/src
ARG BUILD_VERSION=""
ARG ENGINE_SOURCE=checkout
ARG ENGINE_INDEX_URL=""
RUN version=$(python3 -c 'import tomllib; print(tomllib.load(open("/tmp/src/pyproject.toml", "rb"))["project"]["version"])') \
    && if [ -n "$BUILD_VERSION" ] && [ "$BUILD_VERSION" != "$version" ]; then \
        echo "BUILD_VERSION $BUILD_VERSION is not this checkout's version ($version)" >&2; exit 1; \
    fi \
    && case "$ENGINE_SOURCE" in \
        checkout) pip install -q --no-deps /tmp/src ;; \
        index) pip install -q ${ENGINE_INDEX_URL:+--extra-index-url "$ENGINE_INDEX_URL"} \
            -c /tmp/src/requirements/programs.txt "indoor-voice[engine]==$version" ;; \
        *) echo "ENGINE_SOURCE is checkout or index, not '$ENGINE_SOURCE'" >&2; exit 1 ;; \
    esac \
    && pip check >/dev/null \
    && rm -rf /tmp/src /root/.cache

VOLUME /data
EXPOSE 10400/tcp
# Generous start period: the first start downloads the models.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10m --retries=3 \
    CMD ["python3", "-m", "indoor_voice_engine.healthcheck"]
ENTRYPOINT ["python3", "-m", "indoor_voice_engine.container"]
