"""The account: balance, and checking a key before it is stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.api.types import Balance

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.services.context import Services


class AccountService:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def balance(self) -> Balance:
        """The balance of the stored key's account (``NotFoundError`` where unsupported).

        Each reading is kept for the balance-over-time line of the usage view.
        """

        def run(client: ApiClient) -> Balance:
            balance = client.billing.balance()
            self._services.usage.keep_balance(balance)
            return balance

        return await self._services.call(run)

    async def test_key(self, key: str) -> Balance:
        """Ask for the balance with ``key`` without storing it; raises what the server says."""
        return await self._services.call(lambda client: client.billing.balance(), api_key=key)
