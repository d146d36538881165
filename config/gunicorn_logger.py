"""gunicorn's own logs (the access log, its error log) masked as ours are (core.logging).

gunicorn logs outside Django's LOGGING: a path such as /api/residents/13812345678, a request line
with an Open311 client's ?api_key=…, or a worker's traceback, would reach the console unmasked.
`manage.py serve` and the deployment guide start gunicorn with
`--logger-class config.gunicorn_logger.MaskingLogger`.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from core.logging import NoPersonalDataFilter


class MaskingLogger(Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, NoPersonalDataFilter) for f in log.filters):
                log.addFilter(NoPersonalDataFilter())
