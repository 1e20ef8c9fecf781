"""The session of one command: the vault, its settings and its refreshed index, made on first
use."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from netzmd.config import Config
    from netzmd.store.index import Index
    from netzmd.vault import Vault


class Session:
    """The vault, its settings and its refreshed index, made on first use."""

    def __init__(self, vault_option: str | None) -> None:
        self.vault_option = vault_option
        self._vault: Vault | None = None
        self._config: Config | None = None
        self._index: Index | None = None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            from netzmd.vault import find_vault

            self._vault = find_vault(self.vault_option, Path.cwd())
        return self._vault

    @property
    def config(self) -> Config:
        if self._config is None:
            from netzmd.config import load_config

            self._config = load_config(self.vault.root)
        return self._config

    @property
    def index(self) -> Index:
        if self._index is None:
            from netzmd.store.index import Index

            index = Index(self.vault, warn=_warn)
            index.refresh(progress=_progress if sys.stderr.isatty() else None)
            if sys.stderr.isatty():
                click.echo("\r\033[K", nl=False, err=True)
            self._index = index
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def _warn(message: str) -> None:
    click.echo(f"netzmd: warning: {message}", err=True)


def _progress(done: int, total: int) -> None:
    if total >= 1000:
        click.echo(f"\rindexing notes: {done:,}/{total:,}", nl=False, err=True)


def real_today(today: date | None) -> date:
    return today if today is not None else date.today()
