"""The fact-check review, encoded: every claim it marks QUALIFY or REMOVE, and how the course must handle it.

The course was written from a shop's marketing text, checked claim by claim (C-ids, per section 1..12) in a
separate review. Section N is taught in module N (lessons/NN-*.md). For each claim:

- QUALIFY: the corrected fact (the review's numbers and wording) must appear in the module's lesson, and the
  overstated wording must appear nowhere in lessons/ or quizzes/;
- REMOVE: the promotional or unsupported wording must appear nowhere, and where the review gives a neutral
  replacement, that replacement must be taught.

Matching is case-insensitive on the file text, lightly normalised so that line wrapping, Markdown emphasis and
the choice of dash do not matter. Phrases that must not appear are the claims' own wording, not words that a
lesson may quote in order to correct them (a lesson may say that "urinary irritation" understates the harm).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
QUIZZES = ROOT / "quizzes"
# The review lives beside the repository (in shared/), not in it: this check runs only where it is present.
REVIEW = Path(__file__).resolve().parents[3] / "shared" / "content" / "source-review.md"


class Claim(NamedTuple):
    cid: str
    verdict: str  # QUALIFY | REMOVE
    lesson: str  # the module's lesson file, in lessons/
    must: tuple[str, ...] = ()  # the corrected fact or neutral replacement, in that lesson
    must_not: tuple[str, ...] = ()  # the overstated or promotional wording, anywhere in lessons/ or quizzes/


Q, R = "QUALIFY", "REMOVE"
L01, L02, L03, L04 = "01-introduction.md", "02-what-is-ketamine.md", "03-mechanism.md", "04-medical-uses.md"
L05, L06, L07, L08 = "05-therapy-and-clinics.md", "06-psychological-effects.md", "07-risks.md", "08-legal-status.md"
L09, L10, L11, L12 = "09-comparison-with-psychedelics.md", "10-future-research.md", "11-course-summary.md", "12-faq.md"

CLAIMS = (
    # §1 Introduction
    Claim(
        "1-C1",
        Q,
        L01,
        must=("continuous clinical use", "in the united states in 1970", "essential medicines since 1985"),
        must_not=("forgotten drug", "once viewed only as an anesthetic and party drug"),
    ),
    Claim(
        "1-C2",
        Q,
        L01,
        must=("mixed results from small trials", "moderate evidence for intravenous ketamine", "weak or absent"),
        must_not=("one of the most promising treatments",),
    ),
    Claim(
        "1-C3",
        Q,
        L01,
        must=(
            "1962: calvin stevens",
            "shorter-acting alternative to phencyclidine (pcp)",
            "military use followed approval",
        ),
        must_not=("developed in the 1960s for battlefield",),
    ),
    Claim(
        "1-C4",
        Q,
        L01,
        must=(
            "improvement can begin within hours and usually peaks about 24 hours",
            "only in roughly half of patients",
            "fades within about 1-2 weeks",
        ),
        must_not=("where conventional drugs have failed",),
    ),
    Claim(
        "1-C5",
        R,
        L01,
        must=("not a lawful supply route",),
        must_not=("quality-controlled ketamine products", "ketamines store", "access to quality-controlled"),
    ),
    # §2 What is ketamine?
    Claim(
        "2-C2",
        Q,
        L02,
        must=("anxiety can increase", "about 12% of anesthetic uses"),
        must_not=("reducing pain and anxiety", "reduces pain and anxiety", "relieves pain and anxiety"),
    ),
    Claim(
        "2-C4",
        Q,
        L02,
        must=("vietnam war", "without a ventilator", "not because it was free of risk"),
        must_not=("safe battlefield anesthetic",),
    ),
    Claim(
        "2-C5",
        Q,
        L02,
        must=(
            "respiratory depression or apnea (stopped breathing) can follow rapid or high intravenous doses",
            "laryngospasm (sudden closure of the vocal cords) can occur",
            "airway equipment must always be at hand",
        ),
        must_not=("doesn't suppress breathing", "does not suppress breathing"),
    ),
    Claim(
        "2-C6",
        Q,
        L02,
        must=(
            "typically raises both blood pressure and heart rate",
            "significant rise in blood pressure would be dangerous",
            "blood pressure can fall and the heart can decompensate",
        ),
        must_not=(
            "or significantly lower blood pressure",
            "doesn't significantly lower blood pressure",
            "does not significantly lower blood pressure",
        ),
    ),
    Claim(
        "2-C7",
        Q,
        L02,
        must=(
            "off-label: an approved anesthetic used for an unapproved indication",
            "ketamine itself is not approved for any psychiatric disorder",
        ),
    ),
    Claim(
        "2-C8",
        R,
        L02,
        must=("ketamine and related compounds are being actively researched in psychiatry",),
        must_not=("transformative potential", "studied globally"),
    ),
    # §3 Mechanism
    Claim(
        "3-C2",
        Q,
        L03,
        must=(
            "disinhibition hypothesis",
            "most of this chain was demonstrated in rodents",
            "lateral habenula",
            "(2r,6r)-hnk may act without direct nmda block",
        ),
        must_not=("chain reaction that increases neuroplasticity",),
    ),
    Claim(
        "3-C3",
        R,
        L03,
        must=("no defined scientific meaning",),
        must_not=("resetting", "resets mood", "reset mood", "mood pathways"),
    ),
    Claim(
        "3-C4",
        Q,
        L03,
        must=("usually peaks about 24 hours after an infusion, in roughly half of patients",),
        must_not=("often report significant mood improvement within hours",),
    ),
    Claim(
        "3-C5",
        Q,
        L03,
        must=("required for the effect in rodent models", "causal role in humans has not been established"),
        must_not=("thanks to the rapid release",),
    ),
    # §4 Medical uses
    Claim(
        "4-C2",
        Q,
        L04,
        must=("8,282", "3.9%", "trained staff, monitoring and airway equipment"),
        must_not=("for its safety profile",),
    ),
    Claim(
        "4-C3",
        Q,
        L04,
        must=(
            "24 hours after one infusion (pooled randomized trials): about 52%",
            "day 7 after that infusion: about 40%",
            "remission after one infusion: about 21-26%",
            "about 45% response and 30% remission",
            "open-label",
            "about 71% responded",
            "median of 18 days",
            "placebo as very low",
        ),
        must_not=("up to 70%", "up to 70 %", "up to 70 percent"),
    ),
    Claim(
        "4-C4",
        Q,
        L04,
        must=("30 civilians", "158 veterans", "lost statistical significance", "not approved for ptsd"),
        must_not=("rapidly calm intrusive thoughts", "rapidly calms intrusive thoughts"),
    ),
    Claim(
        "4-C5",
        R,
        L04,
        must=(
            "short-term relief of bipolar depression",
            "certainty of this evidence is very low",
            "mood and psychotic symptoms need to be monitored",
        ),
        must_not=("stabilizes mood", "stabilises mood", "reduces depressive episodes"),
    ),
    Claim(
        "4-C6",
        Q,
        L04,
        must=("relief lasting up to about 12 weeks", "spinal cord injury pain", "long-term benefit outside crps"),
        must_not=("reset pain pathways", "resets pain pathways"),
    ),
    Claim(
        "4-C8",
        Q,
        L04,
        must=("rems-certified healthcare setting", "at least 2 hours", "never dispensed for home use"),
        must_not=("non-invasive alternative",),
    ),
    # §5 Therapy and clinics
    Claim(
        "5-C2",
        Q,
        L05,
        must=(
            "compounded oral or sublingual ketamine",
            "only esketamine has a product-specific federal supervision requirement",
            "state practice rules, facility licensing",
            "october 2023",
        ),
        must_not=("under strict medical supervision",),
    ),
    Claim(
        "5-C3",
        Q,
        L05,
        must=("0.5 mg/kg", "about 40 minutes", "a visit often lasts 2 hours or more"),
        must_not=("each session lasts about 45",),
    ),
    Claim(
        "5-C4",
        Q,
        L05,
        must=("experiences vary", "anxious, dizzy, nauseous", "changes in perception"),
        must_not=("deep relaxation",),
    ),
    Claim(
        "5-C5",
        Q,
        L05,
        must=("fades within days to a few weeks", "long-term data on them are limited"),
        must_not=("prolonged relief",),
    ),
    Claim(
        "5-C6",
        Q,
        L05,
        must=(
            "formal certification exists only for esketamine",
            "no equivalent federal certification for iv ketamine clinics",
            "monitoring and resuscitation capability",
        ),
        must_not=("always choose a certified provider", "post-treatment integration"),
    ),
    # §6 Psychological and neurological effects
    Claim(
        "6-C2",
        Q,
        L06,
        must=(
            "how strongly patients dissociated did not predict",
            "dissociation can be distressing",
            "the evidence so far is preliminary",
        ),
        must_not=("allow emotional processing without distress", "supporting psychotherapy"),
    ),
    Claim(
        "6-C3",
        Q,
        L06,
        must=("prefrontal global connectivity 24 hours", "not an established mechanism", "not a clinical test"),
        must_not=("enhances communication between",),
    ),
    # §7 Risks and side effects
    Claim(
        "7-C1",
        Q,
        L07,
        must=(
            "acceptable safety record when the right dose is given with the right monitoring",
            # the current label (version of 13 March 2026) adds respiratory depression to the boxed warning
            "boxed warning covers sedation, dissociation, respiratory depression, abuse and misuse, and suicidal",
        ),
        must_not=("generally safe when used medically",),
    ),
    Claim(
        "7-C3",
        Q,
        L07,
        must=(
            "frequency in 77%",
            "urgency in 70%",
            "bladder pain in 60%",
            "ulcerative cystitis",
            "hydronephrosis",
            "kidney failure",
            "some damage is irreversible",
        ),
    ),
    Claim(
        "7-C6",
        Q,
        L07,
        must=("lower in supervised care but not negligible", "risk of abuse or misuse before prescribing"),
        must_not=("low addiction potential", "has low addiction"),
    ),
    # §8 Recreational use and legal status
    Claim(
        "8-C4",
        Q,
        L08,
        must=(
            "no single eu-wide schedule",
            "the european commission did not propose eu-wide control",
            "prescription medicine in every member state",
            "varies from country to country",
        ),
        must_not=("eu: controlled substance",),
    ),
    Claim(
        "8-C5",
        Q,
        L08,
        must=(
            "2006, 2012, 2014 and 2015",
            "this recognition concerns anesthesia and pain relief",
            "not an endorsement of ketamine for depression",
        ),
        must_not=("proven medical benefits", "nuanced global stance"),
    ),
    # §9 Comparison with psilocybin and MDMA
    Claim(
        "9-C1",
        Q,
        L09,
        must=(
            "ketamine belongs to a different group: it is a dissociative anesthetic",
            "use that label only with the caveat",
        ),
        must_not=("ketamine vs other psychedelics", "ketamine vs. other psychedelics"),
    ),
    Claim("9-C2", Q, L09, must=("non-competitive nmda-receptor antagonist",)),
    Claim("9-C5", Q, L09, must=("5-10 minutes", "12-25 minutes", "1.5-2 hours")),
    Claim("9-C7", Q, L09, must=("mdma: usually quoted as 3-6 hours",)),
    Claim(
        "9-C9",
        Q,
        L09,
        must=("approved use of ketamine: anesthesia", "racemic ketamine for depression or chronic pain is off-label"),
    ),
    Claim("9-C10", Q, L09, must=("no fda-approved psilocybin medicine",)),
    Claim(
        "9-C11",
        Q,
        L09,
        must=("in august 2024 the fda declined to approve mdma-assisted therapy", "asked for a further trial"),
    ),
    Claim(
        "9-C13",
        R,
        L09,
        must_not=("leading psychedelic-adjacent medicine", "the leading psychedelic"),
    ),
    # §10 Future research
    Claim(
        "10-C1",
        R,
        L10,
        must=("speculation, not findings",),
        must_not=("revolutionize", "revolutionise"),
    ),
    Claim(
        "10-C2",
        R,
        L10,
        must=("no validated ketamine micro-dosing protocol exists",),
        must_not=("sustained mood stability", "micro-dosing protocols for sustained"),
    ),
    Claim(
        "10-C5",
        R,
        L10,
        must_not=("paving the way", "psychedelic medicine revolution"),
    ),
    # §11 Conclusion
    Claim(
        "11-C1",
        Q,
        L11,
        must=("established anesthetic whose s-enantiomer, esketamine, is approved for trd", "varies by condition"),
        must_not=("beacon of hope", "from a battlefield anesthetic to", "whose derivative esketamine"),
    ),
    Claim("11-C2", R, L11, must_not=("safe access", "we believe education")),
    Claim(
        "11-C3",
        R,
        L11,
        must_not=("explore our range", "treatment solutions", "range of certified ketamine products"),
    ),
    Claim("11-C4", R, L11, must_not=("shop page", "visit our", "get started")),
    # §12 FAQs
    Claim(
        "12-C2",
        R,
        L12,
        must=("most side effects are short-lived", "benefit is often temporary"),
        must_not=("safe and highly effective", "highly effective"),
    ),
    Claim(
        "12-C3",
        Q,
        L12,
        must=("peak at about 40 minutes", "resolve by about 1.5 hours", "days to about two weeks"),
        must_not=("30-60 minutes", "30 to 60 minutes"),
    ),
    Claim(
        "12-C4",
        Q,
        L12,
        must=("risk is lower in supervised care but real", "screened before prescribing"),
        must_not=("addiction is minimal", "addiction risk is minimal", "minimal addiction"),
    ),
    Claim(
        "12-C5",
        Q,
        L12,
        must=("opioid and monoamine receptors", "acute effects are also shorter"),
        must_not=("faster than traditional psychedelics", "works on glutamate receptors, not serotonin"),
    ),
)

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")


def normalise(text: str) -> str:
    """Lowercase; one kind of dash and apostrophe; no Markdown emphasis; line breaks as single spaces."""
    text = _DASHES.sub("-", text).replace("\u2019", "'").replace("*", "").replace("`", "")
    return re.sub(r"\s+", " ", text).lower()


@cache
def text_of(path: Path) -> str:
    return normalise(path.read_text(encoding="utf-8"))


def course_files() -> list[Path]:
    return sorted(LESSONS.glob("*.md")) + sorted(QUIZZES.glob("*.yaml"))


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.cid for c in CLAIMS])
def test_review_claim_is_handled(claim: Claim):
    lesson = LESSONS / claim.lesson
    assert lesson.is_file(), f"{claim.cid}: no lesson file {claim.lesson}"
    missing = [p for p in claim.must if normalise(p) not in text_of(lesson)]
    assert not missing, f"{claim.cid} ({claim.verdict}): {claim.lesson} no longer teaches {missing}"
    found = [
        f"{path.relative_to(ROOT)}: '{phrase}'"
        for path in course_files()
        for phrase in claim.must_not
        if normalise(phrase) in text_of(path)
    ]
    assert not found, f"{claim.cid} ({claim.verdict}): overstated or promotional wording is back: {found}"


def test_table_is_well_formed():
    ids = [c.cid for c in CLAIMS]
    assert len(ids) == len(set(ids)), "duplicate C-id in the table"
    for c in CLAIMS:
        assert c.verdict in (Q, R), c.cid
        assert c.must or c.must_not, f"{c.cid}: a row needs at least one phrase"
        assert c.lesson.startswith(f"{int(c.cid.split('-')[0]):02d}-"), f"{c.cid}: section and module differ"
        if c.verdict == Q:
            assert c.must, f"{c.cid}: a QUALIFY row must name the corrected fact that is taught"
        else:
            assert c.must_not, f"{c.cid}: a REMOVE row must name the wording that stays out"
    assert sum(c.verdict == Q for c in CLAIMS) == 40 and sum(c.verdict == R for c in CLAIMS) == 12


@pytest.mark.skipif(not REVIEW.is_file(), reason="the source review is not available here")
def test_table_covers_every_qualify_and_remove_claim_in_the_review():
    rows = re.findall(r"^\|\s*(\d+-C\d+)\s*\|[^|]*\|\s*(KEEP|QUALIFY|REMOVE)\s*\|", REVIEW.read_text(), re.M)
    expected = {cid: verdict for cid, verdict in rows if verdict != "KEEP"}
    assert expected, "no claims parsed from the review"
    assert {c.cid: c.verdict for c in CLAIMS} == expected
