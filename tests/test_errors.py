"""One error tree: every error the project raises on purpose is an ``OgiError`` drawn in
``ogi_errors``, and the command line maps its branches to exit codes in one place."""

import importlib
import inspect
import pkgutil

import pytest

import ogi_errors
from ogi.exits import EXIT_LOCKED, EXIT_NOTHING_DONE, EXIT_USAGE, exit_code
from ogi_errors import OgiError

PACKAGES = ("ogi", "scraper", "parsers", "places", "output", "review", "ogi_errors")

# Control flow, not errors: each is caught where it is raised, or must escape ``except
# Exception`` on purpose.
NOT_ERRORS = {
    "ogi.pool.DocumentTimeout",  # a BaseException so that a stage's guard cannot swallow it
}


def _modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if not info.name.endswith(".__main__"):  # runs the command line when imported
                yield importlib.import_module(info.name)


def _exception_classes():
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, BaseException):
                yield cls


def test_every_public_exception_class_is_on_the_tree():
    off_tree = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _exception_classes()
        if not issubclass(cls, OgiError)
        and not cls.__name__.startswith("_")
        and f"{cls.__module__}.{cls.__qualname__}" not in NOT_ERRORS
    ]
    assert off_tree == []


def test_the_tree_is_drawn_in_one_module():
    defined_elsewhere = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _exception_classes()
        if issubclass(cls, OgiError) and cls.__module__ != "ogi_errors"
    ]
    # Leaves that carry a stage's own types live with the stage, below a branch of the tree.
    assert defined_elsewhere == ["parsers.unsupported.UnsupportedDocument"]
    assert issubclass(importlib.import_module("parsers").ParseError, OgiError)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ogi_errors.RegistryError("bad", line=3), EXIT_USAGE),
        (ogi_errors.HarvestConfigError("bad shard"), EXIT_USAGE),
        (ogi_errors.CorrectionError("bad cell"), EXIT_USAGE),
        (ogi_errors.ReportNotFound("no such report"), EXIT_NOTHING_DONE),
        (ogi_errors.DataNotFound("no data folder"), EXIT_NOTHING_DONE),
        (ogi_errors.DemoUnavailable("no fixtures"), EXIT_NOTHING_DONE),
        (ogi_errors.ParseError("not a report"), EXIT_NOTHING_DONE),
    ],
)
def test_exit_codes_follow_the_branch(error, code):
    assert exit_code(error) == code


def test_a_held_lock_exits_75(tmp_path):
    assert exit_code(ogi_errors.LockHeld(tmp_path / ".lock", {"pid": 1})) == EXIT_LOCKED


def test_leaves_keep_the_built_in_their_callers_caught():
    assert issubclass(ogi_errors.RegistryError, ValueError)
    assert issubclass(ogi_errors.BadURL, ValueError)
    assert issubclass(ogi_errors.PlaceError, LookupError)
    assert issubclass(ogi_errors.DataNotFound, FileNotFoundError)
    assert issubclass(ogi_errors.LockHeld, RuntimeError)
