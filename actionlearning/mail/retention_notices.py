"""The mailed notice before a programme's journals are deleted (retention.py), queued by the
sender on each pass, once per author, programme and deletion date.

The pages show the same notice from RETENTION_NOTICE_DAYS before; the mail reaches authors
who no longer sign in. A programme whose end date or retention period moves gets a new
deletion date, and its authors a new notice.
"""

from datetime import timedelta

from .. import retention
from ..db import rows, write
from ..times import long_date
from . import MailError, queue_message
from .invitations import bodies

# Authors whose entries in the programme retention would delete, not yet told of this date.
NOT_YET_TOLD = f"""SELECT DISTINCT e.author_id AS person_id, count(*) AS entries
FROM journal_entries e
WHERE {retention.RETAINED_ENTRIES}
  AND NOT EXISTS (SELECT 1 FROM retention_notices n WHERE n.person_id = e.author_id
                  AND n.programme_id = :programme AND n.delete_on = :delete_on)
GROUP BY e.author_id ORDER BY e.author_id"""


def queue_due(db, base_url, today, days=retention.RETENTION_NOTICE_DAYS):
    """Queue the notice to every author whose journal in a programme is deleted within
    `days` of `today` and who has not been told of that date; returns how many."""
    queued = 0
    with write(db):
        for programme in rows(db, "SELECT * FROM programmes ORDER BY id"):
            delete_on = retention.deletion_date(programme)
            if delete_on is None or not today <= delete_on <= today + timedelta(days=days):
                continue
            params = {"programme": programme["id"], "delete_on": delete_on.isoformat()}
            for author in rows(db, NOT_YET_TOLD, params):
                _queue(db, base_url, programme, delete_on, author)
                db["retention_notices"].insert(
                    {
                        "person_id": author["person_id"],
                        "programme_id": programme["id"],
                        "delete_on": params["delete_on"],
                        "queued_on": today.isoformat(),
                    }
                )
                queued += 1
    return queued


def _queue(db, base_url, programme, delete_on, author):
    when = long_date(delete_on)
    entries = "entry" if author["entries"] == 1 else "entries"
    text, html = bodies(
        [
            [
                f"Your {author['entries']} journal {entries} in {programme['name']} will be "
                f"deleted on {when}, when the programme's retention period ends."
            ],
            [
                f"Download your journal: {base_url}/journal/export.zip",
                f"Or choose to keep your journal: {base_url}/account/password#keep-journal",
            ],
            [f"What is kept and for how long: {base_url}/data-protection"],
        ]
    )
    try:
        queue_message(
            db,
            person_id=author["person_id"],
            kind="retention",
            subject=f"Your journal in {programme['name']} will be deleted on {when}",
            text=text,
            html=html,
            programme_id=programme["id"],
        )
    except MailError:  # an address stored before addresses were checked
        pass  # recorded all the same: one bad address must not stop every notice
