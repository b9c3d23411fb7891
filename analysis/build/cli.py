"""Command line: `python -m analysis validate [DATA_DIR]`, `rehash`, `synthesize`, `new-region`, `import-qdpx`,
`notebook`, `data-zip`, `pdf`, `anchors`, and the quality gates `validate-restricted`, `privacy-scan`,
`compare-builds`, `links` (see --help).

Each command imports what it needs when it runs: `validate` must answer without loading Altair,
networkx or Playwright, so the imports below the commands are deliberate, not a way around a cycle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.contract import env
from analysis.contract.data import DATA_DIR, ROOT, in_repository
from analysis.contract.report import EXIT_INVALID, report

# Default outputs go under _build/ (ignored by git), never into the checkout itself.
BUILD = Path("_build")


def parser(width: int | None = None) -> argparse.ArgumentParser:
    """The command line; `width` fixes the help's line width (the reproduction page prints it)."""
    formatter = argparse.HelpFormatter if width is None else \
        (lambda prog: argparse.HelpFormatter(prog, width=width))
    parser = argparse.ArgumentParser(prog=".venv/bin/python -m analysis", formatter_class=formatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check the data package; exit 2 when invalid")
    p_validate.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    p_restricted = sub.add_parser(
        "validate-restricted",
        help="check the restricted interview folder (default: $ALLIANCES_INTERVIEWS_DIR); exit 2 when invalid")
    p_restricted.add_argument("folder", nargs="?", type=Path, default=None)
    p_restricted.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_book_r = sub.add_parser(
        "build-restricted", help="check the restricted folder, then build the restricted edition outside the "
        "repository with a quiet log that never names the folder (make book-restricted)")
    p_book_r.add_argument("folder", type=Path)
    p_book_r.add_argument("--out", type=Path, default=None,
                          help="output folder, outside the repository (default: ~/alliances-edition-restreinte)")
    p_book_r.add_argument("--toc", type=Path, default=None, help="another table of contents (a smaller book)")
    p_privacy = sub.add_parser(
        "privacy-scan",
        help="look for e-mail addresses, phone numbers and deny-listed names in a built book; exit 2 on a find")
    p_privacy.add_argument("directory", type=Path)
    p_privacy.add_argument("--deny-list", type=Path, default=None,
                           help="names to refuse (default: deny-list.txt of the restricted folder, if any)")
    p_compare = sub.add_parser(
        "compare-builds", help="two builds must be byte-identical apart from the build date; exit 2 otherwise")
    p_compare.add_argument("reference", type=Path, help="a clean build's HTML folder")
    p_compare.add_argument("other", type=Path)
    p_reexecute = sub.add_parser(
        "reexecute", help="run every chapter of a build's execution cache again; outputs must be identical "
                          "and every file read a listed input (exit 2 otherwise)")
    p_reexecute.add_argument("cache", type=Path, help="the build's execution cache (_build/.jupyter_cache)")
    p_links = sub.add_parser(
        "links", help="every internal link and anchor of a built book must resolve (exit 2); list external ones")
    p_links.add_argument("directory", type=Path)
    p_links.add_argument("--report", type=Path, default=None, help="write the external addresses to this file")
    p_rehash = sub.add_parser("rehash", help="validate, then re-record resource hashes after a deliberate edit")
    p_rehash.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    p_networks = sub.add_parser("export-networks", help="write each region's network as GraphML, GEXF and CSV")
    p_networks.add_argument("outdir", type=Path, nargs="?", default=BUILD / "reseaux",
                            help="output folder (default: _build/reseaux)")
    p_networks.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_qdc = sub.add_parser("export-qdc", help="write the codebook as a REFI-QDA .qdc file (XSD-checked)")
    p_qdc.add_argument("out", type=Path, nargs="?", default=BUILD / "grille.qdc",
                       help="output file (default: _build/grille.qdc)")
    p_qdc.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_syn = sub.add_parser("synthesize", help="regenerate the synthetic interview stand-in (data/synthetic/)")
    p_syn.add_argument("--out", type=Path, default=None, help="output folder (default: DATA_DIR/synthetic)")
    p_syn.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_qdpx = sub.add_parser("import-qdpx", help="import a REFI-QDA project (.qdpx) as restricted interview tables")
    p_qdpx.add_argument("project", type=Path)
    p_qdpx.add_argument("--out", type=Path, help="new folder outside the repository (ALLIANCES_INTERVIEWS_DIR)")
    p_qdpx.add_argument("--mapping", type=Path, default=None, help="CSV kind,qda_name,book_value")
    p_qdpx.add_argument("--summaries", type=Path, default=None, help="CSV region_id,code_id,summary_fr (team)")
    p_qdpx.add_argument("--deny-list", type=Path, default=None,
                        help="names that must never be published, one a line; copied into --out as deny-list.txt")
    p_qdpx.add_argument("--draft-mapping", type=Path, default=None, metavar="FILE",
                        help="write the project's codes, variables and values with best guesses, then stop")
    p_qdpx.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p_new = sub.add_parser("new-region",
                           help="write book/regions/ID.md from the chapter template; list it in _toc.yml")
    p_new.add_argument("region_id")
    p_new.add_argument("--force", action="store_true", help="rewrite an existing chapter from the template")
    p_new.add_argument("--root", type=Path, default=ROOT, help="book folder (default: this repository)")
    p_nb = sub.add_parser("notebook", help="write a chapter as a notebook executed with nbconvert (fresh kernel)")
    p_nb.add_argument("chapter", help="chapter name (e.g. mauricie) or path to its .md")
    p_nb.add_argument("--out", type=Path, default=BUILD / "notebooks",
                      help="output folder (default: _build/notebooks)")
    p_zip = sub.add_parser("data-zip", help="write the data package as one zip and print its sha256")
    p_zip.add_argument("outdir", type=Path, nargs="?", default=BUILD / "donnees",
                       help="output folder (default: _build/donnees)")
    p_pdf = sub.add_parser("pdf", help="print the built book to PDF (one per chapter + the whole book)")
    p_pdf.add_argument("html_dir", type=Path, nargs="?", default=Path("_build/html"))
    p_anchors = sub.add_parser("anchors", help="add newly published anchors to book/anchors.txt")
    p_anchors.add_argument("html_dir", type=Path, nargs="?", default=Path("_build/html"))
    return parser


def help_text() -> str:
    """`python -m analysis --help` at a fixed width: the same text on every machine."""
    return parser(width=100).format_help().rstrip()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)

    if args.command == "validate":
        from analysis.contract.validate import validate

        status = report(validate(args.data_dir), f"problem(s) in {args.data_dir}", f"{args.data_dir}: valid")
        return status or _validate_restricted(None, args.data_dir, only_if_set=True)
    if args.command == "validate-restricted":
        return _validate_restricted(args.folder, args.data_dir)
    if args.command == "build-restricted":
        from analysis.build import restricted_book

        # A smaller book cannot resolve its links to the pages it leaves out: only the full book is strict.
        return restricted_book.main(args.folder, args.out, toc=args.toc, strict=args.toc is None)
    if args.command == "compare-builds":
        from analysis.build.determinism import compare

        differences, notes = compare(args.reference, args.other)
        return report(differences, f"file(s) differ between {args.reference} and {args.other}",
                      f"{args.reference} and {args.other}: identical apart from the build date", notes)
    if args.command == "reexecute":
        from analysis.build.determinism import reexecuted
        from analysis.build.kernels import jobs

        if not (args.cache / "global.db").is_file():
            print(f"{args.cache}: no execution cache; run `make book` first", file=sys.stderr)
            return EXIT_INVALID
        problems, compared = reexecuted(args.cache, ROOT, jobs())
        return report(problems, "chapter(s) gave other outputs or read an unlisted file when run again",
                      f"{compared} chapters run again: the same outputs, cell for cell, and no file read "
                      "outside the build's inputs")
    if args.command == "links":
        from analysis.build import links

        return links.main(args.directory, args.report)
    if args.command == "privacy-scan":
        from analysis.interviews import privacy, restricted

        return privacy.main(args.directory, args.deny_list, restricted.interview_ids(env.interviews_dir()))
    if args.command == "rehash":
        from analysis.contract.validate import rehash, validate

        # An edit's new hash is expected; any other problem must be fixed before its bytes are vouched for.
        problems = [str(p) for p in validate(args.data_dir) if p.rule != "hash"]
        if problems:
            return report(problems, f"problem(s) in {args.data_dir}: fix them first; no hash was re-recorded", "")
        rehash(args.data_dir)
        print(f"hashes re-recorded in {args.data_dir / 'datapackage.json'}")
        return 0
    if args.command == "export-networks":
        from analysis.build.export import export_all

        paths = export_all(args.outdir, args.data_dir)
        print(f"{len(paths)} network file(s) written to {args.outdir}")
        return 0
    if args.command == "synthesize":
        from analysis.interviews.synthetic import write as write_synthetic

        for path in write_synthetic(args.out, args.data_dir):
            print(f"synthetic table written: {path}")
        print("if these files changed, re-record the hashes: make rehash")
        return 0
    if args.command == "export-qdc":
        from analysis.build.qdc import write

        print(f"codebook written to {write(args.out, args.data_dir)}")
        return 0
    if args.command == "import-qdpx":
        return _import_qdpx(args, parser)
    if args.command == "new-region":
        from analysis.build.template import write as write_chapter

        try:
            path = write_chapter(args.region_id, args.root, force=args.force)
        except (KeyError, ValueError) as error:
            print(str(error).strip("'\""), file=sys.stderr)
            return EXIT_INVALID
        print(f"chapter written: {path}")
        return 0
    if args.command == "notebook":
        from analysis.build.notebooks import write as write_notebook

        if env.interviews_dir() is not None and in_repository(args.out):
            print(f"--out: {args.out} is inside the repository, and {env.INTERVIEWS_DIR} is set: a notebook of "
                  "the restricted edition must be written outside it", file=sys.stderr)
            return EXIT_INVALID
        print(f"executed notebook written to {write_notebook(args.chapter, args.out)}")
        return 0
    if args.command == "data-zip":
        from analysis.contract import archive

        path = archive.write(args.outdir)
        print(f"{path}\nsha256 {archive.sha256()}")
        return 0
    if args.command == "pdf":
        from analysis.build.pdf import write_all

        write_all(args.html_dir)
        return 0
    if args.command == "anchors":
        from analysis.build import anchors, notebooks

        added, gone = anchors.update(args.html_dir, notebooks.chapters())
        print(f"{len(added)} anchor(s) added to {anchors.REGISTRY.relative_to(anchors.ROOT)}")
        for entry in gone:
            print(f"gone from the built book: {entry} (map it in {anchors.MOVED.relative_to(anchors.ROOT)})")
        return 1 if gone else 0
    return 1


def _import_qdpx(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from analysis.interviews.qdpx import QdpxError, draft_mapping, import_project

    try:
        if args.draft_mapping:
            print(f"mapping draft written to {draft_mapping(args.project, args.draft_mapping, args.data_dir)}; "
                  "complete the empty book_value cells, then import with --mapping")
            return 0
        if args.out is None:
            parser.error("import-qdpx needs --out DIR (or --draft-mapping FILE)")
        out = import_project(args.project, args.out, args.mapping, args.summaries, args.data_dir, args.deny_list)
    except QdpxError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s): nothing was written", file=sys.stderr)
        return EXIT_INVALID
    print(f"restricted interview tables written to {out}; build with: make book-restricted DIR={out}")
    return 0


def _validate_restricted(folder: Path | None, data_dir: Path, only_if_set: bool = False) -> int:
    """Print every problem of the restricted folder (this terminal only: the details quote its contents)."""
    folder = Path(folder).expanduser() if folder else env.interviews_dir()
    if folder is None:
        if only_if_set:
            return 0
        print(f"no restricted folder: give one, or set {env.INTERVIEWS_DIR}", file=sys.stderr)
        return EXIT_INVALID
    from analysis.interviews import restricted  # only now: it needs pandas, a plain `validate` does not

    return report(restricted.problems(folder, data_dir), "problem(s) in the restricted folder",
                  "valid restricted interview folder")


if __name__ == "__main__":
    sys.exit(main())
