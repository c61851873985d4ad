"""Every figure in the pack's programme summary against a small world counted by hand."""

from datetime import datetime

from actionlearning import casestudies, scheduling
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import approve_case_study, submit_case_study
from actionlearning.scheduling import records

AT = "2027-03-01T12:00:00+00:00"  # the pack is made on 1 March 2027


def test_pack_summary_figures_match_a_hand_count(
    db, programme_id, make_pair, make_person, make_set, make_meeting
):
    def meeting(day, learning_set_id=None):
        start = datetime.fromisoformat(f"{day}T10:00")
        return make_meeting(start, start.replace(hour=12), learning_set_id, title=f"On {day}")

    learning_set = make_set(name="Thames set")
    pair = make_pair(learning_set_id=learning_set, borough="Camden")
    a, b = [
        r[0] for r in db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair])
    ]
    organiser = make_person(role="organiser")
    held_1 = meeting("2027-01-12", learning_set)
    held_2 = meeting("2027-02-09", learning_set)
    ahead = meeting("2027-03-09", learning_set)
    called_off = meeting("2027-02-23", learning_set)
    seminar = meeting("2027-02-02")
    records.record_attendance(db, held_1, {a: "attended", b: "attended"}, at=AT)
    records.record_attendance(db, held_2, {a: "attended", b: "apologies"}, at=AT)
    records.record_attendance(db, ahead, {a: "apologies"}, at=AT)  # sent in advance
    records.record_attendance(db, called_off, {a: "absent"}, at=AT)
    scheduling.cancel_meeting(db, called_off, "Room flooded")
    records.record_attendance(db, seminar, {a: "attended", b: "absent"}, at=AT)
    fields = {k: "Text." for k in casestudies.MARKDOWN_FIELDS} | {"title": "Home first"}
    revision = casestudies.save_case_study(db, pair, a, 0, fields | {"themes": ["leadership"]})
    submit_case_study(db, pair, a, revision)
    approve_case_study(db, pair, organiser, revision)

    parts = export.pack_document(db, programme_id, at=AT)

    summary = parts["sections"][0]["body"]
    attendance = summary.split("### Attendance\n\n")[1].split("\n\n")[0]
    # By hand: set meetings held by 1 March are 12 January and 9 February (9 March is still
    # to come, 23 February was cancelled): 3 attended, 1 apology, 0 absent of 4 recorded.
    # The seminar on 2 February: 1 attended, 1 absent.
    assert attendance == (
        "| Meetings | Held | Attended | Apologies | Absent | Attendance |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        "| Seminars | 1 | 1 | 0 | 1 | 50% |\n"
        "| Set meetings | 2 | 3 | 1 | 0 | 75% |"
    )
    assert "(1 attended)" in summary
    assert "| leadership | 1 |" in summary
    assert "Case studies from the Test programme" in parts["introduction"]
    assert "1 in all" in parts["introduction"]
