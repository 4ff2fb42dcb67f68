"""Cisco password types 0/5/7/8/9 against real-device and published vectors, and against libpass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from passlib.hash import cisco_type7
from passlib.hash import md5_crypt as passlib_md5_crypt

from iosxe_agent.device.passwords import (
    CISCO_ALPHABET,
    TYPE7_MAX_SEED,
    cisco_b64,
    hash_secret_type9,
    is_well_formed,
    md5_crypt,
    new_salt,
    type7_decode,
    type7_encode,
    type8_hash,
    type9_hash,
    verify,
)

# (encryption, stored, plain): IOSXE-CLI-REFERENCE.md §5 and DEPENDENCIES.md §7.
VECTORS = [
    ("9", "$9$8LKaOniOwlOU7.$MbzGH5tklYd8.eOZ4QFleZIVCyoMNr2Z4sS18pKPVVI", "BunkerSSH!"),
    ("9", "$9$iYHNnk9hB4ElFk$3JjDfWOwfPRJK5SJKUo8YGs7whG5fra4jK9i1UWeVPc", "b0x3N-b0x3N"),
    ("9", "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "hashcat"),
    ("9", "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM", "cisco"),
    ("9", "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y", "cisco"),
    ("8", "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk", "hashcat"),
    ("8", "$8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs", "cisco"),
    ("8", "$8$mTj4RZG8N9ZDOk$elY/asfm8kD3iDmkBe3hD2r4xcA/0oWS5V3os.O91u.", "cisco"),
    ("8", "$8$AAAAAAAAAAAAAA$6POiG9P534.LAWjo74rP7gZq24dWRIr6A3PAPTZTPDQ", "cisco"),
    ("5", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "cisco"),
    ("5", "$1$28772684$iEwNOgGugqO9.bIz5sk8k/", "hashcat"),
    ("7", "030752180500", "cisco"),
    ("7", "01100F175804", "cisco"),
    ("7", "071C294D40584B56", "shan123"),
    ("7", "0822455D0A16", "cisco"),
    ("7", "094F471A1A0A", "cisco"),
]
VECTOR_IDS = [f"type{enc}-{stored[:12]}" for enc, stored, _ in VECTORS]


def split(stored: str) -> tuple[str, str]:
    """(salt, full string) of a $n$salt$hash string."""
    return stored.split("$")[2], stored


@pytest.mark.parametrize(("encryption", "stored", "plain"), VECTORS, ids=VECTOR_IDS)
def test_vector_verifies(encryption: str, stored: str, plain: str) -> None:
    assert verify(encryption, stored, plain)


@pytest.mark.parametrize(("encryption", "stored", "plain"), VECTORS, ids=VECTOR_IDS)
def test_vector_rejects_a_wrong_password(encryption: str, stored: str, plain: str) -> None:
    assert not verify(encryption, stored, plain + "x")
    assert not verify(encryption, stored, plain.upper() if plain != plain.upper() else plain.lower())


@pytest.mark.parametrize(("encryption", "stored", "plain"), VECTORS, ids=VECTOR_IDS)
def test_vector_is_reproduced_exactly(encryption: str, stored: str, plain: str) -> None:
    if encryption == "7":
        assert type7_encode(plain, int(stored[:2])) == stored
        assert type7_decode(stored) == plain
        return
    salt = stored.split("$")[2]
    produce = {"5": md5_crypt, "8": type8_hash, "9": type9_hash}[encryption]
    assert produce(plain, salt) == stored


@pytest.mark.parametrize(("encryption", "stored", "plain"), VECTORS, ids=VECTOR_IDS)
def test_vector_is_well_formed(encryption: str, stored: str, plain: str) -> None:
    assert is_well_formed(encryption, stored)


def test_type0_compares_clear_text() -> None:
    assert verify("0", "cisco", "cisco")
    assert not verify("0", "cisco", "Cisco")
    assert not verify("0", "cisco", "cisco ")
    assert verify("0", "pässwörd", "pässwörd")


def test_type7_decodes_lower_case_hex() -> None:
    assert type7_decode("0822455d0a16") == "cisco"


def test_type7_random_seed_is_in_the_ios_range() -> None:
    seeds = {int(type7_encode("cisco")[:2]) for _ in range(200)}
    assert seeds <= set(range(16))
    assert len(seeds) > 1


def test_type7_empty_password() -> None:
    assert type7_encode("", 5) == "05"
    assert type7_decode("05") == ""


@pytest.mark.parametrize("seed", [-1, TYPE7_MAX_SEED + 1])
def test_type7_encode_refuses_a_seed_outside_the_key(seed: int) -> None:
    with pytest.raises(ValueError):
        type7_encode("cisco", seed)


@pytest.mark.parametrize(
    "text",
    ["", "0", "5", "53AB", "9908", "0822455D0A1", "0822455D0AGG", "x822455D0A16", "²2455D0A16", "08FF"],
)
def test_type7_decode_refuses_malformed_text(text: str) -> None:
    with pytest.raises(ValueError):
        type7_decode(text)


@given(st.text(max_size=40), st.integers(min_value=0, max_value=TYPE7_MAX_SEED))
def test_type7_round_trip_and_matches_libpass(plain: str, seed: int) -> None:
    encoded = type7_encode(plain, seed)
    assert type7_decode(encoded) == plain
    assert encoded == cisco_type7.using(salt=seed).hash(plain)
    assert cisco_type7.decode(encoded) == plain
    assert verify("7", encoded, plain)


salts = st.text(alphabet=CISCO_ALPHABET, min_size=1, max_size=8)


@settings(max_examples=150)
@given(st.text(max_size=64).filter(lambda p: "\0" not in p), salts)
def test_md5_crypt_matches_libpass(plain: str, salt: str) -> None:
    assert md5_crypt(plain, salt) == passlib_md5_crypt.using(salt=salt).hash(plain)


@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 31, 32, 33, 64, 100])
def test_md5_crypt_matches_libpass_at_block_boundaries(length: int) -> None:
    plain = "p" * length
    assert md5_crypt(plain, "saltsalt") == passlib_md5_crypt.using(salt="saltsalt").hash(plain)


def test_md5_crypt_default_salt_is_four_characters() -> None:
    stored = md5_crypt("cisco")
    salt = stored.split("$")[2]
    assert len(salt) == 4
    assert set(salt) <= set(CISCO_ALPHABET)
    assert verify("5", stored, "cisco")
    assert passlib_md5_crypt.verify("cisco", stored)


@pytest.mark.parametrize("salt", ["", "123456789", "ab$c", "ab:c"])
def test_md5_crypt_refuses_bad_salts(salt: str) -> None:
    with pytest.raises(ValueError):
        md5_crypt("cisco", salt)


@pytest.mark.parametrize(("encryption", "produce"), [("8", type8_hash), ("9", type9_hash)])
def test_type8_and_type9_round_trip_with_a_fresh_salt(encryption: str, produce: object) -> None:
    assert callable(produce)
    stored = produce("s3cr3t!")
    assert stored.startswith(f"${encryption}$")
    salt, digest = stored.split("$")[2:]
    assert len(salt) == 14
    assert len(digest) == 43
    assert verify(encryption, stored, "s3cr3t!")
    assert not verify(encryption, stored, "s3cr3t")
    assert produce("s3cr3t!") != stored  # a new salt each time


@pytest.mark.parametrize("salt", ["", "AAAAAAAAAAAAA", "AAAAAAAAAAAAAAA", "AAAAAAAAAAAAA$", "AAAAAAAAAAAAA+"])
@pytest.mark.parametrize("produce", [type8_hash, type9_hash], ids=["type8", "type9"])
def test_type8_and_type9_refuse_bad_salts(produce: object, salt: str) -> None:
    assert callable(produce)
    with pytest.raises(ValueError):
        produce("cisco", salt)


def test_hash_secret_type9() -> None:
    stored = hash_secret_type9("BunkerSSH!")
    assert stored.startswith("$9$")
    assert verify("9", stored, "BunkerSSH!")


def test_new_salt_is_ten_random_bytes_in_the_cisco_alphabet() -> None:
    salts_seen = {new_salt() for _ in range(50)}
    assert len(salts_seen) == 50
    assert all(len(s) == 14 and set(s) <= set(CISCO_ALPHABET) for s in salts_seen)


def test_cisco_b64_uses_the_cisco_alphabet_without_padding() -> None:
    assert cisco_b64(b"\x00\x00\x00") == "...."
    assert cisco_b64(b"\xff\xff\xff") == "zzzz"
    assert cisco_b64(bytes(32)) == "." * 43
    assert cisco_b64(bytes(10)) == "." * 14


@pytest.mark.parametrize(
    ("encryption", "stored"),
    [
        ("5", ""),
        ("5", "$1$"),
        ("5", "$1$mERr"),
        ("5", "$1$mERr$"),
        ("5", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m"),
        ("5", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0x"),
        ("5", "$1$123456789$hx5rVt7rPNoS4wqbXKX7m0"),
        ("5", "$1$mE!r$hx5rVt7rPNoS4wqbXKX7m0"),
        ("5", "$9$mERr$hx5rVt7rPNoS4wqbXKX7m0"),
        ("8", "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFW"),
        ("8", "$8$TnGX/fE4KGHOV$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk"),
        ("8", "$9$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk"),
        ("8", "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFW+"),
        ("9", "$9$2MJBozw/9R3UsU2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"),
        ("9", "garbage"),
        ("9", ""),
        ("7", ""),
        ("7", "0822455D0A1"),
        ("7", "9908"),
        ("7", "08FF"),
        ("6", "whatever"),
        ("", "cisco"),
        ("05", "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"),
    ],
)
def test_malformed_stored_forms_return_false_never_raise(encryption: str, stored: str) -> None:
    assert not is_well_formed(encryption, stored)
    assert not verify(encryption, stored, "cisco")
    assert not verify(encryption, stored, "")


def test_surrogates_return_false_never_raise() -> None:
    assert not verify("0", "a\ud800", "a\ud800")
    assert not verify("9", "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "\udcff")


def test_type0_and_type7_accept_any_well_formed_text() -> None:
    assert is_well_formed("0", "")
    assert is_well_formed("7", "00")
