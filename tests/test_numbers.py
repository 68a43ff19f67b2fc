from decimal import Decimal

import pytest

from reportgen.numbers import NumberFormatError, fmt_points, fmt_rate, parse_decimal, round2


@pytest.mark.parametrize(("text", "expected"), [
    ("6,927.32", "6927.32"),
    ("６９２７．３２", "6927.32"),
    ("６，９２７．３２", "6927.32"),
    ("6927.32万元", "6927.32"),
    (" 407.30 ", "407.30"),
    ("-5.76", "-5.76"),
    ("－５．７６", "-5.76"),
])
def test_amounts_are_read_exactly(text, expected):
    assert parse_decimal(text) == Decimal(expected)


def test_percent_only_where_allowed():
    assert parse_decimal("92.31%", allow_percent=True) == Decimal("92.31")
    assert parse_decimal("９２．３１％", allow_percent=True) == Decimal("92.31")
    with pytest.raises(NumberFormatError, match="百分号"):
        parse_decimal("92.31%")


@pytest.mark.parametrize("bad", ["abc", "1,23.4", "", "12..3", "NaN", "Infinity", "1e30x"])
def test_non_numbers_are_refused_in_chinese(bad):
    with pytest.raises(NumberFormatError) as info:
        parse_decimal(bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_floats_never_enter():
    with pytest.raises(NumberFormatError, match="浮点"):
        parse_decimal(2.675)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2.345", "2.35"), ("0.125", "0.13"), ("2.675", "2.68"), ("-5.755", "-5.76"),
    ("92.3076923", "92.31"),
])
def test_rounding_is_half_up(raw, expected):
    assert round2(Decimal(raw)) == Decimal(expected)


def test_display_formats():
    assert fmt_rate(Decimal("348.8292")) == "348.83%"
    assert fmt_points(Decimal("3.00")) == "3"
    assert fmt_points(Decimal("0.50")) == "0.5"
    assert fmt_points(Decimal("7.46728")) == "7.47"


def test_no_negative_zero():
    from reportgen.numbers import fmt2

    assert fmt2(Decimal("-0.001")) == "0.00"
    assert fmt_rate(Decimal("-0.004")) == "0.00%"
    assert fmt2(Decimal("-0.005")) == "-0.01"


def test_report_dates_are_read_as_strptime_reads_them():
    """model._date matches its own pattern instead of calling strptime (whose first call
    builds locale tables); what it accepts and refuses is what strptime did."""
    import datetime as dt
    import itertools

    from reportgen.model import _date

    def by_strptime(text: str) -> dt.date | None:
        for fmt in ("%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                return dt.datetime.strptime(text.strip(), fmt).date()
            except ValueError:
                continue
        return None

    def ours(text: str) -> dt.date | None:
        try:
            return _date(text)
        except ValueError:
            return None

    texts = [f"{y}{a}{m}{b}{d}{c}" for y, m, d, (a, b, c) in itertools.product(
        ("2019", "2020", "0000", "201"), ("1", "02", "12", "13", "0", "00", " 1", "１"),
        ("1", "05", "29", "30", "31", "32", "0", " 3", "003"),
        (("-", "-", ""), ("年", "月", "日"), ("/", "/", ""), (".", ".", ""), ("-", "/", ""),
         ("年", "月", ""), ("-", "-", "日")))]
    texts += [" 2019-6-5 ", "２０１９-０６-１５", "20190615", "2019-06-15T00:00", ""]
    assert sum(by_strptime(t) is not None for t in texts) > 100  # both sides are exercised
    assert [ours(t) for t in texts] == [by_strptime(t) for t in texts]
