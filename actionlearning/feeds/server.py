"""The feeds themselves, /feeds/<token>.ics, answered in front of Flask.

Every subscribed calendar polls its feed about once an hour, and almost every poll should
end in a cheap 304. Calendar apps send no cookies and fill in no forms, so Flask's
sessions, CSRF checks and sign-in, which together cost more than the answer itself, do
nothing for them. This small Werkzeug app (the library Flask is built on) takes the
feed paths before Flask sees the request, on the Flask app's configuration, database pool
and logger. Measured in bench/feeds.py: a 304 here costs about what a Flask hello-world
does; through Flask it cost 1.5 times as much.

Its answers are calendar data or plain text, never HTML, so of the pages' security headers
(security.SecurityHeaders) they carry only the one that matters here: nosniff, which keeps a
browser from reading either as a page.
"""

import re

from werkzeug.http import http_date, is_resource_modified, quote_etag
from werkzeug.wrappers import Response

from ..db import pooled
from ..security import NO_SNIFF
from . import feed_calendar, feed_for_token, feed_state

PREFIX = "/feeds/"
RULE = "/feeds/<token>.ics"  # the one route served here
PATH = re.compile(r"/feeds/([^/]+)\.ics")
READ_METHODS = ("GET", "HEAD")
CALENDAR_TYPE = "text/calendar; charset=utf-8"
# Private: a feed is one person's. no-cache: keep it, but ask again (cheaply, by ETag).
FEED_CACHE_CONTROL = "private, no-cache"
NOT_FOUND = (
    "This calendar link does not work: it is mistyped, or it was reset and replaced by "
    "a new one. Sign in and open the Calendar page for the current link.\n"
)


class FeedServer:
    """WSGI middleware: feed paths are answered here, everything else goes on to Flask."""

    def __init__(self, flask_app, wsgi_app):
        self.flask_app = flask_app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.wsgi_app(environ, start_response)
        match = PATH.fullmatch(path)
        if match is None:
            response = self.error(404)
        elif environ["REQUEST_METHOD"] not in READ_METHODS:
            response = self.error(405, [("Allow", ", ".join(READ_METHODS))])
        else:
            try:
                response = self.feed(environ, match[1])
            except Exception:
                self.flask_app.logger.exception("Feed request failed: %s", path)
                response = self.error(500)
        return response(environ, start_response)

    def feed(self, environ, token):
        """The feed, or 304 when the client's copy is current; 404 for a dead link."""
        config = self.flask_app.config
        with pooled(self.flask_app) as db:
            feed = feed_for_token(db, config["SECRET_KEY"], token)
            if feed is None:
                return self.error(404)
            state = feed_state(db, feed)
            etag = quote_etag(state["etag"])
            headers = [
                ("ETag", etag),
                ("Last-Modified", http_date(state["last_modified"])),
                ("Cache-Control", FEED_CACHE_CONTROL),
                NO_SNIFF,
            ]
            # The usual poll sends back exactly the ETag it was given: answered without parsing.
            if environ.get("HTTP_IF_NONE_MATCH") == etag or not is_resource_modified(
                environ, state["etag"], None, state["last_modified"]
            ):
                return not_modified(headers)
            body = feed_calendar(db, feed, config["BASE_URL"])
            return Response(body, headers=headers, content_type=CALENDAR_TYPE)

    @staticmethod
    def error(code, headers=()):
        """Plain text: whoever reads it is a calendar app, or someone who pasted the link."""
        messages = {404: NOT_FOUND, 405: "Calendar feeds can only be read (GET).\n"}
        text = messages.get(code, "The calendar could not be made. Try again later.\n")
        headers = [("Cache-Control", "no-store"), NO_SNIFF, *headers]
        return Response(text, code, headers, "text/plain")


def not_modified(headers):
    """A 304 as a bare WSGI answer: no body, so nothing for a Response object to do."""

    def answer(_environ, start_response):
        start_response("304 Not Modified", headers)
        return []

    return answer
