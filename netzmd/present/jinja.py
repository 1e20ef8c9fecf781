"""Rendering through Jinja templates: the vault's templates/ first, then the built-in ones.

Templates get the same data the JSON holds, plus filters for relative day words. Undefined
variables are errors; every template error names the template file and line.

A template is code that arrives with the vault (a clone, a second device, a colleague's copy), so
every template, the built-in ones included, runs in Jinja's immutable sandbox: it can read the
data it is given and call the filters, but not reach Python's internals, run commands or change
the data. A template that tries is an error naming its file and line, and nothing runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from netzmd.errors import NetzmdError
from netzmd.model.agenda import limit_keep_in_touch
from netzmd.present.text import days_word
from netzmd.vault import Vault, builtin_templates

_COLORS = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}


class TemplateProblem(NetzmdError):
    pass


def _days(n: int, overdue: bool = False) -> str:
    """``in_days`` as words: ``today``, ``in 3 days``, ``5 days overdue`` / ``5 days ago``."""
    return days_word(int(n), overdue=overdue)


def _wikilink(item: dict[str, Any]) -> str:
    """``[[id]]``, or ``[[id|name]]`` when the display name differs from the file name."""
    ident, name = item["id"], item["name"]
    return f"[[{ident}]]" if ident == name else f"[[{ident}|{name}]]"


_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")


def _unlink(text: str) -> str:
    """Wiki-links as plain names for the terminal: ``[[Jane Doe]]`` → ``Jane Doe``,
    ``[[Jane Doe|Jane]]`` → ``Jane``."""
    return _LINK.sub(lambda m: m[2] or m[1], str(text))


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def environment(
    vault: Vault | None, extra_dir: Path | None = None, *, color: bool
) -> jinja2.Environment:
    folders = [str(p) for p in (extra_dir, vault.templates if vault else None) if p is not None]
    folders.append(str(builtin_templates()))
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )

    def style(text: Any, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
        if not color:
            return str(text)
        codes = [str(_COLORS[fg])] if fg in _COLORS else []
        if bold:
            codes.append("1")
        if dim:
            codes.append("2")
        return f"\033[{';'.join(codes)}m{text}\033[0m" if codes else str(text)

    env.filters.update(days=_days, wikilink=_wikilink, plural=_plural, style=style, unlink=_unlink)
    env.globals.update(style=style, color=color)
    return env


def render(vault: Vault | None, template: str, data: dict[str, Any], *, color: bool = False) -> str:
    """Render ``template`` (a name looked up in the vault, then built-in; or a file path)."""
    extra: Path | None = None
    name = template
    candidate = Path(template)
    if candidate.is_file():
        extra, name = candidate.resolve().parent, candidate.name
    env = environment(vault, extra, color=color)
    return _render(env, template, name, data)


def renderer(vault: Vault | None) -> Callable[[str, dict[str, Any]], str]:
    """``render`` for many renders of templates by name (a draft per person): one environment,
    so that each template is compiled once."""
    env = environment(vault, None, color=False)
    return lambda name, data: _render(env, name, name, data)


def _render(env: jinja2.Environment, template: str, name: str, data: dict[str, Any]) -> str:
    try:
        tmpl = env.get_template(name)
    except jinja2.TemplateNotFound:
        where = (
            ", ".join(str(p) for p in env.loader.searchpath)
            if isinstance(env.loader, jinja2.FileSystemLoader)
            else ""
        )
        raise TemplateProblem(
            f"template '{template}' not found (looked in {where})",
            hint="Pass a template name from templates/ or the path of a template file.",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            exc.message or "syntax error", path=_where(exc.filename, name), line=exc.lineno
        ) from None
    try:
        return tmpl.render(**data)
    except jinja2.exceptions.SecurityError as exc:
        filename = tmpl.filename or name
        line = _template_line(exc, filename)
        raise TemplateProblem(
            f"not allowed in a template: {exc}",
            path=_where(filename, name),
            line=line,
            hint="Templates run in a sandbox: they may read the data they are given and use "
            "the documented filters, nothing else. Remove that expression.",
        ) from None
    except jinja2.TemplateError as exc:
        filename = tmpl.filename or name
        line = _template_line(exc, filename)
        raise TemplateProblem(str(exc), path=_where(filename, name), line=line) from None


def render_agenda(
    vault: Vault | None,
    data: dict[str, Any],
    days: int,
    fmt: str,
    template: str | None = None,
    *,
    color: bool = False,
    limit: int = 0,
) -> str:
    """The agenda (``agenda.to_data``) as text (``fmt`` "text") or a Markdown note ("md"),
    through ``template`` or the default ``agenda.txt.j2`` / ``agenda.md.j2``, with at most
    ``limit`` people to keep in touch with (``agenda.limit_keep_in_touch``; 0: all)."""
    name = template or f"agenda.{'md' if fmt == 'md' else 'txt'}.j2"
    return render(vault, name, {**limit_keep_in_touch(data, limit), "days": days}, color=color)


def _where(filename: str | None, name: str) -> str:
    if not filename:
        return name
    path = Path(filename)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _template_line(exc: BaseException, filename: str) -> int:
    """The template line a render error happened on, read from the rewritten traceback."""
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
