"""The user's own notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.notifications.services import notification_mark_read


def inbox(request: HttpRequest) -> HttpResponse:
    user: Professional = request.user  # type: ignore[assignment]
    items = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:100]
    return render(request, "notifications/inbox.html", {"items": items})


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("id", "")
    notification_mark_read(by=request.user, notification_id=int(raw) if raw.isdecimal() else None)  # type: ignore[arg-type]
    return redirect("notifications:inbox")
