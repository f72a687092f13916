"""A pupil who left more than two years ago is anonymised, and their dyslexia files go."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansrijk.cases.models import Child
from kansrijk.dyslexia.models import DyslexiaFile
from kansrijk.privacy.services import retention_run
from tests.dyslexia.conftest import Eed, complete_file

pytestmark = pytest.mark.django_db


def test_the_dyslexia_file_goes_with_the_pupil_s_anonymisation(eed: Eed) -> None:
    file = complete_file(eed)
    left = timezone.localdate() - datetime.timedelta(days=3 * 365)
    Child.objects.filter(pk=eed.pupil.pk).update(left_on=left, location=None)
    retention_run(dry_run=False)
    assert Child.objects.get(pk=eed.pupil.pk).given_name == "—"
    assert not DyslexiaFile.objects.filter(pk=file.pk).exists()
