"""Real functions for the VL402 behaviour test: the test fixes a copy of this module and checks that
the fixed functions return, raise and change state exactly as these do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import time

EVENTS: list[str] = []


@contextmanager
def tracked(name: str) -> Iterator[str]:
    EVENTS.append(f"enter {name}")
    try:
        yield name
    finally:
        EVENTS.append(f"exit {name}")


def find(items: list[int], wanted: int) -> int | None:
    for index, item in enumerate(items):
        EVENTS.append(f"look {item}")
        if item == wanted:
            return index
    else:
        EVENTS.append("not found")
        return None


def classify(n: int) -> str:
    if n < 0:
        return "negative"
    if n == 0:
        EVENTS.append("zero")
        return "zero"
    label = "big" if n > 100 else "small"
    return label


def divide(a: float, b: float) -> float:
    EVENTS.append(f"divide {a} {b}")
    value = a / b
    return round(value, 3)


def parse(text: str, default: int = -1) -> int:
    try:
        value = int(text)
    except ValueError:
        EVENTS.append(f"bad {text}")
        return default
    EVENTS.append(f"parsed {value}")
    return value


def record(events: list[str], fail: bool) -> int:
    try:
        events.append("work")
        if fail:
            raise RuntimeError("boom")
        return len(events)
    finally:
        events.append("cleanup")


def counted(n: int) -> list[int]:
    while True:
        n -= 1
        EVENTS.append(f"tick {n}")
        if n < 0:
            raise ValueError(n)
        with tracked("counted"):
            if n % 3 == 0:
                return [n, n * 2]


def append_all(target: list[int], *values: int) -> None:
    for value in values:
        target.append(value)
    EVENTS.append(f"appended {len(values)}")
    if not values:
        return


def total(*values: float, **weights: float) -> float:
    result = 0.0
    for index, value in enumerate(values):
        result += value * weights.get(f"w{index}", 1.0)
    return result


def greet(name: str, greeting: str = "hello", *, punctuation: str = "!") -> str:
    start = greeting.capitalize()
    e = f"{start}, {name}"
    func_name = e + punctuation
    return func_name


def make_counter(first: int) -> Callable[[], int]:
    count = first

    def step() -> int:
        nonlocal count
        count += 1
        return count

    EVENTS.append(f"counter {first}")
    return step


def at(hour: int, minute: int = 0) -> time:
    if not 0 <= hour < 24:
        raise ValueError(f"hour {hour}")
    moment = time(hour, minute)
    return moment


async def fetch(item_id: int, token: str) -> dict[str, int]:
    await asyncio.sleep(0)
    if item_id < 0:
        raise KeyError(item_id)
    EVENTS.append(f"fetched {item_id} with {token}")
    return {"id": item_id, "size": len(token)}


class Account:
    rate = 2

    def __init__(self, balance: int) -> None:
        self.balance = balance

    def deposit(self, amount: int, password: str) -> int:
        """Add money; the password must match."""
        if password != "open sesame":
            raise PermissionError("wrong password")
        self.balance += amount
        EVENTS.append(f"deposit {amount}")
        return self.balance

    @staticmethod
    def fee(amount: int, free: bool = False) -> int:
        if free:
            return 0
        fee = amount // 10
        return max(fee, 1)

    @classmethod
    def opened(cls, balance: int, api_key: str) -> Account:
        EVENTS.append(f"open {balance}")
        account = cls(balance * cls.rate)
        return account

    async def transfer(self, other: Account, amount: int) -> tuple[int, int]:
        await asyncio.sleep(0)
        if amount > self.balance:
            raise ValueError("insufficient funds")
        self.balance -= amount
        other.balance += amount
        return self.balance, other.balance
