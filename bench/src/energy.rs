//! The generator of smart-meter readings: fictional customers, each with one meter, and a
//! half-hourly load curve for all of them.
//!
//! Rows come time-major: every meter's reading for one half-hour, then the next half-hour,
//! so a file of any length (`--target-mb`) holds whole steps of the curve and the primary
//! key (`prm`, `timestamp`) never repeats. Customers are dealt round-robin over the first
//! `meters / 6` départements of [`DEPARTEMENTS`], so every département in a file has at
//! least six customers (k-anonymity on the département holds with k = 5).
//!
//! Everything is drawn from [`SplitMix64`] streams seeded by [`Settings::seed`], and kWh
//! values are computed in integers, so a seed gives the same bytes on every platform.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Weekday};

use crate::comments::{Comment, Planted, Subject};
use crate::france::{
    self, BUILDINGS, DEPARTEMENTS, EMAIL_DOMAINS, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES,
    STREET_NAMES, STREET_TYPES, SURNAMES, Sex,
};
use crate::prng::SplitMix64;

/// Most meters one generator makes (customer numbers have 7 digits).
pub const MAX_METERS: u32 = 10_000_000;

/// Customers per département, at least (when there are that many meters).
pub const MIN_PER_DEPARTEMENT: u32 = 6;

/// Length of a reading interval.
pub const STEP_MINUTES: i64 = 30;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Number of meters (and customers).
    pub meters: u32,
    pub seed: u64,
    /// Local (Europe/Paris) time of the first reading.
    pub start: NaiveDateTime,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            meters: 1000,
            seed: 1,
            start: default_start(),
        }
    }
}

/// 2024-01-15 18:00, Paris time: a winter Monday evening, at the daily peak.
pub fn default_start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, 15)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .expect("2024-01-15 18:00 is a valid date and time")
}

/// Settings the generator refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("meters must be between 1 and {MAX_METERS} (got {0})")]
    Meters(u32),
    #[error("start {0} is before 2020-01-01, the schema's minimum timestamp")]
    TooEarly(NaiveDateTime),
    #[error("start {0} does not exist in Paris time (clocks go forward at 02:00)")]
    SkippedByDst(NaiveDateTime),
}

/// Tariff of the supply contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    Base,
    /// Heures pleines / heures creuses: water heater runs at night.
    Hphc,
    Tempo,
    Ejp,
}

impl Contract {
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Base => "BASE",
            Contract::Hphc => "HPHC",
            Contract::Tempo => "TEMPO",
            Contract::Ejp => "EJP",
        }
    }
}

/// A meter and the customer it supplies.
#[derive(Debug, Clone)]
pub struct Meter {
    pub prm: String,
    pub customer_id: String,
    pub full_name: String,
    pub surname: &'static str,
    pub sex: Sex,
    /// Empty for a few customers.
    pub email: String,
    /// Empty for a few customers.
    pub phone: String,
    pub address: String,
    pub postcode: &'static str,
    pub city: &'static str,
    /// `75`, `2A`, ...
    pub departement: &'static str,
    pub contract: Contract,
    landline: char,
    /// Mean consumption of a half-hour at shape 1000, in Wh.
    base_wh: u64,
    electric_heating: bool,
}

/// One reading, borrowed from the generator until the next one.
#[derive(Debug)]
pub struct Row<'a> {
    pub meter: &'a Meter,
    /// ISO 8601 with the Paris offset, e.g. `2024-01-15T18:00:00+01:00`.
    pub timestamp: &'a str,
    /// Energy in Wh (thousandths of a kWh), 50 to 3500.
    pub wh: u32,
    pub comment: &'a str,
    /// Values planted in the comment.
    pub planted: &'a [Planted],
}

/// Where the generator is in time.
#[derive(Debug)]
struct Step {
    index: u64,
    timestamp: String,
    /// 0 (00:00) to 47 (23:30), local time.
    half_hour: usize,
    /// 0 (January) to 11.
    month: usize,
    weekend: bool,
}

/// Makes readings, one [`Row`] at a time.
#[derive(Debug)]
pub struct Generator {
    meters: Vec<Meter>,
    rng: SplitMix64,
    start_utc: NaiveDateTime,
    next: u64,
    step: Step,
    comment: Comment,
}

impl Generator {
    pub fn new(settings: &Settings) -> Result<Generator, SettingsError> {
        if settings.meters == 0 || settings.meters > MAX_METERS {
            return Err(SettingsError::Meters(settings.meters));
        }
        if settings.start.year() < 2020 {
            return Err(SettingsError::TooEarly(settings.start));
        }
        let start_utc =
            paris_to_utc(settings.start).ok_or(SettingsError::SkippedByDst(settings.start))?;
        let keys = SplitMix64::new(settings.seed).next_u64();
        let meters = (0..settings.meters)
            .map(|i| meter(settings.seed, keys, i, settings.meters))
            .collect();
        let mut g = Generator {
            meters,
            rng: SplitMix64::stream(settings.seed, u64::MAX),
            start_utc,
            next: 0,
            step: Step {
                index: u64::MAX,
                timestamp: String::new(),
                half_hour: 0,
                month: 0,
                weekend: false,
            },
            comment: Comment::default(),
        };
        g.enter_step(0);
        Ok(g)
    }

    /// The meters, in the order their readings come within a step.
    pub fn meters(&self) -> &[Meter] {
        &self.meters
    }

    /// The next reading.
    pub fn next_row(&mut self) -> Row<'_> {
        let n = self.meters.len() as u64;
        let (step, i) = (self.next / n, (self.next % n) as usize);
        self.next += 1;
        if step != self.step.index {
            self.enter_step(step);
        }
        let meter = &self.meters[i];
        let wh = consumption(meter, &self.step, &mut self.rng);
        self.comment.write(
            &mut self.rng,
            &Subject {
                surname: meter.surname,
                sex: meter.sex,
                prm: &meter.prm,
                email: &meter.email,
                phone: &meter.phone,
                landline: meter.landline,
                departement: meter.departement,
            },
        );
        Row {
            meter,
            timestamp: &self.step.timestamp,
            wh,
            comment: &self.comment.text,
            planted: &self.comment.planted,
        }
    }

    fn enter_step(&mut self, index: u64) {
        let minutes = i64::try_from(index)
            .ok()
            .and_then(|i| i.checked_mul(STEP_MINUTES))
            .unwrap_or(i64::MAX / 120);
        let utc = self.start_utc + TimeDelta::minutes(minutes);
        let offset = paris_offset(utc);
        let local = utc + TimeDelta::seconds(i64::from(offset));
        let s = &mut self.step;
        s.index = index;
        s.half_hour = (local.hour() * 2 + local.minute() / 30) as usize;
        s.month = local.month0() as usize;
        s.weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
        s.timestamp.clear();
        push_padded(&mut s.timestamp, i64::from(local.year()), 4);
        s.timestamp.push('-');
        push_padded(&mut s.timestamp, i64::from(local.month()), 2);
        s.timestamp.push('-');
        push_padded(&mut s.timestamp, i64::from(local.day()), 2);
        s.timestamp.push('T');
        push_padded(&mut s.timestamp, i64::from(local.hour()), 2);
        s.timestamp.push(':');
        push_padded(&mut s.timestamp, i64::from(local.minute()), 2);
        s.timestamp.push_str(":00+0");
        s.timestamp.push(if offset == 7200 { '2' } else { '1' });
        s.timestamp.push_str(":00");
    }
}

fn push_padded(out: &mut String, n: i64, width: usize) {
    let digits = n.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// The last Sunday of a 31-day month.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, month, 31)
        .expect("March and October have 31 days in every supported year");
    last - Days::new(u64::from(last.weekday().num_days_from_sunday()))
}

/// Offset of Paris time at a UTC instant, in seconds: summer time (+02:00) from the last
/// Sunday of March to the last Sunday of October, 01:00 UTC both (EU rule since 1996).
pub fn paris_offset(utc: NaiveDateTime) -> i32 {
    let y = utc.year();
    let begins = last_sunday(y, 3).and_hms_opt(1, 0, 0);
    let ends = last_sunday(y, 10).and_hms_opt(1, 0, 0);
    match (begins, ends) {
        (Some(b), Some(e)) if utc >= b && utc < e => 7200,
        _ => 3600,
    }
}

/// The UTC instant of a Paris local time; the earlier one when the time occurs twice (in
/// October), `None` when it is skipped (in March).
pub fn paris_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    [7200, 3600].into_iter().find_map(|offset| {
        let utc = local - TimeDelta::seconds(i64::from(offset));
        (paris_offset(utc) == offset).then_some(utc)
    })
}

/// Builds meter `i` of `total` from its own random stream.
fn meter(seed: u64, keys: u64, i: u32, total: u32) -> Meter {
    let mut rng = SplitMix64::stream(seed, u64::from(i));
    // Ids are affine bijections of the index, so they never repeat.
    const PRM_SPACE: u64 = 100_000_000_000_000;
    const CUSTOMER_SPACE: u64 = 10_000_000;
    let prm = ((u128::from(i) * 7_919_003_321_777 + u128::from(keys % PRM_SPACE))
        % u128::from(PRM_SPACE)) as u64;
    let customer = (u64::from(i) * 7_654_321 + (keys >> 20) % CUSTOMER_SPACE) % CUSTOMER_SPACE;

    let sex = if rng.chance(500) {
        Sex::Female
    } else {
        Sex::Male
    };
    let first = match sex {
        Sex::Female => rng.pick(FEMALE_FIRST_NAMES),
        Sex::Male => rng.pick(MALE_FIRST_NAMES),
    };
    let surname = rng.pick(SURNAMES);
    let full_name = match rng.below(100) {
        0..75 => format!("{first} {surname}"),
        75..95 => format!("{} {first}", surname.to_uppercase()),
        _ => format!("{surname}, {first}"),
    };
    let email = if rng.chance(50) {
        String::new()
    } else {
        let (f, s) = (france::email_part(first), france::email_part(surname));
        let local = match rng.below(5) {
            0 | 1 => format!("{f}.{s}"),
            2 => format!("{}.{s}", &f[..1]),
            3 => format!("{s}.{f}"),
            _ => format!("{f}.{s}{}", rng.range(1, 99)),
        };
        format!("{local}@{}", rng.pick(EMAIL_DOMAINS))
    };

    let spread = (total / MIN_PER_DEPARTEMENT).clamp(1, DEPARTEMENTS.len() as u32);
    let dept = &DEPARTEMENTS[(i % spread) as usize];
    let mut phone = String::new();
    if !rng.chance(30) {
        france::phone(&mut rng, dept.landline, &mut phone);
    }
    let city = if dept.cities.len() == 1 || rng.chance(600) {
        &dept.cities[0]
    } else {
        rng.pick_ref(&dept.cities[1..])
    };
    let postcode = rng.pick(city.postcodes);

    let mut address = String::new();
    if rng.chance(150) {
        address.push_str(rng.pick(BUILDINGS));
        address.push_str(", ");
    }
    address.push_str(&rng.range(1, 150).to_string());
    match rng.below(20) {
        0 => address.push_str(" bis"),
        1 => address.push_str(" ter"),
        _ => {}
    }
    address.push(' ');
    address.push_str(rng.pick(STREET_TYPES));
    address.push(' ');
    address.push_str(rng.pick(STREET_NAMES));

    let contract = match rng.weighted(&[55, 35, 8, 2]) {
        0 => Contract::Base,
        1 => Contract::Hphc,
        2 => Contract::Tempo,
        _ => Contract::Ejp,
    };
    Meter {
        prm: format!("{prm:014}"),
        customer_id: format!("C{customer:07}"),
        full_name,
        surname,
        sex,
        email,
        phone,
        address,
        postcode,
        city: city.name,
        departement: dept.code,
        contract,
        landline: dept.landline,
        base_wh: rng.range(120, 520),
        electric_heating: rng.chance(300),
    }
}

/// Daily shape of household consumption per half-hour (‰ of the meter's base): low at
/// night, a morning peak around 07:30 and the evening peak around 19:30.
const DAILY_SHAPE: [u64; 48] = [
    600, 560, 520, 500, 480, 470, 460, 450, 450, 460, 470, 500, // 00:00–05:30
    700, 900, 1300, 1500, 1400, 1100, 850, 800, 780, 780, 800, 850, // 06:00–11:30
    1000, 1050, 1000, 900, 780, 750, 750, 760, 780, 820, 900, 1100, // 12:00–17:30
    1500, 1800, 2000, 2100, 1900, 1700, 1500, 1300, 1100, 1000, 800, 650, // 18:00–23:30
];

/// Seasonal factor per month (‰): more lighting and heating in winter.
const SEASON: [u64; 12] = [
    1300, 1250, 1100, 950, 850, 800, 800, 780, 850, 950, 1150, 1300,
];

/// Energy of one half-hour for a meter, in Wh, between 50 and 3500.
fn consumption(meter: &Meter, step: &Step, rng: &mut SplitMix64) -> u32 {
    let mut shape = DAILY_SHAPE[step.half_hour];
    if step.weekend && (18..34).contains(&step.half_hour) {
        shape += 250;
    }
    // Off-peak hours start at 22:30: the water heater of HPHC contracts runs until 01:30.
    if meter.contract == Contract::Hphc && (step.half_hour >= 45 || step.half_hour < 3) {
        shape += 700;
    }
    let mut season = SEASON[step.month];
    if meter.electric_heating && (step.month >= 10 || step.month <= 2) {
        season = season * 16 / 10;
    }
    let noise = rng.range(800, 1200);
    let wh = meter.base_wh * shape / 1000 * season / 1000 * noise / 1000;
    wh.clamp(50, 3500) as u32
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn paris_summer_time() {
        // 2024: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC.
        assert_eq!(paris_offset(at(2024, 3, 31, 0, 59)), 3600);
        assert_eq!(paris_offset(at(2024, 3, 31, 1, 0)), 7200);
        assert_eq!(paris_offset(at(2024, 10, 27, 0, 59)), 7200);
        assert_eq!(paris_offset(at(2024, 10, 27, 1, 0)), 3600);
        assert_eq!(
            paris_to_utc(at(2024, 1, 15, 18, 0)),
            Some(at(2024, 1, 15, 17, 0))
        );
        assert_eq!(
            paris_to_utc(at(2024, 7, 1, 12, 0)),
            Some(at(2024, 7, 1, 10, 0))
        );
        assert_eq!(paris_to_utc(at(2024, 3, 31, 2, 30)), None);
        assert_eq!(
            paris_to_utc(at(2024, 10, 27, 2, 30)),
            Some(at(2024, 10, 27, 0, 30)),
            "the first of the two 02:30"
        );
    }

    #[test]
    fn timestamps_cross_the_autumn_change() {
        let mut g = Generator::new(&Settings {
            meters: 1,
            seed: 1,
            start: at(2024, 10, 27, 1, 30),
        })
        .unwrap();
        let ts: Vec<String> = (0..5).map(|_| g.next_row().timestamp.to_owned()).collect();
        assert_eq!(
            ts,
            [
                "2024-10-27T01:30:00+02:00",
                "2024-10-27T02:00:00+02:00",
                "2024-10-27T02:30:00+02:00",
                "2024-10-27T02:00:00+01:00",
                "2024-10-27T02:30:00+01:00",
            ]
        );
    }

    #[test]
    fn rows_are_time_major_and_keys_unique() {
        let mut g = Generator::new(&Settings {
            meters: 5,
            ..Settings::default()
        })
        .unwrap();
        let mut keys = BTreeSet::new();
        for i in 0..50 {
            let r = g.next_row();
            if i < 5 {
                assert_eq!(r.timestamp, "2024-01-15T18:00:00+01:00");
            }
            assert!(keys.insert((r.meter.prm.clone(), r.timestamp.to_owned())));
            assert!((50..=3500).contains(&r.wh));
        }
        assert_eq!(g.next_row().timestamp, "2024-01-15T23:00:00+01:00");
    }

    #[test]
    fn meters_have_valid_distinct_ids_and_departements_of_six() {
        let g = Generator::new(&Settings {
            meters: 40,
            seed: 9,
            ..Settings::default()
        })
        .unwrap();
        let prms: BTreeSet<&str> = g.meters().iter().map(|m| m.prm.as_str()).collect();
        let customers: BTreeSet<&str> = g.meters().iter().map(|m| m.customer_id.as_str()).collect();
        assert_eq!((prms.len(), customers.len()), (40, 40));
        let mut per_dept: BTreeMap<&str, u32> = BTreeMap::new();
        for m in g.meters() {
            assert_eq!(m.prm.len(), 14);
            assert!(m.prm.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(m.customer_id.len(), 8);
            *per_dept.entry(&m.postcode[..2]).or_default() += 1;
        }
        assert_eq!(per_dept.len(), 6);
        assert!(per_dept.values().all(|n| *n >= 6), "{per_dept:?}");
    }

    #[test]
    fn evening_peak_beats_the_night() {
        let mut g = Generator::new(&Settings {
            meters: 200,
            seed: 4,
            start: at(2024, 1, 15, 0, 0),
        })
        .unwrap();
        let mut by_half_hour = [0u64; 48];
        for i in 0..200 * 48 {
            by_half_hour[i / 200] += u64::from(g.next_row().wh);
        }
        assert!(by_half_hour[39] > 3 * by_half_hour[8], "{by_half_hour:?}");
    }

    #[test]
    fn bad_settings() {
        let s = |meters, start| Settings {
            meters,
            seed: 0,
            start,
        };
        assert_eq!(
            Generator::new(&s(0, default_start())).err(),
            Some(SettingsError::Meters(0))
        );
        assert!(matches!(
            Generator::new(&s(1, at(2019, 12, 31, 23, 0))),
            Err(SettingsError::TooEarly(_))
        ));
        assert!(matches!(
            Generator::new(&s(1, at(2024, 3, 31, 2, 0))),
            Err(SettingsError::SkippedByDst(_))
        ));
    }
}
