"""Forms and pages people trust: grouped choices, the people page, organisations, the
programme's home, the calendar, help, favicon and badges."""


def test_visibility_choice_is_a_fieldset_with_hint_under_the_radio_buttons(
    client, login, make_person
):
    login(make_person())

    html = client.get("/journal/new").get_data(as_text=True)

    fieldset = html[
        html.index('<fieldset class="field choices"', html.index("Who can read it") - 400) :
    ]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend>Who can read it</legend>" in fieldset
    assert fieldset.index('type="radio"') < fieldset.index("Only me: not even the organisers")
    assert 'aria-describedby="visibility-hint"' in fieldset


def test_pair_members_are_checkboxes_in_a_fieldset(client, login, make_person, programme_id):
    login(make_person(role="organiser"))
    make_person(name="Asha Patel")

    html = client.get(f"/programmes/{programme_id}/pairs").get_data(as_text=True)

    fieldset = html[html.index('<fieldset class="field choices"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend>Members (two, or three with a third partner)</legend>" in fieldset
    assert 'type="checkbox"' in fieldset and "Asha Patel" in fieldset
    assert fieldset.index("Asha Patel") < fieldset.index("Partners are normally from different")
