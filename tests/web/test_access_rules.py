"""The access rules: a user's limits become the analyses' input filters."""

from __future__ import annotations

from karsta.web.access import EVERYTHING, DataScope, data_scope, may
from karsta.web.models import Role, User


def test_limits_become_ticket_attributes_for_metrics_and_process_views() -> None:
    scope = data_scope(User(groups=["B", "A"], channels=None, role="viewer"))
    assert scope == DataScope(groups=("A", "B"))
    assert scope.metric_options() == {"ticket_attributes": {"responsible_group": ("A", "B")}}
    filters = scope.process_filters()
    assert dict(filters.ticket_attributes) == {"responsible_group": ("A", "B")}
    assert EVERYTHING.metric_options() == {}
    assert dict(EVERYTHING.process_filters().ticket_attributes) == {}


def test_asked_filters_are_narrowed_never_widened() -> None:
    scope = DataScope(groups=("A",), channels=("phone", "chat"))
    # Asking for group B as a group-A user gives no group at all, not group B.
    asked = {"responsible_group": ("B",), "channel": ("chat", "email"), "priority": ("1",)}
    assert scope.restrict(asked) == {
        "responsible_group": (),
        "channel": ("chat",),
        "priority": ("1",),
    }
    options = scope.metric_options(period="month", ticket_attributes={"channel": ("email",)})
    assert options == {
        "period": "month",
        "ticket_attributes": {"responsible_group": ("A",), "channel": ()},
    }


def test_roles_rank() -> None:
    admin, viewer = User(role="admin"), User(role="viewer")
    assert may(admin, Role.VIEWER)
    assert may(admin, Role.ADMIN)
    assert may(viewer, Role.VIEWER)
    assert not may(viewer, Role.ANALYST)
    assert not may(None, Role.VIEWER)


def test_the_channel_pages_read_a_channel_limit_as_the_contacts_own_channel() -> None:
    scope = DataScope(groups=("A",), channels=("chat", "phone"))
    assert scope.contact_channels() == ("chat", "phone")
    assert scope.contact_channels("Phone") == ("phone",)  # without regard to case
    assert scope.contact_channels("email") == ()  # outside the limit: none
    assert EVERYTHING.contact_channels() is None
    assert EVERYTHING.contact_channels("email") == ("email",)
    # The group limit alone restricts the tickets whose contacts are read.
    assert scope.group_limit == {"responsible_group": ("A",)}
    assert DataScope(channels=("phone",)).group_limit == {}
