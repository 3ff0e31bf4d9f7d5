"""Errors in the GeoReport v2 format, with the standard's HTTP statuses: 400 a parameter missing
or wrong (named), 403 no or a wrong api_key, 404 no such service, request, token or jurisdiction,
429 the client's rate limit. JSON `[{"code": 400, "description": "…"}]`, XML
`<errors><error><code>400</code><description>…</description></error></errors>`. Each description
is English, then Chinese, and starts with the parameter it is about."""
from __future__ import annotations

import logging

from flask import Blueprint, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from api.messages import say
from api.open311.render import FORMATS, answer
from engine.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

log = logging.getLogger(__name__)
# What a client sends, as a Chinese reader calls it (the descriptions name both).
LABELS = {"service_code": "服务代码", "phone": "联系电话", "description": "诉求描述", "first_name": "名",
          "last_name": "姓", "address_string": "地址", "address_id": "地址编号", "lat": "纬度", "long": "经度",
          "email": "电子邮箱", "media_url": "图片链接", "api_key": "接入密钥", "jurisdiction_id": "辖区",
          "start_date": "开始时间", "end_date": "结束时间", "status": "状态", "service_request_id": "工单编号",
          "token": "受理凭证", "account_id": "账号", "device_id": "设备号"}


class GeoReportError(Exception):
    """An answer the interface gives on purpose: status, the parameter, English and Chinese."""

    def __init__(self, status: int, field: str, english: str, chinese: str = ""):
        super().__init__(english)
        self.status, self.items = status, [(field, english, chinese)]


def request_format() -> str:
    """json or xml from the URL's extension (json when there is none or it is unknown)."""
    path = request.path
    ext = path.rsplit(".", 1)[1] if "." in path.rsplit("/", 1)[-1] else "json"
    return ext if ext in FORMATS else "json"


def describe(field: str, english: str, chinese: str = "") -> str:
    label = LABELS.get(field.partition("[")[0], "")
    zh = f"{label or field}：{chinese}" if chinese and chinese != english else ""
    return f"{field}: {english}" + (f" / {zh}" if zh else "")


def respond(status: int, items: list[tuple[str, str, str]]):
    errors = [{"code": status, "description": describe(*item)} for item in items]
    return answer(request_format(), "errors", errors, status)


def _chinese(message) -> str:
    with force_locale("zh"):
        return say(message)


def register(bp: Blueprint) -> None:
    @bp.errorhandler(GeoReportError)
    def _ours(exc: GeoReportError):
        return respond(exc.status, exc.items)

    @bp.errorhandler(ValidationFailed)
    def _invalid(exc: ValidationFailed):
        return respond(400, [(field, str(m), _chinese(m)) for field, messages in exc.errors.items() for m in messages])

    @bp.errorhandler(DomainError)
    def _domain(exc: DomainError):
        status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
        field = {404: _field_of(exc.code), 403: "api_key"}.get(status, "request")
        return respond(status, [(field, exc.message, _chinese(exc.message))])

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        if status == 429:
            return respond(429, [("api_key", "rate limit exceeded, slow down", "请求过于频繁，请稍后再试")])
        return respond(status, [("request", exc.name, "")])

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("open311: unexpected error")
        return respond(500, [("request", "internal error; it has been logged", "系统内部错误，已记录")])


def _field_of(code: str) -> str:
    return {"open311_service_not_found": "service_code", "open311_request_not_found": "service_request_id",
            "open311_token_not_found": "token"}.get(code, "request")
