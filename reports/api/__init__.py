"""Reports, certificates and donors' outcomes through the REST API."""
