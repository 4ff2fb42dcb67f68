"""The clear-secret normalizer: exactly the type-0 secrets are hashed, in any number of users."""

from __future__ import annotations

from typing import Any

from iosxe_agent.device.passwords import verify
from iosxe_agent.device.secrets import hash_clear_secrets

HASH9 = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"


def _user(name: str, secret: str) -> str:
    return f"<username><name>{name}</name><privilege>1</privilege><secret>{secret}</secret></username>"


def test_type0_secrets_of_users_and_enable_are_hashed_and_others_kept(ios: Any) -> None:
    tree = ios.cfg(
        _user("clear", "<encryption>0</encryption><secret>Clear-Pass1</secret>")
        + _user("hashed", f"<encryption>9</encryption><secret>{HASH9}</secret>")
        + _user("nokind", "<secret>as-given</secret>")
        + _user("empty", "<encryption>0</encryption>")
        + "<enable><secret><type>0</type><secret>En-pass1</secret></secret></enable>"
    )
    hash_clear_secrets(tree)

    def secret(user: str) -> tuple[str | None, str | None]:
        holder = f"ios:native/ios:username[ios:name='{user}']/ios:secret"
        return ios.text(tree, f"{holder}/ios:encryption"), ios.text(tree, f"{holder}/ios:secret")

    kind, stored = secret("clear")
    assert kind == "9" and stored is not None and verify("9", stored, "Clear-Pass1")
    assert secret("hashed") == ("9", HASH9)
    assert secret("nokind") == (None, "as-given")
    assert secret("empty") == ("0", None)
    enable = "ios:native/ios:enable/ios:secret"
    stored = ios.text(tree, f"{enable}/ios:secret")
    assert ios.text(tree, f"{enable}/ios:type") == "9" and stored is not None and verify("9", stored, "En-pass1")


def test_one_clear_secret_among_many_users_is_found(ios: Any) -> None:
    users = "".join(_user(f"u{i:04d}", f"<encryption>9</encryption><secret>{HASH9}</secret>") for i in range(2000))
    tree = ios.cfg(users + _user("zz-new", "<encryption>0</encryption><secret>New-pass1</secret>"))
    hash_clear_secrets(tree)
    holder = "ios:native/ios:username[ios:name='zz-new']/ios:secret"
    stored = ios.text(tree, f"{holder}/ios:secret")
    assert ios.text(tree, f"{holder}/ios:encryption") == "9" and stored is not None and verify("9", stored, "New-pass1")
