"""The call center's pages: the agent's phone bar and screen pop, call records and recordings,
the callback list, the wallboard, and the switch's CDR endpoint."""
