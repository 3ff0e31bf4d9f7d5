"""Domain errors become HTTP answers here, and only here. No stack trace ever reaches a user."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from api import messages
from engine.errors import DefinitionInvalid, DomainError, NotFound, PermissionDenied, ValidationFailed, WrongState
from forms.errors import FormInvalid, UnknownForm
from forms.messages import Msg

log = logging.getLogger(__name__)


def N_(text: str) -> str:
    """Marks a message for the translation catalogue (zh.py extracts N_); the error page translates it."""
    return text


# What a person reads on an error page when the error brings no message of ours (werkzeug's own
# descriptions, Flask-WTF's CSRF refusals): never the library's English.
PAGE_MESSAGES = {
    400: N_("The request could not be understood. Go back and try again."),
    403: N_("You may not do this, or this case is outside your department's scope."),
    404: N_("This page or record does not exist; the link may be wrong or the record out of your reach."),
    405: N_("This address does not take that action."),
    409: N_("The case changed meanwhile or this is not possible now: open it again."),
    413: N_("The upload is too large."),
    429: N_("Too many attempts in a short time: wait a minute and try again."),
    500: N_("Something went wrong on our side; it has been logged."),
}
CSRF_MESSAGES = (N_("The CSRF token is missing."), N_("The CSRF token has expired."),
                 N_("The CSRF token is invalid."), N_("The CSRF session token is missing."),
                 N_("The CSRF tokens do not match."))

STATUS = [(ValidationFailed, 422), (DefinitionInvalid, 422), (NotFound, 404), (PermissionDenied, 403),
          (WrongState, 409)]


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    # Services validate through engine.errors.check_form; these catch a form used directly.
    app.register_error_handler(FormInvalid, lambda exc: _domain_error(ValidationFailed(exc.errors)))
    app.register_error_handler(UnknownForm, lambda exc: _domain_error(NotFound(str(exc))))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _wants_json() -> bool:
    """The REST API, and any page request that speaks JSON (the phone bar), gets JSON errors."""
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def _body(code: int, status: str, message: str, **extra):
    payload = {"code": code, "status": status, "message": message, **extra}
    return jsonify(payload), code


def _html(code: int, title: str, message: str):
    from flask import render_template
    from flask_babel import gettext as _
    titles = {400: _("Bad request"), 401: _("Please sign in"), 403: _("Not allowed"), 404: _("Not found"),
              405: _("Not allowed"), 409: _("Changed meanwhile or not possible now"), 422: _("Check the input"),
              429: _("Too many attempts; wait a minute"), 500: _("Something went wrong")}
    title = titles.get(code, title)
    message = messages.say(message)      # a Msg by its template; other text as its own msgid (N_)
    try:
        return render_template("pages/error.html", code=code, title=title, message=message), code
    except Exception:   # a broken template must not hide the original error behind another
        log.exception("error page failed to render")
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}


def _domain_error(exc: DomainError):
    """JSON with the English message and its stable `error` code; for people, a page in their language."""
    from werkzeug.http import HTTP_STATUS_CODES
    code = next((c for cls, c in STATUS if isinstance(exc, cls)), 400)
    if not _wants_json():
        return _html(code, HTTP_STATUS_CODES.get(code, ""), _page_text(exc))
    extra = {"error": exc.code}
    if isinstance(exc, ValidationFailed):
        extra["errors"] = {"json": exc.errors}
        extra["error_codes"] = {"json": messages.codes(exc.errors)}
    if isinstance(exc, DefinitionInvalid):
        # Each problem's English line (as before), and the same problems as objects: code, line,
        # column, tag, element_id, element_name, message, params (engine.bpmn.problems.Problem).
        extra["errors"] = {"definition": [str(p) for p in exc.problems]}
        extra["problems"] = [p.as_dict() if hasattr(p, "as_dict") else dict(
            code=exc.code, line=None, column=None, tag=None, element_id=None, element_name=None, message=str(p))
            for p in exc.problems]
    return _body(code, HTTP_STATUS_CODES.get(code, ""), exc.message, **extra)


def _page_text(exc: DomainError) -> str:
    """A domain error for a person: its message, and each field's problem, in their language."""
    if isinstance(exc, DefinitionInvalid):     # each problem in the designer's language
        from api.pages.bpmn_problems import problem_line
        return messages.say(Msg(exc.code, exc.message.template, problems="；".join(map(problem_line, exc.problems))))
    text = messages.say(exc.message)
    if isinstance(exc, ValidationFailed) and exc.errors:
        text += " " + messages.errors_line(exc.errors)
    return text


def _http_error(exc: HTTPException):
    if not _wants_json() and (exc.code or 500) >= 400:
        response = _html(exc.code or 500, exc.name, _page_message(exc))
    else:
        extra = {}
        messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
        if messages:
            extra["errors"] = messages   # webargs/marshmallow: {"json": {"field": ["..."]}}
        if exc.code == 413:
            extra.update(error="too_large", size=request.content_length, limit=request.max_content_length)
        response = _body(exc.code or 500, exc.name, _too_large() if exc.code == 413 else exc.description or exc.name,
                         **extra)
    return _with_headers(response, exc)


def _too_large() -> str:
    """What a 413 says to an API client: how large the body was and what the server accepts."""
    size = f"is {request.content_length} bytes" if request.content_length else "is too large"
    return f"the request body {size}; this server accepts at most {request.max_content_length} bytes"


def _page_message(exc: HTTPException) -> str:
    """Our own description, or a plain one for the code instead of the library's default."""
    own = exc.description and exc.description != type(exc).description and exc.code != 429
    if own or exc.description in CSRF_MESSAGES:      # 429's own text is the limiter's English rule
        return exc.description
    return PAGE_MESSAGES.get(exc.code or 500, PAGE_MESSAGES[400 if (exc.code or 500) < 500 else 500])


def _with_headers(response, exc: HTTPException):
    """Keep the exception's own headers (405's Allow, 429's Retry-After) on our body."""
    body, code = response[0], response[1]
    headers = dict(response[2]) if len(response) > 2 else {}
    headers.update((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
    return body, code, headers


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    if not _wants_json():
        return _html(500, "Internal Server Error", PAGE_MESSAGES[500])
    return _body(500, "Internal Server Error", "an unexpected error occurred; it has been logged")
