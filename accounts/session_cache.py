"""The logged-in user and their verified second-factor device, from the shared cache (issue 18).

Every logged-in request looks up three things before any view runs: the session, the user
(`accounts.backends.UserBackend.get_user`) and the device that passed the second step
(django-otp's middleware). With a shared cache (Redis) the session already comes from it
(`cached_db`); this module does the same for the other two, so a logged-in request that only
reads makes no database query at all (docs/performance.md: the ORM's query compilation cost more
than the queries, and through PgBouncer each one is a round trip more).

Correctness comes before speed, so an entry is trusted only under the user's current
*generation*: a random token kept next to it (one `get_many`, one round trip, reads both). Every
save or delete of the user, their partner membership or any of their django-otp devices, and
every permission or group given or taken (the user's permissions are cached with them), removes
the generation (at once, and again once the transaction commits), so the next request on every
server reads the database again: a deactivation, a password change, a new membership or a
two-factor reset takes effect on the next request. A request establishes the generation
*before* it reads the database, so a read racing a change is stored under a generation that the
change's commit then removes. `QuerySet.update()` sends no signal: the code that uses it on
these models calls `forget_user` itself (tests/accounts/test_session_cache.py finds them).

Lists of users (a partner's users table) are cached under one more generation,
`ANY_USER_GENERATION`, which every `forget_user` removes too: any change to any user or
membership reads every such list again.

The generation mechanism itself is `core.generation_cache`, shared with the stored PDF download.

Why a generation and not a key made of what the checks read (password hash, is_active...):
a request cannot know those without reading the row, which is the query this saves.

With a per-process cache (no Redis: `make run`, the tests) nothing is cached here: a change made
through one server could not reach another server's memory, so a deactivated user would keep
working there. Those setups read the database as before.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.middleware import OTPMiddleware

from core.generation_cache import cached, forget, is_shared, read_by

# The attribute of a cached user that holds their devices by persistent id.
DEVICES = "_session_cache_devices"


def _generation_key(user_id: Any) -> str:
    return f"auth:generation:{user_id}"


def _user_key(user_id: Any) -> str:
    return f"auth:user:{user_id}"


def user_cache_keys(user_id: Any) -> list[str]:
    """What `cached_user` reads, for the session store to read with the session
    (`accounts.sessions`: one round trip instead of two)."""
    return read_by(_generation_key(user_id), _user_key(user_id))


def cached_user(user_id: Any, load: Callable[[], Any]) -> Any:
    """The user `load` reads from the database (with what it joins), from the cache while
    nothing about them changed. Their django-otp devices come with them (`DEVICES`), so the
    second-step check that follows needs no round trip of its own."""

    if not is_shared():
        return load()

    def load_with_devices() -> Any:
        user = load()
        if user is not None:
            setattr(user, DEVICES, {d.persistent_id: d for d in devices_for_user(user, None)})
            # Django's ModelBackend keeps the permissions it read on the instance: read them
            # now, so they are cached with the user (two queries less for a `has_perm`).
            user.get_all_permissions()
        return user

    return cached(_generation_key(user_id), _user_key(user_id), load_with_devices)


def cached_device(user_id: Any, persistent_id: str, load: Callable[[], Any]) -> Any:
    """The django-otp device the session names, from the cache while nothing about its user
    or their devices changed. The caller still checks that it is theirs and confirmed."""
    return cached(_generation_key(user_id), f"auth:device:{user_id}:{persistent_id}", load)


# Forgotten with every user's own generation: for what lists users (`cached_user_list`).
ANY_USER_GENERATION = "auth:any-user:generation"


def cached_user_list[T](key: str, load: Callable[[], T]) -> T | None:
    """`load()`, something read from users and what `forget_user` covers with them (their
    partner membership), from the shared cache until any user changes: a partner's users
    table. Users change seldom next to how often such a list is read, and a change to one
    user cannot say which lists show them without the query this saves."""
    return cached(ANY_USER_GENERATION, key, load)


def forget_user(user_id: Any) -> None:
    """Make every server read `user_id`'s user and devices, and every list of users, from the
    database again: now, and once the current transaction commits (a request reading in
    between would otherwise store what the database held before the commit)."""
    if user_id is not None:
        forget(_generation_key(user_id))
        forget(ANY_USER_GENERATION)


def _forget_saved_user(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    forget_user(instance.pk)


def _forget_owner(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    forget_user(getattr(instance, "user_id", None))


def _forget_former_owner(
    sender: type[Model], instance: Model, update_fields: Iterable[str] | None = None, **kwargs: Any
) -> None:
    """A device given to another user (django-otp's admin lets the user be edited): its former
    owner's cached devices still hold it, as theirs and confirmed, so forget them too. One
    query on a save that may move it; none where the save names its fields without the user
    (django-otp's own saves on each verification)."""
    if instance.pk is None or not is_shared():
        return
    if update_fields is not None and "user" not in update_fields:
        return
    former = sender._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True)
    for user_id in former:
        if user_id != getattr(instance, "user_id", None):
            forget_user(user_id)


def _holder_ids(model: type[Model], pks: Iterable[Any]) -> set[Any]:
    """The users who hold what changed: these users, the members of these groups, or everyone
    given these permissions directly or through a group."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    pks = list(pks)
    if not pks:
        return set()
    if model is user_model:
        return set(pks)
    if model is Group:
        holders = user_model.objects.filter(groups__in=pks)
    elif model is Permission:
        holders = user_model.objects.filter(
            Q(user_permissions__in=pks) | Q(groups__permissions__in=pks)
        )
    else:
        return set()
    return set(holders.values_list("pk", flat=True))


def _forget_permission_holders(
    sender: type[Model],
    instance: Model,
    action: str,
    model: type[Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A permission given or taken, to a user or a group, or a group joined or left: from
    either side of the relation. Before a clear (who held it then), after an add or remove."""
    if action not in ("post_add", "post_remove", "pre_clear") or not is_shared():
        return
    changed = _holder_ids(type(instance), [instance.pk]) | _holder_ids(model, pk_set or ())
    for user_id in changed:
        forget_user(user_id)


def _forget_deleted_holders(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if is_shared():
        for user_id in _holder_ids(sender, [instance.pk]):
            forget_user(user_id)


def connect_invalidation() -> None:
    """Called from AccountsConfig.ready(): the user, the model joined to them on every request
    (the partner membership, found through the user model so accounts imports no app above it)
    and every django-otp device model."""
    from django_otp.models import Device

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    owned: list[type[Model]] = [
        user_model._meta.get_field("partner_membership").related_model,
    ]
    owned += [model for model in apps.get_models() if issubclass(model, Device)]
    for signal in (post_save, post_delete):
        signal.connect(_forget_saved_user, sender=user_model, dispatch_uid="auth-cache-user")
        for model in owned:
            signal.connect(_forget_owner, sender=model, dispatch_uid=f"auth-cache-{model._meta}")
    for model in owned:
        pre_save.connect(
            _forget_former_owner, sender=model, dispatch_uid=f"auth-cache-former-{model._meta}"
        )
    # The permissions cached with the user (`cached_user`).
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _forget_permission_holders, sender=through, dispatch_uid=f"auth-cache-{through}"
        )
    for model in (Group, Permission):
        pre_delete.connect(
            _forget_deleted_holders, sender=model, dispatch_uid=f"auth-cache-{model._meta}"
        )


class CachedOTPMiddleware(OTPMiddleware):  # type: ignore[misc]
    """django-otp's middleware, with the verified device read through `cached_device`. The
    binding checks (the device is the user's, and confirmed) stay django-otp's own. Only the
    synchronous path (WSGI, what we serve) is cached; the asynchronous one is django-otp's."""

    def _verify_user_sync(self, request: Any, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            devices = getattr(user, DEVICES, None)  # the user's, when they came from the cache
            if not persistent_id:
                device = None
            elif devices is not None and persistent_id in devices:
                device = devices[persistent_id]
            else:
                device = cached_device(
                    user.pk, persistent_id, lambda: self._device_from_persistent_id(persistent_id)
                )
            user.otp_device = self._finalize_device(request, user, device)
        return user
