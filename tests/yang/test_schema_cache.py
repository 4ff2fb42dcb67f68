"""The compiled-schema cache (iosxe_agent/yang/schema_cache.py): a cached schema is the compiled one, any changed
input compiles anew, an unsafe or damaged file is never loaded, and no cache failure stops a start."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest
from schema_equal import describe_schema, links_are_internal

from iosxe_agent.device.names import HIDDEN_MODULES, MODULES, enabled_features
from iosxe_agent.serve import yang_dir
from iosxe_agent.settings import default_cache_dir
from iosxe_agent.yang import schema_cache
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema
from iosxe_agent.yang.schema_cache import cache_key, cached_schema, read_cached

SMALL = 'module small {{ namespace "urn:small"; prefix s; container c {{ leaf x {{ type {type}; default 1; }} }} }}'


class Compiler:
    """Compiles the small test module, counting how often (a cache hit does not compile)."""

    def __init__(self, search: list[Path], modules: list[str]) -> None:
        self.search, self.modules, self.calls = search, modules, 0

    def __call__(self) -> Schema:
        self.calls += 1
        return load_schema(self.search, self.modules)

    def get(self, cache_dir: Path | None, features: dict[str, tuple[str, ...]] | None = None) -> Schema:
        return cached_schema(cache_dir, self, self.search, self.modules, features)


@pytest.fixture
def small(tmp_path: Path) -> Compiler:
    yang = tmp_path / "yang"
    yang.mkdir()
    (yang / "small.yang").write_text(SMALL.format(type="uint8"))
    return Compiler([yang], ["small"])


def only_file(cache_dir: Path) -> Path:
    (found,) = cache_dir.glob("schema-*.pickle")
    return found


def test_the_device_schema_from_the_cache_equals_a_fresh_compile(tmp_path: Path) -> None:
    search = default_search_path(yang_dir())
    features = enabled_features(True)
    calls: list[int] = []

    def compile_schema() -> Schema:
        calls.append(1)
        return load_schema(search, MODULES, features, hidden_modules=HIDDEN_MODULES)

    fresh = cached_schema(tmp_path / "c", compile_schema, search, MODULES, features, HIDDEN_MODULES)
    cached = cached_schema(tmp_path / "c", compile_schema, search, MODULES, features, HIDDEN_MODULES)
    assert len(calls) == 1 and cached is not fresh
    assert describe_schema(cached) == describe_schema(fresh)
    assert links_are_internal(cached)
    other = load_schema(search, MODULES, enabled_features(False), hidden_modules=HIDDEN_MODULES)
    assert describe_schema(other) != describe_schema(fresh)  # the comparison sees a feature difference


def test_the_cache_directory_and_file_are_private(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "new" / "c")
    assert stat.S_IMODE((tmp_path / "new" / "c").stat().st_mode) == 0o700
    assert stat.S_IMODE(only_file(tmp_path / "new" / "c").stat().st_mode) == 0o600
    assert not list((tmp_path / "new" / "c").glob(".schema-*"))  # no temp file left


def test_a_changed_yang_file_compiles_anew(tmp_path: Path, small: Compiler) -> None:
    first = small.get(tmp_path / "c")
    (small.search[0] / "small.yang").write_text(SMALL.format(type="uint16"))
    second = small.get(tmp_path / "c")
    assert small.calls == 2
    assert first.root.children[0].children[0].type.base == "uint8"  # type: ignore[union-attr]
    assert second.root.children[0].children[0].type.base == "uint16"  # type: ignore[union-attr]
    assert small.get(tmp_path / "c") is not second and small.calls == 2  # the new one is cached in turn


def test_a_new_file_on_the_search_path_changes_the_key(tmp_path: Path, small: Compiler) -> None:
    before = cache_key(small.search, small.modules, None, frozenset())
    sub = small.search[0] / "more"
    sub.mkdir()
    (sub / "other.yang").write_text('module other { namespace "urn:o"; prefix o; }')
    assert cache_key(small.search, small.modules, None, frozenset()) != before


def test_options_change_the_key(small: Compiler) -> None:
    keys = {
        cache_key(small.search, ["small"], None, frozenset()),
        cache_key(small.search, ["small", "ietf-inet-types"], None, frozenset()),
        cache_key(small.search, ["ietf-inet-types", "small"], None, frozenset()),  # order: root children order
        cache_key(small.search, ["small"], {"small": ("f",)}, frozenset()),
        cache_key(small.search, ["small"], {"small": ()}, frozenset()),
        cache_key(small.search, ["small"], None, frozenset({"small"})),
    }
    assert len(keys) == 6
    assert cache_key(small.search, ["small"], {"m": ("a", "b")}, frozenset()) == cache_key(
        small.search, ["small"], {"m": ("b", "a")}, frozenset()
    )


def test_changed_schema_code_changes_the_key(tmp_path: Path, small: Compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "code"
    code.mkdir()
    for src in Path(schema_cache.__file__).parent.glob("*.py"):
        (code / src.name).write_bytes(src.read_bytes())
    monkeypatch.setattr(schema_cache, "_CODE_DIR", code)
    before = cache_key(small.search, small.modules, None, frozenset())
    with (code / "loader.py").open("a") as f:
        f.write("\n# changed\n")
    assert cache_key(small.search, small.modules, None, frozenset()) != before


def test_a_corrupt_file_is_ignored_and_rewritten(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert small.get(tmp_path / "c").root.children[0].name == "c"
    assert small.calls == 2 and path.read_bytes() == data
    path.write_bytes(b"garbage")
    small.get(tmp_path / "c")
    assert small.calls == 3


def test_a_file_written_for_another_key_is_ignored(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    key = path.name.removeprefix("schema-").removesuffix(".pickle")
    assert read_cached(path, key) is not None
    assert read_cached(path, "0" * len(key)) is None


def test_a_pickle_of_something_else_is_ignored(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    key = path.name.removeprefix("schema-").removesuffix(".pickle")
    path.write_bytes(schema_cache.MAGIC + key.encode() + b"\n" + pickle.dumps({"not": "a schema"}))
    assert read_cached(path, key) is None


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_group_or_world_writable_file_is_not_loaded(tmp_path: Path, small: Compiler, mode: int) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    path.chmod(mode)
    small.get(tmp_path / "c")
    assert small.calls == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # rewritten safe


def test_a_world_writable_directory_is_neither_read_nor_written(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "c")
    (tmp_path / "c").chmod(0o777)
    small.get(tmp_path / "c")
    assert small.calls == 2
    only_file(tmp_path / "c").unlink()
    small.get(tmp_path / "c")
    assert small.calls == 3 and not list((tmp_path / "c").iterdir())


def test_a_foreign_file_is_not_loaded(tmp_path: Path, small: Compiler, monkeypatch: pytest.MonkeyPatch) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    owner = path.stat().st_uid
    if os.getuid() == 0:
        os.chown(path, 65534, -1)
    else:  # pretend the file is someone else's by being someone else
        monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    assert read_cached(path, path.name.removeprefix("schema-").removesuffix(".pickle")) is None


def test_a_symlink_is_not_followed(tmp_path: Path, small: Compiler) -> None:
    small.get(tmp_path / "c")
    path = only_file(tmp_path / "c")
    real = tmp_path / "c" / "real"
    path.rename(real)
    path.symlink_to(real)
    assert read_cached(path, path.name.removeprefix("schema-").removesuffix(".pickle")) is None


@pytest.mark.parametrize("make", ["under_a_file", "read_only"])
def test_an_unwritable_cache_still_gives_the_schema(tmp_path: Path, small: Compiler, make: str) -> None:
    if make == "under_a_file":
        (tmp_path / "file").write_text("")
        cache_dir = tmp_path / "file" / "c"
    else:
        cache_dir = tmp_path / "c"
        cache_dir.mkdir(mode=0o500)
    assert small.get(cache_dir).root.children[0].name == "c"
    assert small.get(cache_dir).root.children[0].name == "c"
    if os.getuid() != 0:  # root writes into a 0500 directory anyway
        assert small.calls == 2


def test_no_cache_directory_always_compiles(small: Compiler) -> None:
    small.get(None)
    small.get(None)
    assert small.calls == 2


def test_old_files_are_pruned(tmp_path: Path, small: Compiler) -> None:
    cache_dir = tmp_path / "c"
    for n in range(schema_cache.KEEP_FILES + 3):
        small.get(cache_dir, {"small": (f"f{n}",)})
    files = list(cache_dir.glob("schema-*.pickle"))
    assert len(files) == schema_cache.KEEP_FILES
    newest = cache_key(small.search, small.modules, {"small": (f"f{schema_cache.KEEP_FILES + 2}",)}, frozenset())
    assert cache_dir / f"schema-{newest}.pickle" in files


def test_the_default_directory_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "iosxe-agent"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "iosxe-agent"
