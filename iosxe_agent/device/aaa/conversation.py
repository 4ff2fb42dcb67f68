"""A login that asks questions, turned into separate request/answer rounds.

A TACACS+ ASCII login is a dialogue driven by the server (an expired password: "New Password:", "Re-enter New
password:" …), while SSH keyboard-interactive authentication is a series of callbacks: asyncssh calls the server
once per round with the user's answers and expects the next challenge back. :class:`Conversation` runs the login
coroutine as a task and parks it at each question, so every keyboard-interactive round resumes it with one
answer and returns either its next question or its result. The task dies with the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Generic, TypeVar

from iosxe_agent.device.aaa.tacacs import Converse

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Question:
    """A question the login asks the user: the text before the last line, the prompt itself, echo or not."""

    instructions: str
    prompt: str
    echo: bool

    @classmethod
    def of(cls, text: str, echo: bool) -> Question:
        """Split a server message into the lines to print and the prompt to answer (its last line)."""
        head, _, last = text.rstrip("\n").rpartition("\n")
        return cls(head, last or text, echo)


class Conversation(Generic[T]):
    """One running login and the question it is waiting on."""

    def __init__(self, run: Callable[[Converse], Coroutine[object, None, T]]) -> None:
        self._run = run
        self._task: asyncio.Task[T] | None = None
        self._asked: asyncio.Future[Question] | None = None
        self._answer: asyncio.Future[str | None] | None = None

    async def _converse(self, prompt: str, echo: bool) -> str | None:
        loop = asyncio.get_running_loop()
        self._answer = loop.create_future()
        if self._asked is not None and not self._asked.done():
            self._asked.set_result(Question.of(prompt, echo))
        return await self._answer

    async def _next(self) -> Question | T:
        assert self._task is not None
        self._asked = asyncio.get_running_loop().create_future()
        await asyncio.wait((self._task, self._asked), return_when=asyncio.FIRST_COMPLETED)
        if self._asked.done():
            return self._asked.result()
        self._asked.cancel()
        return self._task.result()

    async def begin(self) -> Question | T:
        """Start the login; its first question, or its result when it asks none."""
        self._task = asyncio.get_running_loop().create_task(self._run(self._converse))
        return await self._next()

    async def answer(self, text: str | None) -> Question | T:
        """Give the user's answer (None: gave up) to the pending question; the next question or the result."""
        if self._answer is None or self._answer.done():
            raise RuntimeError("no question is pending")
        self._answer.set_result(text)
        return await self._next()

    @property
    def waiting(self) -> bool:
        """True while the login waits for an answer."""
        return self._task is not None and not self._task.done()

    def close(self) -> None:
        """Abandon the login (the connection went away)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
