"""Documents: the official papers of a case (transfer slip, assignment letter, supervision
notice, extension form, overtime report, receipt, and the completion documents of `closing`:
the 办结通知书 of a natural completion and the closing record of every closed case) as data
ready for `printing/`.

Owns which documents a case has at its current state, their contents gathered from the case's
projections (never from the workflow blob), and the audit event of each print. Builds on
`cases`; nothing in the engine depends on it.
"""

__all__: list[str] = []
