"""The manual: every command and option of ``ogi`` is documented under ``docs/`` (or in the
README), and the examples marked ``<!-- runs offline -->`` run as written.

An example is the fenced block right after the marker: ``sh`` blocks run in bash (``set -e``:
every command must succeed), ``python`` blocks in a fresh interpreter. The blocks of one page
run in order in one scratch folder, so a page can build on its own earlier examples (``ogi demo``
first, then ``ogi export`` on its data). Nothing reaches the network: the demo serves its fake
government web on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from ogi.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md"))
MARKER = "<!-- runs offline -->"
_BLOCK = re.compile(r"<!-- runs offline -->\s*\n```(\w+)[^\n]*\n(.*?)\n```", re.S)


def _commands(command=None, path=("ogi",)):
    """(``ogi sites discover``, its long options) for every command of the app."""
    command = command or typer.main.get_command(app)
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            yield from _commands(sub, (*path, name))
        return
    options = [
        name
        for param in command.params
        if getattr(param, "param_type_name", "") == "option"
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("--")
    ]
    yield " ".join(path), options


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


COMMANDS = list(_commands())


def test_the_manual_has_its_topics():
    names = {p.stem for p in PAGES}
    assert {
        "sites",
        "crawling",
        "parsing",
        "datasets",
        "review",
        "harvest",
        "scale",
        "benchmarks",
    } <= names


@pytest.mark.parametrize(("command", "options"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_every_command_and_option_is_documented(command, options):
    pages = [p for p in [*PAGES, ROOT / "README.md"] if command in _text(p)]
    assert pages, f"{command} is in no page of docs/"
    undocumented = [o for o in options if not any(o in _text(p) for p in pages)]
    assert undocumented == [], f"options of {command} on no page that names it"


def _examples(page: Path) -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in _BLOCK.findall(_text(page))]


EXAMPLE_PAGES = [p for p in [ROOT / "README.md", *PAGES] if MARKER in _text(p)]


def test_the_marked_examples_are_found():
    assert EXAMPLE_PAGES, "no example is marked to run"
    for page in EXAMPLE_PAGES:
        assert len(_examples(page)) == _text(page).count(MARKER), (
            f"{page.name}: a marker without a block"
        )


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=[p.name for p in EXAMPLE_PAGES])
def test_the_offline_examples_run(page, tmp_path):
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("OGI_UPDATE_SCREENSHOTS", None)
    for kind, body in _examples(page):
        if kind in ("sh", "bash", "console"):
            command = ["bash", "-euo", "pipefail", "-c", body]
        elif kind == "python":
            command = [sys.executable, "-c", body]
        else:
            pytest.fail(f"{page.name}: cannot run a {kind} block")
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{page.name}:\n{body}\n--- stderr:\n{done.stderr[-3000:]}"
