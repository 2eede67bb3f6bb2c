"""The base of Sieve's commands: one error policy, one way to build the chain, the extractor and the database.

Scrapy's own answer to commands sharing set-up is a base class
(``BaseRunSpiderCommand``); this is Sieve's. It lives outside
``COMMANDS_MODULE`` because Scrapy registers every command class it finds there.

The policy: a bad argument or setting is one line on stderr, ``scrapy <name>: <what to fix>``,
and exit status 2; a reader that goes away (``| head``) ends the output
quietly; Ctrl-C stops with exit status 130 and no traceback, keeping what
was already written.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

if TYPE_CHECKING:
    from scrapy.settings import Settings
    from sqlalchemy.engine import Engine

    from cleaners.chain import CleanerChain
    from cleaners.process import Extractor

#: Exit status for bad arguments or settings: nothing was done.
EXIT_USAGE = 2
#: Exit status for an interrupted command (128 + SIGINT).
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A failure to report in one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def skip_final_collection() -> None:
    """Let the interpreter exit without walking every object a run made.

    At exit Python runs a full garbage collection over everything still
    alive (parsed pages, SQLAlchemy's and trafilatura's modules): 0.15 s after
    ``scrapy clean`` of one file, 0.4 s after a crawl, for nothing, since the
    process is ending. ``gc.freeze()``, run as an exit handler, moves it all
    out of the collector's reach first; the run's own clean-up (files closed,
    engines disposed, the other exit handlers) is unchanged.
    """
    atexit.register(gc.freeze)


class SieveCommand(ScrapyCommand):
    """Subclasses implement :meth:`execute`; :meth:`run` applies the error policy around it."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    @property
    def command_name(self) -> str:
        return type(self).__module__.rsplit(".", 1)[-1]

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        raise NotImplementedError

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        skip_final_collection()
        try:
            self.execute(args, opts)
        except (CommandError, UsageError) as exc:
            self.say(str(exc))
            self.exitcode = exc.code if isinstance(exc, CommandError) else EXIT_USAGE
        except BrokenPipeError:
            # `scrapy clean dir | head`: the reader left; stop quietly like other Unix tools.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except KeyboardInterrupt:
            self.say("interrupted")
            self.exitcode = EXIT_INTERRUPTED

    def say(self, message: str) -> None:
        """One line on stderr, named after the command."""
        say(self.command_name, message)

    def fail(self, message: str, code: int = EXIT_USAGE) -> NoReturn:
        raise CommandError(message, code)

    # -- components -------------------------------------------------------------------------------

    def components(self, settings: Settings | None = None) -> tuple[CleanerChain, Extractor]:
        """The cleaner chain and the extractor, built from settings exactly as a crawl builds them."""
        assert self.settings is not None
        return build_components(settings or self.settings)

    def database(self, *, upgrade: bool = True) -> tuple[str, Engine]:
        """``(url, engine)`` of the configured database; an unusable URL or an unreachable server is one line."""
        from sqlalchemy.exc import SQLAlchemyError

        from storage.db import (
            DatabaseConfigError,
            database_url,
            describe_error,
            display_url,
            make_engine,
            open_database,
        )

        url = database_url(self.settings)
        try:
            return url, open_database(url) if upgrade else make_engine(url)
        except DatabaseConfigError as exc:
            self.fail(str(exc))
        except SQLAlchemyError as exc:
            self.fail(f"cannot open {display_url(url)}: {describe_error(exc)}", code=1)


def say(command: str, message: str) -> None:
    """The policy's one line on stderr: ``scrapy <command>: <message>``."""
    print(f"scrapy {command}: {message}", file=sys.stderr, flush=True)


def build_components(settings: Settings) -> tuple[CleanerChain, Extractor]:
    """The cleaner chain and the extractor from ``settings``; a bad setting raises :class:`CommandError`.

    ``scrapy crawl`` builds them too before it starts (and closes them), so a
    typo in ``CLEANERS`` is the same one line there as in ``scrapy clean``.
    """
    from crawler.components import load_chain, load_extractor, offline_crawler

    crawler = offline_crawler(settings)
    try:
        return load_chain(crawler), load_extractor(crawler)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """``-j N``: pages are cleaned in N worker processes (default: one per core for a run of many pages)."""
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="clean in N worker processes (default: one per core when there are many pages; 1: in this process)",
    )


def progress(total: int, label: str, *, leave: bool = False) -> Any:
    """A progress bar on stderr, in steps a person can see, only when stderr is a terminal (tqdm).

    ``leave``: the finished bar stays on screen (else it is erased, for output printed after it).
    """
    from tqdm import tqdm

    return tqdm(
        total=total, desc=label, unit="page", file=sys.stderr, disable=not sys.stderr.isatty(), leave=leave,
        mininterval=0.5,
    )  # fmt: skip
