"""Security headers, CSRF on every form, no inline code in templates, passwords, production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.auth import sign_in
from tests.factories import PASSWORD

TEMPLATES = sorted(Path(settings.BASE_DIR, "kansrijk").rglob("templates/**/*.html"))
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, world):
    sign_in(client, world.teacher)
    response = client.get("/signals/new/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_login_page_carries_them_too(client):
    response = client.get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_every_post_form_has_a_csrf_token():
    assert TEMPLATES
    missing = []
    for template in TEMPLATES:
        for form in FORM.findall(template.read_text()):
            if re.search(r'method="?post', form, re.IGNORECASE) and "{% csrf_token %}" not in form:
                missing.append(template.name)
    assert missing == []


def test_templates_have_no_inline_scripts_or_styles():
    """The CSP allows scripts and styles from our own files only (a `style` attribute is
    ignored by the browser too). PDF templates are rendered by WeasyPrint, not by a browser."""
    offenders = []
    for template in TEMPLATES:
        if template.name.endswith("_pdf.html"):
            continue
        text = template.read_text()
        inline_script = re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
        if inline_script or re.search(r"\sstyle=|<style\b|\son[a-z]+=", text):
            offenders.append(template.name)
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("kansrijk", "Dit wachtwoord is te kort. De minimale lengte is 12 tekens."),
        ("abcdefghjkm", "Dit wachtwoord is te kort. De minimale lengte is 12 tekens."),
        ("password1234", "Dit wachtwoord is te algemeen."),
    ],
)
def test_a_weak_new_password_is_refused_in_dutch(client, world, new_password, message):
    sign_in(client, world.teacher)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_strong_new_password_is_taken_and_the_session_stays(client, world):
    sign_in(client, world.teacher)
    new = "paars-fietsje-op-dinsdag"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("accounts:security")
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(new)
    assert client.get("/signals/new/").status_code == 200


PRODUCTION_PROBE = """
import kansrijk.conf.production as s
print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,
      s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_NAME.startswith("__Host-"), s.DEBUG)
"""


def test_production_is_https_only_with_hsts_and_secure_cookies():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kansrijk.conf.production",
        "KANSRIJK_SECRET_KEY": "a-production-like-secret-for-this-test-only-0123456789",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"]
