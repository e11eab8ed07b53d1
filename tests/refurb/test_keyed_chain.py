"""Issue 16, hole 11: the chain is keyed, and its heads are signed every day.

Each attack below is what a database superuser can do: edit an event, seal it and every later
event again, move the device's cached head and the certificate row that quotes it. Without the
chain key (unkeyed SHA-256 as before, or another key) the chain breaks; with the chain key but
not the signing key, a signed head contradicts it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from refurb import keys
from refurb.certificates.content import content_digest
from refurb.certificates.services import certificate_issue, certificate_verify
from refurb.chain import anchor_seal, chain_heads_sign, chains_verify
from refurb.checks import chain_keys_check
from refurb.events import UNKEYED_VERSION, canonical_event, event_seal
from refurb.management.progress import Progress
from refurb.models import Certificate, ChainAnchor, ChainHeadSignature, Device, DeviceEvent
from refurb.states import State
from tests import factories
from tests.refurb.test_certificates import add_drive
from tests.refurb.test_event_chain import tamper, write_off

pytestmark = pytest.mark.django_db

WRONG_KEY = b"not-the-workshops-chain-key-0123456789abcdef"


def reseal(device, *, from_seq: int, reason: str | None = None, version=2, key=None) -> str:
    """Edit event ``from_seq`` (its reason) and seal it and every later event again, as a
    superuser would; move the device's head. Return the new head."""
    events = list(DeviceEvent.objects.filter(device=device).order_by("seq"))
    previous = ""
    for event in events:
        if event.seq == from_seq and reason is not None:
            event.reason = reason
        if event.seq >= from_seq:
            event_seal(
                event, asset_tag=device.asset_tag, prev_hash=previous, version=version, key=key
            )
            tamper(
                "UPDATE refurb_deviceevent SET reason = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [event.reason, event.prev_hash, event.hash, event.pk],
            )
        previous = event.hash
    Device.objects.filter(pk=device.pk).update(event_head=previous)
    return previous


def follow_certificate(certificate, device, head: str) -> None:
    """Move the chain head a certificate quotes for ``device`` and its digest, as a superuser."""
    content = certificate.content
    for item in content["devices"]:
        if item["tag"] == device.asset_tag:
            item["chain"]["head"] = head
    Certificate.objects.filter(pk=certificate.pk).update(
        content=content, content_sha256=content_digest(content)
    )


@pytest.fixture
def certified(laptop, bench_worker, manager):
    """A laptop whose drive is erased, and a certificate quoting its head."""
    add_drive(laptop, bench_worker, "SAFE-1")
    certificate = certificate_issue(device=laptop, actor=manager)
    assert certificate.content["devices"][0]["chain"]["seq"] == laptop.events.count() >= 3
    return laptop, certificate


def verify_page(client, certificate) -> str:
    return client.get(reverse("refurb:verify", args=[certificate.code])).content.decode()


# --- the HMAC seal


def test_a_new_event_is_sealed_with_the_chain_key_not_a_plain_hash(laptop):
    event = DeviceEvent.objects.get(device=laptop)
    fields = dict(
        asset_tag=laptop.asset_tag,
        seq=1,
        code=event.code,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_id=event.actor_id,
        workstation_id=event.workstation_id,
        reason=event.reason,
        payload=event.payload,
        created_at=event.created_at,
        prev_hash="",
        actor_kind=event.actor_kind,
    )
    data = canonical_event(**fields)
    assert b'"v":2' in data
    assert event.hash == hmac.new(keys.chain_key(), data, hashlib.sha256).hexdigest()
    assert event.hash != hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "how", [{"version": UNKEYED_VERSION}, {"key": WRONG_KEY}], ids=["unkeyed", "wrong-key"]
)
def test_an_edited_event_sealed_again_without_the_key_is_caught_everywhere(
    client, certified, how, capsys
):
    laptop, certificate = certified
    head = reseal(laptop, from_seq=2, reason="forged", **how)
    follow_certificate(certificate, laptop, head)

    broken = chains_verify().broken
    assert (broken.asset_tag, broken.seq) == (laptop.asset_tag, 2)
    assert broken.problem == "content altered"
    with pytest.raises(CommandError) as raised:
        call_command("verify_event_chains", "--quiet")
    assert raised.value.returncode == 1
    assert f"{laptop.asset_tag} event #2: content altered" in capsys.readouterr().out
    assert certificate_verify(certificate.code).status == "altered"
    assert 'data-status="altered"' in verify_page(client, certificate)


def test_the_same_attack_with_the_chain_key_needs_the_signed_head_to_be_caught(client, certified):
    """The control: with the key itself, only a signed head older than the edit catches it."""
    laptop, certificate = certified
    head = reseal(laptop, from_seq=2, reason="forged")
    follow_certificate(certificate, laptop, head)
    assert chains_verify().ok  # the key was stolen: the seals hold
    assert certificate_verify(certificate.code).status == "valid"


def test_a_head_signed_before_the_edit_catches_a_reseal_made_with_the_chain_key(
    client, certified, capsys
):
    laptop, certificate = certified
    assert chain_heads_sign().signed == 1
    head = reseal(laptop, from_seq=2, reason="forged")
    follow_certificate(certificate, laptop, head)

    broken = chains_verify().broken
    assert (broken.seq, broken.problem) == (laptop.events.count(), "signed head differs")
    with pytest.raises(CommandError) as raised:
        call_command("verify_event_chains", "--quiet")
    assert raised.value.returncode == 1
    assert certificate_verify(certificate.code).status == "altered"
    assert 'data-status="altered"' in verify_page(client, certificate)


# --- events written before the key: version 1 behind an anchor


def make_legacy(device) -> str:
    """Turn ``device``'s chain into one written before the key, anchored as migration 0012
    does: unkeyed seals, the head sealed with the key in a ChainAnchor."""
    head = reseal(device, from_seq=1, version=UNKEYED_VERSION)
    seq = device.events.count()
    ChainAnchor.objects.create(
        device=device, seq=seq, head=head, seal=anchor_seal(device.asset_tag, seq, head)
    )
    return head


def test_old_version_events_still_verify_and_the_chain_goes_on_keyed(laptop, manager, station):
    write_off(laptop, manager, station)
    head = make_legacy(laptop)
    assert chains_verify().ok
    laptop.refresh_from_db()
    third = factories.transition(device=laptop, to=State.RECEIVED, actor=manager, reason="found")
    assert third.prev_hash == head
    report = chains_verify()
    assert (report.ok, report.events) == (True, 3)
    assert chain_heads_sign().signed == 1
    assert chains_verify().ok


def test_an_old_event_edited_and_sealed_again_unkeyed_breaks_at_the_anchor(
    laptop, manager, station
):
    write_off(laptop, manager, station)
    make_legacy(laptop)
    reseal(laptop, from_seq=1, reason="forged", version=UNKEYED_VERSION)
    broken = chains_verify().broken
    assert (broken.seq, broken.problem) == (2, "chain anchor differs")


def test_a_moved_anchor_or_a_deleted_one_breaks_the_chain(laptop, manager, station):
    write_off(laptop, manager, station)
    make_legacy(laptop)
    head = reseal(laptop, from_seq=1, reason="forged", version=UNKEYED_VERSION)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE refurb_chainanchor SET head = %s", [head])
    assert chains_verify().broken.problem == "chain anchor altered"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM refurb_chainanchor")
    # Without an anchor every seal must be keyed: the first (unkeyed) one is not.
    broken = chains_verify().broken
    assert (broken.seq, broken.problem) == (1, "content altered")


def test_a_new_chain_cannot_be_passed_off_as_an_old_one(laptop):
    """Sealing a recent chain unkeyed, as if written before the key, breaks it."""
    reseal(laptop, from_seq=1, reason="forged", version=UNKEYED_VERSION)
    broken = chains_verify().broken
    assert (broken.seq, broken.problem) == (1, "content altered")


# --- signed daily heads


def test_heads_are_signed_once_and_again_when_the_chain_grows(laptop, manager, station):
    first = chain_heads_sign()
    assert (first.signed, first.unchanged) == (1, 0)
    assert (chain_heads_sign().signed, chain_heads_sign().unchanged) == (0, 1)
    write_off(laptop, manager, station)
    assert chain_heads_sign().signed == 1
    rows = list(ChainHeadSignature.objects.filter(device=laptop).values_list("seq", "prev_seq"))
    assert rows == [(1, 0), (2, 1)]
    assert chains_verify().signatures == 2


def test_a_signed_head_verifies_with_the_public_key_shown_on_verify(client, certified):
    laptop, certificate = certified
    chain_heads_sign()
    index = client.get(reverse("refurb:verify-index")).content.decode()
    public = keys.public_key()
    assert public.base64 in index and public.fingerprint_groups in index
    page = verify_page(client, certificate)
    assert 'data-status="valid"' in page and public.fingerprint_groups in page
    row = ChainHeadSignature.objects.get(device=laptop)
    # Check it as an outsider would: the page's text and signature, the page's public key.
    message = json.loads(page.split("data-message>")[1].split("</code>")[0].replace("&quot;", '"'))
    assert message == {
        "v": 1,
        "kind": "atelier-chain-head",
        "device": laptop.asset_tag,
        "seq": laptop.events.count(),
        "head": certificate.content["devices"][0]["chain"]["head"],
        "prev_seq": 0,
        "day": row.day.isoformat(),
        "chain_key": keys.chain_key_id(),
    }
    signed = json.dumps(message, sort_keys=True, separators=(",", ":")).encode()
    signature = page.split("data-signature>")[1].split("</code>")[0]
    outsider = Ed25519PublicKey.from_public_bytes(base64.b64decode(public.base64))
    outsider.verify(bytes.fromhex(signature), signed)  # raises InvalidSignature if not


def test_the_verify_index_sends_a_typed_code_to_its_page(client, certified):
    _laptop, certificate = certified
    response = client.get(reverse("refurb:verify-index"), {"code": certificate.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("refurb:verify", args=[certificate.code])


def test_a_signature_by_another_key_or_a_missing_one_breaks_the_chain(laptop, manager, station):
    chain_heads_sign()
    write_off(laptop, manager, station)
    chain_heads_sign()
    factories.transition(device=laptop, to=State.RECEIVED, actor=manager, reason="found")
    chain_heads_sign()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM refurb_chainheadsignature WHERE seq = 2")
    broken = chains_verify().broken
    assert (broken.seq, broken.problem) == (3, "signed head missing")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE refurb_chainheadsignature SET prev_seq = 1 WHERE seq = 3")
    assert chains_verify().broken.problem == "head signature invalid"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE refurb_chainheadsignature SET public_key_id = 'ffffffffffffffff'")
    assert chains_verify().broken.problem == "signed by an unknown key"


def test_heads_signed_by_a_retired_key_still_verify(laptop, settings, tmp_path, manager, station):
    old = keys.public_key()
    chain_heads_sign()
    new_file = tmp_path / "signing-2027.pem"
    new_file.write_bytes(keys.private_key_pem(Ed25519PrivateKey.generate()))
    settings.ATELIER_SIGNING_KEY_FILE = str(new_file)
    assert chains_verify().broken.problem == "signed by an unknown key"
    settings.ATELIER_SIGNING_RETIRED_KEYS = [old.base64]
    write_off(laptop, manager, station)
    assert chain_heads_sign().signed == 1
    report = chains_verify()
    assert (report.ok, report.signatures) == (True, 2)


def test_a_broken_chain_is_not_signed(laptop, capsys):
    reseal(laptop, from_seq=1, reason="forged", key=WRONG_KEY)
    with pytest.raises(CommandError) as raised:
        call_command("sign_chain_heads", "--quiet")
    assert raised.value.returncode == 1
    assert f"Not signed, broken event chain: {laptop.asset_tag} event #1" in capsys.readouterr().out
    assert not ChainHeadSignature.objects.exists()


def test_signed_heads_are_append_only(laptop):
    chain_heads_sign()
    row = ChainHeadSignature.objects.get()
    with pytest.raises(Exception, match="append-only"):
        ChainHeadSignature.objects.update(head="0" * 64)
    with pytest.raises(Exception, match="append-only"):
        row.save()
    with pytest.raises(Exception, match="append-only"):
        ChainHeadSignature.objects.all().delete()


def test_the_sign_command_says_what_it_signed(laptop, capsys):
    call_command("sign_chain_heads", "--quiet")
    out = capsys.readouterr().out
    assert "Signed 1 chain head(s) for" in out and keys.public_key().key_id in out


# --- keys: where they are and what is said when they are wrong


def test_development_key_files_are_created_once_with_mode_0600(settings, tmp_path):
    settings.ATELIER_CHAIN_KEY = ""
    settings.ATELIER_CHAIN_KEY_FILE = str(tmp_path / "keys" / "chain.key")
    settings.ATELIER_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")
    key = keys.chain_key()
    public = keys.public_key()
    for name in ("chain.key", "signing.pem"):
        assert (tmp_path / "keys" / name).stat().st_mode & 0o777 == 0o600
    keys._chain_key.cache_clear()
    keys._signing_key.cache_clear()
    assert keys.chain_key() == key and keys.public_key().raw == public.raw


@pytest.mark.parametrize(
    "setup, message",
    [
        ({"ATELIER_CHAIN_KEY_FILE": "{tmp}/absent.key"}, "{tmp}/absent.key: no such file"),
        ({"ATELIER_CHAIN_KEY_FILE": "{tmp}/short.key"}, "the chain key is 5 bytes long"),
        ({"ATELIER_CHAIN_KEY_FILE": ""}, "No chain key: set ATELIER_CHAIN_KEY_FILE"),
        ({"ATELIER_CHAIN_KEY": "too-short"}, "ATELIER_CHAIN_KEY: the chain key is 9 bytes"),
    ],
    ids=["missing-file", "short-file", "none", "short-setting"],
)
def test_a_wrong_chain_key_setting_is_a_clear_error(settings, tmp_path, setup, message):
    (tmp_path / "short.key").write_text("short\n")
    settings.ATELIER_KEYS_CREATE = False
    settings.ATELIER_CHAIN_KEY = ""
    for name, value in setup.items():
        setattr(settings, name, value.format(tmp=tmp_path))
    expected = message.format(tmp=tmp_path)
    with pytest.raises(ImproperlyConfigured, match=expected):
        keys.chain_key()
    [error] = [p for p in chain_keys_check() if p.id == "refurb.E001"]
    assert expected in error.msg
    with pytest.raises(CommandError, match=expected) as raised:
        call_command("verify_event_chains", "--quiet")
    assert raised.value.returncode == 2


def test_a_signing_key_file_that_is_not_an_ed25519_key_is_a_clear_error(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    settings.ATELIER_KEYS_CREATE = False
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n")
    settings.ATELIER_SIGNING_KEY_FILE = str(garbage)
    with pytest.raises(ImproperlyConfigured, match="not an unencrypted PEM private key"):
        keys.signing_key()
    other = tmp_path / "ec.pem"
    other.write_bytes(keys.private_key_pem(ec.generate_private_key(ec.SECP256R1())))
    other.chmod(0o600)
    settings.ATELIER_SIGNING_KEY_FILE = str(other)
    with pytest.raises(ImproperlyConfigured, match="ec.pem: a ECPrivateKey, not an Ed25519 key"):
        keys.signing_key()
    assert [p.id for p in chain_keys_check()] == ["refurb.E003"]
    with pytest.raises(CommandError, match="not an Ed25519 key") as raised:
        call_command("sign_chain_heads", "--quiet")
    assert raised.value.returncode == 2


def test_verifying_with_another_chain_key_says_the_key_may_be_wrong(laptop, settings):
    chain_heads_sign()
    settings.ATELIER_CHAIN_KEY = WRONG_KEY.decode()
    with pytest.raises(CommandError, match="is it the key the workshop seals with"):
        call_command("verify_event_chains", "--quiet")


def test_a_key_file_readable_by_others_is_a_warning_outside_debug(settings, tmp_path):
    loose = tmp_path / "chain.key"
    loose.write_text("k" * 40)
    loose.chmod(0o644)
    settings.ATELIER_CHAIN_KEY_FILE = str(loose)
    assert "refurb.W004" in [p.id for p in chain_keys_check()]
    loose.chmod(0o600)
    assert "refurb.W004" not in [p.id for p in chain_keys_check()]


def test_create_chain_keys_writes_both_files_and_never_replaces_them(tmp_path, capsys):
    call_command("create_chain_keys", "--dir", str(tmp_path / "keys"))
    out = capsys.readouterr().out
    assert f"ATELIER_CHAIN_KEY_FILE={tmp_path / 'keys' / 'chain.key'}" in out
    for name in ("chain.key", "signing.pem"):
        assert (tmp_path / "keys" / name).stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="never replaced"):
        call_command("create_chain_keys", "--dir", str(tmp_path / "keys"))


# --- progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    from django.core.management.base import OutputWrapper

    terminal = Terminal()
    bar = Progress(OutputWrapper(terminal), label="checked")
    bar(1, 4)
    bar(4, 4)
    bar.finish()
    assert "\rchecked [#######.......................]  25% 1/4" in terminal.getvalue()
    assert terminal.getvalue().endswith("100% 4/4\n")
    plain = io.StringIO()
    lines = Progress(OutputWrapper(plain), label="checked", every_seconds=3600)
    for done in range(1, 5):
        lines(done, 4)
    assert plain.getvalue().splitlines() == ["checked 1/4 devices", "checked 4/4 devices"]


def test_check_integrity_names_a_history_left_unsigned_for_more_than_two_days(laptop):
    from refurb.integrity import integrity_problems

    assert integrity_problems(only=["unsigned_heads"]) == []  # changed just now
    Device.objects.filter(pk=laptop.pk).update(updated_at=timezone.now() - timedelta(days=3))
    [problem] = integrity_problems(only=["unsigned_heads"])
    assert (problem.subject, problem.check) == (laptop.asset_tag, "unsigned_heads")
    assert "sign_chain_heads" in problem.message
    chain_heads_sign()
    assert integrity_problems(only=["unsigned_heads"]) == []


# --- rotating the chain key


def test_a_new_chain_key_seals_every_chain_again_and_certificates_follow(
    client, certified, settings, tmp_path, capsys, manager
):
    laptop, certificate = certified
    old = tmp_path / "old.key"
    old.write_bytes(keys.chain_key())
    make_legacy_device = factories.make_device(site=laptop.site, actor=certificate.issued_by)
    make_legacy(make_legacy_device)
    assert chain_heads_sign().signed == 2
    settings.ATELIER_CHAIN_KEY = "the-new-chain-key-of-2027-0123456789abcdef"
    assert not chains_verify().ok  # every chain was sealed under the old key

    call_command("reseal_event_chains", "--old-key-file", str(old), "--quiet")
    assert "Sealed again under the new chain key: 2 devices" in capsys.readouterr().out
    report = chains_verify()
    assert (report.ok, report.signatures) == (True, 2)  # old heads: signature and order
    assert not ChainAnchor.objects.exists()
    assert certificate_verify(certificate.code).status == "valid"
    assert 'data-status="valid"' in verify_page(client, certificate)
    assert chain_heads_sign().signed == 2  # every head again, under the new chain key
    assert chains_verify().signatures == 4
    # Appending goes on under the new key.
    factories.transition(device=laptop, to=State.WRITTEN_OFF, actor=manager, reason="lost")
    assert chains_verify().ok


def test_resealing_refuses_a_broken_chain_or_the_wrong_old_key(laptop, settings, tmp_path):
    old = tmp_path / "old.key"
    old.write_bytes(keys.chain_key())
    wrong = tmp_path / "wrong.key"
    wrong.write_bytes(WRONG_KEY)
    settings.ATELIER_CHAIN_KEY = "the-new-chain-key-of-2027-0123456789abcdef"
    head = Device.objects.get(pk=laptop.pk).event_head
    with pytest.raises(CommandError, match="nothing was sealed again") as raised:
        call_command("reseal_event_chains", "--old-key-file", str(wrong), "--quiet")
    assert raised.value.returncode == 1
    tamper("UPDATE refurb_deviceevent SET reason = 'forged' WHERE device_id = %s", [laptop.pk])
    with pytest.raises(CommandError, match="nothing was sealed again"):
        call_command("reseal_event_chains", "--old-key-file", str(old), "--quiet")
    assert Device.objects.get(pk=laptop.pk).event_head == head


def test_a_report_never_shows_the_keyed_seal_a_forged_event_would_need(laptop, capsys):
    """Else each run of the checker would hand the forger the next seal to write."""
    event = DeviceEvent.objects.get(device=laptop)
    tamper("UPDATE refurb_deviceevent SET reason = 'forged' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    event.reason = "forged"
    wanted = event_seal(event, asset_tag=laptop.asset_tag, prev_hash="")
    with pytest.raises(CommandError) as raised:
        call_command("verify_event_chains", "--quiet")
    with pytest.raises(CommandError):
        call_command("sign_chain_heads", "--quiet")
    out = capsys.readouterr().out + str(raised.value)
    assert "content altered (expected a seal under the chain key, not shown" in out
    assert wanted not in out
