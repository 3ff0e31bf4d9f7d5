"""The words of campaigns on the pages (codes stay in the engine)."""
from __future__ import annotations

from flask_babel import gettext as _


def purpose_labels() -> dict[str, str]:
    return {"general": _("General outbound calls"), "revisit": _("Satisfaction re-visits"),
            "callback": _("Dissuasion callbacks")}


def state_labels() -> dict[str, str]:
    return {"draft": _("Draft"), "running": _("Running"), "paused": _("Paused"), "finished": _("Finished")}


def target_state_labels() -> dict[str, str]:
    return {"open": _("To call"), "done": _("Reached"), "failed": _("Not reached"), "closed": _("Closed unfinished")}


def result_labels() -> dict[str, str]:
    return {"reached": _("Reached"), "no_answer": _("No answer"), "busy": _("Busy"),
            "wrong_number": _("Wrong number"), "call_back": _("Call back later")}


def assignment_labels() -> dict[str, str]:
    return {"even": _("Evenly"), "skill": _("By skill")}


def all_labels() -> dict:
    """Every table, for a template's context."""
    return {"purposes": purpose_labels(), "states": state_labels(), "target_states": target_state_labels(),
            "results": result_labels(), "assignments": assignment_labels()}
