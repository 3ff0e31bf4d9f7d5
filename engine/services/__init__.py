"""Use cases: plain functions with keyword arguments; the only code that commits.

Each checks the actor's role and department scope, runs in one transaction that locks the case
row (engine.services.unit) and rewrites the projections before it commits.
"""
