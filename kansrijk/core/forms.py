"""The password step's form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from kansrijk.core.models import Professional

#: Longer passwords are refused before hashing (no CPU spent on megabytes of input).
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    """Refuses a username longer than any account's, and an absurd password, with the usual
    "wrong username or password" message before anything is checked or recorded: the lockout
    (django-axes) stores the username in a varchar(255) and would otherwise fail with a 500."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        username_field = Professional._meta.get_field(Professional.USERNAME_FIELD)
        limit = getattr(username_field, "max_length", None) or 150
        if len(username) > limit or len(password) > PASSWORD_MAX_LENGTH:
            raise self.get_invalid_login_error()
        return super().clean()
