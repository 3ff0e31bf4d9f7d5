"""The pages every role works cases on: the inbox, a case and its timeline, task forms, intake and
the agent's desk, attachments, printed documents and the combined query."""
