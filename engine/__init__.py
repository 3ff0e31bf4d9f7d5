"""The case engine: models, BPMN runtime, services. Imports no Flask request globals."""
