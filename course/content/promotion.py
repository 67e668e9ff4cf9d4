"""The no-promotion scan: the source article is a shop's marketing text, and none of that may leak into
the course. Each rule names what it catches so an author knows what to rewrite."""

from __future__ import annotations

import re

from .problems import Problem

# The hype phrases listed in the source review's "Promotional elements" section, plus the store itself.
HYPE_PHRASES = (
    "return of a forgotten drug",
    "one of the most promising",
    "delivers relief where conventional drugs have failed",
    "transformative potential",
    "power lies",
    "resetting mood pathways",
    "could soon revolutionize",
    "revolutionize psychiatric care",
    "paving the way for the psychedelic medicine revolution",
    "psychedelic medicine revolution",
    "leading psychedelic-adjacent medicine",
    "beacon of hope",
    "a new era in medicine",
    "safe and highly effective",
    "ketamine uses benefits and mental health treatment",
    "reliable information and access to quality-controlled",
    "education and safe access are vital",
    "always choose a certified provider",
)

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("the store's name", re.compile(r"ketamines?[\s_-]*store", re.I)),
    ("a shop or store link", re.compile(r"https?://\S*(?:shop|store|buy)\S*", re.I)),
    ("a shop reference", re.compile(r"\bshop(?:\s+page)?\b", re.I)),
    (
        "a call to buy",
        re.compile(
            r"\b(?:buy|order|shop)\s+(?:now|today|online)\b|\badd\s+to\s+(?:cart|basket)\b|\bexplore\s+our\b"
            r"|\bvisit\s+our\b|\bour\s+(?:range|products|shop|store)\b|\bcheckout\b|\bdiscount\b|\bget\s+started\b",
            re.I,
        ),
    ),
    ("an emoji or pictograph", re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")),
    ("a trademark symbol used as branding", re.compile("[\u00ae\u2122]")),
    ("a hype phrase", re.compile("|".join(re.escape(p) for p in HYPE_PHRASES), re.I)),
)


def scan(path: str, text: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for label, pattern in RULES:
            match = pattern.search(line)
            if match:
                problems.append(Problem(path, number, f"promotional content ({label}): '{match.group(0)}'"))
    return problems
