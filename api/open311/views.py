"""The GeoReport v2 endpoints under /open311/v2/ (each with `.json` or `.xml`; JSON without one).

Reads are public and keyless; a POST needs a registered client's api_key, counts against that
client's rate limit, and is answered with a token once validated and queued; the scheduler opens
it as one case in the client's channel (GET tokens/{token} then gives its service_request_id).
"""
from __future__ import annotations

from flask import current_app, request, url_for
from limits import parse as parse_limit

from api.open311 import params
from api.open311.errors import GeoReportError
from api.open311.render import FORMATS, answer
from api.pages.web import limiter
from engine.channels import open311_clients, open311_requests, open311_services as catalogue, open311_status

READ_LIMIT = "600/minute"      # per address: a map refreshing its pins, not a crawler
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"     # when the interface last changed (discovery)


def _read_limit() -> str:
    return current_app.config.get("OPEN311_READ_RATE_LIMIT", READ_LIMIT)


def _format(fmt: str | None) -> str:
    if fmt is None:
        return "json"
    if fmt not in FORMATS:
        raise GeoReportError(404, "format", f"format {fmt[:10]} is not offered: use .json or .xml", "仅支持 .json 或 .xml")
    return fmt


def _split(name: str) -> tuple[str, str]:
    """'GD2026….json' -> ('GD2026…', 'json'); no extension: JSON."""
    stem, dot, ext = name.rpartition(".")
    return (stem, _format(ext)) if dot and ext in FORMATS else (name, "json")


def discovery(fmt: str | None = None):
    fmt = _format(fmt)
    root = url_for("open311.discovery", _external=True).rsplit("/", 1)[0] + "/"
    return answer(fmt, "discovery", {
        "changeset": CHANGESET, "contact": "12345 政务服务便民热线 (12345 government service hotline)",
        "key_service": "接入密钥由 12345 中心管理员登记发放 (api keys are issued by the 12345 center's administrator)",
        "endpoints": [{"specification": SPEC, "url": root, "changeset": CHANGESET, "type": "production",
                       "formats": ["application/json", "text/xml"]}]})


def services(fmt: str | None = None):
    fmt = _format(fmt)
    params.check_jurisdiction()
    rows = [{"service_code": s.code, "service_name": s.name, "description": s.description, "metadata": s.metadata,
             "type": s.type, "keywords": s.keywords, "group": s.group} for s in catalogue.services()]
    return answer(fmt, "services", rows)


def service_definition(name: str):
    code, fmt = _split(name)
    params.check_jurisdiction()
    service = catalogue.service(code)
    attributes = [{"variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
                   "datatype_description": a.datatype_description, "order": a.order, "description": a.description,
                   "values": [{"key": k, "name": n} for k, n in a.values]} for a in catalogue.attributes()]
    return answer(fmt, "service_definition", {"service_code": service.code, "attributes": attributes})


def requests_(fmt: str | None = None):
    fmt = _format(fmt)
    params.check_jurisdiction()
    if request.method == "POST":
        return _post(fmt)
    return answer(fmt, "service_requests", open311_status.search(params.filters()))


def _post(fmt: str):
    client = open311_clients.authenticate(request.form.get("api_key", ""))
    if client is None:
        missing = not request.form.get("api_key")
        raise GeoReportError(403, "api_key", "api_key was not provided" if missing else "api_key is invalid",
                             "缺少接入密钥" if missing else "接入密钥无效或已停用")
    if limiter.enabled and not limiter.limiter.hit(parse_limit(client.rate_limit), "open311", str(client.id)):
        raise GeoReportError(429, "api_key", f"rate limit of this client exceeded ({client.rate_limit})",
                             f"超过本接入方的限流({client.rate_limit})，请稍后再试")
    fields, attributes = params.post_fields()
    done = open311_requests.submit(client, fields, attributes)
    # Queued: the standard's token answer, without a service_request_id until the case is opened.
    body = {"token": done.token, "service_notice": done.service_notice, "account_id": done.account_id}
    if done.service_request_id:
        body = {"service_request_id": done.service_request_id, **body}
    return answer(fmt, "service_requests", [body], status=201)


def one_request(name: str):
    number, fmt = _split(name)
    params.check_jurisdiction()
    return answer(fmt, "service_requests", [open311_status.get(number)])


def token(name: str):
    value, fmt = _split(name)
    params.check_jurisdiction()
    found, number = open311_status.by_token(value)
    return answer(fmt, "service_requests", [{"token": found, "service_request_id": number}])


def unknown(rest: str):
    raise GeoReportError(404, "request", f"no such resource: {rest[:80]}", "没有该接口")


def register(bp) -> None:
    """The routes, each with and without the format extension; reads limited per address."""
    read = limiter.limit(_read_limit, methods=["GET"])
    for rule, view, methods in (
            ("/discovery", discovery, ["GET"]), ("/services", services, ["GET"]),
            ("/requests", requests_, ["GET", "POST"])):
        wrapped = read(view)
        bp.add_url_rule(rule, view.__name__.rstrip("_"), wrapped, methods=methods)
        bp.add_url_rule(rule + ".<fmt>", view.__name__.rstrip("_"), wrapped, methods=methods)
    bp.add_url_rule("/services/<name>", "service_definition", read(service_definition))
    bp.add_url_rule("/requests/<name>", "one_request", read(one_request))
    bp.add_url_rule("/tokens/<name>", "token", read(token))
    bp.add_url_rule("/<path:rest>", "unknown", unknown, methods=["GET", "POST"])
