"""Logs worth reading: a household's choice is not an error, and a health check every few
seconds is not news.

- Turning sharing on without consent is refused with a message for the user; Home Assistant's
  websocket API logs every such refusal at ERROR. It is logged at INFO instead.
- The engines' health checks ("Finished fetching ... data") go to a logger of their own that
  stays at INFO unless configured, so debug logging of the integration shows what happens.
"""

from __future__ import annotations

import logging
from functools import cache

from .const import ENGINE_POLL_LOGGER
from .privacy.consent import ConsentRequired

WEBSOCKET_LOGGER = "homeassistant.components.websocket_api.http.connection"


@cache
def _refusal_text() -> str:
    """The refusal as Home Assistant words it (translated while it runs)."""
    return str(ConsentRequired())


class _ConsentRefusalIsNotAnError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or _refusal_text() not in record.getMessage():
            return True
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


_FILTER = _ConsentRefusalIsNotAnError()


def quiet_what_is_not_news() -> None:
    logging.getLogger(WEBSOCKET_LOGGER).addFilter(_FILTER)  # the same filter only once
    poll = logging.getLogger(ENGINE_POLL_LOGGER)
    if poll.level == logging.NOTSET:
        poll.setLevel(logging.INFO)
