"""The API key's flows: where the key comes from, testing a key, saving it and removing it.

The key dialog, the Settings dialog's key page and the window's connection only show what
these return: the sentences the person reads are written here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import ApiError, AuthenticationError, NotFoundError, UserInputError, describe
from app.services.account import balance_text

if TYPE_CHECKING:
    from app.services.account import AccountService
    from app.services.service_context import ServiceContext

NO_KEY_TYPED = "Type or paste a key first."
ASKING = "Asking the server…"
ENV_KEY_IN_USE = "AIML_API_KEY is set in the environment, so that key is used for this run."
SESSION_ONLY = "The API key is kept for this session only."


@dataclass(frozen=True)
class KeyState:
    """Where the key comes from ("env", "keyring", "session" or "none"), why the keyring
    cannot keep it (None when it can), and the key itself when it was asked for."""

    source: str
    notice: str | None
    key: str | None = None


@dataclass(frozen=True)
class KeyCheck:
    """The result of testing a key: whether the server took it (None: it was not asked),
    the sentence to show, and its tone ("ok", "warning" or "error")."""

    works: bool | None
    sentence: str
    tone: str


@dataclass(frozen=True)
class KeyChange:
    """What saving or removing the key left: the new state, whether the keyring holds the
    key (None after a removal), and what to tell the person as (tone, sentence) pairs, the
    tone being "info" or "notice"."""

    state: KeyState
    persisted: bool | None
    messages: tuple[tuple[str, str], ...]


class KeyService:
    """The key flows of one run, on the run's keystore and worker pool.

    Args:
        services: the run's services (keystore, worker pool).
        account: asks the server whether a key works.
    """

    def __init__(self, services: ServiceContext, account: AccountService) -> None:
        self._services = services
        self._account = account

    async def state(self, *, with_key: bool = False) -> KeyState:
        """Where the key comes from now (reading it may touch the keyring: off the UI thread)."""
        keystore = self._services.keystore

        def read() -> KeyState:
            key = keystore.get() if with_key else None
            return KeyState(source=keystore.source, notice=keystore.notice(), key=key)

        return await self._services.runner.run(read)

    async def check(self, key: str) -> KeyCheck:
        """Ask the server whether ``key`` works, without storing it."""
        key = key.strip()
        if not key:
            return KeyCheck(None, NO_KEY_TYPED, "warning")
        try:
            balance = await self._account.test_key(key)
        except NotFoundError:
            return KeyCheck(
                False,
                "This server does not report a balance, so the key could not be checked "
                "here. You can still save it.",
                "warning",
            )
        except AuthenticationError:
            return KeyCheck(
                False,
                "The API key was refused. Check that the whole key was pasted, "
                "and that it belongs to this provider.",
                "error",
            )
        except ApiError as exc:
            return KeyCheck(False, describe(exc), "error")
        return KeyCheck(True, f"The key works. {balance_text(balance)}.", "ok")

    async def save(self, key: str) -> KeyChange:
        """Store ``key`` in the keyring, else for this session.

        Raises:
            UserInputError: the key is empty.
        """
        key = key.strip()
        if not key:
            raise UserInputError(NO_KEY_TYPED)
        keystore = self._services.keystore
        persisted = await self._services.runner.run(keystore.set, key)
        state = await self.state()
        messages: list[tuple[str, str]] = []
        if persisted:
            messages.append(("info", "API key saved in the system keyring."))
        else:
            messages.append(("notice", state.notice or SESSION_ONLY))
        if state.source == "env":
            messages.append(("notice", ENV_KEY_IN_USE))
        return KeyChange(state, persisted, tuple(messages))

    async def remove(self) -> KeyChange:
        """Forget the stored key (the environment's key, if any, stays in use for this run)."""
        await self._services.runner.run(self._services.keystore.delete)
        state = await self.state()
        if state.source == "env":
            message = (
                "notice",
                "The stored key was removed. AIML_API_KEY is still set and used for this run.",
            )
        else:
            message = ("info", "The API key was removed.")
        return KeyChange(state, None, (message,))
