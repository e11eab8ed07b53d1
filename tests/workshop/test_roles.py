"""Role groups exist with the permissions each role needs."""

import pytest
from django.contrib.auth.models import Group

from workshop import roles

pytestmark = pytest.mark.django_db


def perms(role):
    return set(
        Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    )


def test_the_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.mark.parametrize(
    "role,allowed,refused",
    [
        (roles.BENCH_WORKER, ("refurb", "add_erasure"), ("refurb", "delete_device")),
        (roles.BENCH_WORKER, ("refurb", "add_device"), ("workshop", "change_site")),
        (roles.COACH, ("refurb", "change_checklistitem"), ("workshop", "add_site")),
        (roles.SHOP, ("refurb", "view_device"), ("refurb", "add_erasure")),
        (roles.MANAGER, ("workshop", "add_site"), ("auth", "delete_user")),
    ],
)
def test_each_role_holds_what_it_needs_and_not_more(role, allowed, refused):
    held = perms(role)
    assert allowed in held
    assert refused not in held


def test_user_roles_lists_the_groups_a_user_belongs_to(make_user):
    user = make_user(roles.SHOP, roles.COACH)
    assert roles.user_roles(user) == {roles.SHOP, roles.COACH}


def test_a_superuser_holds_every_role(make_user):
    user = make_user(is_superuser=True)
    assert roles.user_roles(user) == roles.EVERY_ROLE  # the counsellor's too


def test_an_inactive_user_holds_no_role(make_user):
    user = make_user(roles.MANAGER, is_active=False)
    assert roles.user_roles(user) == frozenset()
