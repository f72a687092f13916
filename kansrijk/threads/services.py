"""Writing the support team's thread: a message, its notices, the reader's marker."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansrijk.access.matrix import Action
from kansrijk.access.policies import can, granting_roles
from kansrijk.audit.models import Event
from kansrijk.audit.services import log_access
from kansrijk.cases.errors import CaseError, NotFound
from kansrijk.cases.models import Case
from kansrijk.core.models import Professional
from kansrijk.notifications.models import Notification
from kansrijk.notifications.services import notify, unread_changed
from kansrijk.threads.models import ThreadMessage, ThreadRead
from kansrijk.threads.selectors import team_of

PURPOSE = "zorgroute: support team thread"
#: The longest message; a longer exchange belongs in a meeting or a plan.
MAX_LENGTH = 4000


def thread_message_post(*, by: Professional, case_id: int, text: str) -> ThreadMessage:
    """Post to the case's thread and tell the rest of the team. The notice and its mail say
    only that there is a new message on which case: the text stays behind the login."""
    text = text.strip()
    if not text:
        raise CaseError(_("A message cannot be empty."), field="text")
    if len(text) > MAX_LENGTH:
        raise CaseError(
            _("A message has at most %(n)s characters.") % {"n": MAX_LENGTH}, field="text"
        )
    with transaction.atomic():
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can(by, Action.EDIT, case):
            raise NotFound
        if not case.is_open:
            raise CaseError(_("The case is closed; the thread can be read, not added to."))
        role = sorted(granting_roles(by, case, Action.EDIT))[0]
        message = ThreadMessage.objects.create(case=case, author=by, author_role=role, text=text)
        _mark(by, case, message.created_at)
        log_access(
            by=by,
            event=Event.WRITE,
            purpose=PURPOSE,
            case_id=case.pk,
            family_id=case.family_id,
            detail=f"thread message {message.pk}",
        )
        others = [person for person in team_of(case) if person.pk != by.pk]
        url = reverse("threads:case_thread", kwargs={"case_id": case.pk})
        if others:
            notify(
                to=others,
                subject=_("New message from the support team on case %(number)s")
                % {"number": case.pk},
                body=_("%(author)s wrote in the support team's thread. Log in to read it.")
                % {"author": by.get_full_name() or by.get_username()},
                url=url,
            )
    return message


def _mark(user: Professional, case: Case, until: datetime.datetime) -> None:
    """One UPDATE on every later visit; the first visit creates the marker."""
    marker = ThreadRead.objects.filter(case=case, professional=user)
    if not marker.update(read_until=until):
        ThreadRead.objects.get_or_create(
            case=case, professional=user, defaults={"read_until": until}
        )


def thread_mark_read(*, by: Professional, case: Case) -> None:
    """The user has seen the thread up to now (the caller got `case` through the gate), and
    so the notices about it."""
    now = timezone.now()
    _mark(by, case, now)
    url = reverse("threads:case_thread", kwargs={"case_id": case.pk})
    Notification.objects.filter(recipient=by, url=url, read_at__isnull=True).update(read_at=now)
    unread_changed(by)
