"""Account mail: sign-up invitations and sign-in links, sent to the account's own address.

Whoever holds a sign-in link can read that account's private journal, so a link made by
anyone but its owner travels only by e-mail to the owner; the outbox forgets the link once
the message has gone (mail.LINK_FORGOTTEN).
"""

from html import escape

from . import queue_message

LINK_PATH = "/account/link/"  # auth.use_link's URL
LIFETIME = "7 days"  # auth.LINK_LIFETIME, in words


def link_url(base_url, token):
    return f"{base_url}{LINK_PATH}{token}"


def queue_account_link(
    db, person_id, token, purpose, base_url, *, sent_by=None, programme=None, programme_id=None
):
    """Queue the e-mail that carries a sign-up ('invite') or sign-in ('reset') link.

    `sent_by` is the name of the organiser who asked for it (None when the person asked
    themselves on /account/forgot); `programme` the programme's name for an invitation.
    Returns the outbox id, or None for a deactivated person.
    """
    url = link_url(base_url, token)
    if purpose == "invite":
        where = programme or "the leadership programme"
        subject = f"Your invitation to {where}"
        opening = f"{sent_by or 'The programme office'} has invited you to {where}."
        action = "Choose your password to sign in"
    elif sent_by:
        subject = "A link to set a new password"
        opening = f"{sent_by} has sent you a link to set a new password for your account."
        action = "Set your password and sign in"
    else:
        subject = "Your sign-in link"
        opening = "Someone, we hope you, asked for a link to sign in with this e-mail address."
        action = "Set a new password and sign in"
    warning = (
        "The link works once and expires in " + LIFETIME + ". If you did not expect this "
        "e-mail, ignore it: nothing changes unless the link is used."
    )
    text = f"{opening}\n\n{action}:\n{url}\n\n{warning}\n"
    html = (
        f'<p>{escape(opening)}</p>\n<p><a href="{escape(url)}">{escape(action)}</a></p>\n'
        f"<p>{escape(warning)}</p>"
    )
    return queue_message(
        db,
        person_id=person_id,
        kind="account",
        subject=subject,
        text=text,
        html=html,
        programme_id=programme_id,
    )
