"""Login, logout, language choice and the health check."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kansrijk.accounts.views import second_step_url
from kansrijk.core.forms import LoginForm
from kansrijk.core.worker import worker_health


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for the load balancer), with the
    task workers' heartbeat and the age of the oldest ready task (for monitoring: a worker
    problem does not take the app servers out of the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker = worker_health()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "worker": worker})


class LoginView(auth_views.LoginView):
    """The password step; the second factor follows (kansrijk.accounts)."""

    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return second_step_url(super().get_success_url())
