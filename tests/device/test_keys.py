"""The RSA key store: pure decisions and texts, files and modes, persistence, listeners, renderers, and that
no private key material reaches a log."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import asyncssh
import pytest

from iosxe_agent.device.keys import (
    MSG_BAD_LABEL,
    MSG_BAD_MODULUS,
    MSG_NO_DOMAIN,
    GeneratePlan,
    KeyEvent,
    KeyInfo,
    KeyStore,
    Refusal,
    ZeroizePlan,
    file_stem,
    generate_text,
    generating_lines,
    hex_groups,
    host_key_name,
    ios_time,
    key_addition,
    key_deleted,
    modulus_line,
    modulus_question,
    name_line,
    parse_modulus_answer,
    plan_generate,
    plan_zeroize,
    render_mypubkey_rsa,
    replace_notice,
    secsh_public_key_lines,
    zeroize_text,
)

OK_LINE = re.compile(r"\[OK\] \(elapsed time was \d+ seconds\)")


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys")


def pairs(store: KeyStore) -> list[tuple[str, str]]:
    """(name, usage) of every stored pair, in ``keys()`` order."""
    stored = store.keys()
    return [(k.label, k.usage) for k in stored]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def info_for(key: asyncssh.SSHKey, **kw: object) -> KeyInfo:
    from cryptography.hazmat.primitives import serialization

    der = key.pyca_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fields: dict[str, object] = {
        "label": "test_rsa",
        "usage": "general",
        "modulus": key.pyca_key.key_size,
        "exportable": False,
        "generated": datetime(2024, 3, 22, 9, 24, 31, tzinfo=UTC),
        "public_der": der,
        "public_blob": key.public_data,
    }
    fields.update(kw)
    return KeyInfo(**fields)  # type: ignore[arg-type]


# -- pure decisions -------------------------------------------------------------------------------------------
def test_default_label_is_hostname_dot_domain() -> None:
    plan = plan_generate(None, hostname="R1", domain="example.com")
    assert plan == GeneratePlan("R1.example.com", (("general", 2048),), False)


def test_default_hostname_is_router() -> None:
    plan = plan_generate(None, hostname=None, domain="lab.local")
    assert isinstance(plan, GeneratePlan) and plan.name == "Router.lab.local"


def test_no_domain_and_no_label_is_refused() -> None:
    assert plan_generate(None, hostname="R1", domain=None) == Refusal("% Please define a domain-name first.")
    assert plan_generate(None, hostname="R1", domain="") == Refusal(MSG_NO_DOMAIN)


def test_a_label_needs_no_domain() -> None:
    plan = plan_generate("SSH-KEY", hostname=None, domain=None)
    assert isinstance(plan, GeneratePlan) and plan.name == "SSH-KEY" and plan.members == (("general", 2048),)


@pytest.mark.parametrize("modulus", [360, 512, 768, 1024, 2047, 4097, 8192])
def test_modulus_outside_2048_4096_is_refused(modulus: int) -> None:
    assert plan_generate("K", hostname=None, domain=None, modulus=modulus) == Refusal(MSG_BAD_MODULUS)
    assert MSG_BAD_MODULUS == "% Invalid modulus size. Choose a key modulus in the range of 2048 to 4096."


@pytest.mark.parametrize(("given", "used"), [(None, 2048), (2048, 2048), (3072, 3072), (4096, 4096)])
def test_modulus_default_and_bounds(given: int | None, used: int) -> None:
    plan = plan_generate("K", hostname=None, domain=None, modulus=given)
    assert isinstance(plan, GeneratePlan) and plan.members == (("general", used),)


def test_usage_keys_make_one_name_with_a_signature_and_an_encryption_pair() -> None:
    plan = plan_generate(None, hostname="R1", domain="x.org", usage_keys=True, exportable=True)
    assert plan == GeneratePlan("R1.x.org", (("signature", 2048), ("encryption", 2048)), True)
    asked = plan_generate("U", hostname=None, domain=None, modulus=3072, usage_keys=True, encryption_modulus=4096)
    assert isinstance(asked, GeneratePlan) and asked.members == (("signature", 3072), ("encryption", 4096))
    assert plan_generate("U", hostname=None, domain=None, usage_keys=True, encryption_modulus=1024) == Refusal(
        MSG_BAD_MODULUS
    )


@pytest.mark.parametrize(
    ("answer", "size"), [("", 2048), ("  ", 2048), ("2048", 2048), ("3072\r", 3072), ("4096", 4096)]
)
def test_modulus_answers(answer: str, size: int) -> None:
    assert parse_modulus_answer(answer) == size


@pytest.mark.parametrize("answer", ["768", "1024", "4097", "abc", "2048 bits", "9" * 400])
def test_bad_modulus_answers(answer: str) -> None:
    assert parse_modulus_answer(answer) is None


def _info(label: str, usage: str) -> KeyInfo:
    return KeyInfo(label, usage, 2048, False, datetime(2024, 1, 1, tzinfo=UTC), b"", b"")  # type: ignore[arg-type]


def test_host_key_name_follows_the_guide() -> None:
    usage_pair = [_info("U", "signature"), _info("U", "encryption")]
    general = [_info("A", "general"), _info("B", "general")]
    assert host_key_name(None, []) is None
    assert host_key_name(None, general) == "A"  # the first key generated
    assert host_key_name(None, usage_pair) is None  # without keypair-name: a general-purpose key
    assert host_key_name(None, [*usage_pair, *general]) == "A"
    assert host_key_name("U", [*usage_pair, *general]) == "U"  # keypair-name: its signature half
    assert host_key_name("B", general) == "B"
    assert host_key_name("sshkeys", general) is None  # named and missing: none until it is generated
    assert host_key_name("U", [_info("U", "encryption")]) is None  # an encryption half cannot sign


@pytest.mark.parametrize("label", ["", "two words", "tab\there", "é", "x" * 241])
def test_bad_labels_are_refused(label: str) -> None:
    assert plan_generate(label, hostname=None, domain=None) == Refusal(MSG_BAD_LABEL)


def test_file_names_are_safe_and_reversible() -> None:
    assert file_stem("Router.lab.local") == "Router.lab.local"
    assert file_stem("a/b") == "a%2Fb"
    assert file_stem("..") == "%2E."
    assert file_stem("100%") == "100%25"


def test_generate_text_fresh() -> None:
    plan = plan_generate(None, hostname="RTR-FS-02", domain="castlerysen.local")
    assert isinstance(plan, GeneratePlan)
    assert generate_text(plan, replacing=False, elapsed=[1.7]) == (
        "The name for the keys will be: RTR-FS-02.castlerysen.local\n"
        "\n"
        "% The key modulus size is 2048 bits\n"
        "% Generating 2048 bit RSA keys, keys will be non-exportable...\n"
        "[OK] (elapsed time was 1 seconds)\n"
    )


def test_generate_text_replacing_exportable() -> None:
    plan = plan_generate("SW_CORE01.cisco.com", hostname=None, domain=None, modulus=4096, exportable=True)
    assert isinstance(plan, GeneratePlan)
    assert generate_text(plan, replacing=True, elapsed=[0.2]) == (
        "% You already have RSA keys defined named SW_CORE01.cisco.com.\n"
        "% They will be replaced.\n"
        "\n"
        "% The key modulus size is 4096 bits\n"
        "% Generating 4096 bit RSA keys, keys will be exportable...\n"
        "[OK] (elapsed time was 0 seconds)\n"
    )


def test_generate_text_usage_keys_has_one_block_per_pair() -> None:
    plan = plan_generate("U", hostname=None, domain=None, usage_keys=True)
    assert isinstance(plan, GeneratePlan)
    text = generate_text(plan, replacing=False, elapsed=[0.0, 2.0])
    assert text.count("% Generating 2048 bit RSA keys") == 2
    assert text.endswith("[OK] (elapsed time was 2 seconds)\n")


def test_dialogue_texts() -> None:
    assert name_line("K") == "The name for the keys will be: K\n"
    assert replace_notice("K") == "% You already have RSA keys defined named K.\n"
    assert modulus_question("general") == (
        "Choose the size of the key modulus in the range of 2048 to 4096 for your\n"
        "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
        "  a few minutes.\n\n"
        "How many bits in the modulus [2048]: "
    )
    assert "  Signature Keys. Choosing" in modulus_question("signature")
    assert "  Encryption Keys. Choosing" in modulus_question("encryption")
    assert generating_lines(2048, False, 0.9) == (
        "% Generating 2048 bit RSA keys, keys will be non-exportable...\n[OK] (elapsed time was 0 seconds)\n"
    )
    assert modulus_line(3072) == "% The key modulus size is 3072 bits\n"


def test_zeroize_plan_and_texts() -> None:
    assert plan_zeroize("nope", []) == Refusal("% RSA keypair nope does not exist.")
    assert plan_zeroize(None, []) == ZeroizePlan(None)
    assert zeroize_text(ZeroizePlan(None)) == (
        "% All RSA keys will be removed.\n% All router certs issued using these keys will also be removed.\n"
    )
    assert zeroize_text(ZeroizePlan("K")).startswith("% Keys to be removed are named 'K'.\n")
    assert zeroize_text(ZeroizePlan(None), every_kind=True).startswith("% All keys will be removed.\n")


def test_syslog_texts() -> None:
    assert key_addition("RTR-Training-SSH.castlerysen.local") == (
        "%CRYPTO_ENGINE-5-KEY_ADDITION: A key named RTR-Training-SSH.castlerysen.local has been generated or "
        "imported by crypto-engine"
    )
    assert (
        key_deleted("ssh-key") == "%CRYPTO_ENGINE-5-KEY_DELETED: A key named ssh-key has been removed from key storage"
    )


# -- the store ------------------------------------------------------------------------------------------------
def test_generate_writes_0600_files_in_a_0700_dir(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    ks = KeyStore(directory)
    result = ks.generate_rsa(None, hostname="R1", domain="example.com")
    assert result.ok and result.name == "R1.example.com"
    assert result.text.startswith("The name for the keys will be: R1.example.com\n\n% The key modulus size is 2048")
    assert OK_LINE.search(result.text)
    assert mode(directory) == 0o700
    pem, meta = directory / "R1.example.com.pem", directory / "R1.example.com.json"
    assert mode(pem) == 0o600 and mode(meta) == 0o600
    assert pem.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    sidecar = json.loads(meta.read_text())
    assert sidecar["usage"] == "general" and sidecar["exportable"] is False and sidecar["modulus"] == 2048
    assert "PRIVATE" not in meta.read_text()
    key = ks.load("R1.example.com")
    assert key is not None and key.pyca_key.key_size == 2048
    public = ks.public_key("R1.example.com")
    assert public is not None and public.public_data == key.public_data
    assert not hasattr(public.pyca_key, "private_numbers")


def test_existing_dir_gets_0700(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    KeyStore(directory)
    assert mode(directory) == 0o700


def test_refusal_writes_nothing(store: KeyStore) -> None:
    result = store.generate_rsa(None, hostname="R1", domain=None)
    assert not result.ok and result.error == MSG_NO_DOMAIN and result.text == MSG_NO_DOMAIN + "\n"
    assert list(store.directory.iterdir()) == [] and store.keys() == []


def test_replacing_a_label_replaces_it(store: KeyStore) -> None:
    first = store.generate_rsa("K", hostname=None, domain=None)
    old = store.load("K")
    second = store.generate_rsa("K", hostname=None, domain=None)
    assert not first.replaced and second.replaced
    assert second.text.startswith("% You already have RSA keys defined named K.\n% They will be replaced.\n\n")
    new = store.load("K")
    assert old is not None and new is not None and new.public_data != old.public_data
    assert store.labels() == ["K"]


def test_usage_keys_then_general_keys(store: KeyStore) -> None:
    usage = store.generate_rsa("U", hostname=None, domain=None, usage_keys=True)
    assert [(k.label, k.usage) for k in usage.keys] == [("U", "signature"), ("U", "encryption")]
    assert pairs(store) == [("U", "signature"), ("U", "encryption")]
    assert store.labels() == ["U"] and store.exists("U") and not store.exists("U.sig")
    assert sorted(p.name for p in store.directory.iterdir()) == ["U#enc.json", "U#enc.pem", "U#sig.json", "U#sig.pem"]
    signing = store.load("U")  # what SSH serves: the signature half
    assert signing is not None and signing.public_data == usage.keys[0].public_blob
    info = store.info("U")
    assert info is not None and info.usage == "signature"
    general = store.generate_rsa("U", hostname=None, domain=None)
    assert general.replaced
    assert general.text.startswith("% You already have RSA keys defined named U.")
    assert pairs(store) == [("U", "general")]
    assert sorted(p.name for p in store.directory.iterdir()) == ["U.json", "U.pem"]
    again = store.generate_rsa("U", hostname=None, domain=None, usage_keys=True)
    assert again.replaced and [u for _, u in pairs(store)] == ["signature", "encryption"]
    assert sorted(p.name for p in store.directory.iterdir()) == ["U#enc.json", "U#enc.pem", "U#sig.json", "U#sig.pem"]


def test_a_general_key_named_like_a_half_is_another_key(store: KeyStore) -> None:
    store.generate_rsa("U", hostname=None, domain=None, usage_keys=True)
    store.generate_rsa("U.sig", hostname=None, domain=None)
    assert store.labels() == ["U", "U.sig"]
    assert [u for _, u in pairs(KeyStore(store.directory))] == ["signature", "encryption", "general"]


def test_usage_pairs_of_the_old_layout_still_load(tmp_path: Path) -> None:
    """State directories written before usage pairs shared their name: ``L.sig.pem`` whose sidecar names L."""
    directory = tmp_path / "keys"
    directory.mkdir()
    halves = {}
    for order, (suffix, usage) in enumerate((("sig", "signature"), ("enc", "encryption"))):
        key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        halves[usage] = key
        (directory / f"sshkeys.{suffix}.pem").write_bytes(key.export_private_key("pkcs8-pem"))
        meta = {
            "label": f"sshkeys.{suffix}",
            "name": "sshkeys",
            "usage": usage,
            "modulus": 2048,
            "exportable": False,
            "generated": "2026-01-02T03:04:05+00:00",
            "order": order + 1,
            "fingerprint": hashlib.sha256(key.public_data).hexdigest(),
        }
        (directory / f"sshkeys.{suffix}.json").write_text(json.dumps(meta))
    store = KeyStore(directory)
    assert pairs(store) == [("sshkeys", "signature"), ("sshkeys", "encryption")]
    served = store.host_key("sshkeys")
    assert served is not None and served[0] == "sshkeys"
    assert served[1].public_data == halves["signature"].public_data
    assert store.zeroize_rsa("sshkeys").removed == ("sshkeys",)
    assert list(directory.iterdir()) == []


def test_keys_are_listed_in_generation_order(store: KeyStore) -> None:
    for label in ("b", "a", "c"):
        store.generate_rsa(label, hostname=None, domain=None)
    assert store.labels() == ["b", "a", "c"]
    store.generate_rsa("a", hostname=None, domain=None)
    assert store.labels() == ["b", "c", "a"]


def test_zeroize_one_and_all(store: KeyStore) -> None:
    store.generate_rsa("A", hostname=None, domain=None)
    store.generate_rsa("B", hostname=None, domain=None, usage_keys=True)
    missing = store.zeroize_rsa("nope")
    assert not missing.ok and missing.error == "% RSA keypair nope does not exist."
    one = store.zeroize_rsa("B")
    assert one.ok and one.removed == ("B",)
    assert (
        one.text
        == "% Keys to be removed are named 'B'.\n% All router certs issued using these keys will also be removed.\n"
    )
    assert store.labels() == ["A"]
    store.generate_rsa("C", hostname=None, domain=None, usage_keys=True)
    assert not store.zeroize_rsa("C.enc").ok  # the halves have no names of their own
    every = store.zeroize_rsa(None)
    assert every.ok and every.removed == ("A", "C")
    assert every.text.startswith("% All RSA keys will be removed.\n")
    assert store.keys() == [] and list(store.directory.iterdir()) == []
    again = store.zeroize_rsa(None)
    assert again.ok and again.removed == ()


def test_keys_survive_a_new_store(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    ks = KeyStore(directory)
    ks.generate_rsa("first", hostname=None, domain=None, exportable=True)
    ks.generate_rsa(None, hostname="R9", domain="d.net", usage_keys=True)
    again = KeyStore(directory)
    assert again.keys() == ks.keys()
    reloaded = again.keys()
    assert [(k.label, k.usage, k.exportable) for k in reloaded] == [
        ("first", "general", True),
        ("R9.d.net", "signature", False),
        ("R9.d.net", "encryption", False),
    ]
    assert again.zeroize_rsa("R9.d.net").removed == ("R9.d.net",)
    assert KeyStore(directory).labels() == ["first"]


def test_a_pem_without_sidecar_is_a_general_key(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    directory.mkdir()
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    (directory / "Router.lab.local.pem").write_bytes(key.export_private_key("pkcs8-pem"))
    ks = KeyStore(directory)
    (info,) = ks.keys()
    assert (info.label, info.usage, info.exportable, info.modulus) == (
        "Router.lab.local",
        "general",
        False,
        2048,
    )
    assert ks.load_or_generate("Router.lab.local").public_data == key.public_data


def test_a_stale_sidecar_is_ignored(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    ks = KeyStore(directory)
    ks.generate_rsa("K", hostname=None, domain=None, exportable=True)
    other = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    (directory / "K.pem").write_bytes(other.export_private_key("pkcs8-pem"))  # a crash between PEM and sidecar
    (info,) = KeyStore(directory).keys()
    assert info.exportable is False and info.public_blob == other.public_data


def test_unreadable_files_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "keys"
    directory.mkdir()
    (directory / "broken.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    ec = asyncssh.generate_private_key("ecdsa-sha2-nistp256")
    (directory / "ec.pem").write_bytes(ec.export_private_key("pkcs8-pem"))
    with caplog.at_level(logging.WARNING, logger="iosxe_agent"):
        assert KeyStore(directory).keys() == []
    assert "broken.pem" in caplog.text and "ec.pem" in caplog.text
    assert "not a key" not in caplog.text


def test_odd_labels_stay_inside_the_directory(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    ks = KeyStore(directory)
    for label in ("../escape", ".hidden", "a%2Fb"):
        assert ks.generate_rsa(label, hostname=None, domain=None).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]
    assert not any(p.name.startswith(".") for p in directory.iterdir())
    assert KeyStore(directory).labels() == ["../escape", ".hidden", "a%2Fb"]


def test_load_or_generate(store: KeyStore) -> None:
    key = store.load_or_generate("Router.lab.local")
    assert store.load_or_generate("Router.lab.local").public_data == key.public_data
    assert store.labels() == ["Router.lab.local"]
    with pytest.raises(ValueError):
        store.load_or_generate("bad label")


def test_listeners_and_syslog(tmp_path: Path) -> None:
    syslog: list[str] = []
    store = KeyStore(tmp_path / "keys", syslog=syslog.append)  # the device's IOS log
    events: list[KeyEvent] = []
    unsubscribe = store.subscribe(events.append)
    store.generate_rsa("S", hostname=None, domain=None)
    store.generate_rsa("S", hostname=None, domain=None, usage_keys=True)
    store.generate_rsa(None, hostname=None, domain=None)  # refused: no event
    store.zeroize_rsa("S")
    assert events == [
        KeyEvent("generate", added=("S",)),
        KeyEvent("generate", added=("S",), replaced=("S",)),
        KeyEvent("zeroize", removed=("S",)),
    ]
    assert syslog == [key_addition("S"), key_addition("S"), key_addition("S"), key_deleted("S"), key_deleted("S")]
    store.generate_rsa("S", hostname=None, domain=None)
    store.generate_rsa("S", hostname=None, domain=None)
    assert events[-1] == KeyEvent("generate", added=("S",), replaced=("S",))
    unsubscribe()
    store.zeroize_rsa(None)
    assert len(events) == 5


def test_a_failing_listener_does_not_break_the_store(store: KeyStore) -> None:
    seen: list[KeyEvent] = []

    def bad(event: KeyEvent) -> None:
        raise RuntimeError("boom")

    store.subscribe(bad)
    store.subscribe(seen.append)
    assert store.generate_rsa("L", hostname=None, domain=None).ok
    assert len(seen) == 1 and store.labels() == ["L"]


async def test_async_api_generates_off_the_loop_and_notifies_on_it(store: KeyStore) -> None:
    loop_thread = threading.get_ident()
    where: list[int] = []
    store.subscribe(lambda event: where.append(threading.get_ident()))
    result = await store.agenerate_rsa(None, hostname="R1", domain="a.b", usage_keys=True)
    assert result.ok and [k.label for k in result.keys] == ["R1.a.b", "R1.a.b"]
    assert len(result.elapsed) == 2
    refused = await store.agenerate_rsa(None, hostname="R1", domain=None)
    assert refused.error == MSG_NO_DOMAIN
    gone = await store.azeroize_rsa("R1.a.b")
    assert gone.removed == ("R1.a.b",)
    assert where == [loop_thread, loop_thread]


async def test_generation_in_the_background_announces_itself(store: KeyStore) -> None:
    done: asyncio.Queue[KeyEvent] = asyncio.Queue()
    store.subscribe(done.put_nowait)
    plan = plan_generate("BG", hostname=None, domain=None)
    assert isinstance(plan, GeneratePlan)
    store.generate_in_background(plan)
    assert not store.exists("BG")  # the caller does not wait
    assert await asyncio.wait_for(done.get(), 30) == KeyEvent("generate", added=("BG",))
    assert store.exists("BG")


# -- renderers ------------------------------------------------------------------------------------------------
def test_ios_time_does_not_pad_the_day() -> None:
    assert ios_time(datetime(2024, 3, 2, 9, 4, 5, tzinfo=UTC)) == "09:04:05 UTC Mar 2 2024"
    assert ios_time(datetime(2017, 6, 7, 23, 43, 49, tzinfo=UTC)) == "23:43:49 UTC Jun 7 2017"


def test_hex_groups_layout() -> None:
    assert hex_groups(bytes(range(32))) == [
        "  00010203 04050607 08090A0B 0C0D0E0F 10111213 14151617 18191A1B 1C1D1E1F",
    ]
    lines = hex_groups(bytes(range(34)))
    assert lines == [
        "  00010203 04050607 08090A0B 0C0D0E0F 10111213 14151617 18191A1B 1C1D1E1F ",
        "  2021",
    ]


def test_render_mypubkey_rsa_exact_format() -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    general = info_for(key)
    enc = info_for(key, label="RT01.ccnp.local.server", usage="encryption", exportable=True)
    text = render_mypubkey_rsa([general, enc])
    lines = text.split("\n")
    assert text.endswith("\n") and lines[-1] == ""
    assert lines[:7] == [
        "% Key pair was generated at: 09:24:31 UTC Mar 22 2024",
        "Key name: test_rsa",
        "Key type: RSA KEYS      2048 bits",
        " Storage Device: not specified",
        " Usage: General Purpose Key",
        " Key is not exportable. Redundancy enabled.",
        " Key Data:",
    ]
    data = lines[7:17]  # 294 DER bytes: 73 full groups and one of 4 digits -> 9 full lines and one short
    assert data[0] == "  30820122 300D0609 2A864886 F70D0101 01050003 82010F00 3082010A 02820101 "
    for line in data[:-1]:
        assert re.fullmatch(r"  (?:[0-9A-F]{8} ){8}", line)
    assert re.fullmatch(r"  [0-9A-F]{8} 0001", data[-1]) and data[-1].endswith("020301 0001")
    assert bytes.fromhex("".join(data).replace(" ", "")) == general.public_der
    assert lines[17] == "% Key pair was generated at: 09:24:31 UTC Mar 22 2024"
    assert lines[18:24] == [
        "Key name: RT01.ccnp.local.server",
        "Key type: RSA KEYS      2048 bits",
        " Storage Device: not specified",
        " Usage: Encryption Key",
        " Key is exportable. Redundancy enabled.",
        " Key Data:",
    ]
    assert render_mypubkey_rsa([]) == ""


def test_render_of_stored_keys(store: KeyStore) -> None:
    store.generate_rsa("SIG", hostname=None, domain=None, usage_keys=True)
    text = render_mypubkey_rsa(store.keys())
    assert text.count("Key name: SIG\n") == 2  # one name, two pairs: signature first (IOS order)
    assert text.index(" Usage: Signature Key\n") < text.index(" Usage: Encryption Key\n")


def test_secsh_lines_wrap_at_80_and_pad_the_last() -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    lines = secsh_public_key_lines(info_for(key))
    full = "ssh-rsa " + base64.b64encode(key.public_data).decode()
    assert len(full) == 380
    assert len(lines) == 5 and all(len(line) == 80 for line in lines)
    assert lines[0] == full[:80] and lines[0].startswith("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ")
    assert lines[-1] == full[320:] + " " * 20
    assert "".join(lines).rstrip(" ") == full
    assert full.encode() == b" ".join(key.export_public_key("openssh").split()[:2])


def test_secsh_exact_multiple_needs_no_padding() -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    blob = b"\x00" * 114  # base64 of 114 bytes is 152 characters: with "ssh-rsa " exactly 160
    lines = secsh_public_key_lines(info_for(key, public_blob=blob))
    assert [len(line) for line in lines] == [80, 80] and not lines[-1].endswith(" ")


# -- no private key material in any log -----------------------------------------------------------------------
def _b64_int(value: int) -> str:
    return base64.b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).decode()


def test_no_private_key_material_in_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "keys"
    syslog: list[str] = []  # the device's IOS log
    with caplog.at_level(logging.DEBUG, logger="iosxe_agent"):
        ks = KeyStore(directory, syslog=syslog.append)
        ks.subscribe(lambda event: logging.getLogger("iosxe_agent.test").debug("event %r", event))
        results = [
            ks.generate_rsa("LOGGED", hostname=None, domain=None),
            ks.generate_rsa(None, hostname="R", domain="d", usage_keys=True, exportable=True),
        ]
        ks.generate_rsa("LOGGED", hostname=None, domain=None)
        reopened = KeyStore(directory)
        keys = [reopened.load(label) for label in reopened.labels()]
        (directory / "junk.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        KeyStore(directory)
        ks.zeroize_rsa(None)
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records) + "\n".join(syslog)
    assert "%CRYPTO_ENGINE-5-KEY_ADDITION: A key named LOGGED" in logged
    shown = logged + "".join(repr(r) + r.text for r in results)
    assert "PRIVATE KEY" not in shown
    for key in keys:
        assert key is not None
        numbers = key.pyca_key.private_numbers()
        pem_body = "".join(key.export_private_key("pkcs8-pem").decode().splitlines()[1:-1])
        for secret in (numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp):
            for form in (str(secret), f"{secret:x}", f"{secret:X}", _b64_int(secret)):
                assert form not in shown
        for i in range(0, len(pem_body) - 40, 40):
            assert pem_body[i : i + 40] not in shown
