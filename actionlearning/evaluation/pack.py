"""The conference pack's Evaluation section: each chart as a PNG beside the Markdown,
referenced by relative path so pandoc embeds it in Word and PDF, with its table after it."""

from ..text import inline
from . import MIN_GROUP
from .charts import programme_charts

INTRODUCTION = (
    "Participants rated their partnership and themselves, from 1 (strongly disagree) to 5 "
    "(strongly agree), on the factors that the NHS Confederation's survey and the Health "
    "Foundation's recipe say make partnerships work. Figures are means for closed rounds; "
    f"no figure is shown for a group of fewer than {MIN_GROUP} respondents."
)


def evaluation_section(db, programme_id, at=None):
    """(Markdown under the pack's "Evaluation" heading, {file name: PNG bytes})."""
    lines, images = [INTRODUCTION, ""], {}
    for item in programme_charts(db, programme_id, at):
        name = f"evaluation-{item['kind']}.png"
        images[name] = item["png"]
        lines += [f"### {inline(item['title'])}", ""]
        lines += [f"![{inline(item['alt'])}]({name})", ""]
        lines += _table(item) + [""]
    return "\n".join(lines).rstrip() + "\n", images


def _table(item):
    """The chart's figures as a pipe table (pandoc, GitHub and python-markdown's tables
    extension read it alike), then its note."""
    if not item["rows"]:
        return [f"*{inline(item['note'])}*"]
    cells = [[inline(str(c)) for c in item["columns"]]]
    cells += [[_cell(value) for value in row] for row in item["rows"]]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    align = ["---"] + ["---:" if _is_number(v) else "---" for v in item["rows"][0][1:]]
    lines.insert(1, "| " + " | ".join(align) + " |")
    return lines + ["", f"*{inline(item['note'])}*"]


def _cell(value):
    """Numbers as they are (ours: nothing to escape), text escaped as literal."""
    return str(value) if _is_number(value) else inline(value)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)
