"""The API key, kept only in the operating system's keyring.

Order of lookup: ``AIML_API_KEY`` in the environment (for this run only, never written),
then a key given in this session when no keyring works, then the keyring. When the keyring
cannot be used (no backend, locked, D-Bus gone) the key is kept in memory for this session and
``notice()`` says so in a plain sentence. There is no file fallback and no homemade encryption.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors

from app import APP_ID
from app.errors import UserInputError
from app.storage.logging_setup import register_secret

log = logging.getLogger(__name__)

SERVICE = APP_ID
USERNAME = "api-key"
ENV_VAR = "AIML_API_KEY"

NO_KEYRING_NOTICE = (
    "No system keyring is available, so your API key is kept for this session only "
    "and you will be asked for it again next time."
)
_UNUSABLE_BACKENDS = (keyring.backends.fail.Keyring, keyring.backends.null.Keyring)


class KeyStore:
    """Reads and stores the API key.

    Keyring calls can block (D-Bus, an unlock prompt): call these methods off the UI thread.

    Attributes:
        source: where the current key comes from: "env", "keyring", "session" or "none".
    """

    def __init__(
        self,
        *,
        service: str = SERVICE,
        username: str = USERNAME,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._service = service
        self._username = username
        self._environ = os.environ if environ is None else environ
        self._session_key: str | None = None
        self._keyring_key: str | None = None
        self._keyring_read = False
        self._keyring_failure: str | None = None

    # -- reading ---------------------------------------------------------------------------

    def _env_key(self) -> str | None:
        value = self._environ.get(ENV_VAR, "").strip()
        return value or None

    def get(self) -> str | None:
        """The key to use now, or None when there is none."""
        env_key = self._env_key()
        if env_key:
            register_secret(env_key)
            return env_key
        if self._session_key:
            return self._session_key
        if not self._keyring_read:
            self._keyring_key = self._read_keyring()
            self._keyring_read = True
        return self._keyring_key

    def _read_keyring(self) -> str | None:
        if not self._backend_usable():
            return None
        try:
            value = keyring.get_password(self._service, self._username)
        except keyring.errors.KeyringError as exc:
            self._note_failure("read", exc)
            return None
        if value:
            register_secret(value)
        return value or None

    @property
    def source(self) -> str:
        if self._env_key():
            return "env"
        if self._session_key:
            return "session"
        if self.get():
            return "keyring"
        return "none"

    # -- writing ---------------------------------------------------------------------------

    def set(self, key: str) -> bool:
        """Store ``key``.

        Returns:
            True when the keyring holds it now; False when it is kept for this session only
            (then ``notice()`` explains why).

        Raises:
            UserInputError: the key is empty.
        """
        key = key.strip()
        if not key:
            raise UserInputError("The API key is empty.")
        register_secret(key)
        if self._backend_usable():
            try:
                keyring.set_password(self._service, self._username, key)
            except keyring.errors.KeyringError as exc:
                self._note_failure("store", exc)
            else:
                self._keyring_failure = None
                self._session_key = None
                self._keyring_key = key
                self._keyring_read = True
                log.info("API key stored in the keyring")
                return True
        self._session_key = key
        log.info("API key kept for this session only")
        return False

    def delete(self) -> None:
        """Forget the key in this session and remove it from the keyring."""
        self._session_key = None
        self._keyring_key = None
        self._keyring_read = True
        if not self._backend_usable():
            return
        try:
            keyring.delete_password(self._service, self._username)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            self._note_failure("delete", exc)

    # -- state -----------------------------------------------------------------------------

    def keyring_usable(self) -> bool:
        """False when there is no working keyring backend or the last keyring call failed."""
        return self._backend_usable() and self._keyring_failure is None

    def notice(self) -> str | None:
        """A sentence for the person when the key cannot be kept between sessions, else None."""
        if self.keyring_usable():
            return None
        if self._keyring_failure:
            return (
                f"The system keyring could not be used ({self._keyring_failure}), so your API "
                "key is kept for this session only and you will be asked for it again next time."
            )
        return NO_KEYRING_NOTICE

    def _backend_usable(self) -> bool:
        backend = keyring.get_keyring()
        if isinstance(backend, _UNUSABLE_BACKENDS):
            return False
        backends = getattr(backend, "backends", None)
        return backends is None or bool(backends)

    def _note_failure(self, action: str, exc: keyring.errors.KeyringError) -> None:
        if isinstance(exc, keyring.errors.KeyringLocked):
            self._keyring_failure = "it is locked"
        elif isinstance(exc, keyring.errors.NoKeyringError):
            self._keyring_failure = "none is installed"
        else:
            self._keyring_failure = "it did not answer"
        log.warning("keyring %s failed: %s: %s", action, type(exc).__name__, exc)
