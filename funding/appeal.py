"""When the time to appeal a decision (laglighetsprövning) runs out.

13 kap. 5 § kommunallagen (2017:725): an appeal must reach the court within three weeks from
the day the approval of the minutes (justeringen) was posted on the region's notice board
(anslagstavlan). Lagen (1930:173) om beräkning av lagstadgad tid: when the last day falls on a
Saturday, a Sunday or another public holiday (lagen (1989:253) om allmänna helgdagar),
midsommarafton, julafton or nyårsafton, the appeal may come in on the next weekday.
"""

from datetime import date, timedelta

APPEAL_PERIOD = timedelta(weeks=3)


def _easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _closed_days(year: int) -> set[date]:
    """The weekday holidays and eves on which a time limit does not end (Sundays and
    Saturdays are closed anyway: midsommardagen and alla helgons dag fall on a Saturday)."""
    easter = _easter_sunday(year)
    midsummer_eve = next(d for d in (date(year, 6, 19 + n) for n in range(7)) if d.weekday() == 4)
    fixed = {(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)}
    return {date(year, m, d) for m, d in fixed} | {
        easter - timedelta(days=2),  # långfredagen
        easter + timedelta(days=1),  # annandag påsk
        easter + timedelta(days=39),  # Kristi himmelsfärds dag
        midsummer_eve,
    }


def is_closed(day: date) -> bool:
    return day.weekday() >= 5 or day in _closed_days(day.year)


def appeal_period_end(posted_on: date) -> date:
    """The last day an appeal can come in, for minutes whose approval was posted that day."""
    last = posted_on + APPEAL_PERIOD
    while is_closed(last):
        last += timedelta(days=1)
    return last
