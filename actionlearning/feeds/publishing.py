"""Who may publish which feed: the sets and programmes whose feed links a person may hand
out and reset, and everything the subscribe page lists for them."""

from ..db import rows
from ..programmes import organised_programmes
from ..scheduling import MANAGED_LEARNING_SETS
from . import feed_token, feed_urls


def publishable_learning_sets(db, person_id):
    """Sets whose feed this person may hand out and reset: theirs, or any in a programme
    they organise."""
    return rows(
        db,
        f"""SELECT s.id, s.name, g.name AS programme_name FROM learning_sets s
           JOIN programmes g ON g.id = s.programme_id
           WHERE s.id IN ({MANAGED_LEARNING_SETS})
           ORDER BY g.starts_on DESC, s.name""",
        {"me": person_id},
    )


def publishable_programmes(db, person_id):
    """Programmes whose seminar feed this person may hand out and reset: those they organise."""
    return organised_programmes(db, person_id)


def may_publish(db, person_id, scope, subject_id):
    """True when this person may see and reset the link of this set or programme feed."""
    if scope == "s":
        return any(s["id"] == subject_id for s in publishable_learning_sets(db, person_id))
    if scope == "g":
        return any(g["id"] == subject_id for g in publishable_programmes(db, person_id))
    return False


def calendar_links(db, secret_key, base_url, person_id):
    """Everything the subscribe page lists for this person: their own feed, then those
    they publish."""
    token = feed_token(db, secret_key, "p", person_id)
    return {
        "personal": feed_urls(base_url, token) if token else None,
        "learning_sets": [
            {**s, **feed_urls(base_url, feed_token(db, secret_key, "s", s["id"]))}
            for s in publishable_learning_sets(db, person_id)
        ],
        "programmes": [
            {**g, **feed_urls(base_url, feed_token(db, secret_key, "g", g["id"]))}
            for g in publishable_programmes(db, person_id)
        ],
    }
