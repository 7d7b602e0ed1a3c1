# Alliance Bot: `alliance-bot run` with the shipped facts baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The locked dependencies first (their own layer, rebuilt only when the lock changes), every
# file checked against its hash; then the bot itself without resolving anything again.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY facts ./facts
# A regular (non-editable) install puts facts/ inside the package as bot/_facts.
RUN pip install --no-deps . \
    && alliance-bot facts validate --facts-dir "$(python -c 'import bot, pathlib; print(pathlib.Path(bot.__file__).parent / "_facts")')" \
    && useradd --create-home --uid 10001 alliance \
    && mkdir -p /data \
    && chown alliance /data

USER alliance
WORKDIR /data
# The running bot touches data/heartbeat; the check fails when it goes stale.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["alliance-bot", "health"]
ENTRYPOINT ["alliance-bot"]
CMD ["run"]
