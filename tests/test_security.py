"""The security baseline: CSRF, redirects, size limit, control characters, headers."""

import pytest

from actionlearning import auth, create_app
from actionlearning.security import is_local_path
from tests.conftest import PASSWORD, csrf_token


def test_form_without_csrf_token_gets_400_and_changes_nothing(
    client, db, make_person, login, programme_id
):
    login(make_person(role="organiser"))
    people_before = db["people"].count

    response = client.post(
        "/people",
        data={
            "name": "Forged",
            "email": "forged@example.org",
            "organisation_id": "0",
            "role": "organiser",
            "programme_id": str(programme_id),
        },
    )

    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert db["people"].count == people_before


def test_logout_without_csrf_token_does_not_sign_out(client, make_person, login):
    login(make_person())

    response = client.post("/logout")

    assert response.status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "/%2F%2Fevil.example".replace("%2F", "/"),
        "javascript:alert(1)",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_sign_in_refuses_redirects_off_site(client, db, make_person, target):
    email = auth.person(db, make_person())["email"]

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_local_next_path(client, db, make_person):
    email = auth.person(db, make_person(role="organiser"))["email"]

    response = client.post(
        "/login",
        query_string={"next": "/people"},
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )

    assert response.headers["Location"] == "/people"


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/journal/3", True),
        ("/", True),
        ("//evil.example", False),
        ("/\\evil", False),
        ("https://evil.example/", False),
        ("", False),
        ("journal", False),
    ],
)
def test_is_local_path(path, expected):
    assert is_local_path(path) is expected


def test_body_over_the_limit_gets_a_friendly_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000

    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})

    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_nul_in_a_field_gets_a_message_and_nothing_is_saved(
    client, db, make_person, login, programme_id
):
    login(make_person(role="organiser"))
    people_before = db["people"].count

    response = client.post(
        "/people",
        data={
            "name": "Bad\x00Name",
            "email": "nul@example.org",
            "organisation_id": "0",
            "role": "participant",
            "programme_id": str(programme_id),
            "csrf_token": csrf_token(client, "/people"),
        },
    )

    assert response.status_code == 200
    assert "Remove the control characters" in response.get_data(as_text=True)
    assert db["people"].count == people_before


def test_pages_carry_security_headers(client):
    response = client.get("/login")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_is_httponly_and_lax(client, db, make_person, login):
    login(make_person())

    cookie = client.get_cookie("session")

    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert cookie.secure is False


def test_session_cookie_is_secure_when_configured(tmp_path, db, make_person):
    secure_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SESSION_COOKIE_SECURE": True,
            "DATABASE": str(tmp_path / "test.db"),
        }
    )
    client = secure_app.test_client()
    email = auth.person(db, make_person())["email"]

    client.post(
        "/login",
        base_url="https://localhost",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "https://localhost/login"),
        },
    )

    assert client.get_cookie("session", domain="localhost").secure is True


@pytest.mark.parametrize(
    "path,code,text",
    [
        ("/no-such-page", 404, "Not found"),
        ("/people", 403, "Not allowed"),
    ],
)
def test_error_pages_use_the_site_layout(client, make_person, login, path, code, text):
    login(make_person())

    response = client.get(path)

    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert text in page and 'class="site-header"' in page


def test_server_error_page_is_friendly(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["TESTING"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert "Nothing you saved before this was lost" in response.get_data(as_text=True)
