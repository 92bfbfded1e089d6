"""Who is who. The business apps ask their own permissions module; these are the role facts."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

AnyUser = User | AnonymousUser


def is_region_staff(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_region_staff


def is_official(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_official


def is_secretary(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_secretary
