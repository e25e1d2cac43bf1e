"""What every ``mrecist`` subcommand shares: one-line errors, passwords, logging in, input.

Passwords are never arguments: they are read from standard input with
``--password-stdin`` (one per line) or asked for without echo. Every error is one line on
stderr naming the file or entity and the reason, with exit status 2; input files are read
with a size limit (docs/input-limits.md), so ``/dev/zero`` is refused, not read forever.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from core.criteria.validation import one_line
from core.errors import CoreError, DicomImportError, InputFileError, shortened
from core.model.trial import Session
from core.store import DEFAULT_BUSY_TIMEOUT_S, Store, login, open_store

EXIT_ERROR = 2
# A password line is read up to this many characters: `--password-stdin </dev/zero` must
# not read forever (the account rules may allow far fewer).
MAX_PASSWORD_LINE = 4096
# Interrupted by Ctrl-C: 128 + SIGINT, as a shell reports it.
EXIT_INTERRUPTED = 130


class PasswordSource:
    """Passwords from standard input (one per line) or, without it, from a no-echo prompt."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str) -> str:
        """The next password.

        Raises
        ------
        CoreError
            Standard input has run out, or there is no terminal to ask on (a script must
            pass ``--password-stdin``; getpass would read stdin with a warning and fail).
        """
        what = prompt.rstrip(": ")
        try:
            password = self._read(prompt, what)
            password.encode("utf-8")  # surrogates: bytes that were not UTF-8
        except UnicodeError:
            raise CoreError(f"the {what} is not UTF-8 text") from None
        return password

    def _read(self, prompt: str, what: str) -> str:
        if not self.from_stdin:
            if not sys.stdin.isatty():
                raise CoreError(f"no terminal to ask for the {what}; give it on standard "
                                "input with --password-stdin")
            try:
                return getpass.getpass(prompt)
            except EOFError:
                raise CoreError(f"no {what} given (the input ended)") from None
        line = sys.stdin.readline(MAX_PASSWORD_LINE)
        if not line:
            raise CoreError(f"standard input: no password for {what}")
        if not line.endswith("\n") and len(line) == MAX_PASSWORD_LINE:
            raise CoreError(f"standard input: the line for {what} is longer than "
                            f"{MAX_PASSWORD_LINE} characters")
        return line.rstrip("\r\n")


class FileArgument(str):
    """A file name as typed on the command line (an argparse ``type``): it may hold bytes
    that are not UTF-8, which ``check_text_arguments`` refuses in every other argument."""

    __slots__ = ()


def check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse an argument (a login, a subject code, a UID) holding bytes that are not UTF-8.

    Python keeps such bytes as lone surrogates; the store, JSON and the screens cannot
    write them. File names (``Path``, ``FileArgument``) may hold them: they name files.

    Raises
    ------
    CoreError
        Naming the first such argument.
    """
    for dest, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str) or isinstance(item, FileArgument):
                continue
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                name = f"--{dest.replace('_', '-')}"
                raise CoreError(f"argument {name}: not UTF-8 text (byte "
                                f"{item[error.start].encode('utf-8', 'surrogateescape')!r} "
                                f"at character {error.start})") from None


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db FILE``: the trial store."""
    parser.add_argument("--db", type=Path, required=True, metavar="FILE",
                        help="the trial store (one SQLite file per trial)")


def add_login_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db``, ``--user`` and ``--password-stdin`` for commands that act as a user."""
    add_db_argument(parser)
    parser.add_argument("--user", required=True, metavar="LOGIN",
                        help="the acting user (their password is asked for)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read passwords from standard input, one per line")


def guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the named errors of ``core`` into one line on stderr and exit status 2.

    Also the last resort of every command (``core.cli.main`` wraps each one): any other
    exception is one line "internal error: TYPE: MESSAGE (please report)", still exit 2,
    never a traceback; Ctrl-C is one line and 130. The named errors are the rule: an input
    that reaches the last resort is a bug to fix where the input is read.
    """

    def handler(args: argparse.Namespace) -> int:
        command = f"mrecist {args.command}"
        try:
            return run(args)
        except CoreError as error:
            # One line even when the reason quotes a value with a line break in it.
            print(f"{command}: {one_line(str(error))}", file=sys.stderr)
            return EXIT_ERROR
        except KeyboardInterrupt:
            print(f"{command}: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader of our output went away (`| head`): say so once, and point stdout
            # at /dev/null so that flushing it at exit does not fail a second time.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            print(f"{command}: standard output was closed before the output was written",
                  file=sys.stderr)
            return EXIT_ERROR
        except OSError as error:
            if error.filename is None or not error.strerror:
                return _internal_error(command, error)
            # A file the command was told to write or read, refused by the system (no such
            # folder, no permission, disk full): its name and the system's reason.
            print(f"{command}: {one_line(str(error.filename))}: {error.strerror}",
                  file=sys.stderr)
            return EXIT_ERROR
        except Exception as error:  # noqa: BLE001 - the last resort, named by its type
            return _internal_error(command, error)

    return handler


def _internal_error(command: str, error: Exception) -> int:
    message = shortened(one_line(str(error)))
    print(f"{command}: internal error: {type(error).__name__}: {message} (please report)",
          file=sys.stderr)
    return EXIT_ERROR


def open_as_user(args: argparse.Namespace, passwords: PasswordSource) -> tuple[Store, Session]:
    """Open ``args.db`` and log in as ``args.user``; return the store and the session."""
    store = open_store(args.db, busy_timeout_s=DEFAULT_BUSY_TIMEOUT_S)
    try:
        session = login(store, args.user, passwords.read(f"password of {args.user}: "))
    except BaseException:
        store.close()
        raise
    return store, session


def check_paths_exist(paths: Sequence[Path]) -> None:
    """Refuse the first of *paths* that does not exist, before anything is scanned.

    A typo must not pass for an empty export: the scan would find nothing and say so.

    Raises
    ------
    DicomImportError
        Naming the path.
    """
    for path in paths:
        if not path.exists():
            raise DicomImportError(path, "no such file or folder")


# The most a case file may hold (docs/input-limits.md): a case of 100 timepoints with 40
# lesions each is about 240 KB, so 1 MiB is four times the largest trial a reader records,
# and reading and checking it takes about two seconds.
MAX_CASE_FILE_BYTES = 1 << 20


def read_input(path: str, limit: int, what: str = "file") -> bytes:
    """The bytes of the input file *path* (``-`` is standard input), at most *limit*.

    Reads at most one byte past *limit*, so a device (``/dev/zero``) or an endless pipe is
    refused without being read to its end.

    Raises
    ------
    InputFileError
        Naming the file: it does not exist, is a folder, cannot be read, or is larger
        than *limit*.
    """
    name = "<stdin>" if path == "-" else one_line(path)
    try:
        if path == "-":
            data = _read_at_most(sys.stdin.buffer, limit)
        else:
            with open(path, "rb") as stream:
                data = _read_at_most(stream, limit)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputFileError(name, f"cannot read the file: {reason}") from None
    if len(data) > limit:
        raise InputFileError(name, f"larger than {_size(limit)}, the most a {what} may be "
                             "(docs/input-limits.md)")
    return data


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    chunks, size = [], 0
    while size <= limit and (chunk := stream.read(min(1 << 16, limit + 1 - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / (1 << 20):g} MiB"


def integer(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from *minimum* to *maximum*, else argparse's
    usage error (exit 2) naming the argument and the range.

    ``type=int`` alone takes 4,000 digits, which overflow SQLite's integers or fork a
    process per worker asked for.
    """

    def parse(text: str) -> int:
        value = text.strip()
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 20 \
                or not minimum <= int(value) <= maximum:
            raise argparse.ArgumentTypeError(f"must be a whole number from {minimum} to "
                                             f"{maximum}, not {shortened(repr(text))}")
        return int(value)

    return parse
