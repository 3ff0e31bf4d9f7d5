"""User-task form definitions: fields, types, options and validation rules.

One definition per form key used by a user task in workflows/. The same definition validates a
task's data in the services, describes the form to API clients (GET /work-items/{id}/form) and
renders it in the pages.
"""
from forms.definitions import FORMS, get_form
from forms.errors import FormInvalid, UnknownForm
from forms.fields import Field, Form

__all__ = ["FORMS", "Field", "Form", "FormInvalid", "UnknownForm", "get_form"]
