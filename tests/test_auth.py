"""Accounts: sign-in, server-side sessions, throttling, single-use links, roles."""

from datetime import UTC, datetime, timedelta

from actionlearning import auth, programmes
from tests.conftest import PASSWORD, csrf_token, sign_in


def post_login(client, email, password, path="/login"):
    return client.post(
        path, data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )


def test_sign_in_with_wrong_password_is_refused_with_a_message(client, db, make_person):
    person_id = make_person()
    email = auth.person(db, person_id)["email"]

    response = post_login(client, email, "wrong-password")

    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_old_cookie_replayed_after_logout_is_refused(app, client, db, make_person):
    person_id = make_person()
    sign_in(client, db, person_id)
    stolen_cookie = client.get_cookie("session").value

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    attacker = app.test_client()
    attacker.set_cookie("session", stolen_cookie)

    response = attacker.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_password_change_signs_out_other_sessions(app, client, db, make_person):
    person_id = make_person()
    other_device = app.test_client()
    sign_in(other_device, db, person_id)
    sign_in(client, db, person_id)

    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a-brand-new-password",
            "confirm": "a-brand-new-password",
            "csrf_token": csrf_token(client, "/account/password"),
        },
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_idle_session_expires(app, client, db, make_person):
    person_id = make_person()
    sign_in(client, db, person_id)
    long_ago = datetime.now(UTC) - timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)
    db.execute("UPDATE login_sessions SET last_seen_at = ?", [long_ago.isoformat()])

    response = client.get("/")

    assert response.status_code == 302
    assert db["login_sessions"].count == 0


def test_sign_in_gets_a_fresh_session_id(client, db, make_person):
    person_id = make_person()
    client.get("/login")
    before = client.get_cookie("session").value

    sign_in(client, db, person_id)

    assert client.get_cookie("session").value != before
    assert db["login_sessions"].count == 1


def test_deactivated_person_is_signed_out_and_cannot_sign_in(client, db, make_person):
    person_id = make_person()
    sign_in(client, db, person_id)

    auth.set_active(db, person_id, False)

    assert client.get("/").status_code == 302
    response = post_login(client, auth.person(db, person_id)["email"], PASSWORD)
    assert response.status_code == 200


def test_failed_sign_ins_are_throttled_per_account(app, client, db, make_person):
    person_id = make_person()
    email = auth.person(db, person_id)["email"]
    for _ in range(app.config["SIGN_IN_FAILURE_LIMIT"]):
        post_login(client, email, "wrong-password")

    response = post_login(client, email, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert db["login_sessions"].count == 0


def test_failed_sign_ins_are_throttled_per_address(app, client, db, make_person):
    victim = auth.person(db, make_person())["email"]
    for n in range(app.config["SIGN_IN_ADDRESS_FAILURE_LIMIT"]):
        post_login(client, f"nobody{n}@example.org", "wrong-password")

    response = post_login(client, victim, PASSWORD)

    assert response.status_code == 429


def test_successful_sign_ins_never_count_towards_the_limit(app, db, make_person):
    person_id = make_person()
    for _ in range(app.config["SIGN_IN_FAILURE_LIMIT"] + 2):
        sign_in(app.test_client(), db, person_id)

    assert db["sign_in_failures"].count == 0


def test_throttle_is_shared_through_the_database(app, db, make_person):
    person_id = make_person()
    email = auth.person(db, person_id)["email"]
    # Another gunicorn worker recorded these failures in the same SQLite file.
    db["sign_in_failures"].insert_all(
        [{"email": email, "address": "10.0.0.9", "failed_at": auth.now()}] * 10
    )

    response = post_login(app.test_client(), email, PASSWORD)

    assert response.status_code == 429


def test_invite_link_sets_password_once(app, client, db, make_person):
    organiser = make_person(role="organiser")
    invited = auth.create_person(db, "new.person@example.org", "New Person")
    token = auth.create_account_link(db, invited, "invite", organiser)
    form = {"password": "my-new-password", "confirm": "my-new-password"}

    first = client.post(
        f"/account/link/{token}",
        data={**form, "csrf_token": csrf_token(client, f"/account/link/{token}")},
    )
    second = app.test_client().get(f"/account/link/{token}")

    assert first.status_code == 302
    assert client.get("/").status_code == 200
    assert second.status_code == 404


def test_expired_link_is_refused(client, db, make_person):
    invited = auth.create_person(db, "late@example.org", "Late Person")
    token = auth.create_account_link(db, invited, "reset")
    db.execute(
        "UPDATE account_links SET expires_at = ?",
        [(datetime.now(UTC) - timedelta(seconds=1)).isoformat()],
    )

    response = client.get(f"/account/link/{token}")

    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_organiser_invites_a_person_and_gets_a_link(client, db, make_person, login, programme_id):
    login(make_person(role="organiser"))

    response = client.post(
        "/people",
        data={
            "name": "Grace Okafor",
            "email": "Grace.Okafor@example.org",
            "organisation_id": "0",
            "role": "participant",
            "programme_id": str(programme_id),
            "csrf_token": csrf_token(client, "/people"),
        },
    )

    page = response.get_data(as_text=True)
    assert "/account/link/" in page
    invited = auth.person_by_email(db, "grace.okafor@example.org")
    assert (invited["name"], invited["password_hash"]) == ("Grace Okafor", None)


def test_participant_gets_403_on_organiser_pages(client, make_person, login):
    login(make_person(role="participant"))

    assert client.get("/people").status_code == 403


def test_facilitator_gets_403_on_organiser_pages(client, make_person, login):
    login(make_person(role="facilitator"))

    assert client.get("/people").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/people")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def reset_link_response(client, person_id):
    return client.post(
        f"/people/{person_id}/reset-link", data={"csrf_token": csrf_token(client, "/people")}
    )


def test_organiser_has_a_reset_link_mailed_to_a_participant_in_their_programme(
    client, db, make_person, login
):
    participant = make_person()
    login(make_person(role="organiser"))

    response = reset_link_response(client, participant)

    assert response.status_code == 302
    assert db["account_links"].count == 1
    [message] = db.execute("SELECT person_id, kind FROM outbox").fetchall()
    assert message == (participant, "account")


def test_organiser_cannot_make_a_link_for_someone_also_in_another_programme(
    client, db, make_person, login
):
    other_programme = programmes.create_programme(db, "Other", "2026-09-01", "2027-08-31")
    participant = make_person()
    programmes.add_member(db, other_programme, participant, "participant")
    login(make_person(role="organiser"))

    response = reset_link_response(client, participant)

    assert response.status_code == 403
    assert "organises every programme" in response.get_data(as_text=True)
    assert db["account_links"].count == 0


def test_organiser_cannot_make_a_link_for_another_organiser(client, db, make_person, login):
    co_organiser = make_person(role="organiser")
    login(make_person(role="organiser"))

    response = reset_link_response(client, co_organiser)

    assert response.status_code == 403
    assert db["account_links"].count == 0


def test_password_page_lists_links_made_for_the_account(client, db, make_person, login):
    organiser = make_person(role="organiser", name="Olu Organiser")
    participant = make_person()
    auth.create_account_link(db, participant, "reset", organiser)
    login(participant)

    page = client.get("/account/password").get_data(as_text=True)

    assert "Olu Organiser" in page
    assert "password reset" in page


def test_cli_reset_link_works_for_an_organiser(runner, app, db, make_person):
    organiser = make_person(role="organiser")
    email = auth.person(db, organiser)["email"]

    result = runner.invoke(args=["reset-link", email])

    path = result.output.strip().removeprefix(app.config["BASE_URL"])
    assert result.exit_code == 0, result.output
    assert app.test_client().get(path).status_code == 200


def test_cli_reset_link_refuses_an_unknown_email(runner, db):
    result = runner.invoke(args=["reset-link", "nobody@example.org"])

    assert result.exit_code == 1
    assert "No account for nobody@example.org" in result.output
    assert db["account_links"].count == 0


def test_cli_deactivate_signs_out_everywhere_and_activate_lets_back_in(
    runner, client, db, make_person, login
):
    organiser = make_person(role="organiser", programme=None)
    email = auth.person(db, organiser)["email"]
    login(organiser)

    off = runner.invoke(args=["deactivate", email.upper()])
    signed_out = client.get("/account/password")
    on = runner.invoke(args=["activate", email])

    assert (off.exit_code, off.output) == (0, f"{email} is now deactivated.\n")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    assert db["login_sessions"].count == 0
    assert (on.exit_code, auth.person(db, organiser)["is_active"]) == (0, 1)


def test_cli_deactivate_refuses_an_unknown_email(runner, db, make_person):
    make_person()

    result = runner.invoke(args=["deactivate", "nobody@example.org"])

    assert result.exit_code == 1
    assert "No account for nobody@example.org" in result.output
    assert db.execute("SELECT count(*) FROM people WHERE is_active = 0").fetchone()[0] == 0


def test_failures_older_than_a_day_are_forgotten(client, db, make_person):
    email = auth.person(db, make_person())["email"]
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    db["sign_in_failures"].insert({"email": email, "address": "x", "failed_at": two_days_ago})

    post_login(client, email, "wrong-password")

    assert [r["failed_at"] > two_days_ago for r in db["sign_in_failures"].rows] == [True]
