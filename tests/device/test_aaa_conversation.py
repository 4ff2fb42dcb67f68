"""A login dialogue split into keyboard-interactive rounds (iosxe_agent.device.aaa.conversation)."""

from __future__ import annotations

import asyncio

import pytest

from iosxe_agent.device.aaa.conversation import Conversation, Question
from iosxe_agent.device.aaa.tacacs import Converse


async def chpass(converse: Converse) -> str:
    """A server-like dialogue: ask twice until both answers agree."""
    while True:
        first = await converse("Your password has expired.\nEnter a new one now.\nNew Password: ", False)
        if first is None:
            return "aborted"
        second = await converse("Re-enter New password: ", False)
        if first == second:
            return f"changed to {first}"


async def test_each_question_is_one_round_until_the_result() -> None:
    talk = Conversation(chpass)
    q = await talk.begin()
    assert q == Question("Your password has expired.\nEnter a new one now.", "New Password: ", False)
    assert talk.waiting
    assert await talk.answer("a") == Question("", "Re-enter New password: ", False)
    assert isinstance(await talk.answer("b"), Question)  # mismatch: asked again
    await talk.answer("c")
    assert await talk.answer("c") == "changed to c"
    assert not talk.waiting


async def test_a_login_without_questions_returns_at_once() -> None:
    async def direct(converse: Converse) -> bool:
        return True

    assert await Conversation(direct).begin() is True


async def test_giving_up_and_closing() -> None:
    talk = Conversation(chpass)
    await talk.begin()
    assert await talk.answer(None) == "aborted"
    with pytest.raises(RuntimeError):
        await talk.answer("late")
    hung = Conversation(chpass)
    await hung.begin()
    hung.close()  # the connection went away: the login task is cancelled
    await asyncio.sleep(0)
    assert not hung.waiting


async def test_an_error_in_the_login_reaches_the_caller() -> None:
    async def broken(converse: Converse) -> bool:
        await converse("Password: ", False)
        raise ValueError("server vanished")

    talk = Conversation(broken)
    await talk.begin()
    with pytest.raises(ValueError, match="server vanished"):
        await talk.answer("x")
