"""Dutch by default; English only when the user chose it."""

import pytest

from tests.auth import sign_in


@pytest.mark.django_db
def test_pages_are_dutch_even_for_an_english_browser(client, world):
    sign_in(client, world.teacher)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Mijn werk" in page


@pytest.mark.django_db
def test_pages_are_english_when_the_user_chose_english(client, world):
    sign_in(client, world.teacher)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "My work" in page and "Mijn werk" not in page
