"""Command line: `python -m analysis validate [DATA_DIR]`, `rehash`, `synthesize`, `notebook` ... (see --help)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.data import DATA_DIR

EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=".venv/bin/python -m analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check the data package; exit 2 when invalid")
    p_validate.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    p_rehash = sub.add_parser("rehash", help="re-record resource hashes after a deliberate edit")
    p_rehash.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    p_networks = sub.add_parser("export-networks", help="write each region's network as GraphML, GEXF and CSV")
    p_networks.add_argument("outdir", type=Path)
    p_networks.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_qdc = sub.add_parser("export-qdc", help="write the codebook as a REFI-QDA .qdc file (XSD-checked)")
    p_qdc.add_argument("out", type=Path)
    p_qdc.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_syn = sub.add_parser("synthesize", help="regenerate the synthetic interview stand-in (data/synthetic/)")
    p_syn.add_argument("--out", type=Path, default=None, help="output folder (default: DATA_DIR/synthetic)")
    p_syn.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_nb = sub.add_parser("notebook", help="write a chapter as a notebook executed with nbconvert (fresh kernel)")
    p_nb.add_argument("chapter", help="chapter name (e.g. mauricie) or path to its .md")
    p_nb.add_argument("--out", type=Path, default=Path("notebooks"), help="output folder (default: notebooks)")
    p_zip = sub.add_parser("data-zip", help="write the data package as one zip and print its sha256")
    p_zip.add_argument("outdir", type=Path, nargs="?", default=Path("."))
    p_pdf = sub.add_parser("pdf", help="print the built book to PDF (one per chapter + the whole book)")
    p_pdf.add_argument("html_dir", type=Path, nargs="?", default=Path("_build/html"))
    p_anchors = sub.add_parser("anchors", help="add newly published anchors to book/anchors.txt")
    p_anchors.add_argument("html_dir", type=Path, nargs="?", default=Path("_build/html"))
    args = parser.parse_args(argv)

    if args.command == "validate":
        from analysis.validate import validate

        problems = validate(args.data_dir)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) in {args.data_dir}", file=sys.stderr)
            return EXIT_INVALID
        print(f"{args.data_dir}: valid")
        return 0
    if args.command == "rehash":
        from analysis.validate import rehash

        rehash(args.data_dir)
        print(f"hashes re-recorded in {args.data_dir / 'datapackage.json'}")
        return 0
    if args.command == "export-networks":
        from analysis.networks import export_all

        paths = export_all(args.outdir, args.data_dir)
        print(f"{len(paths)} network file(s) written to {args.outdir}")
        return 0
    if args.command == "synthesize":
        from analysis.synthetic import write as write_synthetic

        for path in write_synthetic(args.out, args.data_dir):
            print(f"synthetic table written: {path}")
        print("if these files changed, re-record the hashes: make rehash")
        return 0
    if args.command == "export-qdc":
        from analysis.qdc import write

        print(f"codebook written to {write(args.out, args.data_dir)}")
        return 0
    if args.command == "notebook":
        from analysis.notebooks import write as write_notebook

        print(f"executed notebook written to {write_notebook(args.chapter, args.out)}")
        return 0
    if args.command == "data-zip":
        from analysis import archive

        path = archive.write(args.outdir)
        print(f"{path}\nsha256 {archive.sha256()}")
        return 0
    if args.command == "pdf":
        from analysis.pdf import write_all

        write_all(args.html_dir)
        return 0
    if args.command == "anchors":
        from analysis import anchors, notebooks

        added, gone = anchors.update(args.html_dir, notebooks.chapters())
        print(f"{len(added)} anchor(s) added to {anchors.REGISTRY.relative_to(anchors.ROOT)}")
        for entry in gone:
            print(f"gone from the built book: {entry} (map it in {anchors.MOVED.relative_to(anchors.ROOT)})")
        return 1 if gone else 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
