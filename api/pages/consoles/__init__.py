"""The center roles' consoles: dispatch, approvals, supervision and visits, each a queue of the
cases waiting for that role with the action at hand."""
