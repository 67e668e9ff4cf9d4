"""A session's browser and device in words ("Chrome 120 on Linux", "Mobile Safari 17 on iPhone, iOS 17.4")
rather than its raw User-Agent header, read with ua-parser (uap-core's rules, pinned in requirements.txt)."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Unknown browser"


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


@lru_cache(maxsize=512)
def describe(user_agent: str | None) -> str:
    if not user_agent:
        return UNKNOWN
    found = parse(user_agent)
    browser, system = found.user_agent, found.os
    name = f"{browser.family} {browser.major}" if browser and browser.major else (browser.family if browser else "")
    where = system.family if system else ""
    if system and system.major:
        where = f"{system.family} {_version(system.major, system.minor)}"
    device = found.device.family if found.device and found.device.family not in (None, "Other", "Spider") else ""
    if device and device not in where:
        where = f"{device}, {where}" if where else device
    if not name or name == "Other":
        return f"{UNKNOWN} on {where}" if where and where != "Other" else UNKNOWN
    return f"{name} on {where}" if where and where != "Other" else name
