"""gunicorn settings for `make serve`, Procfile.production and the systemd unit (docs/DEPLOYMENT.md).

Threaded workers (gthread): a phone bar's or wallboard's event stream holds one thread for up to
5 minutes, so a worker needs more threads than the screens it serves at once. Every figure comes
from the environment; the defaults suit 2 cores.
"""
import os

_env = os.environ.get

bind = _env("BIND") or f"{_env('HOST', '127.0.0.1')}:{_env('PORT', '8000')}"
worker_class = "gthread"
workers = int(_env("WEB_WORKERS", "2"))         # one per core: the threads do the waiting
threads = int(_env("WEB_THREADS", "32"))        # open event streams + concurrent requests per worker
# a worker silent this long is killed and replaced (gthread's main loop answers the heartbeat
# while its threads stream, so long streams do not count against it)
timeout = int(_env("WEB_TIMEOUT", "60"))
# SIGTERM: stop accepting, let requests finish for this long (streams end, EventSource reconnects
# to another worker or node), then stop
graceful_timeout = int(_env("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("WEB_KEEPALIVE", "5"))
# the worker heartbeat file on a memory filesystem: a slow disk must not make healthy workers look dead
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# a recycled worker drops any slowly grown memory; the jitter keeps workers from restarting together
max_requests = int(_env("WEB_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# X-Forwarded-* are read by werkzeug's ProxyFix when TRUST_PROXY=1 (api/serving.py), never by
# gunicorn itself: one switch, tested once
forwarded_allow_ips = ""
proxy_allow_ips = ""
# no runtime control socket: its default path (~/.gunicorn) is shared by every gunicorn of the user and
# read-only under systemd's ProtectSystem; reload and stop by signals (HUP, TERM) instead
control_socket_disable = True

accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
loglevel = _env("LOG_LEVEL", "info").lower()
_format = (_env("LOG_FORMAT") or "text").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "app": {"()": "api.request_log.JsonFormatter" if _format == "json" else "api.request_log.TextFormatter"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "app", "stream": "ext://sys.stdout"},
        "stderr": {"class": "logging.StreamHandler", "formatter": "app", "stream": "ext://sys.stderr"},
    },
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}

