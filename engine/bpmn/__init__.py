"""SpiffWorkflow wrapper: spec registry and validation, runtime, serializer, restricted
expressions, service-task registry. Imports no Flask."""
