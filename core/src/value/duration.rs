//! The `duration` type: ISO 8601 durations, read as frictionless-py reads them (through
//! `isodate.parse_duration`).
//!
//! The usual form is `[+-]P[nY][nM][nW][nD][T[nH][nM][nS]]`, each `n` digits with an
//! optional fraction after `.` or `,`, the components in that order, any of them left out
//! (`P3W`, `PT0.5S`, `P1Y2M3DT4H5M6S`; even `PT` and `P1DT`, which isodate accepts).
//! `P` alone is not a duration. The alternative form `PYYYY-MM-DDThh:mm:ss` (or
//! `PYYYYMMDDThhmmss`) is read too: a valid calendar date and time whose parts count
//! years, months, days, hours, minutes and seconds.
//!
//! Two durations are the same when their months (years count twelve) and the rest, in
//! microseconds, are the same: `P1D` is `PT24H`, `P1Y` is `P12M`, and a month is never a
//! number of days. The rest must fit Python's `timedelta` (under a billion days), as
//! frictionless-py requires.
//!
//! Parsing allocates nothing: durations are read per cell.

/// A parsed duration, in the parts that make it comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    /// Years × 12 + months, in billionths of a month (fractions are allowed: `P1.5Y`).
    pub nanomonths: i64,
    /// The rest, in whole seconds (rounded down) ...
    pub seconds: i64,
    /// ... and microseconds, `0..1_000_000`.
    pub micros: u32,
}

/// Microseconds per unit, in picomicroseconds (10⁻¹² µs): fractions are summed exactly.
const PICO: i128 = 1_000_000_000_000;
const MICROS_PER_DAY: i128 = 86_400_000_000;
/// Python's `timedelta` holds at most 999 999 999 days.
const MAX_DAYS: i128 = 999_999_999;

/// Reads a duration, or `None` when the text is not one.
pub fn parse(s: &str) -> Option<Duration> {
    // Python's `$` also matches before one final line end.
    let b = s.as_bytes();
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    designators(b).or_else(|| alternative(s.as_bytes()))
}

/// A number `digits[(.|,)digits]`: its integer part and its fraction as (digits, count),
/// the fraction cut to 12 digits, and the bytes used.
fn number(b: &[u8]) -> Option<(u128, u64, u32, usize)> {
    let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 {
        return None;
    }
    let int = b[..int_len].iter().try_fold(0u128, |v, d| {
        v.checked_mul(10)?.checked_add(u128::from(d - b'0'))
    })?;
    let mut used = int_len;
    let (mut frac, mut frac_digits) = (0u64, 0u32);
    if matches!(b.get(used), Some(b'.' | b',')) {
        let n = b[used + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return Some((int, 0, 0, used));
        }
        for d in &b[used + 1..used + 1 + n.min(12)] {
            frac = frac * 10 + u64::from(d - b'0');
            frac_digits += 1;
        }
        used += 1 + n;
    }
    Some((int, frac, frac_digits, used))
}

/// `value × unit`, where value is `int.frac` and `frac` has `digits` digits, in the unit's
/// own scale.
fn scaled(int: u128, frac: u64, digits: u32, unit: i128) -> Option<i128> {
    let whole = i128::try_from(int).ok()?.checked_mul(unit)?;
    let part = i128::from(frac).checked_mul(unit)? / 10i128.pow(digits);
    whole.checked_add(part)
}

/// The designator form, `[+-]P[nY][nM][nW][nD][T[nH][nM][nS]]`.
fn designators(b: &[u8]) -> Option<Duration> {
    let (negative, rest) = match b {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    let mut rest = rest.strip_prefix(b"P")?;
    if rest.is_empty() {
        return None;
    }
    // (designator, months per unit in billionths, picomicroseconds per unit)
    const DATE: [(u8, i128, i128); 4] = [
        (b'Y', 12_000_000_000, 0),
        (b'M', 1_000_000_000, 0),
        (b'W', 0, 7 * MICROS_PER_DAY * PICO),
        (b'D', 0, MICROS_PER_DAY * PICO),
    ];
    const TIME: [(u8, i128, i128); 3] = [
        (b'H', 0, 3_600_000_000 * PICO),
        (b'M', 0, 60_000_000 * PICO),
        (b'S', 0, 1_000_000 * PICO),
    ];
    let (mut months, mut picos) = (0i128, 0i128);
    let mut read = |rest: &mut &[u8], units: &[(u8, i128, i128)]| -> Option<()> {
        let mut next = 0;
        while let Some((int, frac, digits, used)) = number(rest) {
            let letter = *rest.get(used)?;
            let at = units[next..].iter().position(|u| u.0 == letter)? + next;
            let (_, per_month, per_pico) = units[at];
            months = months.checked_add(scaled(int, frac, digits, per_month)?)?;
            picos = picos.checked_add(scaled(int, frac, digits, per_pico)?)?;
            next = at + 1;
            *rest = &rest[used + 1..];
        }
        Some(())
    };
    read(&mut rest, &DATE)?;
    if let Some(time) = rest.strip_prefix(b"T") {
        rest = time;
        read(&mut rest, &TIME)?;
    }
    if !rest.is_empty() {
        return None;
    }
    duration(negative, months, round_half_even(picos))
}

/// Picomicroseconds to microseconds, ties to even (as `timedelta` rounds).
fn round_half_even(picos: i128) -> i128 {
    let (q, r) = (picos.div_euclid(PICO), picos.rem_euclid(PICO));
    if r * 2 > PICO || (r * 2 == PICO && q % 2 != 0) {
        q + 1
    } else {
        q
    }
}

/// The duration of `months` (billionths) and `micros`, both non-negative, negated when
/// `negative`; `None` beyond what `timedelta` holds.
fn duration(negative: bool, months: i128, micros: i128) -> Option<Duration> {
    if micros.div_euclid(MICROS_PER_DAY) > MAX_DAYS
        || (negative && micros > MAX_DAYS * MICROS_PER_DAY)
    {
        return None;
    }
    let sign = if negative { -1 } else { 1 };
    let micros = sign * micros;
    Some(Duration {
        nanomonths: i64::try_from(sign * months).ok()?,
        seconds: i64::try_from(micros.div_euclid(1_000_000)).ok()?,
        micros: u32::try_from(micros.rem_euclid(1_000_000)).ok()?,
    })
}

/// The alternative form, `PYYYY-MM-DDThh:mm:ss` or `PYYYYMMDDThhmmss`: a real date and time
/// (year 1 or later), read as years, months, days, hours, minutes and seconds.
fn alternative(b: &[u8]) -> Option<Duration> {
    let b = b.strip_prefix(b"P")?;
    let t = b.iter().position(|&c| c == b'T')?;
    let (date, time) = (&b[..t], &b[t + 1..]);
    let n = |d: &[u8]| -> Option<i128> {
        (!d.is_empty() && d.iter().all(u8::is_ascii_digit))
            .then(|| d.iter().fold(0i128, |v, c| v * 10 + i128::from(c - b'0')))
    };
    let (y, m, d) = match date {
        [y @ .., b'-', m1, m2, b'-', d1, d2] if y.len() == 4 => (y, [*m1, *m2], [*d1, *d2]),
        [_, _, _, _, m1, m2, d1, d2] => (&date[..4], [*m1, *m2], [*d1, *d2]),
        _ => return None,
    };
    let (y, m, d) = (n(y)?, n(&m)?, n(&d)?);
    let real = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    );
    if y < 1 || real.is_none() {
        return None;
    }
    let (hh, mm, ss) = match time {
        [h1, h2, b':', m1, m2, b':', s1, s2] | [h1, h2, m1, m2, s1, s2] => {
            (n(&[*h1, *h2])?, n(&[*m1, *m2])?, n(&[*s1, *s2])?)
        }
        _ => return None,
    };
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let micros = ((d * 24 + hh) * 60 + mm) * 60_000_000 + ss * 1_000_000;
    duration(false, (y * 12 + m) * 1_000_000_000, micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What frictionless-py 5.18.1 says of each text (valid or `type-error`).
    #[test]
    fn reads_what_frictionless_reads() {
        for ok in [
            "P1Y2M3DT4H5M6S",
            "PT0.5S",
            "P3W",
            "PT",
            "P1YT",
            "-P1D",
            "+P1D",
            "P1,5D",
            "P1D\n",
            "P1DT",
            "P0001-02-03T04:05:06",
            "P00010203T040506",
            "P999999999D",
            "PT1H1S",
            "P1.5Y",
            "P1W2D",
            "PT1.5H30M",
            "PT36H",
            "P1DT24H",
            "P1Y1M1W1DT1H1M1S",
        ] {
            assert!(parse(ok).is_some(), "{ok:?}");
        }
        for bad in [
            "P",
            "-P",
            " P1D",
            "p1d",
            "P2000-01-01",
            "P0000-01-01T00:00:00",
            "P1000000000D",
            "P1M1Y",
            "P1.Y",
            "P.5Y",
            "P1D\n\n",
            "1D",
            "P1H",
            "PT1D",
            "P1D2D",
            "P\u{661}D",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_same_duration_written_two_ways_is_equal() {
        let d = |s: &str| parse(s).expect(s);
        assert_eq!(d("P1D"), d("PT24H"));
        assert_eq!(d("P1W"), d("P7D"));
        assert_eq!(d("PT1.5H"), d("PT90M"));
        assert_eq!(d("P1Y"), d("P12M"));
        assert_eq!(d("P1.5Y"), d("P18M"));
        assert_ne!(d("P1M"), d("P30D"));
        assert_eq!(d("PT0.5S"), d("PT0,5S"));
        assert_eq!(
            d("-PT1.5S"),
            Duration {
                nanomonths: 0,
                seconds: -2,
                micros: 500_000
            }
        );
        assert_eq!(
            d("P0001-02-03T04:05:06"),
            Duration {
                nanomonths: 14_000_000_000,
                seconds: ((3 * 24 + 4) * 60 + 5) * 60 + 6,
                micros: 0
            }
        );
        assert_eq!(d("P0001-02-03T04:05:06"), d("P00010203T040506"));
        // timedelta rounds to the microsecond, ties to even.
        assert_eq!(d("PT0.0000005S"), d("PT0S"));
        assert_eq!(d("PT0.0000015S"), d("PT0.000002S"));
    }

    #[test]
    fn the_timedelta_limits_hold() {
        assert!(parse("P999999999DT23H59M59.999999S").is_some());
        assert!(parse("P999999999DT24H").is_none());
        assert!(parse("-P999999999D").is_some());
        assert!(parse("-P999999999DT1S").is_none());
        assert!(parse(&format!("P{}D", "9".repeat(60))).is_none());
    }
}
