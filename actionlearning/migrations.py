"""Numbered migrations. Append new ones; never edit one that has shipped.

Each runs inside one BEGIN IMMEDIATE transaction with its user_version bump
(see db.migrate).
"""


def m001_core_tables(db):
    """Programmes, organisations, people, membership, sign-in sessions and links."""
    db["programmes"].create(
        {
            "id": int,
            "name": str,
            "starts_on": str,
            "ends_on": str,
            "time_zone": str,
            "default_venue": str,
            "conference_on": str,
            "description": str,
            "created_at": str,
        },
        pk="id",
        not_null={"name", "starts_on", "ends_on", "time_zone", "created_at"},
        defaults={"time_zone": "Europe/London", "default_venue": "", "description": ""},
    )
    db["organisations"].create(
        {"id": int, "name": str, "kind": str}, pk="id", not_null={"name", "kind"}
    )
    db["organisations"].create_index(["name"], unique=True)
    db["people"].create(
        {
            "id": int,
            "email": str,
            "name": str,
            "organisation_id": int,
            "job_title": str,
            "role": str,
            "password_hash": str,
            "is_active": int,
            "feed_version": int,
            "created_at": str,
        },
        pk="id",
        not_null={"email", "name", "role", "is_active", "created_at"},
        defaults={"role": "participant", "is_active": 1, "feed_version": 1, "job_title": ""},
        foreign_keys=[("organisation_id", "organisations")],
    )
    db["people"].create_index(["email"], unique=True)
    db["programme_members"].create(
        {"programme_id": int, "person_id": int, "role": str, "joined_at": str},
        pk=("programme_id", "person_id"),
        not_null={"role"},
        foreign_keys=[("programme_id", "programmes"), ("person_id", "people")],
    )
    db["programme_members"].create_index(["person_id"])
    # Server-side sessions: the cookie holds a random id; deleting the row signs it out.
    db["login_sessions"].create(
        {
            "id": int,
            "token_hash": str,
            "person_id": int,
            "created_at": str,
            "last_seen_at": str,
            "address": str,
            "user_agent": str,
        },
        pk="id",
        not_null={"token_hash", "person_id", "created_at", "last_seen_at"},
        foreign_keys=[("person_id", "people")],
    )
    db["login_sessions"].create_index(["token_hash"], unique=True)
    db["login_sessions"].create_index(["person_id"])
    # Failed sign-ins, in the database so the limit holds across gunicorn workers.
    db["sign_in_failures"].create(
        {"id": int, "email": str, "address": str, "failed_at": str}, pk="id"
    )
    db["sign_in_failures"].create_index(["email", "failed_at"])
    db["sign_in_failures"].create_index(["address", "failed_at"])
    # Single-use sign-up and password-reset links (no mail server is assumed).
    db["account_links"].create(
        {
            "id": int,
            "token_hash": str,
            "person_id": int,
            "purpose": str,
            "created_by": int,
            "created_at": str,
            "expires_at": str,
            "used_at": str,
        },
        pk="id",
        not_null={"token_hash", "person_id", "purpose", "created_at", "expires_at"},
        foreign_keys=[("person_id", "people"), ("created_by", "people")],
    )
    db["account_links"].create_index(["token_hash"], unique=True)


def m002_scheduling_tables(db):
    """Pairs, learning sets, meetings, attendance, presenters, action points."""
    db["learning_sets"].create(
        {
            "id": int,
            "programme_id": int,
            "name": str,
            "facilitator_id": int,
            "ground_rules": str,
            "ground_rules_html": str,
            "created_at": str,
        },
        pk="id",
        not_null={"programme_id", "name", "created_at"},
        defaults={"ground_rules": "", "ground_rules_html": ""},
        foreign_keys=[("programme_id", "programmes"), ("facilitator_id", "people")],
    )
    db["pairs"].create(
        {
            "id": int,
            "programme_id": int,
            "learning_set_id": int,
            "name": str,
            "borough": str,
            "priority_area": str,
            "problem_statement": str,
            "partnering_model": str,
            "created_at": str,
        },
        pk="id",
        not_null={"programme_id", "priority_area", "created_at"},
        defaults={
            "name": "",
            "borough": "",
            "problem_statement": "",
            "partnering_model": "voluntary",
        },
        foreign_keys=[("programme_id", "programmes"), ("learning_set_id", "learning_sets")],
    )
    db["pair_members"].create(
        {"pair_id": int, "person_id": int},
        pk=("pair_id", "person_id"),
        foreign_keys=[("pair_id", "pairs"), ("person_id", "people")],
    )
    db["pair_members"].create_index(["person_id"])
    db["meetings"].create(
        {
            "id": int,
            "programme_id": int,
            "learning_set_id": int,
            "kind": str,
            "title": str,
            "starts_at": str,
            "ends_at": str,
            "venue": str,
            "online_link": str,
            "status": str,
            "cancel_reason": str,
            "uid": str,
            "sequence": int,
            "speaker": str,
            "speaker_organisation": str,
            "topic": str,
            "description": str,
            "agenda": str,
            "agenda_html": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={
            "programme_id",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "status",
            "uid",
            "sequence",
            "created_at",
            "updated_at",
        },
        defaults={
            "venue": "",
            "online_link": "",
            "status": "scheduled",
            "cancel_reason": "",
            "sequence": 0,
            "speaker": "",
            "speaker_organisation": "",
            "topic": "",
            "description": "",
            "agenda": "",
            "agenda_html": "",
        },
        foreign_keys=[("programme_id", "programmes"), ("learning_set_id", "learning_sets")],
    )
    db["meetings"].create_index(["uid"], unique=True)
    db["meetings"].create_index(["programme_id", "starts_at"])
    db["meetings"].create_index(["learning_set_id", "starts_at"])
    db["presenter_slots"].create(
        {"id": int, "meeting_id": int, "person_id": int, "minutes": int},
        pk="id",
        not_null={"meeting_id", "person_id", "minutes"},
        foreign_keys=[("meeting_id", "meetings"), ("person_id", "people")],
    )
    db["attendance"].create(
        {"meeting_id": int, "person_id": int, "status": str, "recorded_at": str},
        pk=("meeting_id", "person_id"),
        not_null={"status"},
        foreign_keys=[("meeting_id", "meetings"), ("person_id", "people")],
    )
    db["action_points"].create(
        {
            "id": int,
            "meeting_id": int,
            "owner_id": int,
            "text": str,
            "status": str,
            "reviewed_at_meeting_id": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"meeting_id", "owner_id", "text", "status", "created_at"},
        defaults={"status": "open"},
        foreign_keys=[
            ("meeting_id", "meetings"),
            ("owner_id", "people"),
            ("reviewed_at_meeting_id", "meetings"),
        ],
    )
    db["action_points"].create_index(["owner_id", "status"])
    db["ground_rule_acknowledgements"].create(
        {"learning_set_id": int, "person_id": int, "acknowledged_at": str},
        pk=("learning_set_id", "person_id"),
        foreign_keys=[("learning_set_id", "learning_sets"), ("person_id", "people")],
    )


def m003_journal_tables(db):
    """Journal entries, their themes, revisions and responses, and the search index."""
    db["journal_entries"].create(
        {
            "id": int,
            "author_id": int,
            "programme_id": int,
            "meeting_id": int,
            "pair_id": int,
            "title": str,
            "body": str,
            "body_html": str,
            "what_happened": str,
            "so_what": str,
            "now_what": str,
            "prompts_html": str,
            "visibility": str,
            "consent_to_quote": int,
            "case_study_section": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"author_id", "programme_id", "title", "visibility", "created_at", "updated_at"},
        defaults={
            "body": "",
            "body_html": "",
            "what_happened": "",
            "so_what": "",
            "now_what": "",
            "prompts_html": "",
            "visibility": "private",
            "consent_to_quote": 0,
            "case_study_section": "",
        },
        foreign_keys=[
            ("author_id", "people"),
            ("programme_id", "programmes"),
            ("meeting_id", "meetings"),
            ("pair_id", "pairs"),
        ],
    )
    db["journal_entries"].create_index(["author_id", "created_at"])
    db["journal_entries"].create_index(["programme_id", "visibility"])
    db["journal_entries"].create_index(["pair_id"])
    db["journal_entries"].create_index(["meeting_id"])
    db["journal_entry_themes"].create(
        {"entry_id": int, "theme": str},
        pk=("entry_id", "theme"),
        foreign_keys=[("entry_id", "journal_entries")],
    )
    db["journal_entry_themes"].create_index(["theme"])
    # Free tags in their own rows, so that filtering by one is an index lookup, not a LIKE.
    db["journal_entry_tags"].create(
        {"entry_id": int, "tag": str},
        pk=("entry_id", "tag"),
        foreign_keys=[("entry_id", "journal_entries")],
    )
    db["journal_entry_tags"].create_index(["tag"])
    db["journal_revisions"].create(
        {
            "id": int,
            "entry_id": int,
            "title": str,
            "body": str,
            "body_html": str,
            "what_happened": str,
            "so_what": str,
            "now_what": str,
            "prompts_html": str,
            "visibility": str,
            "themes": str,
            "tags": str,
            "saved_at": str,
        },
        pk="id",
        foreign_keys=[("entry_id", "journal_entries")],
    )
    db["journal_revisions"].create_index(["entry_id"])
    db["journal_responses"].create(
        {
            "id": int,
            "entry_id": int,
            "author_id": int,
            "body": str,
            "body_html": str,
            "created_at": str,
        },
        pk="id",
        not_null={"entry_id", "author_id", "body", "created_at"},
        foreign_keys=[("entry_id", "journal_entries"), ("author_id", "people")],
    )
    db["journal_responses"].create_index(["entry_id"])
    db["journal_entries"].enable_fts(
        ["title", "body", "what_happened", "so_what", "now_what"],
        create_triggers=True,
        tokenize="porter",
    )


def m004_feed_tables(db):
    """Version numbers of set and programme feed links (a person's is people.feed_version).

    A feed token is an HMAC over the feed and its version, so resetting a link is one
    increment, and every link made before it stops working.
    """
    db["feed_versions"].create(
        {"scope": str, "subject_id": int, "version": int, "reset_at": str},
        pk=("scope", "subject_id"),
        not_null={"version"},
        defaults={"version": 1},
    )
    # A programme's feed (seminars and conference) is polled hourly: find them directly.
    db["meetings"].create_index(["programme_id", "kind"])


def m005_case_study_tables(db):
    """Case studies (one per pair), their themes and every saved revision."""
    sections = ("summary", "problem", "what_we_did", "outcomes", "learning")
    columns = {"id": int, "pair_id": int, "title": str}
    for name in sections:
        columns[name] = str
        columns[name + "_html"] = str
    columns.update(
        {
            "key_outcomes": str,  # JSON list of short strings
            "status": str,
            "return_comment": str,
            "return_comment_html": str,
            # Goes up on every save; an edit form carries the number it was based on.
            "revision": int,
            "created_at": str,
            "updated_at": str,
            "submitted_at": str,
            "approved_at": str,
        }
    )
    db["case_studies"].create(
        columns,
        pk="id",
        not_null={"pair_id", "title", "status", "revision", "created_at", "updated_at"},
        defaults={
            **{name: "" for name in sections},
            **{name + "_html": "" for name in sections},
            "key_outcomes": "[]",
            "status": "draft",
            "return_comment": "",
            "return_comment_html": "",
            "revision": 0,
        },
        foreign_keys=[("pair_id", "pairs")],
    )
    db["case_studies"].create_index(["pair_id"], unique=True)
    db["case_study_themes"].create(
        {"case_study_id": int, "theme": str},
        pk=("case_study_id", "theme"),
        foreign_keys=[("case_study_id", "case_studies")],
    )
    db["case_study_themes"].create_index(["theme"])
    # kind 'save' rows hold the whole text as saved, so a refused save can show what changed;
    # 'submit', 'approve', 'return' and 'reopen' rows record the workflow, who and when.
    db["case_study_revisions"].create(
        {
            "id": int,
            "case_study_id": int,
            "revision": int,
            "kind": str,
            "title": str,
            **{name: str for name in sections},
            "key_outcomes": str,
            "themes": str,
            "comment": str,
            "person_id": int,
            "saved_at": str,
        },
        pk="id",
        not_null={"case_study_id", "revision", "kind", "saved_at"},
        foreign_keys=[("case_study_id", "case_studies"), ("person_id", "people")],
    )
    db["case_study_revisions"].create_index(["case_study_id", "revision"])


def m006_feed_changes(db):
    """When each feed last changed, as its Last-Modified.

    A feed's ETag sums up all it shows; the time this server first answered with that ETag
    is its Last-Modified. No column of meetings could say when someone left a set.
    """
    db["feed_changes"].create(
        {"scope": str, "subject_id": int, "etag": str, "changed_at": str},
        pk=("scope", "subject_id"),
        not_null={"etag", "changed_at"},
    )


def m007_action_point_owner_updates(db):
    """When an action point's owner last changed its status themselves (None once reviewed).

    An owner can tick a point off between meetings; the facilitator still reviews it at the
    next set meeting, and only this column tells that update apart from an earlier review.
    """
    db["action_points"].add_column("owner_updated_at", str)


def m011_evaluation(db):
    """Before-and-after self-ratings: rounds a programme opens and closes, one response per
    person per round, a 1-5 rating per factor, and the charts drawn from the aggregates.

    A chart is stored with a fingerprint of the figures it shows, so it is drawn once per
    change of those figures rather than on every page view or export.
    """
    db["evaluation_rounds"].create(
        {
            "id": int,
            "programme_id": int,
            "stage": str,
            "status": str,
            "opened_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"programme_id", "stage", "status", "opened_at"},
        foreign_keys=[("programme_id", "programmes")],
    )
    db["evaluation_rounds"].create_index(["programme_id", "stage"], unique=True)
    db["evaluation_responses"].create(
        {
            "id": int,
            "round_id": int,
            "person_id": int,
            "submitted_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"round_id", "person_id", "submitted_at", "updated_at"},
        foreign_keys=[("round_id", "evaluation_rounds"), ("person_id", "people")],
    )
    db["evaluation_responses"].create_index(["round_id", "person_id"], unique=True)
    db["evaluation_responses"].create_index(["person_id"])
    db["evaluation_ratings"].create(
        {
            "response_id": int,
            "factor": str,
            "rating": int,
            "comment": str,
            "for_case_study": int,
        },
        pk=("response_id", "factor"),
        not_null={"rating"},
        defaults={"comment": "", "for_case_study": 0},
        foreign_keys=[("response_id", "evaluation_responses")],
    )
    db["evaluation_charts"].create(
        {
            "programme_id": int,
            "kind": str,
            "fingerprint": str,
            "svg": str,
            "png": bytes,
            "drawn_at": str,
        },
        pk=("programme_id", "kind"),
        not_null={"fingerprint", "svg", "png", "drawn_at"},
        foreign_keys=[("programme_id", "programmes")],
    )


def m012_organisation_keys(db):
    """Organisation names unique regardless of case and spacing, by a normalised key.

    "london borough of camden" and "London  Borough of Camden" share the key
    "london borough of camden", and a unique index holds it. Duplicates made before this
    migration are kept (people point at them): the oldest holds the key, later ones keep a
    NULL key, which the unique index allows, and no new name can match any of them.
    """
    db["organisations"].add_column("name_key", str)
    taken = set()
    for row_id, name in db.execute("SELECT id, name FROM organisations ORDER BY id").fetchall():
        # The same rule as programmes.organisation_key(), frozen here as of this migration.
        key = " ".join(name.split()).casefold()
        if key not in taken:
            taken.add(key)
            db.execute("UPDATE organisations SET name_key = ? WHERE id = ?", [key, row_id])
    db["organisations"].create_index(["name_key"], unique=True)


def m009_outbox(db):
    """The mail outbox, written in the same transaction as the change that causes each
    message, and the kinds of optional mail each person has turned off."""
    db["outbox"].create(
        {
            "id": int,
            "message_id": str,
            "person_id": int,
            "to_addr": str,
            "to_name": str,
            "programme_id": int,
            "kind": str,
            "subject": str,
            "body_text": str,
            "body_html": str,
            "calendar_method": str,
            "calendar_ics": str,
            "coalesce_key": str,
            "queued_at": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "sent_at": str,
        },
        pk="id",
        not_null={
            "message_id",
            "to_addr",
            "kind",
            "subject",
            "body_text",
            "queued_at",
            "status",
            "attempts",
            "next_attempt_at",
        },
        defaults={"to_name": "", "status": "queued", "attempts": 0},
        foreign_keys=[("person_id", "people"), ("programme_id", "programmes")],
    )
    # The sender's question: what is due now.
    db.execute("CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued'")
    # A newer version of a still-queued message replaces it: found by key and recipient.
    db.execute(
        "CREATE INDEX outbox_coalesce ON outbox (coalesce_key, to_addr)"
        " WHERE status = 'queued' AND coalesce_key IS NOT NULL"
    )
    db["outbox"].create_index(["person_id"])
    db["outbox"].create_index(["programme_id", "queued_at"])
    # A row means: this person has turned this kind of optional mail off.
    db["mail_opt_outs"].create(
        {"person_id": int, "kind": str, "opted_out_at": str},
        pk=("person_id", "kind"),
        not_null={"opted_out_at"},
        foreign_keys=[("person_id", "people")],
    )


def m010_governance(db):
    """The audit log, retention and the data-protection contact.

    audit_events is append-only: triggers refuse DELETE and every UPDATE except the one
    erasure makes, turning an erased person's id into 0 ("a former participant") so that
    a reused id can never make old events look like someone else's. A programme's journals
    are kept retention_months after it ends unless their author chose keep_journal.
    """
    db["audit_events"].create(
        {
            "id": int,
            "at": str,
            "actor_id": int,
            "kind": str,
            "subject_id": int,
            "programme_id": int,
            "detail": str,
        },
        pk="id",
        not_null={"at", "kind"},
        defaults={"detail": "{}"},
    )
    db["audit_events"].create_index(["programme_id", "at"])
    db["audit_events"].create_index(["subject_id", "at"])
    db.execute(
        """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""
    )
    db.execute(
        """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
           WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind
             OR NEW.programme_id IS NOT OLD.programme_id OR NEW.detail IS NOT OLD.detail
             OR (NEW.actor_id IS NOT OLD.actor_id AND NEW.actor_id IS NOT 0)
             OR (NEW.subject_id IS NOT OLD.subject_id AND NEW.subject_id IS NOT 0)
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""
    )
    db["programmes"].add_column("retention_months", int, not_null_default=12)
    db["people"].add_column("keep_journal", int, not_null_default=0)
    db["settings"].create({"key": str, "value": str}, pk="key", not_null={"value"})


def m014_mail_reminders(db):
    """Which reminders, facilitator briefings and nudges have been queued, so each goes once."""
    db["mail_reminders"].create(
        {"kind": str, "meeting_id": int, "person_id": int, "queued_at": str},
        pk=("kind", "meeting_id", "person_id"),
        not_null={"queued_at"},
        foreign_keys=[("meeting_id", "meetings"), ("person_id", "people")],
    )


def m013_journal_walk_indexes(db):
    """Indexes that let a journal list walk the entries newest first and stop after a page.

    The shared list reads entries in created_at order, checking each against the reader's
    programmes, pairs and sets (looked up once); the visibility rule finds the pairs of a
    learning set and the sets a person facilitates. docs/benchmarks.md has the figures.
    """
    db["journal_entries"].create_index(["created_at"])
    db["pairs"].create_index(["learning_set_id"], if_not_exists=True)
    db["learning_sets"].create_index(["facilitator_id"], if_not_exists=True)


def m015_evaluation_figures(db):
    """The sums behind the evaluation's aggregates, worked out once per change.

    Summing a 200-person programme's 6,000 ratings on every page view and pack cost more
    than the rest of the pack. The sums are stored per programme with a fingerprint of
    what they depend on (its closed rounds, their responses, and which set each
    respondent's pair is in) and worked out again only when that fingerprint changes.
    """
    db["evaluation_figures"].create(
        {"programme_id": int, "fingerprint": str, "groups": str, "summed_at": str},
        pk="programme_id",
        not_null={"fingerprint", "groups", "summed_at"},
        foreign_keys=[("programme_id", "programmes")],
    )


def m018_retention_notices(db):
    """Which authors were mailed the notice before a programme's journals are deleted, per
    deletion date, so each is told once (and again if the date moves)."""
    db["retention_notices"].create(
        {"person_id": int, "programme_id": int, "delete_on": str, "queued_on": str},
        pk=("person_id", "programme_id", "delete_on"),
        not_null={"queued_on"},
        foreign_keys=[("person_id", "people"), ("programme_id", "programmes")],
    )


def m016_invitation_fanouts(db):
    """Meeting changes whose invitations the sender has still to write, and the start time
    each reminder was sent for.

    invitation_fanouts: one row per changed meeting, written in the change's own write, with
    everyone the change concerns and why ({"person id": why}, as invitations.changes() found
    them). The sender writes each person's message from it, outside any request, and deletes
    it in the same write; `revision` counts the edits merged into it, so a row changed while
    the sender was writing its messages is left for the next pass.
    mail_reminders.starts_at: a meeting moved after its reminder went is reminded again.
    """
    db["invitation_fanouts"].create(
        {
            "meeting_id": int,
            "programme_id": int,
            "recipients": str,
            "queued_at": str,
            "revision": int,
        },
        pk="meeting_id",
        not_null={"programme_id", "recipients", "queued_at", "revision"},
        foreign_keys=[("meeting_id", "meetings"), ("programme_id", "programmes")],
    )
    db["invitation_fanouts"].create_index(["queued_at"])
    db["mail_reminders"].add_column("starts_at", str)
    db.execute(
        """UPDATE mail_reminders SET starts_at =
           (SELECT starts_at FROM meetings WHERE meetings.id = mail_reminders.meeting_id)"""
    )


def m017_journal_cards(db):
    """An entry's card as the lists show it, rendered when the entry is saved
    (journal/cards.py); NULL until then, and again whenever something it shows changes
    elsewhere, which these triggers catch however the change is made."""
    db.execute("ALTER TABLE journal_entries ADD COLUMN card_html TEXT")
    # The search index is rewritten only when the text changes, not when a card is stored
    # or dropped. (Re-indexing from inside another trigger's update of the same row also
    # deleted the old text from the index twice, which FTS5 reports as a malformed file.)
    db.execute("DROP TRIGGER journal_entries_au")
    db.execute(
        """CREATE TRIGGER journal_entries_au
        AFTER UPDATE OF title, body, what_happened, so_what, now_what ON journal_entries BEGIN
          INSERT INTO journal_entries_fts
            (journal_entries_fts, rowid, title, body, what_happened, so_what, now_what)
            VALUES ('delete', old.rowid, old.title, old.body, old.what_happened, old.so_what,
              old.now_what);
          INSERT INTO journal_entries_fts (rowid, title, body, what_happened, so_what, now_what)
            VALUES (new.rowid, new.title, new.body, new.what_happened, new.so_what, new.now_what);
        END"""
    )
    stale = "UPDATE journal_entries SET card_html = NULL WHERE"
    for name, event, condition in (
        (
            "entry",
            "UPDATE OF author_id, meeting_id, visibility, created_at ON journal_entries",
            "id = NEW.id",
        ),
        ("theme_added", "INSERT ON journal_entry_themes", "id = NEW.entry_id"),
        ("theme_removed", "DELETE ON journal_entry_themes", "id = OLD.entry_id"),
        ("tag_added", "INSERT ON journal_entry_tags", "id = NEW.entry_id"),
        ("tag_removed", "DELETE ON journal_entry_tags", "id = OLD.entry_id"),
        ("author", "UPDATE OF name ON people", "author_id = NEW.id"),
        ("meeting", "UPDATE OF title, starts_at ON meetings", "meeting_id = NEW.id"),
        ("zone", "UPDATE OF time_zone ON programmes", "programme_id = NEW.id"),
    ):
        db.execute(
            f"CREATE TRIGGER journal_card_{name} AFTER {event} BEGIN {stale} {condition}; END"
        )
    # Before: a meeting's deletion may clear its entries' meeting_id first.
    db.execute(
        "CREATE TRIGGER journal_card_meeting_deleted BEFORE DELETE ON meetings "
        f"BEGIN {stale} meeting_id = OLD.id; END"
    )


MIGRATIONS = [
    m001_core_tables,
    m002_scheduling_tables,
    m003_journal_tables,
    m004_feed_tables,
    m005_case_study_tables,
    m006_feed_changes,
    m007_action_point_owner_updates,
    m011_evaluation,
    m009_outbox,
    m012_organisation_keys,
    m014_mail_reminders,
    m013_journal_walk_indexes,
    m010_governance,
    m015_evaluation_figures,
    m018_retention_notices,
    m016_invitation_fanouts,
    m017_journal_cards,
]
