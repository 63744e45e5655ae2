"""The command line in the user's language: --help, usage lines and Typer's own labels.

Help texts are declared in English, as message ids (`N_`, or `help_text` for a text
with arguments). The language is chosen from the arguments (`--lang`), else
`KARSTA_LANG`, else the locale, as soon as the root command parses them: before any
subcommand prints its help. Then every help text of the command tree is replaced by
its translation, and so are Typer's labels (Options, Commands, [default: …]).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import typer
from typer import rich_utils

from karsta import i18n
from karsta.i18n import N_, Message, gettext

_WITH_ARGUMENTS: dict[str, Message] = {}

TYPER_LABELS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
"""Typer's module-level labels (in `typer.rich_utils`) and their message ids."""

HELP_OPTION_TEXT = N_("Show this message and exit.")
USAGE = N_("Usage:")


def help_text(template: str, **args: Any) -> str:
    """Return a help text with arguments in English, remembered so it can be shown translated."""
    message = Message(template, **args)
    _WITH_ARGUMENTS[str(message)] = message
    return str(message)


def translated(text: str) -> str:
    """Return a help text (an English message id) in the current language."""
    message = _WITH_ARGUMENTS.get(text)
    return message.localized() if message is not None else gettext(text)


def language_in(args: Sequence[str]) -> str | None:
    """Return the value of --lang among command-line arguments, if given."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _commands(command: Any) -> Iterator[Any]:
    """Return a command and every command below it."""
    yield command
    for child in getattr(command, "commands", {}).values():
        yield from _commands(child)


class _TranslatedUsage(typer.Context.formatter_class):  # type: ignore[misc,valid-type]
    """Help formatter whose usage line begins with 'Usage:' in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line with a translated prefix."""
        super().write_usage(prog, args, prefix or gettext(USAGE) + " ")


class TranslatedContext(typer.Context):
    """Context whose help formatter writes the usage line in the current language."""

    formatter_class = _TranslatedUsage


def choose_language(args: Sequence[str]) -> None:
    """Use the language --lang names among `args`, else KARSTA_LANG or the locale."""
    with suppress(ValueError):  # the --lang option's own check reports an unknown language
        i18n.set_language(language_in(args))


def translate_help(root: Any, ctx: typer.Context) -> None:
    """Replace the help texts of `root` and every command below it by their translations."""
    for name, message_id in TYPER_LABELS.items():
        setattr(rich_utils, name, gettext(message_id))
    for command in _commands(root):
        command.context_class = TranslatedContext
        english = command.__dict__.setdefault("_english_help", {})
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            help_option.help = HELP_OPTION_TEXT
        for owner in (command, *command.params, *([help_option] if help_option else [])):
            for attribute in ("help", "short_help"):
                text = getattr(owner, attribute, None)
                if not text:
                    continue
                original = english.setdefault((id(owner), attribute), text)
                setattr(owner, attribute, translated(original))


_USAGE_ERRORS = (
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {name} (possible options: {options})")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<arguments>.+)\)",
     N_("Unexpected extra arguments ({arguments})")),
    (r"Invalid value for (?P<name>.+?): Input should be a valid (?:integer|number).*",
     N_("Invalid value for {name}: give a number")),
    (r"Invalid value for (?P<name>.+?): (?P<problem>.+)",
     N_("Invalid value for {name}: {problem}")),
)  # fmt: skip
"""The command line's own usage errors (Typer's, in English) and their message ids."""
_USAGE_PATTERNS = tuple((re.compile(pattern, re.S), message) for pattern, message in _USAGE_ERRORS)
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
"""Typer's usage error: the base of BadParameter, MissingParameter, NoSuchOption."""


def usage_error_text(english: str) -> str:
    """Return a usage error of the command line in the current language (as it is if unknown)."""
    for pattern, template in _USAGE_PATTERNS:
        found = pattern.fullmatch(english)
        if found:
            return Message(template, **found.groupdict()).localized()
    return english


@contextmanager
def translated_usage_errors() -> Iterator[None]:
    """Run the block; a usage error it raises is raised again in the current language."""
    try:
        yield
    except UsageError as exc:
        english = exc.format_message()  # type: ignore[attr-defined]
        text = usage_error_text(english)
        if text == english:
            raise
        raise UsageError(text, ctx=exc.ctx) from None  # type: ignore[attr-defined,call-arg]
