"""The ``claimfmt`` command line. It parses options, calls the Python API and formats what it returns.

Exit status: 0 success, 1 invalid data, 2 a usage error or a tool failure.
"""

from __future__ import annotations

import argparse
import gc
import glob
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimfmt import jsontext
from claimfmt.errors import ClaimfmtError
from claimfmt.schemas import schema_text, schema_versions

# Everything else is imported by the command that needs it: `claimfmt --version` and a
# pre-commit run on one file pay only for what they use.
if TYPE_CHECKING:
    from claimfmt.issues import Issue
    from claimfmt.model import Document
    from claimfmt.reading import Record
    from claimfmt.summary import CorpusStats

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# The values of claimfmt.converters.offsets.Unit, written out so that building the parser imports no
# converter (a test keeps the two the same).
OFFSET_UNITS = ("codepoint", "utf16", "utf8", "grapheme")


class UsageError(ClaimfmtError):
    """A problem with the command line or the environment: exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv)
    args = parser.parse_args(argv)
    threshold = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLD)
    # pyarrow's default allocator (mimalloc) keeps what it frees: reading back one large row group held 200 MB
    # it no longer used, and Python's values were made on top. The system's gives it back (and read this
    # document faster). Chosen for the command's own process only, where pyarrow is not loaded yet and the user
    # has chosen none.
    pool = "pyarrow" not in sys.modules and "ARROW_DEFAULT_MEMORY_POOL" not in os.environ
    if pool:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    try:
        status: int = args.run(args)
        return status
    except UsageError as exc:
        print(f"claimfmt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("claimfmt: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, no traceback, unless asked for
        if os.environ.get("CLAIMFMT_DEBUG"):
            raise
        print(
            f"claimfmt: internal error: {type(exc).__name__}: {exc} (set CLAIMFMT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        gc.set_threshold(*threshold)
        if pool:
            os.environ.pop("ARROW_DEFAULT_MEMORY_POOL", None)  # pyarrow, if loaded, keeps its pool


#: While a command runs, the cyclic garbage collector runs every 50,000 allocations, not 700. A writer
#: converting one large document holds hundreds of thousands of objects at once, and at the default each
#: collection walks them again: a third of the time (→ doccano of 50,000 claims: 81 µs a claim, 55 at
#: this threshold), and more the larger the document. claimfmt makes hardly any reference cycles to wait for.
_GC_THRESHOLD = (50_000, 20, 20)


class _Version(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from claimfmt._version import __version__

        print(f"claimfmt {__version__} (format versions {', '.join(schema_versions())})")
        parser.exit()


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``argv``, only the command it names gets its options.

    Building every command's options costs more than a short run of one (pre-commit runs
    ``claimfmt validate`` on every commit): ``--help`` lists commands by their help alone.
    """
    wanted = _command(argv)
    parser = argparse.ArgumentParser(
        prog="claimfmt",
        description="Claims in news, who they are attributed to, and what is known of their truth: "
        "validate, inspect, count and convert claimfmt documents.",
        epilog="Exit status: 0 success, 1 invalid data, 2 usage error or tool failure.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, (texts, options) in _COMMANDS.items():
        command = commands.add_parser(name, **texts)
        if wanted in (None, name):
            options(command)
    return parser


_Options = Callable[[argparse.ArgumentParser], None]
#: Each command by name: what ``--help`` says of it, and the function that adds its options to its parser.
_COMMANDS: dict[str, tuple[dict[str, Any], _Options]] = {}


def _subcommand(name: str, **texts: Any) -> Callable[[_Options], _Options]:
    """Register a command: its ``add_parser`` texts, and (decorated) the function that adds its options."""

    def register(options: _Options) -> _Options:
        _COMMANDS[name] = (texts, options)
        return options

    return register


def _command(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` names (its first word that is not an option); None builds them all.

    Without one (``--version``, ``--help``, a mistake) no command's options are needed: "" builds none.
    """
    if argv is None:
        return None
    words = [word for word in argv if not word.startswith("-")]
    return words[0] if words and words[0] in _COMMANDS else ""


@_subcommand(
    "validate",
    help="check documents against the schema and the semantic rules",
    description="Check documents against the JSON Schema of the version each declares, then the semantic "
    "rules (ids, references, spans, hashes, verdicts, relations, history). Inputs: JSON, JSON arrays, JSONL, "
    ".gz, folders, globs, - for stdin.",
    epilog="Exit status: 0 valid, 1 invalid data (or warnings with --strict), 2 usage or tool failure. "
    "Codes are listed in docs/codes.md.",
)
def _validate_options(validate: argparse.ArgumentParser) -> None:
    validate.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, glob, or - for stdin")
    validate.add_argument(
        "--format", choices=["text", "json", "github", "sarif"], default="text", help="report format (default: text)"
    )
    validate.add_argument("--max-errors", type=_positive, metavar="N", help="stop after N issues (the report says so)")
    validate.add_argument("--select", type=_codes, default=(), metavar="CODES", help="report only these codes/prefixes")
    validate.add_argument(
        "--ignore", type=_codes, default=(), metavar="CODES", help="do not report these codes/prefixes"
    )
    validate.add_argument("--strict", action="store_true", help="warnings make the run fail too")
    validate.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="parallel processes (default: 1); one is used, and stderr says why, where N would not be faster "
        "(under 8 MB of input, busy CPUs, standard input)",
    )
    validate.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where to validate: this machine's processes (default), or a Dask cluster (needs claimfmt[dask])",
    )
    validate.add_argument(
        "--scheduler",
        default="local",
        metavar="ADDRESS",
        help="with --engine dask: a scheduler address (tcp://host:8786), or local for a local cluster of --jobs "
        "workers (default)",
    )
    validate.set_defaults(run=_run_validate)


@_subcommand(
    "show",
    help="print a readable account of each document",
    description="Print each document's claims, "
    "who makes them and how (stance, cue, channel, hedges), and their verification state.",
)
def _show_options(show: argparse.ArgumentParser) -> None:
    show.add_argument("paths", nargs="+", metavar="PATH")
    show.add_argument(
        "--html",
        action="store_true",
        help="write one self-contained HTML page instead (the text with every span highlighted; a corpus is "
        "listed with a search box), to -o FILE or standard output",
    )
    show.add_argument("-o", "--output", metavar="FILE", help="with --html: the page to write (atomically)")
    show.set_defaults(run=_run_show)


@_subcommand(
    "view",
    help="write the HTML view of the documents and open it in the browser",
    description="Like show --html, to -o FILE or a file in the temporary folder, then opened in the "
    "default browser. The page is self-contained: it fetches nothing.",
)
def _view_options(view: argparse.ArgumentParser) -> None:
    view.add_argument("paths", nargs="+", metavar="PATH")
    view.add_argument("-o", "--output", metavar="FILE", help="the page to write (default: a temporary file)")
    view.add_argument("--no-open", action="store_true", help="write the page and print its path, but do not open it")
    view.set_defaults(run=_run_view, html=True)


@_subcommand(
    "stats",
    help="count documents, claims, sources, stances and states per corpus",
    description="Counts per corpus (each PATH is one corpus): documents, claims, sources by kind and "
    "anonymity, attributions by stance, claims by verification state, and the verdict label -> state table.",
)
def _stats_options(stats: argparse.ArgumentParser) -> None:
    stats.add_argument("paths", nargs="+", metavar="PATH")
    stats.add_argument("--format", choices=["text", "json"], default="text")
    stats.add_argument(
        "--from",
        dest="source_format",
        metavar="FMT",
        help="read a peer format (see claimfmt convert --list) instead of claimfmt documents",
    )
    stats.set_defaults(run=_run_stats)


@_subcommand(
    "convert",
    help="convert between claimfmt and peer formats (W3C Web Annotation, ...)",
    description="Convert records from one format to another, streamed, with a loss report on stderr: "
    "what could not be carried, and what was kept under extensions. Inputs: files, folders, globs, "
    "- for stdin; JSON, JSON arrays, JSONL, .gz. Output: one value as JSON, several as a JSON array, "
    "or JSONL for a .jsonl/.ndjson path or --jsonl; written atomically, and left as it was when no "
    "document could be converted.",
    epilog="Exit status: 0 converted, 1 some input could not be converted (each failure is reported, "
    "the rest is still written), 2 usage or tool failure. See `claimfmt convert --list` for formats.",
)
def _convert_options(convert: argparse.ArgumentParser) -> None:
    convert.add_argument("inputs", nargs="*", metavar="INPUT", help="file, folder, glob, or - for stdin")
    convert.add_argument(
        "--from",
        dest="source_format",
        metavar="FMT",
        help="input format (default: told from the input's names and first record, and said on stderr)",
    )
    convert.add_argument("--to", dest="target_format", metavar="FMT", help="output format")
    convert.add_argument(
        "-o", "--output", default="-", metavar="OUT", help="output file, or folder for brat (default: - for stdout)"
    )
    convert.add_argument(
        "--offset-unit",
        choices=OFFSET_UNITS,
        help="what the peer's offsets count (default: the format's own; checked against quotes where the text "
        "is known)",
    )
    _anchoring_options(convert, "exact")
    convert.add_argument("--jsonl", action="store_true", default=None, help="write JSONL whatever OUT is called")
    convert.add_argument(
        "--record",
        action="store_true",
        help="publishing formats (claimreview, w3c): also embed a claimfmt record of what the public output "
        "withholds or cannot hold, so that it reads back exactly (claimreview: per review, never the article's "
        "text, unreviewed claims or anonymous sources' details; w3c: everything, so not for a public server)",
    )
    convert.add_argument(
        "--partition-by",
        type=_codes,
        default=(),
        metavar="KEYS",
        help="parquet: write a hive-partitioned folder by language and/or month (of article.published)",
    )
    convert.add_argument(
        "--flat", action="store_true", help="parquet: also write flat claims, attributions, spans and sources tables"
    )
    _mapping_options(convert)
    convert.add_argument("--report", metavar="FILE", help="write the full loss report as JSON to FILE")
    convert.add_argument("--list", action="store_true", help="list the formats and the ways each converts")
    convert.set_defaults(run=_run_convert)


@_subcommand(
    "labelstudio-config",
    help="print the Label Studio labelling config that matches an annotation mapping",
    description="Print the Label Studio labelling configuration (XML) for the default mapping, or the one "
    "given, so that a team can start annotating claims in Label Studio at once.",
)
def _config_options(config: argparse.ArgumentParser) -> None:
    _mapping_options(config)
    config.set_defaults(run=_run_labelstudio_config)


@_subcommand(
    "diff",
    help="field-by-field differences between two versions of a corpus",
    description="Show what differs between two versions of a corpus (or two annotators' files): documents "
    "and claims added, removed or changed (span moved, text changed, stance flipped, state changed, "
    "assessment added, any other field), claims matched by id or, where ids differ, by their first span.",
    epilog="Exit status: 0 the same, 1 different, 2 usage or tool failure (an input that cannot be read).",
)
def _diff_options(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("old", metavar="A", help="the first version: a file or folder")
    diff.add_argument("new", metavar="B", help="the second version")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    diff.set_defaults(run=_run_diff)


@_subcommand(
    "agree",
    help="agreement between annotators: span F1, attribution fields, Krippendorff's alpha and kappas",
    description="Measure how far several annotators of the same articles agree. Documents are grouped into "
    "articles (--group-by) and each pair of annotators is compared: spans of claims, source mentions, cues, "
    "hedges and attributions (precision, recall, F1; exact and by overlap: ranges that share a character, "
    "paired one to one by the highest Jaccard index), attributions paired by claim span (agreement on "
    "source, cue, stance, commitment, mode, via), and categories (stance, commitment, mode, verification "
    "state, hedge kind: Krippendorff's alpha, Fleiss' and Cohen's kappa). Inputs in any readable format, "
    "mixed; an annotator is named by the document's provenance, else by its id.",
    epilog="Exit status: 0 measured, 1 some input could not be read or no article has two annotators, "
    "2 usage or tool failure. See docs/agreement.md.",
)
def _agree_options(agree: argparse.ArgumentParser) -> None:
    _annotator_inputs(agree)
    agree.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output (default: text)")
    agree.add_argument("--by-document", action="store_true", help="also each article's own figures")
    agree.add_argument("--by-pair", action="store_true", help="also each annotator pair's figures")
    agree.add_argument("-o", "--output", default="-", metavar="OUT", help="write the report here (default: stdout)")
    agree.set_defaults(run=_run_agree)


@_subcommand(
    "merge",
    help="adjudicate: one consensus document per article from several annotators",
    description="Build one document per article from its annotators' documents: a claim, attribution or "
    "relation is kept when at least K annotators marked it (--min-agree; default a majority), other "
    "values are decided by majority (the first annotator's on a tie), and every kept item names who marked "
    "it (extension org.claimfmt.merge:annotators). With --curator NAME, that annotator's document is the "
    "base, and what the others agree on is added to it. Every conflict is in the --report, with the "
    "pointer and each annotator's value; ties are also warned of on stderr.",
    epilog="Exit status: 0 merged, 1 some input could not be read or merged, 2 usage or tool failure.",
)
def _merge_options(merge: argparse.ArgumentParser) -> None:
    _annotator_inputs(merge)
    merge.add_argument("-o", "--output", default="-", metavar="OUT", help="merged documents (default: - stdout)")
    merge.add_argument("--jsonl", action="store_true", default=None, help="write JSONL whatever OUT is called")
    merge.add_argument("--min-agree", type=_positive, metavar="K", help="annotators needed to keep an item")
    merge.add_argument("--curator", metavar="NAME", help="the annotator whose document is the base")
    merge.add_argument("--report", metavar="FILE", help="write the merge report (every conflict) as JSON")
    merge.set_defaults(run=_run_merge)


@_subcommand(
    "migrate",
    help=f"upgrade files to format {schema_versions()[-1]}, in place",
    description=f"Upgrade claimfmt files (JSON, JSON arrays, JSONL, gzipped or not; folders) to format "
    f"{schema_versions()[-1]}, losslessly: 1.0's verification and history become verifications linked by "
    "supersedes, via ids become objects. Each file is rewritten atomically and keeps its form; a file with a "
    "document that cannot be upgraded (invalid for the version it declares) is left as it is and the "
    "problems are reported (exit 1).",
)
def _migrate_options(migrate: argparse.ArgumentParser) -> None:
    migrate.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to upgrade in place")
    migrate.add_argument(
        "-o", "--output", metavar="OUT", help="write the one input's upgrade here (- for stdout) instead of in place"
    )
    migrate.set_defaults(run=_run_migrate)


@_subcommand(
    "hydrate",
    help="fill in article texts that were withheld, and place the spans again",
    description="Fill article.text from texts you supply (a folder of .txt files named by document id or by "
    'SHA-256, a JSONL of {"id", "text"} lines, or a WARC file of the pages, found by the article URL), check '
    "text_sha256, and place every span again by its quote (docs/anchoring.md). Reports per document: "
    "hydrated, hash mismatch, spans kept, moved exactly, fuzzily, orphaned. Nothing is fetched. Exit 1 when a "
    "text's hash does not match (and --accept-mismatch is not given) or an input is invalid.",
)
def _hydrate_options(hydrate: argparse.ArgumentParser) -> None:
    hydrate.add_argument("inputs", nargs="+", metavar="INPUT", help="claimfmt files or folders")
    hydrate.add_argument("--texts", required=True, metavar="DIR|FILE.jsonl|FILE.warc.gz", help="where the texts are")
    hydrate.add_argument(
        "--extract",
        choices=("main", "all"),
        default="main",
        help="from a WARC's HTML pages, take the main content (default) or all visible text",
    )
    hydrate.add_argument(
        "--accept-mismatch",
        action="store_true",
        help="fill in a text whose SHA-256 differs (a page extracted anew), replace the hash, place the spans again",
    )
    hydrate.add_argument("-o", "--output", default="-", metavar="OUT", help="output file (default: - for stdout)")
    hydrate.add_argument("--jsonl", action="store_true", default=None, help="write JSONL whatever OUT is called")
    _anchoring_options(hydrate, "fuzzy")
    hydrate.add_argument("--report", metavar="FILE", help="write the per-document report as JSON lines to FILE")
    hydrate.set_defaults(run=_run_hydrate)


@_subcommand(
    "strip",
    help="remove article texts for redistribution, keeping their SHA-256 and the quotes",
    description="Remove article.text from every document, keeping text_sha256 (computed), the spans' quotes, "
    "context and offsets, so that `claimfmt hydrate` can put the texts back.",
)
def _strip_options(strip: argparse.ArgumentParser) -> None:
    strip.add_argument("inputs", nargs="+", metavar="INPUT", help="claimfmt files or folders")
    strip.add_argument("-o", "--output", default="-", metavar="OUT", help="output file (default: - for stdout)")
    strip.add_argument("--jsonl", action="store_true", default=None, help="write JSONL whatever OUT is called")
    strip.set_defaults(run=_run_strip)


@_subcommand("schema", help="print a shipped JSON Schema", description="Print a shipped schema.")
def _schema_options(schema: argparse.ArgumentParser) -> None:
    schema.add_argument(
        "--version",
        dest="schema_version",
        default=schema_versions()[-1],
        choices=schema_versions(),
        help=f"format version (default: {schema_versions()[-1]})",
    )
    schema.set_defaults(run=_run_schema)


def _mapping_options(parser: argparse.ArgumentParser) -> None:
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--mapping",
        metavar="FILE",
        help="annotation mapping (TOML or JSON) for annotation-tool formats; see docs/tools.md",
    )
    choice.add_argument("--preset", metavar="NAME", help="a shipped annotation mapping: default, polnear")


def _anchoring_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--anchoring",
        choices=("strict", "exact", "fuzzy"),
        default=default,
        help="a quote not at its offsets: strict keeps it unmoved, exact moves it to the exact occurrence its "
        "prefix/suffix (then its offsets) single out, fuzzy also to the most similar text; equally good places "
        f"orphan it (quote only) (default: {default}; see docs/anchoring.md)",
    )
    parser.add_argument(
        "--fuzzy-threshold",
        type=_share,
        default=None,
        metavar="X",
        help="the least similarity (0 to 1) a fuzzy match needs (default: 0.85)",
    )


def _anchoring(args: argparse.Namespace) -> Any:
    from claimfmt.converters.anchoring import DEFAULT_THRESHOLD, Anchoring, Method

    threshold = DEFAULT_THRESHOLD if args.fuzzy_threshold is None else args.fuzzy_threshold
    return Anchoring(method=Method(args.anchoring), threshold=threshold)


def _share(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {value}")
    return number


def _annotator_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders of the annotators' documents")
    parser.add_argument(
        "--from",
        dest="source_format",
        metavar="FMT",
        help="the inputs' format (default: told from each input; inputs may differ)",
    )
    parser.add_argument(
        "--group-by",
        choices=("text", "id", "url"),
        default="text",
        help="what makes documents the same article: the text (its SHA-256; default), the document id, the URL",
    )
    _mapping_options(parser)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in value.split(",") if code.strip())


def _expand(paths: Sequence[str]) -> list[str]:
    """Paths as given, globs expanded; a path that does not exist is a usage error."""
    expanded: list[str] = []
    for path in paths:
        if path == "-" or Path(path).exists():
            expanded.append(path)
        elif glob.has_magic(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                raise UsageError(f"no file matches {path!r}")
            expanded.extend(matches)
        else:
            raise UsageError(f"no such file or folder: {path!r}")
    return expanded


def _print_issues(issues: Sequence[Issue]) -> None:
    for issue in issues:
        print(issue.format(), file=sys.stderr)


def _run_validate(args: argparse.Namespace) -> int:
    from claimfmt.reporting import REPORTERS, summary_line
    from claimfmt.validation import Selection, validate_sources

    paths = _expand(args.paths)
    selection = Selection(select=args.select, ignore=args.ignore)
    show_progress = args.format == "text" and sys.stderr.isatty() and not os.environ.get("CI")
    jobs = args.jobs
    if args.engine == "dask":
        return _run_validate_dask(args, paths, selection)
    if jobs > 1:
        from claimfmt.parallel import sequential_reason

        reason = sequential_reason(paths, jobs)
        if reason is not None:
            print(
                f"claimfmt: --jobs {jobs}: validating in one process, which is faster here: {reason}", file=sys.stderr
            )
            jobs = 1
    try:
        if jobs > 1:
            from claimfmt.parallel import validate_parallel

            run = validate_parallel(paths, jobs=jobs, selection=selection, max_errors=args.max_errors)
        else:
            run = validate_sources(paths, selection=selection, max_errors=args.max_errors, progress=show_progress)
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
    print(REPORTERS[args.format](run))
    if args.format in {"json", "sarif"}:
        print(summary_line(run), file=sys.stderr)
    return EXIT_INVALID if run.failed(strict=args.strict) else EXIT_OK


def _run_validate_dask(args: argparse.Namespace, paths: list[str], selection: Any) -> int:
    from claimfmt.reporting import REPORTERS, summary_line

    try:
        from claimfmt.dask import client_for, validate_run
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'claimfmt[dask]'") from None
    if "-" in paths:
        raise UsageError("--engine dask reads files, not standard input")
    try:
        with client_for(args.scheduler, workers=max(args.jobs, 2) if args.scheduler == "local" else 0) as client:
            print(f"claimfmt: validating on Dask ({client.scheduler.address})", file=sys.stderr)
            run = validate_run(paths, selection=selection, max_errors=args.max_errors)
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler {args.scheduler}: {exc}") from None
    print(REPORTERS[args.format](run))
    if args.format in {"json", "sarif"}:
        print(summary_line(run), file=sys.stderr)
    return EXIT_INVALID if run.failed(strict=args.strict) else EXIT_OK


def _document_or_report(record: Record) -> Document | None:
    """The record's document, or None after printing why it cannot be read."""
    from claimfmt.issues import DocumentError
    from claimfmt.reading import document_from_json

    try:
        if record.issue is not None:
            raise DocumentError([record.issue])
        return document_from_json(record.data)
    except DocumentError as exc:
        _print_issues([i.located(file=record.file, line=record.line, index=record.index) for i in exc.issues])
        return None


def _run_show(args: argparse.Namespace) -> int:
    from claimfmt.reading import iter_records
    from claimfmt.summary import describe_document

    if args.output and not args.html:
        raise UsageError("-o FILE goes with --html (the text account is printed)")
    status = EXIT_OK
    shown = 0
    documents = []
    try:
        for record in iter_records(*_expand(args.paths)):
            document = _document_or_report(record)
            if document is None:
                status = EXIT_INVALID
                continue
            if args.html:
                documents.append(document)
                continue
            print(("\n" if shown else "") + describe_document(document))
            shown += 1
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
    if args.html:
        _write_view(documents, args.output, title=_view_title(args.paths))
    return status


def _view_title(paths: list[str]) -> str:
    names = [Path(path).name or path for path in paths]
    return "claimfmt view: " + ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _write_view(documents: list[Document], output: str | None, *, title: str) -> None:
    """The HTML view of ``documents``, each shown with its validation issues, to ``output`` (or stdout)."""
    from claimfmt.validation import validate
    from claimfmt.view import render_html
    from claimfmt.writing import atomic_writer

    page = render_html(((document, validate(document)) for document in documents), title=title).encode()
    if output is None or output == "-":
        sys.stdout.buffer.write(page)
        sys.stdout.buffer.flush()
        return
    try:
        with atomic_writer(output) as out:
            out.write(page)
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def _run_view(args: argparse.Namespace) -> int:
    import tempfile
    import webbrowser

    if args.output is None:
        handle, args.output = tempfile.mkstemp(prefix="claimfmt-view-", suffix=".html")
        os.close(handle)
    status = _run_show(args)
    path = Path(args.output).resolve()
    print(path)
    if not args.no_open:
        webbrowser.open(path.as_uri())
    return status


def _run_stats(args: argparse.Namespace) -> int:
    import orjson

    from claimfmt.reading import iter_records
    from claimfmt.summary import CorpusStats, format_stats

    status = EXIT_OK
    results = []
    for path in _expand(args.paths):
        stats = CorpusStats(name=path)
        if args.source_format:
            if _peer_stats(path, args.source_format, stats):
                status = EXIT_INVALID
            results.append(stats)
            continue
        try:
            for record in iter_records(path):
                document = _document_or_report(record)
                if document is None:
                    stats.unreadable += 1
                    status = EXIT_INVALID
                else:
                    stats.add(document)
        except BrokenPipeError:
            raise  # main() ends quietly
        except OSError as exc:
            raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
        results.append(stats)
    if args.format == "json":
        print(orjson.dumps([s.to_json() for s in results], option=orjson.OPT_INDENT_2).decode())
    else:
        print("\n\n".join(format_stats(s) for s in results))
    return status


def _run_convert(args: argparse.Namespace) -> int:
    from claimfmt.conversion import ConversionError, Options, convert, formats

    if args.list:
        print(f"{'FORMAT':<14} {'READ':<5} {'WRITE':<6} {'OFFSETS':<10} DESCRIPTION")
        for name, converter in sorted(formats().items()):
            read, write = ("yes" if converter.reads else "-"), ("yes" if converter.writes else "-")
            print(f"{name:<14} {read:<5} {write:<6} {converter.default_unit.value:<10} {converter.summary}")
        return EXIT_OK
    if not args.inputs:
        raise UsageError("convert needs at least one INPUT (or --list)")
    if not args.target_format:
        raise UsageError("convert needs --to FMT (see claimfmt convert --list)")
    inputs = _expand(args.inputs)
    if not args.source_format:
        from claimfmt.converters.detect import detect

        found = detect(inputs)
        if found is None:
            raise UsageError(
                "cannot tell which format the input is in (or the inputs differ): give --from FMT "
                "(see claimfmt convert --list)"
            )
        if not found.readable:
            raise UsageError(f"the input is {found.reason}; claimfmt does not read {found.format}")
        print(f"claimfmt: reading the input as {found.format} ({found.reason}); --from chooses", file=sys.stderr)
        args.source_format = found.format
    from claimfmt.converters.offsets import Unit

    unit = Unit(args.offset_unit) if args.offset_unit else None
    if (args.partition_by or args.flat) and args.target_format != "parquet":
        raise UsageError("--partition-by and --flat are for --to parquet")
    try:
        mapping = _mapping(args)
        report = convert(
            inputs,
            source_format=args.source_format,
            target_format=args.target_format,
            output=args.output,
            options=Options(
                offset_unit=unit,
                mapping=mapping,
                record=args.record,
                partition_by=args.partition_by,
                flat=args.flat,
                anchoring=_anchoring(args),
            ),
            jsonl=args.jsonl,
        )
    except ConversionError as exc:
        raise UsageError(str(exc)) from None
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}") from None
    _print_issues(report.issues)
    print(report.summary(), file=sys.stderr)
    if report.failed and not report.records_written and args.source_format:
        # Nothing read as what --from said: say what the input looks like instead, where that can be told.
        from claimfmt.converters.detect import detect

        found = detect(inputs)
        if found is not None and found.format != args.source_format:
            what = f"--from {found.format}" if found.readable else f"claimfmt does not read {found.format}"
            print(f"claimfmt: the input looks like {found.reason} ({what})", file=sys.stderr)
    if args.report:
        import orjson

        from claimfmt.writing import atomic_writer

        with atomic_writer(args.report) as out:
            out.write(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    return EXIT_INVALID if report.failed else EXIT_OK


def _mapping(args: argparse.Namespace) -> Any:
    from claimfmt.converters.mapping import load_mapping, preset

    if args.mapping:
        return load_mapping(args.mapping)
    return preset(args.preset) if args.preset else None


def _run_labelstudio_config(args: argparse.Namespace) -> int:
    from claimfmt.conversion import ConversionError
    from claimfmt.converters.labelstudio import labelling_config
    from claimfmt.converters.mapping import AnnotationMapping, preset

    try:
        mapping = _mapping(args) or preset("default")
    except ConversionError as exc:
        raise UsageError(str(exc)) from None
    assert isinstance(mapping, AnnotationMapping)
    sys.stdout.write(labelling_config(mapping))
    return EXIT_OK


def _peer_stats(path: str, source_format: str, stats: CorpusStats) -> bool:
    """Count a corpus in a peer format; True when some of it could not be read."""
    from claimfmt.conversion import ConversionError, read_documents
    from claimfmt.converters.base import LossReport

    report = LossReport(source=source_format, target="stats")
    try:
        for document in read_documents([path], source_format, None, report):
            stats.add(document)
    except ConversionError as exc:
        raise UsageError(str(exc)) from None
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
    _print_issues(report.issues)
    stats.unreadable += sum(issue.severity == "error" for issue in report.issues)
    return report.failed


def _run_diff(args: argparse.Namespace) -> int:
    from claimfmt.diffing import diff_corpora, format_text, to_json
    from claimfmt.reading import iter_records

    versions = []
    for path in _expand([args.old, args.new]):
        documents, unreadable = [], False
        try:
            for record in iter_records(path):
                document = _document_or_report(record)
                unreadable = unreadable or document is None
                if document is not None:
                    documents.append(document)
        except BrokenPipeError:
            raise  # main() ends quietly
        except OSError as exc:
            raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
        if unreadable:
            raise UsageError(f"{path}: some documents cannot be read (above); nothing compared")
        versions.append(documents)
    diffs = diff_corpora(versions[0], versions[1])
    if args.format == "json":
        import orjson

        print(jsontext.dumps(to_json(diffs), orjson.OPT_INDENT_2).decode())
    elif diffs:
        print(format_text(diffs))
    return EXIT_INVALID if diffs else EXIT_OK


def _read_annotations(args: argparse.Namespace) -> tuple[list[tuple[Document, str]], bool]:
    """Every document of every input, each read as --from says or as it looks; and whether some failed."""
    from claimfmt.conversion import ConversionError, Options, read_documents
    from claimfmt.converters.base import LossReport
    from claimfmt.converters.detect import detect
    from claimfmt.reading import iter_records

    documents: list[tuple[Document, str]] = []
    failed = False
    try:
        mapping = _mapping(args)
        for path in _expand(args.inputs):
            source_format = args.source_format
            if source_format is None:
                found = detect([path])
                if found is None:
                    raise UsageError(f"cannot tell which format {path} is in: give --from FMT")
                if not found.readable:
                    raise UsageError(f"{path} is {found.reason}; claimfmt does not read {found.format}")
                source_format = found.format
            if source_format == "claimfmt":
                for record in iter_records(path):
                    document = _document_or_report(record)
                    failed = failed or document is None
                    if document is not None:
                        documents.append((document, record.file))
                continue
            report = LossReport(source=source_format, target="claimfmt")
            documents += ((d, path) for d in read_documents([path], source_format, Options(mapping=mapping), report))
            _print_issues([i for i in report.issues if i.severity == "error"])
            failed = failed or report.failed
    except ConversionError as exc:
        raise UsageError(str(exc)) from None
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or ''}: {exc.strerror or exc}") from None
    return documents, failed


def _run_agree(args: argparse.Namespace) -> int:
    from claimfmt.agreement import agree, format_text, to_csv, to_json
    from claimfmt.alignment import group_documents

    documents, failed = _read_annotations(args)
    groups, issues = group_documents(documents, by=args.group_by)
    report = agree(groups, group_by=args.group_by, issues=issues, by_document=args.by_document)
    _print_issues(report.issues)
    breakdown = {"documents": args.by_document, "pairs": args.by_pair}
    if args.format == "json":
        import orjson

        text = orjson.dumps(to_json(report, **breakdown), option=orjson.OPT_INDENT_2).decode() + "\n"
    elif args.format == "csv":
        text = to_csv(report, **breakdown)
    else:
        text = format_text(report, **breakdown) + "\n"
    _write_text(args.output, text)
    errors = any(issue.severity == "error" for issue in report.issues)
    return EXIT_INVALID if failed or errors or not report.articles else EXIT_OK


def _run_merge(args: argparse.Namespace) -> int:
    from claimfmt.alignment import group_documents
    from claimfmt.merging import merge
    from claimfmt.validation import validate
    from claimfmt.writing import write_documents

    documents, failed = _read_annotations(args)
    groups, issues = group_documents(documents, by=args.group_by)
    result = merge(groups, min_agree=args.min_agree, curator=args.curator, issues=issues)
    if args.curator is not None and not any(args.curator in g.annotators for g in groups):
        raise UsageError(f"no article was annotated by {args.curator!r} (--curator)")
    _print_issues(result.issues)
    merged = []
    for document in result.documents:
        problems = [i for i in validate(document) if i.severity == "error"]
        if problems:  # a bug of ours: say so, and keep the rest
            _print_issues(problems)
            print(f"claimfmt: the merge of {document.id!r} is not valid; left out", file=sys.stderr)
            failed = True
        else:
            merged.append(document)
    try:
        if merged:
            write_documents(args.output, merged, jsonl=args.jsonl)
        if args.report:
            import orjson

            from claimfmt.writing import atomic_writer

            with atomic_writer(args.report) as out:
                out.write(orjson.dumps(result.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or ''}: {exc.strerror or exc}") from None
    kept, dropped = result.kept, result.dropped
    ties = sum(c.tie for c in result.conflicts)
    print(
        f"merged {len(merged)} article(s): kept {kept['claims']} claims, {kept['attributions']} attributions, "
        f"{kept['sources']} sources, {kept['relations']} relations; dropped below the threshold "
        f"{dropped['claims']} claims, {dropped['attributions']} attributions, {dropped['relations']} relations; "
        f"{len(result.conflicts)} conflict(s) decided by vote, {ties} tie(s)",
        file=sys.stderr,
    )
    errors = any(issue.severity == "error" for issue in result.issues)
    return EXIT_INVALID if failed or errors or not merged else EXIT_OK


def _write_text(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    from claimfmt.writing import atomic_writer

    try:
        with atomic_writer(output) as out:
            out.write(text.encode())
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or ''}: {exc.strerror or exc}") from None


def _run_migrate(args: argparse.Namespace) -> int:
    from claimfmt.migrating import migrate_file, migrate_files

    paths = _expand(args.paths)
    if args.output is not None and (len(paths) != 1 or Path(paths[0]).is_dir() or paths[0] == "-"):
        raise UsageError("-o/--output takes the upgrade of exactly one input file")
    if "-" in paths:
        raise UsageError("migrate rewrites files in place: give a path, not - (or -o for one file)")
    failed = False
    upgraded = current = 0
    try:
        results = [migrate_file(paths[0], args.output)] if args.output is not None else list(migrate_files(paths))
    except BrokenPipeError:
        raise  # main() ends quietly
    except OSError as exc:
        raise UsageError(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}") from None
    for result in results:
        _print_issues(result.issues)
        failed = failed or not result.ok
        upgraded += result.upgraded
        current += result.current
        if not result.ok:
            print(f"{result.file}: not migrated (left as it was)", file=sys.stderr)
    print(
        f"{upgraded} document{'s' * (upgraded != 1)} upgraded to {schema_versions()[-1]}, {current} already current, "
        f"in {sum(r.ok for r in results)} of {len(results)} file{'s' * (len(results) != 1)}",
        file=sys.stderr,
    )
    return EXIT_INVALID if failed else EXIT_OK


def _valid_records(paths: Sequence[str], failed: list[bool]) -> Any:
    """The documents of the inputs that validate; the others are reported and marked in ``failed``."""
    from claimfmt.issues import Severity
    from claimfmt.reading import iter_records
    from claimfmt.validation import validate_record

    for record in iter_records(*_expand(paths)):
        issues = validate_record(record)
        errors = [issue for issue in issues if issue.severity is Severity.ERROR]
        if errors:
            _print_issues(errors)
            failed.append(True)
            continue
        yield record


def _run_hydrate(args: argparse.Namespace) -> int:
    import orjson

    from claimfmt.hydrating import Texts, TextsError, hydrate

    try:
        texts = Texts(args.texts, extract=args.extract)
    except TextsError as exc:
        raise UsageError(str(exc)) from None
    anchoring = _anchoring(args)
    failed: list[bool] = []
    lines: list[bytes] = []
    totals: dict[str, int] = {}
    spans: dict[str, int] = {}

    def hydrated() -> Any:
        for record in _valid_records(args.inputs, failed):
            result = hydrate(record.data, texts, anchoring, accept_mismatch=args.accept_mismatch)
            totals[result.status] = totals.get(result.status, 0) + 1
            for key, count in result.spans.items():
                spans[key] = spans.get(key, 0) + count
            located = [i.located(file=record.file, line=record.line, index=record.index) for i in result.issues]
            _print_issues(located)
            if result.status == "hash-mismatch":
                failed.append(True)
            entry = {"id": record.data.get("id"), "status": result.status, "spans": result.spans}
            lines.append(orjson.dumps({**entry, "issues": [i.to_json() for i in located]}))
            yield result.document

    try:
        _write_any(args.output, hydrated(), args.jsonl)
        if args.report:
            from claimfmt.writing import atomic_writer

            with atomic_writer(args.report) as out:
                out.write(b"".join(line + b"\n" for line in lines))
    except OSError as exc:
        raise UsageError(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}") from None
    said = ", ".join(f"{count} {status}" for status, count in sorted(totals.items())) or "no documents"
    placed = ", ".join(f"{count} {how}" for how, count in spans.items()) or "none"
    print(f"hydrate: {said}; spans: {placed}", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _write_any(output: str, values: Iterator[Any], jsonl: bool | None) -> int:
    """Write ``values`` to ``output``, but leave it untouched when there is none (every input invalid, say)."""
    import itertools

    from claimfmt.writing import write_json_values

    first = next(values, _NOTHING)
    if first is _NOTHING:
        return 0
    return write_json_values(output, itertools.chain([first], values), jsonl=jsonl)


_NOTHING = object()


def _run_strip(args: argparse.Namespace) -> int:
    from claimfmt.hydrating import strip

    failed: list[bool] = []
    try:
        count = _write_any(
            args.output, (strip(record.data) for record in _valid_records(args.inputs, failed)), args.jsonl
        )
    except OSError as exc:
        raise UsageError(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}") from None
    print(f"strip: {count} document{'s' * (count != 1)} written without their text", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text(args.schema_version))
    return EXIT_OK
