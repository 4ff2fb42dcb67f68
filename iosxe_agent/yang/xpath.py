"""YANG XPath (RFC 7950 §6.4) over our lxml data trees: must, when, leafref paths and NETCONF xpath filters.

lxml evaluates plain XPath 1.0; YANG XPath differs in three ways, which :func:`compile_xpath` bridges by
rewriting the expression once (the result is cached) and evaluating it with lxml:

* **Names.** A name test is written with the prefixes of the defining module, and an *unprefixed* name means
  the module's own namespace (``default_ns``). Unprefixed name tests on the element axes get a private prefix
  bound to ``default_ns``; with ``default_ns=None`` (NETCONF ``<filter type="xpath">``, RFC 6241 §8.9 and
  XPath 1.0 §2.3) they stay unprefixed and so match elements in no namespace; with
  ``default_ns=ANY_NAMESPACE`` they match that local name in any namespace (the ConfD / IOS XE leniency that
  ``/native/hostname`` filters rely on). Attribute and namespace axis names are never given the default
  namespace. A prefix not in ``prefixes`` is an :class:`XPathError`.
* **The root.** A datastore is a single wrapper element (any tag) whose children are the top-level data nodes,
  and **the wrapper is always the document root element** of the tree being evaluated. It stands for the
  YANG root node: an absolute path ``/p:top/...`` is rewritten to ``/*/p:top/...``, a lone ``/`` to ``/*``
  and a leading ``//`` to ``/*//``. ``..`` from a top-level node therefore reaches the wrapper, as it reaches
  the root in YANG.
* **Functions.** ``current()``, ``deref()``, ``derived-from()``, ``derived-from-or-self()``, ``re-match()``,
  ``enum-value()`` and ``bit-is-set()`` (RFC 7950 §10) are bound per compiled expression through lxml's
  ``extensions`` argument, so no process-global function namespace is touched. Everything that varies per
  evaluation (the ``current()`` node, the identity map, the deref resolver) reaches them through a context
  variable set around each evaluation. Any other function outside the XPath 1.0 core library, and variable
  references (YANG defines none), are rejected when compiling. ``re-match()`` runs on RE2
  (:mod:`iosxe_agent.yang.regex`), so a client's pattern cannot make an evaluation backtrack exponentially.

The expression is tokenized and parsed by the full XPath 1.0 grammar (including the §3.7 lexical rules
that decide whether ``*`` and ``and``/``or``/``div``/``mod`` are operators or name tests), so syntax errors,
unknown prefixes, unknown functions and wrong argument counts are reported at compile time with the position.
Inputs are bounded: :data:`MAX_EXPR_CHARS`, :data:`MAX_TOKENS` and :data:`MAX_NESTING`.

Everything here is a pure function of its arguments; nothing is mutated.
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from iosxe_agent.yang.regex import RegexError, compile_xsd

__all__ = [
    "ANY_NAMESPACE",
    "MAX_EXPR_CHARS",
    "MAX_NESTING",
    "MAX_TOKENS",
    "CompiledXPath",
    "XPathError",
    "compile_xpath",
]

MAX_EXPR_CHARS = 4096  # longest expression accepted
MAX_TOKENS = 1024  # most XPath tokens in one expression
MAX_NESTING = 32  # deepest nesting of ( ) and [ ]
_CACHE_SIZE = 4096  # compiled expressions kept (must/when/leafref of a whole schema fit)
ANY_NAMESPACE = "*"  # default_ns value: unprefixed element name tests match that local name in any namespace

DerefResolver = Callable[[etree._Element], list[etree._Element]]


class XPathError(Exception):
    """An expression that cannot be compiled or evaluated (syntax, unknown prefix, unsupported function)."""


# --------------------------------------------------------------------------------------------------
# Tokenizer (XPath 1.0 §3.7)

_AXES = frozenset(
    {
        "ancestor",
        "ancestor-or-self",
        "attribute",
        "child",
        "descendant",
        "descendant-or-self",
        "following",
        "following-sibling",
        "namespace",
        "parent",
        "preceding",
        "preceding-sibling",
        "self",
    }
)
_NODE_TYPES = frozenset({"comment", "text", "processing-instruction", "node"})
_OPERATOR_NAMES = frozenset({"and", "or", "div", "mod"})
_WS = " \t\r\n"
_NCNAME = re.compile(r"(?:[^\W\d]|_)[\w.\-\u00b7]*")  # letters/_ first; then letters, digits, . - _ and ·
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")  # XPath 1.0 digits are ASCII only

# min, max (None: unbounded) argument counts
_CORE_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "last": (0, 0),
    "position": (0, 0),
    "count": (1, 1),
    "id": (1, 1),
    "local-name": (0, 1),
    "namespace-uri": (0, 1),
    "name": (0, 1),
    "string": (0, 1),
    "concat": (2, None),
    "starts-with": (2, 2),
    "contains": (2, 2),
    "substring-before": (2, 2),
    "substring-after": (2, 2),
    "substring": (2, 3),
    "string-length": (0, 1),
    "normalize-space": (0, 1),
    "translate": (3, 3),
    "boolean": (1, 1),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "lang": (1, 1),
    "number": (0, 1),
    "sum": (1, 1),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "round": (1, 1),
}
_YANG_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "current": (0, 0),
    "deref": (1, 1),
    "derived-from": (2, 2),
    "derived-from-or-self": (2, 2),
    "re-match": (2, 2),
    "enum-value": (1, 1),
    "bit-is-set": (2, 2),
}


@dataclass(frozen=True, slots=True)
class _Tok:
    """One token. ``kind`` is the token text for punctuation, else lit/num/var/name/nodetype/func/axis/op."""

    kind: str
    text: str
    pos: int
    end: int
    prefix: str | None = None  # for name tests, function names and variables
    local: str = ""


def _digit(ch: str) -> bool:
    """An XPath 1.0 digit: ``[0-9]`` (``str.isdigit`` also accepts ``²`` and other Unicode digits)."""
    return len(ch) == 1 and "0" <= ch <= "9"


def _err(src: str, pos: int, msg: str) -> XPathError:
    return XPathError(f"{msg} at position {pos} in XPath {src!r}")


def tokenize(src: str) -> list[_Tok]:
    """The XPath 1.0 tokens of ``src`` (also used to see which nodes a schema expression can read)."""
    toks: list[_Tok] = []
    n = len(src)
    i = 0

    def operator_context() -> bool:
        # §3.7: a preceding token that is not @ :: ( [ , or an Operator makes * and NCNames operators.
        if not toks:
            return False
        prev = toks[-1]
        return prev.kind not in ("@", "::", "(", "[", ",", "op")

    def skip_ws(j: int) -> int:
        while j < n and src[j] in _WS:
            j += 1
        return j

    while True:
        i = skip_ws(i)
        if i >= n:
            break
        if len(toks) >= MAX_TOKENS:
            raise _err(src, i, f"expression has more than {MAX_TOKENS} tokens")
        c = src[i]
        nxt = src[i + 1] if i + 1 < n else ""
        if c in "\"'":
            j = src.find(c, i + 1)
            if j < 0:
                raise _err(src, i, "unterminated string literal")
            toks.append(_Tok("lit", src[i : j + 1], i, j + 1, local=src[i + 1 : j]))
            i = j + 1
        elif _digit(c) or (c == "." and _digit(nxt)):
            m = _NUMBER.match(src, i)
            assert m is not None
            toks.append(_Tok("num", m.group(), i, m.end()))
            i = m.end()
        elif c == ".":
            t = ".." if nxt == "." else "."
            toks.append(_Tok(t, t, i, i + len(t)))
            i += len(t)
        elif c in "()[],@":
            toks.append(_Tok(c, c, i, i + 1))
            i += 1
        elif c == ":" and nxt == ":":
            toks.append(_Tok("::", "::", i, i + 2))
            i += 2
        elif c == "/":
            t = "//" if nxt == "/" else "/"
            toks.append(_Tok("op", t, i, i + len(t)))
            i += len(t)
        elif c in "|+-=":
            toks.append(_Tok("op", c, i, i + 1))
            i += 1
        elif c == "!" and nxt == "=":
            toks.append(_Tok("op", "!=", i, i + 2))
            i += 2
        elif c in "<>":
            t = c + "=" if nxt == "=" else c
            toks.append(_Tok("op", t, i, i + len(t)))
            i += len(t)
        elif c == "*":
            if operator_context():
                toks.append(_Tok("op", "*", i, i + 1))
            else:
                toks.append(_Tok("name", "*", i, i + 1, local="*"))
            i += 1
        elif c == "$":
            m = _NCNAME.match(src, i + 1)
            if m is None:
                raise _err(src, i, "'$' not followed by a variable name")
            j = m.end()
            prefix: str | None = None
            local = m.group()
            if j + 1 < n and src[j] == ":" and src[j + 1] != ":":
                m2 = _NCNAME.match(src, j + 1)
                if m2 is None:
                    raise _err(src, j, "bad variable name")
                prefix, local, j = local, m2.group(), m2.end()
            toks.append(_Tok("var", src[i:j], i, j, prefix, local))
            i = j
        else:
            m = _NCNAME.match(src, i)
            if m is None:
                raise _err(src, i, f"unexpected character {c!r}")
            name, j = m.group(), m.end()
            if operator_context():
                if name not in _OPERATOR_NAMES:
                    raise _err(src, i, f"expected an operator, found {name!r}")
                toks.append(_Tok("op", name, i, j))
                i = j
                continue
            k = skip_ws(j)
            if src.startswith("::", k):
                if name not in _AXES:
                    raise _err(src, i, f"unknown axis {name!r}")
                toks.append(_Tok("axis", name, i, j, local=name))
                i = j
                continue
            prefix = None
            local = name
            if j < n and src[j] == ":" and j + 1 < n and src[j + 1] != ":":
                if src[j + 1] == "*":
                    toks.append(_Tok("name", src[i : j + 2], i, j + 2, name, "*"))
                    i = j + 2
                    continue
                m2 = _NCNAME.match(src, j + 1)
                if m2 is None:
                    raise _err(src, j, "bad qualified name")
                prefix, local, j = name, m2.group(), m2.end()
                k = skip_ws(j)
            if k < n and src[k] == "(":
                kind = "nodetype" if prefix is None and name in _NODE_TYPES else "func"
                toks.append(_Tok(kind, src[i:j], i, j, prefix, local))
            else:
                toks.append(_Tok("name", src[i:j], i, j, prefix, local))
            i = j
    return toks


# --------------------------------------------------------------------------------------------------
# Parser (XPath 1.0 grammar); it validates and records what the rewrite needs


@dataclass(slots=True)
class _Call:
    tok: _Tok
    args: list[tuple[int, int]]  # token index ranges [start, end) of each argument


@dataclass(slots=True)
class _Parsed:
    names: list[tuple[int, str]] = field(default_factory=list)  # token index of a name test, its axis
    roots: dict[int, str] = field(default_factory=dict)  # token index of a leading / or // -> replacement
    calls: list[_Call] = field(default_factory=list)
    variables: list[_Tok] = field(default_factory=list)


_STEP_START = frozenset({"name", "nodetype", "axis", "@", ".", ".."})


class _Parser:
    def __init__(self, src: str, toks: list[_Tok]) -> None:
        self.src = src
        self.toks = toks
        self.i = 0
        self.depth = 0
        self.out = _Parsed()

    # helpers
    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _is(self, kind: str, *texts: str) -> bool:
        t = self._peek()
        return t is not None and t.kind == kind and (not texts or t.text in texts)

    def _fail(self, what: str) -> XPathError:
        t = self._peek()
        if t is None:
            return _err(self.src, len(self.src), f"unexpected end of expression, expected {what}")
        return _err(self.src, t.pos, f"unexpected {t.text!r}, expected {what}")

    def _expect(self, kind: str) -> _Tok:
        t = self._peek()
        if t is None or t.kind != kind:
            raise self._fail(repr(kind))
        self.i += 1
        return t

    # grammar
    def parse(self) -> _Parsed:
        if not self.toks:
            raise _err(self.src, 0, "empty expression")
        self._expr()
        if self.i != len(self.toks):
            raise self._fail("an operator or the end of the expression")
        return self.out

    def _expr(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            t = self._peek()
            raise _err(self.src, t.pos if t else 0, f"expression nested deeper than {MAX_NESTING}")
        self._binary(0)
        self.depth -= 1

    _LEVELS = (("or",), ("and",), ("=", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "div", "mod"))

    def _binary(self, level: int) -> None:
        if level == len(self._LEVELS):
            self._unary()
            return
        self._binary(level + 1)
        while self._is("op", *self._LEVELS[level]):
            self.i += 1
            self._binary(level + 1)

    def _unary(self) -> None:
        while self._is("op", "-"):
            self.i += 1
        self._path()
        while self._is("op", "|"):
            self.i += 1
            self._path()

    def _starts_step(self) -> bool:
        t = self._peek()
        return t is not None and t.kind in _STEP_START

    def _path(self) -> None:
        t = self._peek()
        if t is None:
            raise self._fail("an expression")
        if t.kind == "op" and t.text in ("/", "//"):
            index = self.i
            self.i += 1
            if t.text == "//":
                self.out.roots[index] = "/*//"
                self._relative()
            elif self._starts_step():
                self.out.roots[index] = "/*/"
                self._relative()
            else:
                self.out.roots[index] = "/*"
        elif self._starts_step():
            self._relative()
        elif t.kind in ("var", "lit", "num", "func", "("):
            self._primary()
            while self._is("["):
                self._predicate()
            if self._is("op", "/", "//"):
                self.i += 1
                self._relative()
        else:
            raise self._fail("an expression")

    def _relative(self) -> None:
        self._step()
        while self._is("op", "/", "//"):
            self.i += 1
            self._step()

    def _step(self) -> None:
        t = self._peek()
        if t is None:
            raise self._fail("a location step")
        if t.kind in (".", ".."):
            self.i += 1
            return
        axis = "child"
        if t.kind == "axis":
            axis = t.text
            self.i += 1
            self._expect("::")
        elif t.kind == "@":
            axis = "attribute"
            self.i += 1
        t = self._peek()
        if t is not None and t.kind == "name":
            self.out.names.append((self.i, axis))
            self.i += 1
        elif t is not None and t.kind == "nodetype":
            self.i += 1
            self._expect("(")
            if t.text == "processing-instruction" and self._is("lit"):
                self.i += 1
            self._expect(")")
        else:
            raise self._fail("a node test")
        while self._is("["):
            self._predicate()

    def _predicate(self) -> None:
        self._expect("[")
        self._expr()
        self._expect("]")

    def _primary(self) -> None:
        t = self._peek()
        assert t is not None
        if t.kind == "var":
            self.out.variables.append(t)
            self.i += 1
        elif t.kind in ("lit", "num"):
            self.i += 1
        elif t.kind == "(":
            self.i += 1
            self._expr()
            self._expect(")")
        else:  # func
            self.i += 1
            self._expect("(")
            call = _Call(t, [])
            if not self._is(")"):
                while True:
                    start = self.i
                    self._expr()
                    call.args.append((start, self.i))
                    if not self._is(","):
                        break
                    self.i += 1
            self._expect(")")
            self.out.calls.append(call)


# --------------------------------------------------------------------------------------------------
# Evaluation environment and the YANG functions


@dataclass(frozen=True, slots=True)
class _Env:
    current: etree._Element
    identities: Mapping[str, set[str]] | None
    resolver: DerefResolver | None


_ENV: contextvars.ContextVar[_Env] = contextvars.ContextVar("yang_xpath_env")
# cores being evaluated in this context: lxml serialises calls of one XPath object with a lock, so a nested
# evaluation of the same expression (from a deref resolver, say) must use a fresh evaluator or it deadlocks
_ACTIVE: contextvars.ContextVar[tuple[_Core, ...]] = contextvars.ContextVar("yang_xpath_active", default=())


def _number_to_string(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v):
        return str(int(v))
    return format(Decimal(repr(v)), "f")


def _node_string(node: Any) -> str:
    if isinstance(node, etree._Element):
        return "".join(node.itertext()) if isinstance(node.tag, str) else (node.text or "")
    return str(node)


def _to_string(value: Any) -> str:
    """XPath string() of an argument value."""
    if isinstance(value, list):
        return _node_string(value[0]) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return _number_to_string(float(value))
    return str(value)


def _node_list(fn: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise XPathError(f"{fn}() needs a node-set as its first argument")
    return value


def _value_owner(node: Any) -> etree._Element | None:
    """The element whose namespace declarations apply to ``node``'s value."""
    if isinstance(node, etree._Element):
        return node
    getparent = getattr(node, "getparent", None)
    return getparent() if getparent is not None else None


def _fn_current(_ctx: Any) -> list[etree._Element]:
    return [_ENV.get().current]


def _fn_deref(_ctx: Any, nodes: Any) -> list[etree._Element]:
    env = _ENV.get()
    if env.resolver is None:  # compile_xpath refuses this; kept for safety
        raise XPathError("deref() needs a deref_resolver")
    for node in _node_list("deref", nodes):
        el = _value_owner(node)
        if el is None:
            return []
        result = list(env.resolver(el))
        for r in result:
            if not isinstance(r, etree._Element):
                raise XPathError("deref_resolver must return elements")
        return result
    return []


def _fn_re_match(_ctx: Any, subject: Any, pattern: Any) -> bool:
    # RE2 through iosxe_agent.yang.regex: linear in the subject whatever a client writes as the pattern
    try:
        rx = compile_xsd(_to_string(pattern))
    except RegexError as e:
        raise XPathError(str(e)) from None
    return rx.matches(_to_string(subject))


def _fn_enum_value(_ctx: Any, nodes: Any) -> float:
    # The enum's assigned value lives in the schema, which the data tree does not carry.
    _node_list("enum-value", nodes)
    return math.nan


def _fn_bit_is_set(_ctx: Any, nodes: Any, bit: Any) -> bool:
    nodes = _node_list("bit-is-set", nodes)
    if not nodes:
        return False
    return _to_string(bit) in _node_string(nodes[0]).split()


def _identity_clark(
    text: str, nsmap: Mapping[str, str] | Mapping[str | None, str], default_ns: str | None
) -> str | None:
    prefix, sep, local = text.strip().rpartition(":")
    if not local:
        return None
    ns = nsmap.get(prefix) if sep else default_ns
    if ns is None:
        return None
    return f"{{{ns}}}{local}"


def _make_derived_from(
    prefixes: Mapping[str, str], default_ns: str | None, or_self: bool
) -> Callable[[Any, Any, Any], bool]:
    fn = "derived-from-or-self" if or_self else "derived-from"

    def derived_from(_ctx: Any, nodes: Any, identity: Any) -> bool:
        env = _ENV.get()
        name = _to_string(identity)
        base = _identity_clark(name, prefixes, default_ns)
        if base is None:
            raise XPathError(f"{fn}(): cannot resolve identity {name!r}")
        derived = (env.identities or {}).get(base, ())
        for node in _node_list(fn, nodes):
            owner = _value_owner(node)
            if owner is None:
                continue
            value = _identity_clark(_node_string(node), owner.nsmap, owner.nsmap.get(None))
            if value is None:
                continue
            if (or_self and value == base) or (value != base and value in derived):
                return True
        return False

    return derived_from


# --------------------------------------------------------------------------------------------------
# Compilation


@dataclass(eq=False, slots=True)
class _Core:
    """The cached, evaluation-independent part of a compiled expression."""

    rewritten: str
    namespaces: dict[str, str]
    extensions: dict[tuple[None, str], Callable[..., Any]]
    functions: frozenset[str]  # YANG functions used
    xpath: etree.XPath

    def new_evaluator(self) -> etree.XPath:
        return etree.XPath(self.rewritten, namespaces=self.namespaces, extensions=self.extensions)


def _private_prefix(prefixes: Mapping[str, str]) -> str:
    base = "yang-default"
    name, n = base, 0
    while name in prefixes:
        n += 1
        name = f"{base}{n}"
    return name


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compile_core(src: str, prefix_items: frozenset[tuple[str, str]], default_ns: str | None) -> _Core:
    if len(src) > MAX_EXPR_CHARS:
        raise XPathError(f"XPath expression longer than {MAX_EXPR_CHARS} characters")
    prefixes = dict(prefix_items)
    toks = tokenize(src)
    parsed = _Parser(src, toks).parse()

    if parsed.variables:
        v = parsed.variables[0]
        raise _err(src, v.pos, f"variable reference {v.text} is not supported (YANG defines no variables)")

    replacements: dict[int, str] = dict(parsed.roots)
    used_prefixes: set[str] = set()
    private = _private_prefix(prefixes)
    uses_default = False
    for index, axis in parsed.names:
        t = toks[index]
        if t.prefix is not None:
            if t.prefix not in prefixes:
                raise _err(src, t.pos, f"unknown prefix {t.prefix!r}")
            used_prefixes.add(t.prefix)
        elif t.local != "*" and default_ns is not None and axis not in ("attribute", "namespace"):
            if default_ns == ANY_NAMESPACE:
                replacements[index] = f"*[local-name()='{t.local}']"
            else:
                replacements[index] = f"{private}:{t.local}"
                uses_default = True

    functions: set[str] = set()
    for call in parsed.calls:
        t = call.tok
        if t.prefix is not None:
            raise _err(src, t.pos, f"unsupported function {t.text}()")
        arity = _CORE_FUNCTIONS.get(t.local) or _YANG_FUNCTIONS.get(t.local)
        if arity is None:
            raise _err(src, t.pos, f"unsupported function {t.local}()")
        low, high = arity
        if len(call.args) < low or (high is not None and len(call.args) > high):
            want = str(low) if low == high else f"{low}..{'' if high is None else high}"
            raise _err(src, t.pos, f"{t.local}() takes {want} arguments, {len(call.args)} given")
        if t.local in _YANG_FUNCTIONS:
            functions.add(t.local)
        if t.local in ("derived-from", "derived-from-or-self"):
            start, end = call.args[1]
            if end - start == 1 and toks[start].kind == "lit":
                name = toks[start].local.strip()
                prefix, sep, _ = name.rpartition(":")
                if sep and prefix not in prefixes:
                    raise _err(src, toks[start].pos, f"unknown prefix {prefix!r} in identity {name!r}")
                if not sep and default_ns is None:
                    raise _err(src, toks[start].pos, f"identity {name!r} needs a prefix")

    pieces: list[str] = []
    last = 0
    for index, t in enumerate(toks):
        pieces.append(src[last : t.pos])
        pieces.append(replacements.get(index, t.text))
        last = t.end
    pieces.append(src[last:])
    rewritten = "".join(pieces)

    namespaces = {p: prefixes[p] for p in sorted(used_prefixes)}
    if uses_default:
        assert default_ns is not None
        namespaces[private] = default_ns
    extensions: dict[tuple[None, str], Callable[..., Any]] = {}
    for fn in functions:
        if fn == "current":
            extensions[(None, fn)] = _fn_current
        elif fn == "deref":
            extensions[(None, fn)] = _fn_deref
        elif fn == "re-match":
            extensions[(None, fn)] = _fn_re_match
        elif fn == "enum-value":
            extensions[(None, fn)] = _fn_enum_value
        elif fn == "bit-is-set":
            extensions[(None, fn)] = _fn_bit_is_set
        else:
            extensions[(None, fn)] = _make_derived_from(prefixes, default_ns, fn == "derived-from-or-self")
    try:
        xp = etree.XPath(rewritten, namespaces=namespaces, extensions=extensions)
    except etree.XPathError as e:  # the parser above should have caught it; report lxml's view
        raise XPathError(f"invalid XPath {src!r}: {e}") from e
    return _Core(rewritten, namespaces, extensions, frozenset(functions), xp)


def _xpath_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str | list):
        return len(value) > 0
    return bool(value)


@dataclass(frozen=True)
class CompiledXPath:
    """A YANG XPath expression ready to run on a data tree whose root element is the datastore wrapper.

    ``source`` is the expression as written, ``rewritten`` what lxml evaluates. Instances are cheap; the lxml
    evaluator behind them is cached and shared.
    """

    source: str
    rewritten: str
    _core: _Core = field(repr=False, compare=False)
    _identities: Mapping[str, set[str]] | None = field(default=None, repr=False, compare=False)
    _resolver: DerefResolver | None = field(default=None, repr=False, compare=False)

    def evaluate(self, context: etree._Element, *, current: etree._Element | None = None) -> object:
        """The raw lxml result: bool, float, str, or a list (node-set) in document order.

        ``context`` is the context node; ``current`` the node ``current()`` returns (default: ``context``).
        """
        core = self._core
        active = _ACTIVE.get()
        evaluator = core.new_evaluator() if core in active else core.xpath
        env_token = _ENV.set(_Env(context if current is None else current, self._identities, self._resolver))
        active_token = _ACTIVE.set((*active, core))
        try:
            return evaluator(context)
        except etree.XPathError as e:
            raise XPathError(f"cannot evaluate XPath {self.source!r}: {e}") from e
        finally:
            _ACTIVE.reset(active_token)
            _ENV.reset(env_token)

    def boolean(self, context: etree._Element, *, current: etree._Element | None = None) -> bool:
        """XPath ``boolean()`` of the result (what must and when need)."""
        return _xpath_boolean(self.evaluate(context, current=current))

    def nodes(self, context: etree._Element, *, current: etree._Element | None = None) -> list[etree._Element]:
        """The resulting node-set, which must contain only elements (an empty node-set is fine)."""
        result = self.evaluate(context, current=current)
        if not isinstance(result, list):
            raise XPathError(f"XPath {self.source!r} gives a {type(result).__name__}, not a node-set")
        for item in result:
            if not (isinstance(item, etree._Element) and isinstance(item.tag, str)):
                raise XPathError(f"XPath {self.source!r} selects non-element nodes")
        return result


def compile_xpath(
    expr: str,
    prefixes: Mapping[str, str],
    default_ns: str | None,
    *,
    identities: Mapping[str, set[str]] | None = None,
    deref_resolver: DerefResolver | None = None,
) -> CompiledXPath:
    """Compile a YANG XPath expression (must, when, leafref path) or a NETCONF xpath filter.

    ``prefixes`` maps prefix -> namespace (a ``None`` or empty key, as in an lxml ``nsmap``, is ignored:
    XPath never applies a default namespace from declarations). ``default_ns`` is the namespace of unprefixed
    names: the defining module's, or ``None`` for NETCONF filters (unprefixed names then match elements in no
    namespace).
    ``identities`` maps the Clark name of each identity to the Clark names of every identity derived from it
    (transitively) and is required by ``derived-from()``/``derived-from-or-self()``; ``deref_resolver`` maps a
    leafref (or instance-identifier) element to the elements it refers to and is required by ``deref()``.

    Raises :class:`XPathError` for syntax errors, unknown prefixes, unsupported functions or variables, wrong
    argument counts, and a function used without the mapping it needs.
    """
    items = frozenset((p, ns) for p, ns in prefixes.items() if p)
    core = _compile_core(expr, items, default_ns)
    if "deref" in core.functions and deref_resolver is None:
        raise XPathError(f"XPath {expr!r} uses deref() but no deref_resolver was given")
    if identities is None and {"derived-from", "derived-from-or-self"} & core.functions:
        raise XPathError(f"XPath {expr!r} uses derived-from() but no identity map was given")
    return CompiledXPath(expr, core.rewritten, core, identities, deref_resolver)
