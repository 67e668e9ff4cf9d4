"""Item analysis checked against numbers worked out by hand in the comments, not by the code under test."""

from __future__ import annotations

import math

import pytest

from course.instructor.statistics import (
    MIN_ATTEMPTS,
    TOO_EASY,
    TOO_HARD,
    WEAK_DISCRIMINATION,
    ItemStats,
    QuizStats,
    verdict,
)
from course.instructor.statistics import analyse as analyse_with_minimum


def analyse(attempts):
    """These datasets are small on purpose, to be worked by hand: judge every question however few answers."""
    return analyse_with_minimum(attempts, min_responses=1)


# Dataset A: five attempts, every one served the same three questions.
#
#   attempt   a  b  c   total
#      1      1  1  1     3
#      2      1  1  0     2
#      3      1  0  1     2
#      4      0  1  0     1
#      5      0  0  0     0
FIXED = [
    {"a": 1, "b": 1, "c": 1},
    {"a": 1, "b": 1, "c": 0},
    {"a": 1, "b": 0, "c": 1},
    {"a": 0, "b": 1, "c": 0},
    {"a": 0, "b": 0, "c": 0},
]

# Dataset B: six attempts, each served two of the pool {a, b, c}; every question was served four times.
#
#   attempt   a  b  c   total
#      1      1  1  .     2
#      2      1  .  0     1
#      3      .  0  1     1
#      4      0  0  .     0
#      5      1  .  1     2
#      6      .  1  0     1
DRAWN = [
    {"a": 1, "b": 1},
    {"a": 1, "c": 0},
    {"b": 0, "c": 1},
    {"a": 0, "b": 0},
    {"a": 1, "c": 1},
    {"b": 1, "c": 0},
]


def item(stats: QuizStats, question_id: str) -> ItemStats:
    return next(i for i in stats.items if i.question_id == question_id)


def test_facility_and_sd_of_each_question():
    stats = analyse(FIXED)
    # a: 1,1,1,0,0 -> mean 3/5 = 60%. Deviations .4,.4,.4,-.6,-.6 -> SS = 3(.16) + 2(.36) = 1.2;
    #    sample var = 1.2/4 = .3 -> SD = sqrt(.3) = .5477 -> 54.77%.
    # b: 1,1,0,1,0 -> 60%, same spread as a.  c: 1,0,1,0,0 -> 40%, SS = 2(.36) + 3(.16) = 1.2 -> same SD.
    assert [i.question_id for i in stats.items] == ["a", "b", "c"]
    assert [i.responses for i in stats.items] == [5, 5, 5]
    assert [i.facility for i in stats.items] == pytest.approx([60.0, 60.0, 40.0])
    assert [i.sd for i in stats.items] == pytest.approx([54.772256] * 3)


def test_discrimination_is_pearson_r_with_the_rest_of_the_attempt():
    stats = analyse(FIXED)
    # a vs rest (b+c) = 2,1,1,1,0 (mean 1, deviations 1,0,0,0,-1, SS 2, var .5).
    #   cov = [.4(1) + .4(0) + .4(0) - .6(0) - .6(-1)] / 4 = 1.0/4 = .25
    #   r = .25 / sqrt(.3 x .5) = .25 / .387298 = .645497
    assert item(stats, "a").discrimination == pytest.approx(64.5497, abs=1e-3)
    # b vs rest (a+c) = 2,1,2,0,0 (mean 1, deviations 1,0,1,-1,-1):
    #   cov = [.4(1) + .4(0) - .6(1) + .4(-1) - .6(-1)] / 4 = 0 -> r = 0
    assert item(stats, "b").discrimination == pytest.approx(0.0, abs=1e-9)
    # c vs rest (a+b) = 2,2,1,1,0 (mean 1.2, deviations .8,.8,-.2,-.2,-1.2, SS 2.8, var .7).
    #   cov = [.6(.8) - .4(.8) + .6(-.2) - .4(-.2) - .4(-1.2)] / 4 = (.48-.32-.12+.08+.48)/4 = .6/4 = .15
    #   r = .15 / sqrt(.3 x .7) = .15 / .458258 = .327327
    assert item(stats, "c").discrimination == pytest.approx(32.7327, abs=1e-3)


def test_rest_score_excludes_the_item_itself():
    # Against the full total (3,2,2,1,0, deviations 1.4,.4,.4,-.6,-1.6, var 1.3) a would correlate
    # [.4(1.4) + .4(.4) + .4(.4) - .6(-.6) - .6(-1.6)] / 4 = 2.2/4 = .55 -> .55 / sqrt(.3 x 1.3) = .8807.
    assert item(analyse(FIXED), "a").discrimination < 80


def test_discriminative_efficiency():
    stats = analyse(FIXED)
    # a: actual pairs (1,2),(1,1),(1,1),(0,1),(0,0) are already both ascending, so cov = max cov -> 100.
    assert item(stats, "a").efficiency == pytest.approx(100.0)
    # b: cov is 0, so 0 (not None: the max cov, b sorted 0,0,1,1,1 with rest sorted 0,0,1,2,2, is
    #    [(-.6)(-1) + (-.6)(-1) + .4(0) + .4(1) + .4(1)] / 4 = 2.0/4 = .5).
    assert item(stats, "b").efficiency == pytest.approx(0.0, abs=1e-9)
    # c: sorted c 0,0,0,1,1 (dev -.4,-.4,-.4,.6,.6) with sorted rest 0,1,1,2,2 (dev -1.2,-.2,-.2,.8,.8):
    #    max cov = (.48 + .08 + .08 + .48 + .48) / 4 = 1.6/4 = .4 -> .15 / .4 = 37.5%.
    assert item(stats, "c").efficiency == pytest.approx(37.5)


def test_quiz_level_numbers_and_alpha():
    stats = analyse(FIXED)
    # Scores 100, 66.67, 66.67, 33.33, 0 -> mean 160/3 = 53.33%.
    # Totals 3,2,2,1,0: mean 1.6, deviations 1.4,.4,.4,-.6,-1.6, SS = 1.96+.16+.16+.36+2.56 = 5.2, var 1.3.
    #   SD of scores = (100/3) sqrt(1.3) = 38.0058.
    # alpha = 3/2 x (1 - (.3+.3+.3)/1.3) = 1.5 x .4/1.3 = 6/13 = .461538
    # SEM = (100/3) sqrt(1.3) x sqrt(1 - 6/13) = (100/3) sqrt(1.3 x 7/13) = (100/3) sqrt(.7) = 27.8887
    assert stats.attempts == 5
    assert stats.questions_per_attempt == 3
    assert stats.mean == pytest.approx(53.3333, abs=1e-3)
    assert stats.sd == pytest.approx(38.0058, abs=1e-3)
    assert stats.alpha == pytest.approx(6 / 13)
    assert stats.sem == pytest.approx(100 / 3 * math.sqrt(0.7))


def test_random_draws_use_only_the_attempts_that_served_each_question():
    stats = analyse(DRAWN)
    a, b, c = stats.items
    assert [i.responses for i in stats.items] == [4, 4, 4]
    # a: attempts 1,2,4,5 -> marks 1,1,0,1 (75%); deviations .25,.25,-.75,.25, SS .75, var .25 -> SD 50%.
    #    rest = the other served mark: 1 (b), 0 (c), 0 (b), 1 (c); mean .5, SS 1, var 1/3.
    #    cov = [.25(.5) + .25(-.5) - .75(-.5) + .25(.5)] / 3 = .5/3 = 1/6
    #    r = (1/6) / sqrt(.25 x 1/3) = sqrt(12)/6 = .57735; pairs already ascending together -> efficiency 100.
    assert (a.facility, a.sd) == pytest.approx((75.0, 50.0))
    assert a.discrimination == pytest.approx(100 / math.sqrt(3))
    assert a.efficiency == pytest.approx(100.0)
    # b: attempts 1,3,4,6 -> 1,0,0,1 (50%, var 1/3); rest 1 (a), 1 (c), 0 (a), 0 (c).
    #    cov = [.5(.5) - .5(.5) - .5(-.5) + .5(-.5)] / 3 = 0.
    assert (b.facility, b.sd) == pytest.approx((50.0, 100 * math.sqrt(1 / 3)))
    assert b.discrimination == pytest.approx(0.0, abs=1e-9)
    # c: attempts 2,3,5,6 -> 0,1,1,0 (50%, var 1/3); rest 1 (a), 0 (b), 1 (a), 1 (b): mean .75, var .25.
    #    cov = [-.5(.25) + .5(-.75) + .5(.25) - .5(.25)] / 3 = -.5/3 = -1/6 -> r = -.57735.
    #    max cov: sorted 0,0,1,1 with 0,1,1,1 = [-.5(-.75) - .5(.25) + .5(.25) + .5(.25)] / 3 = 1/6 -> -100.
    assert c.discrimination == pytest.approx(-100 / math.sqrt(3))
    assert c.efficiency == pytest.approx(-100.0)
    assert c.flags == (WEAK_DISCRIMINATION,)


def test_alpha_with_random_draws_can_be_negative_and_then_has_no_sem():
    stats = analyse(DRAWN)
    # Totals 2,1,1,0,2,1: sum 7, sum of squares 11 -> SS = 11 - 49/6 = 17/6, var = 17/30.
    # k = 2 per attempt, pool of 3: expected sum of served variances = 2 x (1/4 + 1/3 + 1/3)/3 = 11/18.
    # alpha = 2/1 x (1 - (11/18)/(17/30)) = 2 x (1 - 330/306) = -48/306 = -.156863
    # Scores 100,50,50,0,100,50: mean 350/6 = 58.33, SD = 50 sqrt(17/30) = 37.6386.
    assert stats.questions_per_attempt == 2
    assert stats.alpha == pytest.approx(-48 / 306)
    assert stats.mean == pytest.approx(350 / 6)
    assert stats.sd == pytest.approx(50 * math.sqrt(17 / 30))
    assert stats.sem is None


def test_alpha_averages_only_the_item_variances_that_exist():
    # a: 1,0,1 (var: mean 2/3, SS 1/9+4/9+1/9 = 2/3, /2 = 1/3); b: 1,0 (var .5/1 = .5); c: one response, none.
    # Totals 2,0,1: mean 1, var (1+1+0)/2 = 1.
    # Expected sum = k x mean(1/3, 1/2) = 2 x 5/12 = 5/6 -> alpha = 2 x (1 - 5/6) = 1/3.
    # (Counting c's variance as 0 would give 2 x (1 - 5/9) = 8/9 instead.)
    stats = analyse([{"a": 1, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "c": 0}])
    assert stats.alpha == pytest.approx(1 / 3)


def test_partial_marks():
    # x: .5, 1, 0 -> mean .5 = 50%; deviations 0,.5,-.5, SS .5, var .25 -> SD 50%.
    # rest (y): 0, 1, 0.5 -> mean .5, deviations -.5,.5,0, SS .5, var .25.
    # cov = [0(-.5) + .5(.5) - .5(0)] / 2 = .125 -> r = .125 / .25 = .5.
    stats = analyse([{"x": 0.5, "y": 0}, {"x": 1, "y": 1}, {"x": 0, "y": 0.5}])
    x = item(stats, "x")
    assert (x.facility, x.sd, x.discrimination) == pytest.approx((50.0, 50.0, 50.0))


def test_no_spread_means_no_correlation():
    # Everyone got q right: its variance is 0, so r and efficiency are undefined, and it is too easy
    # without also being called weakly discriminating.
    stats = analyse([{"q": 1, "r": 1}, {"q": 1, "r": 0}, {"q": 1, "r": 1}])
    q = item(stats, "q")
    assert q.sd == pytest.approx(0.0)
    assert (q.discrimination, q.efficiency) == (None, None)
    assert q.flags == (TOO_EASY,)
    # r varies, but its rest (q) does not: undefined too.
    r = item(stats, "r")
    assert (r.discrimination, r.efficiency) == (None, None)


def test_a_single_response_has_no_sd_or_correlation():
    stats = analyse([{"a": 1, "b": 0}, {"a": 0, "c": 1}])
    b = item(stats, "b")
    assert b.responses == 1
    assert (b.sd, b.discrimination, b.efficiency) == (None, None, None)


def test_quiz_numbers_that_do_not_exist():
    assert analyse([]) == QuizStats(
        attempts=0,
        questions_per_attempt=None,
        mean=None,
        sd=None,
        alpha=None,
        sem=None,
        enough_data=False,
        items=(),
    )
    one = analyse([{"a": 1, "b": 0}])
    assert (one.mean, one.sd, one.alpha, one.sem) == (50.0, None, None, None)
    # One question per attempt: k / (k - 1) is undefined.
    assert analyse([{"a": 1}, {"a": 0}, {"b": 1}]).alpha is None
    # Identical totals: no variance to explain.
    assert analyse([{"a": 1, "b": 0}, {"a": 0, "b": 1}]).alpha is None
    # Attempts of different lengths: the formula's k does not exist.
    uneven = analyse([{"a": 1, "b": 1}, {"a": 0, "b": 0}, {"a": 1, "b": 0, "c": 1}])
    assert (uneven.questions_per_attempt, uneven.alpha, uneven.sem) == (None, None, None)
    assert uneven.attempts == 3


def test_empty_attempts_are_left_out():
    assert analyse([{}, *FIXED, {}]) == analyse(FIXED)


@pytest.mark.parametrize("mark", [-0.1, 1.5, float("nan")])
def test_marks_outside_zero_to_one_are_refused(mark):
    with pytest.raises(ValueError, match="between 0 and 1"):
        analyse([{"a": mark}])


def test_difficulty_flags_at_their_boundaries():
    # 3 right of 10 = exactly 30%: not too hard. 2 of 10 = 20%: too hard.
    def facility_of(right: int, of: int) -> ItemStats:
        return analyse([{"q": 1 if n < right else 0} for n in range(of)]).items[0]

    assert facility_of(3, 10).facility == 30.0
    assert TOO_HARD not in facility_of(3, 10).flags
    assert TOO_HARD in facility_of(2, 10).flags
    # 19 right of 20 = exactly 95%: not too easy. 20 of 20: too easy.
    assert facility_of(19, 20).facility == 95.0
    assert TOO_EASY not in facility_of(19, 20).flags
    assert TOO_EASY in facility_of(20, 20).flags


def test_weak_discrimination_flag():
    stats = analyse(FIXED)
    assert item(stats, "a").flags == ()  # r = 64.5
    assert item(stats, "c").flags == ()  # r = 32.7, facility 40
    assert item(stats, "b").flags == (WEAK_DISCRIMINATION,)  # r = 0


def test_enough_data_from_ten_attempts():
    assert MIN_ATTEMPTS == 10
    assert analyse([{"a": 1}] * 9).enough_data is False
    assert analyse([{"a": 1}] * 10).enough_data is True
    # Empty attempts do not count towards it.
    assert analyse([{"a": 1}] * 9 + [{}]).enough_data is False


def test_results_are_immutable():
    stats = analyse(FIXED)
    with pytest.raises(AttributeError):
        stats.alpha = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        stats.items[0].facility = 0.0  # type: ignore[misc]


def test_no_flag_below_the_minimum_sample_and_a_verdict_in_plain_words():
    hard = [{"q": 1 if n < 2 else 0} for n in range(10)]  # 20%: too hard, on 10 answers
    judged, unjudged = analyse_with_minimum(hard, 10).items[0], analyse_with_minimum(hard, 20).items[0]
    assert judged.flags == (TOO_HARD,) and unjudged.flags == ()
    assert verdict(judged, 10) == "Most trainees get this wrong: check the key or the lesson."
    assert verdict(unjudged, 20) == "Too few answers to judge yet (10 of the 20 needed)."
    assert verdict(analyse_with_minimum([{"q": 1}, {"q": 0}] * 10, 20).items[0], 20) == "Works as intended."
