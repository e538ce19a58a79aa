"""``python -m parsers.prose FILE…`` prints counts; ``--report DIR`` measures a folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parsers.prose.detect import is_pre2019
from parsers.prose.extract import extract_prose
from parsers.prose.report import corpus_report, read_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m parsers.prose",
        description="Counts stated by pre-2019 government information disclosure reports.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="report files to read")
    parser.add_argument("--report", type=Path, metavar="DIR", help="measure a folder of reports")
    parser.add_argument("--json", action="store_true", help="JSON output")
    args = parser.parse_args(argv)
    if args.report is None and not args.files:
        parser.print_usage(sys.stderr)
        return 2
    if args.report is not None:
        if not args.report.is_dir():
            print(f"not a folder: {args.report}", file=sys.stderr)
            return 2
        measured = corpus_report(args.report)
        print(
            json.dumps(measured.to_dict(), ensure_ascii=False, indent=1)
            if args.json
            else measured.render()
        )
        return 0
    status = 0
    for path in args.files:
        try:
            text = read_text(path)
        except OSError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        out = {"source": str(path), "pre2019": is_pre2019(text), **extract_prose(text).to_dict()}
        print(json.dumps(out, ensure_ascii=False, indent=None if not args.json else 1))
    return status


if __name__ == "__main__":
    sys.exit(main())
