"""Issue 24, "invitations that accept real lists": the pure reading of a pasted list or a CSV. No app:
`course.enrolment.roster` imports neither Flask nor SQLAlchemy."""

from __future__ import annotations

import pytest

from course.enrolment.roster import Limits, RosterRow, TooLong, parse

LIMITS = Limits(max_rows=50, email_max=254, name_max=80, name_problem=lambda n: "bidi" if "\u202e" in n else None)


def rows(text: str, limits: Limits = LIMITS) -> list[tuple[str, str]]:
    return [(row.email, row.name) for row in parse(text, limits).rows]


def test_an_outlook_to_line_with_last_first_names():
    pasted = 'Ruiz, Ana <Ana.Ruiz@clinic.org>; Li, Bo <bo@clinic.org>; "Kim, Cy" <cy@clinic.org>;'
    assert rows(pasted) == [
        ("ana.ruiz@clinic.org", "Ruiz, Ana"),
        ("bo@clinic.org", "Li, Bo"),
        ("cy@clinic.org", "Kim, Cy"),
    ]


@pytest.mark.parametrize(
    "pasted",
    [
        "ana@clinic.org\nbo@clinic.org",
        "ana@clinic.org; bo@clinic.org",
        "ana@clinic.org, bo@clinic.org",
        "ana@clinic.org,\r\n\r\n  bo@clinic.org ;",
        "Ana <ana@clinic.org>, Bo <bo@clinic.org>",
    ],
)
def test_newlines_semicolons_and_commas_all_separate(pasted):
    assert [email for email, _ in rows(pasted)] == ["ana@clinic.org", "bo@clinic.org"]


def test_a_name_after_an_email_belongs_to_it():
    assert rows("ana@clinic.org, Ana Ruiz\nbo@clinic.org") == [("ana@clinic.org", "Ana Ruiz"), ("bo@clinic.org", "bo")]


def test_duplicates_merge_silently_keeping_a_name_given_later():
    roster = parse("ANA@clinic.org\nBo <bo@clinic.org>\nAna Ruiz <ana@clinic.org>\nbo@clinic.org", LIMITS)
    assert roster.rows == (RosterRow(1, "ana@clinic.org", "Ana Ruiz"), RosterRow(2, "bo@clinic.org", "Bo"))
    assert roster.problems == ()


def test_bad_entries_are_listed_by_line_and_the_rest_go_through():
    roster = parse("ana@clinic.org\nnot an address\nBo <bo@>\n\u202eEvil <ev@clinic.org>\ncy@clinic.org", LIMITS)
    assert [row.email for row in roster.rows] == ["ana@clinic.org", "cy@clinic.org"]
    assert roster.problems == (
        "Line 2: “not an address” has no usable email address.",
        "Line 3: “Bo <bo@>” has no usable email address.",
        "Line 4: ev@clinic.org: bidi",
    )


@pytest.mark.parametrize(
    "header, row",
    [
        ("email,name", "ana@clinic.org,Ana Ruiz"),
        ("Name;E-mail", "Ana Ruiz;ana@clinic.org"),
        ("First name,Last name,Email address,Ward", "Ana,Ruiz,ana@clinic.org,7"),
        ("Email\tGiven name\tSurname", "ana@clinic.org\tAna\tRuiz"),
        ('"email","full name"', '"ana@clinic.org","Ana Ruiz"'),
    ],
)
def test_a_csv_header_maps_the_columns_by_name(header, row):
    text = f"\ufeff{header}\r\n{row}\r\n\r\n,,,\r\n"
    assert rows(text) == [("ana@clinic.org", "Ana Ruiz")]


def test_a_csv_row_without_an_email_is_listed_with_its_line():
    roster = parse("email,name\nana@clinic.org,Ana\n,Nameless\n", LIMITS)
    assert [row.email for row in roster.rows] == ["ana@clinic.org"]
    assert roster.problems == ("Line 3: “,Nameless” has no usable email address.",)


def test_names_longer_than_the_limit_are_listed():
    roster = parse(f"ana@clinic.org, {'N' * 81}", LIMITS)
    assert roster.rows == () and roster.problems == ("Line 1: ana@clinic.org: the name is longer than 80 characters.",)


def test_an_empty_list_says_so_and_a_long_one_is_refused_whole():
    assert parse(" \n\n", LIMITS).problems[0].startswith("The list is empty")
    with pytest.raises(TooLong, match="51 entries; at most 50"):
        parse("\n".join(f"p{n}@clinic.org" for n in range(51)), LIMITS)


def test_the_module_is_pure():
    """Its own imports: the standard library and email_validator, nothing of the app or its frameworks."""
    import ast
    from pathlib import Path

    import course.enrolment.roster as roster

    tree = ast.parse(Path(roster.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert imported == {"__future__", "csv", "io", "re", "collections.abc", "dataclasses", "email_validator"}


def test_a_quoted_name_after_an_email_may_hold_a_comma():
    """A spreadsheet saves `email,"Ruiz, Ana"`: the comma inside the quotes is part of the name."""
    roster = parse('ana@clinic.org,"Ruiz, Ana"\nbo@clinic.org, Bo Berg', LIMITS)
    assert [(row.email, row.name) for row in roster.rows] == [
        ("ana@clinic.org", "Ruiz, Ana"),
        ("bo@clinic.org", "Bo Berg"),
    ]
    assert roster.problems == ()
