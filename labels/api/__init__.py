"""The labels API: label files by code, print jobs (create, list, retry, document)."""
