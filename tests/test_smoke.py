from tests.conftest import csrf_token


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert (response.status_code, response.data) == (200, b"ok")


def test_participant_signs_in_and_sees_home(client, make_person, login):
    person_id = make_person(name="Amira Haddad")

    login(person_id)
    page = client.get("/").get_data(as_text=True)

    assert "Welcome, Amira Haddad" in page
    assert csrf_token(client, "/")
