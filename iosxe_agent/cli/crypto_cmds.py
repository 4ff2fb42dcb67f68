"""``crypto key generate rsa …`` and ``crypto key zeroize rsa [L]`` typed at the CLI, with IOS XE 17's dialogues.

One implementation for both modes (CLI reference §3.1, §3.2; the texts are in :mod:`iosxe_agent.device.keys`):

* configuration mode (``Device(config)#``, as the guide types them): a line the CLI table parses into an action
  (:mod:`iosxe_agent.device.key_actions`) comes here from :mod:`iosxe_agent.cli.config_mode`; the keys are made
  while the user waits, ending in ``[OK] (elapsed time was S seconds)``;
* exec mode (``Device#``): the same words, parsed by the same table, the same questions, but 17.x ends with
  ``% Generating crypto RSA keys in background ...`` and the prompt comes back at once; the syslog line
  (``%CRYPTO_ENGINE-5-KEY_ADDITION``) says when the keys exist.

Without a modulus IOS asks for one (once per pair of a usage-keys pair) and, when the name already holds keys,
first asks whether to replace them; with a modulus it asks nothing and says ``% They will be replaced.``.
"""

from __future__ import annotations

from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Error, Node, add
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, Action, parse_line
from iosxe_agent.device.key_actions import GENERATE, ZEROIZE, GenerateRequest, generate_request, zeroize_label
from iosxe_agent.device.keys import (
    MSG_BACKGROUND,
    MSG_BAD_MODULUS,
    REMOVE_QUESTION,
    REPLACE_QUESTION,
    GeneratePlan,
    Refusal,
    Usage,
    generating_lines,
    modulus_line,
    modulus_question,
    name_line,
    parse_modulus_answer,
    plan_generate,
    plan_zeroize,
    replace_notice,
    zeroize_text,
)

_GENERATE_WORDS = "crypto key generate rsa"
_YES = ("y", "yes")


async def run_action(s: CliSession, action: Action) -> str:
    """A ``crypto key`` line typed in configuration mode: what IOS prints for it (after its questions)."""
    if action.command == GENERATE:
        return await generate(s, generate_request(action), background=False)
    if action.command == ZEROIZE:
        return await zeroize(s, zeroize_label(action))
    raise ValueError(f"not a crypto key action: {action.command}")


async def generate(s: CliSession, request: GenerateRequest, *, background: bool) -> str:
    """``crypto key generate rsa …``: the questions IOS asks (modulus, replace), then the keys, made while the
    user waits or (``background``, exec mode) in the background."""
    keys = s.device.keys
    plan = plan_generate(
        request.label,
        hostname=s.device.hostname,
        domain=s.device.domain,
        modulus=request.modulus,
        usage_keys=request.usage_keys,
        exportable=request.exportable,
    )
    if isinstance(plan, Refusal):
        return plan.message + "\n"
    replacing = keys.exists(plan.name)
    if request.modulus is not None:  # nothing to ask
        if not background:
            return (await keys.agenerate(plan)).text
        keys.generate_in_background(plan)
        head = replace_notice(plan.name) + "% They will be replaced.\n" if replacing else name_line(plan.name)
        return head + "".join("\n" + modulus_line(size) for _, size in plan.members) + MSG_BACKGROUND + "\n"
    head = name_line(plan.name)
    if replacing:
        if (await s.ask(replace_notice(plan.name) + REPLACE_QUESTION, True)).strip().lower() not in _YES:
            return ""
        head = ""
    asked = await _ask_moduli(s, head, plan)
    if isinstance(asked, Refusal):
        return asked.message + "\n"
    if background:
        keys.generate_in_background(asked)
        return MSG_BACKGROUND + "\n"
    result = await keys.agenerate(asked)
    return "".join(
        generating_lines(size, asked.exportable, seconds)
        for (_, size), seconds in zip(asked.members, result.elapsed, strict=True)
    )


async def _ask_moduli(s: CliSession, head: str, plan: GeneratePlan) -> GeneratePlan | Refusal:
    """``How many bits in the modulus [2048]:`` once per pair of ``plan`` (after ``head``); the plan with the
    sizes answered, or the refusal of an answer that is not a size."""
    sizes: list[int] = []
    for usage, _ in plan.members:
        size = parse_modulus_answer(await s.ask(head + modulus_question(usage), True))
        if size is None:
            return Refusal(MSG_BAD_MODULUS)
        sizes.append(size)
        head = ""
    usages: tuple[Usage, ...] = tuple(usage for usage, _ in plan.members)
    return GeneratePlan(plan.name, tuple(zip(usages, sizes, strict=True)), plan.exportable)


async def zeroize(s: CliSession, label: str | None) -> str:
    """``crypto key zeroize rsa [L]``: what goes, the question, then the keys are removed (``%SSH-5-DISABLED`` if
    SSH served one of them)."""
    keys = s.device.keys
    plan = plan_zeroize(label, keys.keys())
    if isinstance(plan, Refusal):
        return plan.message + "\n"
    if (await s.ask(zeroize_text(plan) + REMOVE_QUESTION, True)).strip().lower() not in _YES:
        return ""
    result = await keys.azeroize_rsa(label)
    return "" if result.ok else result.text


# -- exec mode ------------------------------------------------------------------------------------------------
async def exec_generate(s: CliSession, args: tuple[str, ...]) -> str | Error:
    """Exec ``crypto key generate rsa [LINE]``: the words after ``rsa`` are checked by the CLI table's grammar
    of the configuration command (a refusal's caret is relative to them)."""
    if not args:
        return await generate(s, GenerateRequest(None, False, None, False), background=True)
    prefix = _GENERATE_WORDS + " "
    parsed = parse_line(prefix + args[0], CONFIG_MODE, None)
    if parsed.error is not None:
        column = max(0, parsed.error.column - len(prefix))
        return Error(parsed.error.kind, column) if parsed.error.kind != "failed" else parsed.error.message
    assert parsed.action is not None and parsed.action.command == GENERATE
    return await generate(s, generate_request(parsed.action), background=True)


async def exec_zeroize(s: CliSession, args: tuple[str, ...]) -> str:
    """Exec ``crypto key zeroize rsa [L]``."""
    return await zeroize(s, args[0] if args else None)


def register(root: Node) -> None:
    """Add the exec forms to the exec tree (privilege 15, as on IOS)."""
    add(root, _GENERATE_WORDS, exec_generate, "Generate RSA keys", 15)
    add(root, f"{_GENERATE_WORDS} LINE", exec_generate, "Generate RSA keys", 15)
    add(root, "crypto key zeroize rsa", exec_zeroize, "Remove RSA keys", 15)
    add(root, "crypto key zeroize rsa WORD", exec_zeroize, "Remove RSA keys", 15)
