"""System checks for the keys of the event chain (refurb/keys.py).

They run before ``runserver``, ``migrate`` and every management command that checks, like the
``SECRET_KEY`` rule of the settings: in production, a missing or unusable chain key stops the
process with what to do, since no event could be sealed without it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from refurb import keys

HOW = "Create both keys with `manage.py create_chain_keys --dir DIR` (docs/operations.md, Keys)."


@register(Tags.security)
def chain_keys_check(app_configs=None, **kwargs):
    problems = []
    try:
        keys.chain_key()
    except ImproperlyConfigured as error:
        problems.append(Error(str(error), hint=HOW, id="refurb.E001"))
    if not keys.signing_configured():
        problems.append(
            Warning(
                "No signing key (ATELIER_SIGNING_KEY_FILE): the chain heads cannot be signed "
                "each day and /verify/ shows no public key.",
                hint=HOW,
                id="refurb.W002",
            )
        )
    else:
        try:
            keys.signing_key()
            keys.public_keys()
        except ImproperlyConfigured as error:
            problems.append(Error(str(error), hint=HOW, id="refurb.E003"))
    if not settings.DEBUG:
        for setting, path in keys.key_files():
            if keys.readable_by_others(path):
                problems.append(
                    Warning(
                        f"{setting}={path} can be read by other users than its owner.",
                        hint=f"chmod 600 {path}",
                        id="refurb.W004",
                    )
                )
    return problems
