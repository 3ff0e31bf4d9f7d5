"""Outbound campaigns' pages: the shift lead's campaigns with their progress, and each agent's
queue of calls to make (engine.campaigns)."""
