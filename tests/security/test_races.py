"""Simultaneous requests against every limit and every single-use thing, on a real gunicorn
server whose workers serve many requests at once: the sign-in throttle, the forgotten-password
limit, reset links and sign-up links. Each limit must hold however the requests interleave."""

import threading

import pytest
from werkzeug.security import check_password_hash

from actionlearning import auth
from actionlearning.db import connect
from tests.live import PASSWORD, Client, LiveServer, prepare_database

LIMIT = 10  # the default SIGN_IN_FAILURE_LIMIT
LINK_LIMIT = 3  # the default SIGN_IN_LINK_LIMIT (/account/forgot)
# http.client leaves a closed connection's socket to the garbage collector when the server
# answered while the burst's other threads still held it; that is the test's client, not
# the app.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    path = tmp_path_factory.mktemp("races") / "races.db"
    people = prepare_database(path, participants=4, readers=0, meetings=0)
    # gthread workers: every request of a burst is in the app at the same moment.
    with LiveServer(path, workers=2, threads=16) as server:
        yield server, path, people


def _count(path, sql, params=()):
    db = connect(str(path))
    try:
        return db.execute(sql, params).fetchone()[0]
    finally:
        db.conn.close()


def _at_once(calls):
    """Run the calls on threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _form(server, path):
    """A client with its session and CSRF token, its connection closed: an idle keep-alive
    connection would be dropped by the server before the burst."""
    client = Client(server.url)
    token = client.csrf_token(path)
    client.close()
    return client, token


def _login_form(server):
    return _form(server, "/login")


def test_simultaneous_sign_ins_check_no_more_passwords_than_the_limit(live):
    server, path, people = live
    email = people["writers"][0]
    forms = [_login_form(server) for _ in range(30)]

    def attempt(client, token, password):
        return lambda: (
            client.post(
                "/login", {"email": email, "password": password, "csrf_token": token}
            ).status
        )

    wrong = _at_once([attempt(c, t, f"wrong-password-{n}") for n, (c, t) in enumerate(forms[:29])])
    right_client, right_token = forms[29]
    right = attempt(right_client, right_token, PASSWORD)()

    assert wrong.count(200) == LIMIT  # checked and refused; the rest never reached a hash
    assert wrong.count(429) == 29 - LIMIT
    assert right == 429


def _link_form(server, token):
    return _form(server, f"/account/link/{token}")


@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_single_use_link_used_six_times_at_once_sets_one_password(live, purpose):
    server, path, people = live
    person_id = people["writer_ids"][1 if purpose == "reset" else 2]
    db = connect(str(path))
    try:
        token = auth.create_account_link(db, person_id, purpose, people["organiser_id"])
    finally:
        db.conn.close()
    forms = [_link_form(server, token) for _ in range(6)]
    passwords = [f"racing-password-{n}" for n in range(6)]

    statuses = _at_once(
        [
            lambda c=c, t=t, p=p: (
                c.post(
                    f"/account/link/{token}", {"password": p, "confirm": p, "csrf_token": t}
                ).status
            )
            for (c, t), p in zip(forms, passwords, strict=True)
        ]
    )

    assert sorted(statuses) == [302, 404, 404, 404, 404, 404]
    winner = passwords[statuses.index(302)]
    stored = _count(path, "SELECT password_hash FROM people WHERE id = ?", [person_id])
    assert [check_password_hash(stored, p) for p in passwords] == [p == winner for p in passwords]


def _post_and_close(client, path, fields):
    try:
        return client.post(path, fields).status
    finally:
        client.close()


def test_simultaneous_forgotten_password_requests_mail_no_more_links_than_the_limit(live):
    server, path, people = live
    email, person_id = people["writers"][3], people["writer_ids"][3]
    forms = [_form(server, "/account/forgot") for _ in range(12)]

    statuses = _at_once(
        [
            lambda c=c, t=t: _post_and_close(
                c, "/account/forgot", {"email": email, "csrf_token": t}
            )
            for c, t in forms
        ]
    )

    links = _count(path, "SELECT count(*) FROM account_links WHERE person_id = ?", [person_id])
    assert links == LINK_LIMIT
    assert statuses.count(429) == 12 - LINK_LIMIT
