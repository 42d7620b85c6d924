//! Honest statistics for pairwise comparisons: adjusted win rate with a Wilson 95% interval, and
//! "no significant difference" whenever the interval contains 50%.

use serde::Serialize;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Wins, ties and losses of arm X against arm Y.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub wins: u32,
    pub ties: u32,
    pub losses: u32,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.wins + self.ties + self.losses
    }

    /// (W + T/2) / N, or `None` with no comparisons.
    pub fn adjusted_win_rate(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| (f64::from(self.wins) + f64::from(self.ties) / 2.0) / f64::from(n))
    }

    /// Wilson 95% interval of the adjusted win rate.
    pub fn interval(&self) -> Option<(f64, f64)> {
        Some(wilson(self.adjusted_win_rate()?, f64::from(self.total())))
    }

    /// Plain-language verdict for "X vs Y".
    pub fn verdict(&self) -> Verdict {
        match self.interval() {
            None => Verdict::NoData,
            Some((low, _)) if low > 0.5 => Verdict::Better,
            Some((_, high)) if high < 0.5 => Verdict::Worse,
            Some(_) => Verdict::NoSignificantDifference,
        }
    }
}

/// What the numbers allow one to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    NoSignificantDifference,
    NoData,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NoSignificantDifference => "no significant difference",
            Verdict::NoData => "no data yet",
        }
    }
}

/// Wilson score interval for proportion `p` over `n` trials at 95%.
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * ((p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()) / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A share with its 95% interval, as the verdict and the tables print it: "60% (36%–80%)".
pub fn share_with_interval(hits: u32, n: u32) -> String {
    if n == 0 {
        return "–".into();
    }
    let p = f64::from(hits) / f64::from(n);
    let (lo, hi) = wilson(p, f64::from(n));
    format!("{:.0}% ({:.0}%–{:.0}%)", p * 100.0, lo * 100.0, hi * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_known_values() {
        // Reference values (Wilson 1927; e.g. statsmodels proportion_confint(method="wilson")).
        let (lo, hi) = wilson(0.5, 10.0);
        assert!(close(lo, 0.2366) && close(hi, 0.7634), "{lo} {hi}");
        let (lo, hi) = wilson(0.8, 100.0);
        assert!(close(lo, 0.7112) && close(hi, 0.8666), "{lo} {hi}");
        let (lo, hi) = wilson(0.0, 20.0);
        assert!(close(lo, 0.0) && close(hi, 0.1611), "{lo} {hi}");
        let (lo, hi) = wilson(1.0, 5.0);
        assert!(close(lo, 0.5655) && close(hi, 1.0), "{lo} {hi}");
    }

    #[test]
    fn a_share_comes_with_its_interval() {
        assert_eq!(share_with_interval(6, 10), "60% (31%–83%)");
        assert_eq!(share_with_interval(0, 0), "–");
    }

    #[test]
    fn ties_count_half_and_small_samples_are_not_significant() {
        let t = Tally { wins: 3, ties: 2, losses: 1 };
        assert_eq!(t.adjusted_win_rate(), Some(4.0 / 6.0));
        assert_eq!(t.verdict(), Verdict::NoSignificantDifference);
        assert_eq!(Tally { wins: 30, ties: 0, losses: 5 }.verdict(), Verdict::Better);
        assert_eq!(Tally { wins: 2, ties: 1, losses: 30 }.verdict(), Verdict::Worse);
        assert_eq!(Tally::default().verdict(), Verdict::NoData);
    }
}
