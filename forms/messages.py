"""Messages people read, each with a stable code.

A message is created in English where it arises (`msg("max_length", "at most %(max)s characters",
max=200)`) and travels as the string it reads as: APIs, logs and the command line show the English.
The pages translate it by its template, which is the translation catalogue's msgid (extraction
keyword `msg:2`), filled in with its parameters: "最多 200 个字符". Clients of the API read the
`code` beside the text, which never changes when the wording does.

It lives here, at the bottom of the house, because forms raise messages too and import nothing
above them; the engine and the web read it from here.
"""
from __future__ import annotations


class Msg(str):
    """An English message with its `code`, `template` and `params` (text = template % params)."""

    code: str
    template: str
    params: dict

    def __new__(cls, code: str, template: str, **params: object) -> "Msg":
        text = super().__new__(cls, template % params if params else template)
        text.code, text.template, text.params = code, template, params
        return text

    def __reduce__(self):        # copies and pickles keep the code
        return (_rebuild, (self.code, self.template, self.params))


def _rebuild(code: str, template: str, params: dict) -> Msg:
    return Msg(code, template, **params)


def msg(code: str, template: str, **params: object) -> Msg:
    """A message: a stable `code` and its English `template` ('%(name)s' for each parameter)."""
    return Msg(code, template, **params)


def code_of(message: object, default: str) -> str:
    """The code of a message, or `default` for text that carries none."""
    return getattr(message, "code", default)
