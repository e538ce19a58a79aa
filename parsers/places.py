"""The places table under its earlier address: ``from parsers.places import resolve`` still works.

The table and the resolution of agency names moved to the top-level package :mod:`places`,
which both the parsers (a record's ``place``) and the site finder (a discovered agency's level
and code) use; import from there.
"""

from places import *  # noqa: F403
from places import __all__ as __all__
