import pytest

from tests.auth import sign_in


@pytest.mark.django_db
def test_an_unknown_api_address_answers_problem_json(client, world):
    sign_in(client, world.coach)
    response = client.get("/api/does-not-exist/42")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
