"""The data-protection page: linked from every page, readable without signing in, its
contact details edited by organisers only."""

from actionlearning import governance
from tests.conftest import csrf_token, sign_in

CONTACT = {
    "controller": "Lewisham and Greenwich NHS Trust",
    "contact_email": "dpo@example.nhs.uk",
    "contact_address": "",
}


def test_footer_links_data_protection_on_every_page(client, db, make_person):
    signed_out = client.get("/login").get_data(as_text=True)
    sign_in(client, db, make_person())
    signed_in = client.get("/journal").get_data(as_text=True)

    for page in (signed_out, signed_in):
        assert '<a href="/data-protection">Data protection</a>' in page


def test_page_answers_the_four_questions_without_signing_in(client):
    page = client.get("/data-protection").get_data(as_text=True)

    for heading in (
        "What is stored",
        "Who can see what",
        "How long it is kept",
        "How to take your data with you",
        "How to have your data erased",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "Change the contact details" not in page


def test_organiser_edits_contact_details(client, db, make_person):
    sign_in(client, db, make_person(role="organiser"))

    client.post("/data-protection", data={**CONTACT, "csrf_token": csrf_token(client, "/")})
    page = client.get("/data-protection").get_data(as_text=True)

    assert governance.contact(db) == CONTACT
    assert "Lewisham and Greenwich NHS Trust" in page and "mailto:dpo@example.nhs.uk" in page


def test_participant_cannot_edit_contact_details(client, db, make_person):
    sign_in(client, db, make_person())

    client.post("/data-protection", data={**CONTACT, "csrf_token": csrf_token(client, "/")})

    assert governance.contact(db) == dict.fromkeys(governance.CONTACT_KEYS, "")


def test_control_characters_in_contact_are_refused(client, db, make_person):
    sign_in(client, db, make_person(role="organiser"))

    page = client.post(
        "/data-protection",
        data={**CONTACT, "controller": "Trust\u202e", "csrf_token": csrf_token(client, "/")},
    ).get_data(as_text=True)

    assert "Remove the control characters" in page
    assert governance.contact(db) == dict.fromkeys(governance.CONTACT_KEYS, "")
