"""The account: balance, and checking a key before it is stored."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from app.api.errors import NotFoundError

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.api.types import Balance
    from app.services.service_context import ServiceContext

NO_BALANCE = "This server does not report a balance."


def balance_text(balance: Balance) -> str:
    """The balance as the status bar and the key test write it."""
    if balance.currency.upper() == "USD":
        return f"Balance: ${balance.amount:,.2f}"
    return f"Balance: {balance.amount:,.2f} {balance.currency}"


class AccountService:
    """The balance of the stored key's account.

    A server that answers 404 on the balance routes (most OpenAI-compatible servers) is
    remembered for this run, so it is not asked again after every paid request.
    """

    def __init__(self, services: ServiceContext) -> None:
        self._services = services
        self._without_balance: set[str] = set()
        self._lock = threading.Lock()

    def has_balance_route(self) -> bool:
        """False once the current server said it has no balance route."""
        with self._lock:
            return self._services.base_url not in self._without_balance

    async def balance(self) -> Balance:
        """The balance of the stored key's account (``NotFoundError`` where unsupported).

        Each reading is kept for the balance-over-time line of the usage view.
        """
        server = self._services.base_url
        if not self.has_balance_route():
            raise NotFoundError(NO_BALANCE, status=404)

        def run(client: ApiClient) -> Balance:
            balance = client.billing.balance()
            self._services.usage.keep_balance(balance)
            return balance

        try:
            return await self._services.call(run)
        except NotFoundError:
            with self._lock:
                self._without_balance.add(server)
            raise

    async def test_key(self, key: str) -> Balance:
        """Ask for the balance with ``key`` without storing it; raises what the server says."""
        return await self._services.call(lambda client: client.billing.balance(), api_key=key)
