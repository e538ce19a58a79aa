"""The one matcher: reads tables 二, 三 and 四 from any cell stream.

Every input form arrives as a :class:`~parsers.cells.base.Document`. The matcher walks its
cells, recognises row labels by the schema's normalized keys (never exact strings), groups the
values that follow each label into a row, and then decides each value's column:

1. through the header cells above it, when the source knows grid positions;
2. by order, when the row holds exactly as many values as the table has columns;
3. otherwise by the table's arithmetic (:mod:`parsers.solver`): every placement of the printed
   values that is consistent with the form's rules is kept, and a cell is decided only when all
   of them agree. Undecided cells stay null, with a warning naming them — never a guess.

The work is split by stage: :mod:`~parsers.tables.tokens` (cells to tokens and rows),
:mod:`~parsers.tables.rowlabels` (which row a label names), :mod:`~parsers.tables.placing`
(values to columns), :mod:`~parsers.tables.settle` (arithmetic decides, or cells stay null), one
module per table (:mod:`~parsers.tables.proactive`, :mod:`~parsers.tables.applications`,
:mod:`~parsers.tables.appeals`) and :mod:`~parsers.tables.read`, which finds the tables.
"""

from parsers.model import MISSING
from parsers.tables.read import Found, read_tables
from parsers.tables.rowlabels import match_application_row

__all__ = ["Found", "read_tables", "MISSING", "match_application_row"]
