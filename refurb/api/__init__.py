"""REST API of the bench process: drives, erasures, destructions, tests, events."""
