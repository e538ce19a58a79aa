"""The fork server `ogi parse` starts ahead is a fork of the young command (ogi.forkstart): it
runs multiprocessing's own server code, keeps none of the command's descriptors, falls back
to a new interpreter where a fork would not be clean, and dies with a killed command."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fixtures.processes import alive, descendants
from fixtures.reportgen import HTML_STYLES, random_record, render_html
from ogi.forkstart import helper_call, inline_code

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd") or not hasattr(os, "fork"),
    reason="helpers are forked only where /proc lists a process's descriptors (Linux)",
)

_SCRIPT = textwrap.dedent(
    """
    import concurrent.futures, fcntl, json, multiprocessing, os, sys, threading, time
    from multiprocessing import forkserver
    from fixtures.processes import children
    from ogi.forkstart import helpers_forked

    if sys.argv[1] == "threaded":  # a second thread: no fork may stand in for an interpreter
        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
    held = open(sys.argv[2], "w")
    fcntl.flock(held, fcntl.LOCK_EX)  # (as a harvest holds its data folder)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["json"])
    with helpers_forked():
        forkserver.ensure_running()

    helpers = {}
    for pid in children(os.getpid()):
        command = open(f"/proc/{pid}/cmdline").read().split("\\0")
        targets = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
        helpers[pid] = {"command": command, "targets": targets}
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        squares = list(pool.map(pow, range(20), [2] * 20))
    print(json.dumps({"own": open("/proc/self/cmdline").read().split("\\0"),
                      "helpers": helpers, "squares": squares}))
    """
)


def _run(tmp_path: Path, mode: str) -> dict:
    lock = tmp_path / "data.lock"
    root = str(Path(__file__).resolve().parents[1])  # (for the script's `fixtures`)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode, str(lock)],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    result = json.loads(out.stdout)
    assert result["squares"] == [i * i for i in range(20)]  # the pool works from the server
    result["lock"] = str(lock)
    return result


def test_helpers_started_within_are_forks_that_keep_none_of_the_parents_descriptors(tmp_path):
    result = _run(tmp_path, "single")
    helpers = result["helpers"]
    assert len(helpers) == 2  # the fork server and the resource tracker
    for helper in helpers.values():
        # a fork: the parent's own command line, not `python -c "from multiprocessing…"`
        assert helper["command"] == result["own"]
        assert result["lock"] not in helper["targets"]  # the locked file stayed with the parent


def test_with_a_second_thread_the_helpers_are_new_interpreters(tmp_path):
    result = _run(tmp_path, "threaded")
    commands = [" ".join(h["command"]) for h in result["helpers"].values()]
    assert len(commands) == 2
    assert any("multiprocessing.forkserver" in c for c in commands)
    assert any("multiprocessing.resource_tracker" in c for c in commands)
    for helper in result["helpers"].values():
        assert result["lock"] not in helper["targets"]


def test_only_a_command_line_of_inline_code_is_read():
    assert inline_code(["/usr/bin/python3", "-c", "pass"]) == "pass"
    assert inline_code(["/usr/bin/python3", "-W", "error", "-c", "x = 1"]) == "x = 1"
    assert inline_code(["/usr/bin/python3", "-m", "module"]) is None
    assert inline_code(["-c"]) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (  # the resource tracker
            "from multiprocessing.resource_tracker import main;main(7)",
            ("multiprocessing.resource_tracker", [7], {}),
        ),
        (  # the fork server, as Python 3.11 writes it
            "from multiprocessing.forkserver import main; main(5, 6, ['__main__', 'json'], "
            "**{'sys_path': ['/a', '/b']})",
            (
                "multiprocessing.forkserver",
                [5, 6, ["__main__", "json"]],
                {"sys_path": ["/a", "/b"]},
            ),
        ),
        (  # … and with the key later versions hand it
            "from multiprocessing.forkserver import main; main(5, 6, [], **{'authkey_r': 9})",
            ("multiprocessing.forkserver", [5, 6, []], {"authkey_r": 9}),
        ),
    ],
)
def test_the_helpers_lines_are_read_as_calls_of_main(code, expected):
    assert helper_call(code) == expected
    assert helper_call(code.replace("main(", "main(*")) is None  # (not literals)


@pytest.mark.parametrize(
    "code",
    [
        "import os; os.system('true')",
        "from os import main; main(1)",  # not multiprocessing's
        "from multiprocessing.forkserver import main as run; run(1)",
        "from multiprocessing.forkserver import main; main(__import__('os').getpid())",
        "from multiprocessing.forkserver import main; main(1); main(2)",
        "from multiprocessing.forkserver import main; main(**{1: 2})",
        "from multiprocessing.forkserver import main; main(",
    ],
)
def test_any_other_code_is_left_to_a_new_interpreter(code):
    assert helper_call(code) is None


def test_a_killed_parse_leaves_no_server_tracker_or_worker_behind(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    rng = random.Random(5)
    pages = [
        render_html(random_record(rng, "2021"), HTML_STYLES[i % len(HTML_STYLES)], rng=rng)
        for i in range(40)
    ]
    for i in range(2000):  # long enough to be killed while its workers parse
        (folder / f"{i:05d}.html").write_text(pages[i % len(pages)], "utf-8")
    command = subprocess.Popen(
        [sys.executable, "-m", "ogi", "parse", "--json", "--workers", "2", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        family: set[int] = set()
        while time.monotonic() < deadline and command.poll() is None:
            family |= descendants(command.pid)
            if len(family) >= 4:  # the server, the tracker and two workers
                break
            time.sleep(0.01)
        assert command.poll() is None, "the parse ended before its workers were seen"
        assert len(family) >= 4, family
        os.kill(command.pid, signal.SIGKILL)
        command.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(pid) for pid in family):
            time.sleep(0.05)
        assert not [pid for pid in family if alive(pid)]
    finally:
        if command.poll() is None:
            command.kill()
