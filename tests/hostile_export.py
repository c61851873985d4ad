"""A case study written by an attacker for the export's readers (pandoc, LaTeX, CommonMark,
python-markdown): every payload sets window.x or reads /etc/hostname if it ever comes alive.
Shared by tests/security/test_export_readers.py and tests/browser/test_export_inert.py."""

import os
import shutil
import subprocess

import pytest

from actionlearning import casestudies
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import approve_case_study, submit_case_study

HOSTILE = {
    "title": "<script>window.x=10</script> [t](javascript:window.x=11) \\input{/etc/hostname}",
    "summary": "# A heading of my own\n\n<script>window.x=9</script>",
    "problem": (
        '```{=html}\n<script>window.x=1;document.title="pwned"</script>\n```\n\n'
        "```python\nan unclosed fence, typed by mistake\n\n## Not a heading"
    ),
    "what_we_did": (
        "```{=latex}\n\\input{/etc/hostname}\n```\n\n"
        "Maths $\\input{/etc/hostname}$, TeX \\input{/etc/hostname} and $^^5cinput{/etc/hostname}$"
    ),
    "outcomes": (
        "[click](javascript:window.x=2) [y]{onmouseover=window.x=3} `c`{=html} "
        "<img src=x onerror=window.x=4> ![i](http://example.invalid/x.png) "
        "<javascript:window.x=5> [ok](https://www.england.nhs.uk/)\n\n"
        "| a | b |\n|---|---|\n| `x` | y |"
    ),
    "learning": (
        "::: {onclick=window.x=6}\ninside a div\n:::\n\nA paragraph\n{: onclick=window.x=7}\n\n"
        "~~~{=html}\n<script>window.x=8</script>\n~~~\n\n```\nunclosed at the very end"
    ),
}
KEY_OUTCOMES = ["<img src=x onerror=window.x=12>", "$^^5cinput{/etc/hostname}$"]


def pandoc_binaries():
    """Debian's pandoc (what people run) and pypandoc-binary's (what the app runs)."""
    import pypandoc

    found = [shutil.which("pandoc"), pypandoc.get_pandoc_path()]
    found = [p for p in dict.fromkeys(found) if p]
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("pandoc is required under CI")
        pytest.skip("pandoc is not installed")
    return found


def run_pandoc(binary, path, *args):
    result = subprocess.run([binary, str(path), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_hostile_export(db, make_pair, make_person, out_dir):
    """An approved hostile case study; returns the paths of its own file and of the pack."""
    pair = make_pair()
    author = db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair]).fetchone()[
        0
    ]
    organiser = make_person(role="organiser")
    revision = casestudies.save_case_study(
        db, pair, author, 0, {**HOSTILE, "key_outcomes": "\n".join(KEY_OUTCOMES)}
    )
    submit_case_study(db, pair, author, revision)
    approve_case_study(db, pair, organiser, revision)
    programme = db.execute("SELECT programme_id FROM pairs WHERE id = ?", [pair]).fetchone()[0]
    result = export.write_export(db, str(out_dir), programme, "approved")
    study_file = next(n for n in result["files"] if n != export.PACK_FILE)
    return out_dir / study_file, out_dir / export.PACK_FILE
