"""Documents: the official papers of a case (transfer slip, assignment letter, supervision
notice, extension form, overtime report, receipt) as data ready for `printing/`.

Owns which documents a case has at its current state, their contents gathered from the case's
projections (never from the workflow blob), and the audit event of each print. Builds on
`cases`; nothing in the engine depends on it.
"""

__all__: list[str] = []
