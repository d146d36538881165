"""Authentication that reads each request's user together with their actor from one cache
entry (accounts.selectors.actor_cached): two database queries fewer on every request.

Every way in with a password (the login page, the admin's login, the API's token) goes through
django.contrib.auth.authenticate and so through `authenticate` below: the one place where wrong
passwords are counted and a locked username is refused (issue 15 item 20: the admin's login used
to count nothing and let the right password in during a lock). The phone-code login
(front_door.phone_login) counts wrong codes with the same accounts.services.login_locked /
login_failed, keyed by the mobile number, and then logs in through this backend. The counts
are rows in the database (accounts.throttle), by username and by address.

An unknown username, a wrong password and a locked username take the same path and the same
time (one password hash each) and get the same answer for a name that exists or not."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from core.validators import normalize_text


class CachedModelBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        name = normalize_text(username or "")
        ip = services.request_ip(request)
        if name and services.login_locked(username=name, ip=ip):
            # The same work as a wrong password (one hash), so the time taken tells nothing;
            # PermissionDenied stops authenticate() here: no other backend is asked.
            User().set_password(password)
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if name and password is not None:
            if user is None:
                services.login_failed(username=name, ip=ip)
            else:
                services.login_succeeded(username=name, ip=ip)
        return user  # type: ignore[return-value]

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        from accounts.selectors import user_with_actor

        user = user_with_actor(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
