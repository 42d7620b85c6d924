//! Time: the current moment, Unix times as calendar readings, and times shown to people in the
//! computer's own time zone, the way `date` shows them.
//!
//! Everything stored is Unix milliseconds (UTC); only what is printed or drawn is converted, so a
//! record read in another zone shows that zone's times. This file sits below every room (the
//! engine stamps events with it, the record and the views print with it) and names none of them.

use std::sync::atomic::{AtomicBool, Ordering};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Converts Unix seconds to UTC (year, month, day, hour, minute, second) without a date crate.
pub fn civil_from_unix(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rem / 3600) as u32, ((rem % 3600) / 60) as u32, (rem % 60) as u32)
}

/// Set by [`force_utc`]: every conversion then uses UTC, whatever the machine's zone.
static FORCE_UTC: AtomicBool = AtomicBool::new(false);

/// Makes every time UTC from now on, for this process. Tests and snapshots call it so that what
/// they draw does not depend on the zone of the machine they run on.
pub fn force_utc() {
    FORCE_UTC.store(true, Ordering::Relaxed);
}

/// A moment as a wall-clock reading in one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Seconds east of UTC.
    pub offset_secs: i32,
}

impl WallTime {
    /// The reading at Unix milliseconds `ms`, `offset_secs` east of UTC.
    pub fn at_offset(ms: i64, offset_secs: i32) -> Self {
        let secs = ms.div_euclid(1000) + i64::from(offset_secs);
        let (year, month, day, hour, minute, second) = civil_from_unix(secs);
        Self { year, month, day, hour, minute, second, offset_secs }
    }

    /// `2026-11-24 06:00`.
    pub fn date_minute(&self) -> String {
        format!("{} {:02}:{:02}", self.date(), self.hour, self.minute)
    }

    /// `11-24 06:00`, for narrow columns.
    pub fn month_day_minute(&self) -> String {
        format!("{:02}-{:02} {:02}:{:02}", self.month, self.day, self.hour, self.minute)
    }

    /// `2026-11-24`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2026-11-24 06:00:17 UTC` or `2026-11-24 07:00:17 +01:00`: unambiguous, for records and exports.
    pub fn full(&self) -> String {
        format!("{} {:02}:{:02}:{:02} {}", self.date(), self.hour, self.minute, self.second, self.zone())
    }

    /// `UTC`, `+01:00`, `-05:30`.
    pub fn zone(&self) -> String {
        if self.offset_secs == 0 {
            return "UTC".into();
        }
        let sign = if self.offset_secs < 0 { '-' } else { '+' };
        let minutes = self.offset_secs.unsigned_abs() / 60;
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// The local wall-clock reading of Unix milliseconds `ms` (UTC where the zone cannot be read).
pub fn local(ms: i64) -> WallTime {
    let offset = if FORCE_UTC.load(Ordering::Relaxed) { 0 } else { local_offset(ms).unwrap_or(0) };
    WallTime::at_offset(ms, offset)
}

/// The zone's offset from UTC at that moment (daylight saving included), from the C library, which
/// reads `TZ` or the system's zone file.
#[cfg(unix)]
fn local_offset(ms: i64) -> Option<i32> {
    // `time_t` is 32 bits on some platforms, where this conversion can fail. On musl the libc
    // crate marks `time_t` deprecated ahead of a change of width that this conversion absorbs.
    #[allow(clippy::useless_conversion, deprecated)]
    let time: libc::time_t = ms.div_euclid(1000).try_into().ok()?;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: `localtime_r` is the re-entrant variant: it reads `time` and writes only into the
    // `tm` we own; a null return means it failed and `tm` is not read.
    let filled = unsafe { libc::localtime_r(&time, tm.as_mut_ptr()) };
    if filled.is_null() {
        return None;
    }
    // SAFETY: `localtime_r` succeeded, so it initialised every field.
    let tm = unsafe { tm.assume_init() };
    i32::try_from(tm.tm_gmtoff).ok()
}

/// The zone's offset from UTC at that moment, from the C runtime's `localtime_s`, which follows
/// the zone set in Windows. Its `tm` has no `tm_gmtoff`: the offset is the local reading minus UTC.
#[cfg(windows)]
fn local_offset(ms: i64) -> Option<i32> {
    // `time_t` is 32 bits on 32-bit MinGW, where this conversion can fail.
    #[allow(clippy::useless_conversion)]
    let time: libc::time_t = ms.div_euclid(1000).try_into().ok()?;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::zeroed();
    // SAFETY: `localtime_s` reads `time` and writes only into the `tm` we own; a non-zero return
    // means it failed and `tm` is not read.
    if unsafe { libc::localtime_s(tm.as_mut_ptr(), &time) } != 0 {
        return None;
    }
    // SAFETY: `localtime_s` succeeded, so it initialised every field.
    let tm = unsafe { tm.assume_init() };
    let reading = (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    offset_of_reading(ms.div_euclid(1000), reading)
}

#[cfg(not(any(unix, windows)))]
fn local_offset(_ms: i64) -> Option<i32> {
    None
}

/// Seconds east of UTC of a zone whose clock reads `(year, month, day, hour, minute, second)` at
/// Unix time `secs`; `None` for a reading a day or more away from UTC (a broken C library).
#[cfg(any(windows, test))]
fn offset_of_reading(secs: i64, (y, mo, d, h, mi, s): (i32, i32, i32, i32, i32, i32)) -> Option<i32> {
    // Howard Hinnant's days-from-civil, the inverse of `civil_from_unix`.
    let y = i64::from(y) - i64::from(mo <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from(if mo > 2 { mo - 3 } else { mo + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let local = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    let offset = i32::try_from(local - secs).ok()?;
    (offset.abs() < 86_400).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-24 06:00:00 UTC.
    const MORNING: i64 = 1_795_500_000_000;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_unix(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil_from_unix(1_795_500_000), (2026, 11, 24, 6, 0, 0));
        assert_eq!(civil_from_unix(951_782_400), (2000, 2, 29, 0, 0, 0));
    }

    #[test]
    fn offsets_shift_the_wall_clock_and_name_the_zone() {
        let utc = WallTime::at_offset(MORNING, 0);
        assert_eq!(utc.full(), "2026-11-24 06:00:00 UTC");
        let paris = WallTime::at_offset(MORNING, 3600);
        assert_eq!(paris.full(), "2026-11-24 07:00:00 +01:00");
        let newfoundland = WallTime::at_offset(MORNING, -(3 * 3600 + 1800));
        assert_eq!(newfoundland.full(), "2026-11-24 02:30:00 -03:30");
        let tokyo_midnight = WallTime::at_offset(MORNING + 9 * 3_600_000, 9 * 3600);
        assert_eq!(tokyo_midnight.date_minute(), "2026-11-25 00:00");
        assert_eq!(tokyo_midnight.month_day_minute(), "11-25 00:00");
    }

    #[test]
    fn an_offset_is_the_local_reading_minus_utc() {
        let secs = MORNING / 1000;
        assert_eq!(offset_of_reading(secs, (2026, 11, 24, 6, 0, 0)), Some(0));
        assert_eq!(offset_of_reading(secs, (2026, 11, 24, 7, 0, 0)), Some(3600));
        assert_eq!(offset_of_reading(secs, (2026, 11, 24, 2, 30, 0)), Some(-(3 * 3600 + 1800)));
        // Across midnight and across the new year, backwards.
        assert_eq!(offset_of_reading(secs, (2026, 11, 25, 1, 0, 0)), Some(19 * 3600));
        let new_year = 1_767_232_800; // 2026-01-01 02:00:00 UTC
        assert_eq!(offset_of_reading(new_year, (2025, 12, 31, 21, 0, 0)), Some(-5 * 3600));
        // 2024-02-29 (a leap day) and the day after it.
        let leap = 1_709_164_800; // 2024-02-29 00:00:00 UTC
        assert_eq!(offset_of_reading(leap, (2024, 2, 29, 5, 45, 0)), Some(5 * 3600 + 2700));
        assert_eq!(offset_of_reading(leap, (2024, 2, 28, 23, 0, 0)), Some(-3600));
        assert_eq!(offset_of_reading(leap, (2024, 3, 1, 0, 0, 0)), None);
    }

    #[test]
    fn reading_an_offset_inverts_the_calendar_from_1900_to_2100() {
        // Every 9 days and 7 hours or so, with offsets from -12:00 to +14:00 in quarter hours.
        for (i, secs) in (-2_208_988_800_i64..4_102_444_800).step_by(800_017).enumerate() {
            let offset = (i as i32 % 105 - 48) * 900;
            let (y, mo, d, h, mi, s) = civil_from_unix(secs + i64::from(offset));
            let reading = (y as i32, mo as i32, d as i32, h as i32, mi as i32, s as i32);
            assert_eq!(offset_of_reading(secs, reading), Some(offset), "at {secs}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_local_offset_is_a_whole_number_of_minutes_within_a_day() {
        let offset = local_offset(MORNING).expect("the C library knows the local zone");
        assert_eq!(offset % 60, 0);
        assert!(offset.abs() < 86_400);
    }
}
