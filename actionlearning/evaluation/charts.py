"""The programme's charts: before-and-after ratings, attendance per set, shared themes.

Each chart comes with the same figures as a table (for screen readers, for copying, and
after the chart in the pack). Figures are read in SQL on every call, which is cheap; the
drawing, which is not, happens only when the figures change: a chart is stored with a
fingerprint of its figures and redrawn when they differ. matplotlib draws headless (Agg)
to SVG for pages and PNG for documents.
"""

import hashlib
import io
import json
from datetime import datetime

from ..db import now, one, rows, write
from ..membership import members_of_learning_set
from ..times import short_date, to_local
from . import FACTOR_LABELS, MIN_GROUP
from .figures import aggregates

CHARTS = {
    "ratings": "Self-ratings before and after",
    "attendance": "Attendance at set meetings",
    "themes": "Themes of entries shared with the programme",
}
# Bump when the drawing code changes, so stored charts are drawn again.
DRAWING_VERSION = "3"


def programme_charts(db, programme_id, at=None):
    """Every chart of the programme: [{kind, title, alt, table, svg, png}]."""
    return [chart(db, programme_id, kind, at) for kind in CHARTS]


def chart(db, programme_id, kind, at=None):
    """One chart with its table, drawn only if its figures changed since it was stored."""
    table = TABLES[kind](db, programme_id, at or now())
    fingerprint = hashlib.sha256(
        json.dumps([DRAWING_VERSION, table], sort_keys=True).encode()
    ).hexdigest()
    stored = one(
        db,
        "SELECT fingerprint, svg, png FROM evaluation_charts WHERE programme_id = ? AND kind = ?",
        [programme_id, kind],
    )
    if stored is None or stored["fingerprint"] != fingerprint:
        svg, png = _draw(kind, table)
        with write(db):
            db["evaluation_charts"].upsert(
                {
                    "programme_id": programme_id,
                    "kind": kind,
                    "fingerprint": fingerprint,
                    "svg": svg,
                    "png": png,
                    "drawn_at": now(),
                },
                pk=("programme_id", "kind"),
            )
        stored = {"svg": svg, "png": png}
    return {"kind": kind, "title": CHARTS[kind], **table, "svg": stored["svg"],
            "png": stored["png"]}  # fmt: skip


# The figures, as tables: {"columns": [...], "rows": [[...]], "alt": "...", "note": "..."}


def ratings_table(db, programme_id, at):
    shown = [r for r in aggregates(db, programme_id)["rounds"] if r["shown"]]
    columns = ["Factor"] + [f"{r['label']} (n={r['respondents']})" for r in shown]
    if len(shown) > 1:
        columns.append("Change")
    table_rows = []
    for key, label in FACTOR_LABELS.items():
        means = [r["means"].get(key) for r in shown]
        row = [label, *means]
        if len(shown) > 1:
            row.append(round(means[-1] - means[0], 1))
        table_rows.append(row)
    if not shown:
        note = (
            f"Too few to show: a closed round needs at least {MIN_GROUP} respondents "
            "before any figure is shown."
        )
        return {"columns": ["Factor"], "rows": [], "alt": note, "note": note}
    return {
        "columns": columns,
        "rows": table_rows,
        "alt": _ratings_alt(shown, table_rows),
        "note": "Mean rating from 1 (strongly disagree) to 5 (strongly agree).",
    }


def _ratings_alt(shown, table_rows):
    stages = " and ".join(f"{r['label'].lower()} ({r['respondents']} respondents)" for r in shown)
    text = f"Bar chart of the mean self-rating for each factor at the {stages}."
    if len(shown) > 1:
        biggest = max(table_rows, key=lambda row: row[-1])
        text += f" The largest rise was {biggest[0]}, from {biggest[1]} to {biggest[-2]}."
    return text


def attendance_table(db, programme_id, at):
    """Per set meeting that has taken place (ended, not cancelled): who attended of those
    expected (the set's pair members)."""
    found = rows(
        db,
        f"""SELECT s.name AS learning_set, m.starts_at, g.time_zone,
              (SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id
                 AND a.status = 'attended') AS attended,
              (SELECT count(*) FROM people mc
                 WHERE mc.id IN ({members_of_learning_set("s.id")})) AS members
           FROM meetings m JOIN learning_sets s ON s.id = m.learning_set_id
           JOIN programmes g ON g.id = m.programme_id
           WHERE m.programme_id = :p AND m.kind = 'set_meeting'
             AND m.status != 'cancelled' AND m.ends_at <= :at
           ORDER BY s.name, m.starts_at""",
        {"p": programme_id, "at": at},
    )
    table_rows = [
        [r["learning_set"], short_date(to_local(r["starts_at"], r["time_zone"])), r["attended"],
         r["members"]]
        for r in found
    ]  # fmt: skip
    if not table_rows:
        note = "No set meeting has taken place yet."
        return {"columns": ["Learning set"], "rows": [], "alt": note, "note": note}
    sets = sorted({row[0] for row in table_rows})
    attended = sum(row[2] for row in table_rows)
    expected = sum(row[3] for row in table_rows)
    share = round(100 * attended / expected) if expected else 0
    return {
        "columns": ["Learning set", "Meeting", "Attended", "Members"],
        "rows": table_rows,
        "alt": (
            f"Line chart of attendance at each set meeting held, for {len(sets)} learning "
            f"sets: {attended} attendances of {expected} places in all ({share}%)."
        ),
        "note": "Meetings that have taken place and were not cancelled.",
    }


def themes_table(db, programme_id, at):
    """Entries shared with the whole programme, by month and theme. Only visibility
    'programme' counts: those entries are open to everyone in the programme already, and
    nothing narrower (pair, set, private) is counted, not even as a number."""
    found = rows(
        db,
        """SELECT e.created_at, g.time_zone, t.theme FROM journal_entries e
           JOIN journal_entry_themes t ON t.entry_id = e.id
           JOIN programmes g ON g.id = e.programme_id
           WHERE e.programme_id = :p AND e.visibility = 'programme' AND e.created_at <= :at""",
        {"p": programme_id, "at": at},
    )
    counts = {}
    for r in found:
        month = to_local(r["created_at"], r["time_zone"]).strftime("%Y-%m")
        counts[(month, r["theme"])] = counts.get((month, r["theme"]), 0) + 1
    if not counts:
        note = "No entry with a theme has been shared with the whole programme yet."
        return {"columns": ["Month"], "rows": [], "alt": note, "note": note}
    table_rows = [
        [datetime.strptime(month, "%Y-%m").strftime("%b %Y"), theme, n]
        for (month, theme), n in sorted(counts.items())
    ]
    totals = {}
    for _, theme, n in table_rows:
        totals[theme] = totals.get(theme, 0) + n
    top = max(sorted(totals), key=totals.get)
    return {
        "columns": ["Month", "Theme", "Entries"],
        "rows": table_rows,
        "alt": (
            f"Stacked bar chart of entries shared with the programme each month by theme, "
            f"{sum(totals.values())} in all; the most frequent theme was {top} "
            f"({totals[top]})."
        ),
        "note": "Entries shared with the whole programme; one entry may have several themes.",
    }


TABLES = {"ratings": ratings_table, "attendance": attendance_table, "themes": themes_table}


# Drawing


def _draw(kind, table):
    """(svg text, png bytes) of one chart; an empty chart says why it is empty."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on a server
    from matplotlib.figure import Figure

    # Stable output: the same figures give the same file (no random ids or dates).
    matplotlib.rcParams["svg.hashsalt"] = "actionlearning"
    figure = Figure(figsize=(8, 6 if kind == "ratings" else 4), layout="constrained")
    axes = figure.subplots()
    if not table["rows"]:
        axes.text(0.5, 0.5, table["note"], ha="center", va="center", wrap=True)
        axes.set_axis_off()
    else:
        DRAWERS[kind](axes, table)
    axes.set_title(CHARTS[kind], pad=28 if kind == "ratings" else 6)
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    figure.savefig(png, format="png", dpi=120, metadata={"Software": None})
    return svg.getvalue(), png.getvalue()


def _draw_ratings(axes, table):
    stages = [c for c in table["columns"][1:] if c != "Change"]
    factors = [row[0] for row in table["rows"]]
    height = 0.8 / len(stages)
    for i, stage in enumerate(stages):
        positions = [y + i * height for y in range(len(factors))]
        axes.barh(positions, [row[1 + i] for row in table["rows"]], height, label=stage)
    axes.set_yticks([y + 0.4 - height / 2 for y in range(len(factors))], factors)
    axes.invert_yaxis()
    axes.set_xlim(0, 5)
    axes.set_xlabel("Mean rating (1 strongly disagree – 5 strongly agree)")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(stages), frameon=False)


def _draw_attendance(axes, table):
    from matplotlib.ticker import MaxNLocator

    by_set = {}
    for learning_set, _, attended, members in table["rows"]:
        by_set.setdefault(learning_set, []).append(100 * attended / members if members else 0)
    for learning_set, shares in by_set.items():
        axes.plot(range(1, len(shares) + 1), shares, marker="o", label=learning_set)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, 105)
    axes.set_xlabel("Set meeting (in order)")
    axes.set_ylabel("Members attending (%)")
    axes.legend(loc="lower left")


def _draw_themes(axes, table):
    from matplotlib.ticker import MaxNLocator

    months = list(dict.fromkeys(row[0] for row in table["rows"]))  # in date order
    themes = sorted({row[1] for row in table["rows"]})
    counts = {(row[0], row[1]): row[2] for row in table["rows"]}
    bottom = [0] * len(months)
    for theme in themes:
        values = [counts.get((month, theme), 0) for month in months]
        axes.bar(months, values, width=0.6, bottom=bottom, label=theme)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("Entries")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


DRAWERS = {"ratings": _draw_ratings, "attendance": _draw_attendance, "themes": _draw_themes}
