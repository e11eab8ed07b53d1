"""Choice sets of the workshop layer named once for the OpenAPI schema (ENUM_NAME_OVERRIDES)."""

from workshop.models import WorkstationKind

WORKSTATION_KIND = WorkstationKind.choices
