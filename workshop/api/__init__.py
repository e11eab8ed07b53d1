"""The REST API's shared parts: authentication, permissions, errors, idempotency, schema."""
