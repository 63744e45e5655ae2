"""Users and their roles and limits (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select

from karsta.i18n import N_, gettext
from karsta.web.accounts import add_user, find_user
from karsta.web.models import Role, User
from karsta.web.pages import page
from karsta.web.rendering import render
from karsta.web.requests import Admin, Visitor
from karsta.web.views.auth import password_problem
from karsta.web.views.forms import parse_list, see_other

router = APIRouter(tags=["admin"])
USERS = "/admin/users"
UserId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
"""A user's id: the database's integers are 32-bit."""
ROLE_NAMES = (N_("viewer"), N_("analyst"), N_("admin"))
"""The roles as the page names them (the template translates each role's value)."""


class UserInfo(BaseModel):
    """A user as the admin page lists them."""

    id: int
    username: str
    role: Role
    language: str | None
    groups: list[str] | None
    """Assignment groups whose tickets the user sees; null = every group."""
    channels: list[str] | None
    """Channels whose tickets the user sees; null = every channel."""
    created_at: datetime


class UsersPage(BaseModel):
    """Every user of the app."""

    users: list[UserInfo]
    roles: list[Role]


def _users(visitor: Visitor) -> UsersPage:
    users = visitor.db.scalars(select(User).order_by(func.lower(User.username))).all()
    return UsersPage(
        users=[
            UserInfo(
                id=u.id,
                username=u.username,
                role=u.role_enum,
                language=u.language,
                groups=u.groups,
                channels=u.channels,
                created_at=u.created_at,
            )
            for u in users
        ],
        roles=list(Role),
    )


@page(router, USERS, template="admin/users.html", model=UsersPage, summary="Users")
def users(visitor: Admin) -> UsersPage:
    """Return every user with their role and limits."""
    return _users(visitor)


def _again(visitor: Visitor, error: str) -> Response:
    return render(
        visitor.request, "admin/users.html", status_code=400, page=_users(visitor), error=error
    )


@router.post(USERS, response_class=HTMLResponse, summary="Add a user")
def add(
    visitor: Admin,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    groups: Annotated[str, Form()] = "",
    channels: Annotated[str, Form()] = "",
) -> Response:
    """Add a user with a role and optional group and channel limits."""
    problem = password_problem(password)
    if not username.strip():
        problem = gettext("Give a user name.")
    elif find_user(visitor.db, username) is not None:
        problem = gettext("That user name is taken.")
    if problem:
        return _again(visitor, problem)
    add_user(
        visitor.db,
        username,
        password,
        role,
        groups=parse_list(groups),
        channels=parse_list(channels),
    )
    return see_other(USERS)


def _other_admins(visitor: Visitor, user: User) -> int:
    query = select(func.count()).where(User.role == Role.ADMIN.value, User.id != user.id)
    return int(visitor.db.scalar(query) or 0)


@router.post(USERS + "/{user_id}", response_class=HTMLResponse, summary="Change a user")
def change(
    visitor: Admin,
    user_id: UserId,
    role: Annotated[Role, Form()],
    groups: Annotated[str, Form()] = "",
    channels: Annotated[str, Form()] = "",
) -> Response:
    """Set a user's role and limits; the last admin stays an admin."""
    user = visitor.db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    if role != Role.ADMIN and user.role == Role.ADMIN.value and not _other_admins(visitor, user):
        return _again(visitor, gettext("The last admin cannot lose the admin role."))
    user.role = role.value
    user.groups = parse_list(groups)
    user.channels = parse_list(channels)
    return see_other(USERS)


@router.post(USERS + "/{user_id}/delete", response_class=HTMLResponse, summary="Remove a user")
def delete(visitor: Admin, user_id: UserId) -> Response:
    """Remove a user (not oneself)."""
    user = visitor.db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    if visitor.user is not None and user.id == visitor.user.id:
        return _again(visitor, gettext("You cannot remove yourself."))
    visitor.db.delete(user)
    return see_other(USERS)
