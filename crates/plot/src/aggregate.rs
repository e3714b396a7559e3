//! Mean and spread of several seeds' curves on a common x grid.
//!
//! Seeds log at different x (episodes end at different steps), so each run's series is first
//! resampled onto one grid: `points` evenly spaced values from 0 to the smallest of the runs'
//! last x, so that no run is extrapolated past its end. Resampling is **linear interpolation**
//! between logged points; before a run's first point its first value is held (a return is
//! only logged when the first episode ends, yet the plot starts at 0).
//!
//! The band is ± one standard deviation across runs at each grid point, with the population
//! formula (divide by n, like NumPy's default `ddof=0`), so a single seed has a zero band
//! rather than an undefined one.

use crate::PlotError;

/// One curve: mean and standard deviation across runs on a common grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Grid points, evenly spaced from 0 to the smallest last x among the runs.
    pub x: Vec<f64>,
    /// Mean across runs at each grid point.
    pub mean: Vec<f64>,
    /// Population standard deviation across runs at each grid point.
    pub std: Vec<f64>,
    /// Number of runs aggregated.
    pub n_runs: usize,
}

/// Aggregates runs given as `(x, value)` series, each non-empty and strictly increasing in x.
///
/// Fails with [`PlotError::InvalidInput`] if there are no series, a series is empty, or
/// `points < 2`.
pub fn aggregate(series: &[Vec<(f64, f64)>], points: usize) -> Result<Aggregate, PlotError> {
    if points < 2 {
        return Err(PlotError::InvalidInput(format!(
            "need at least 2 grid points, got {points}"
        )));
    }
    if series.is_empty() || series.iter().any(Vec::is_empty) {
        return Err(PlotError::InvalidInput(
            "every run needs at least one point".into(),
        ));
    }
    let x_end = series
        .iter()
        .filter_map(|s| s.last().map(|p| p.0))
        .fold(f64::INFINITY, f64::min);
    let x_end = x_end.max(0.0);
    let x: Vec<f64> = (0..points)
        .map(|i| x_end * i as f64 / (points - 1) as f64)
        .collect();
    let n = series.len() as f64;
    let mut mean = Vec::with_capacity(points);
    let mut std = Vec::with_capacity(points);
    for &xi in &x {
        let ys: Vec<f64> = series.iter().map(|s| interpolate(s, xi)).collect();
        let m = ys.iter().sum::<f64>() / n;
        let var = ys.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / n;
        mean.push(m);
        std.push(var.sqrt());
    }
    Ok(Aggregate {
        x,
        mean,
        std,
        n_runs: series.len(),
    })
}

/// Value of a sorted, non-empty series at `x`: linear between neighbours, the first value
/// before the first point and the last value after the last one.
pub(crate) fn interpolate(series: &[(f64, f64)], x: f64) -> f64 {
    let i = series.partition_point(|p| p.0 <= x);
    match (i.checked_sub(1).and_then(|j| series.get(j)), series.get(i)) {
        (Some(&(x0, y0)), Some(&(x1, y1))) => y0 + (y1 - y0) * (x - x0) / (x1 - x0),
        (Some(&(_, y)), None) | (None, Some(&(_, y))) => y,
        (None, None) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn interpolates_linearly_and_holds_ends() {
        let s = [(10.0, 1.0), (20.0, 3.0), (40.0, -1.0)];
        assert_eq!(interpolate(&s, 0.0), 1.0);
        assert_eq!(interpolate(&s, 10.0), 1.0);
        assert_eq!(interpolate(&s, 15.0), 2.0);
        assert_eq!(interpolate(&s, 20.0), 3.0);
        assert_eq!(interpolate(&s, 30.0), 1.0);
        assert_eq!(interpolate(&s, 40.0), -1.0);
        assert_eq!(interpolate(&s, 99.0), -1.0);
    }

    #[test]
    fn mean_and_population_std_by_hand() -> Result<(), PlotError> {
        // Run A: y = x/10 on [0, 40]; run B: constant 2 on [10, 30]. Grid: 0..30, 4 points.
        let a = vec![(0.0, 0.0), (40.0, 4.0)];
        let b = vec![(10.0, 2.0), (30.0, 2.0)];
        let agg = aggregate(&[a, b], 4)?;
        assert!(close(&agg.x, &[0.0, 10.0, 20.0, 30.0]));
        // A at grid: 0, 1, 2, 3; B: 2, 2, 2, 2 (held before 10).
        assert!(close(&agg.mean, &[1.0, 1.5, 2.0, 2.5]), "{:?}", agg.mean);
        // Two values: std = |a - b| / 2.
        assert!(close(&agg.std, &[1.0, 0.5, 0.0, 0.5]), "{:?}", agg.std);
        assert_eq!(agg.n_runs, 2);
        Ok(())
    }

    #[test]
    fn three_runs_std() -> Result<(), PlotError> {
        let runs = vec![
            vec![(0.0, 1.0), (2.0, 1.0)],
            vec![(0.0, 2.0), (2.0, 2.0)],
            vec![(0.0, 6.0), (2.0, 6.0)],
        ];
        let agg = aggregate(&runs, 2)?;
        // mean 3, deviations -2, -1, 3 -> var = 14/3.
        assert!(close(&agg.mean, &[3.0, 3.0]));
        assert!(close(&agg.std, &[(14.0f64 / 3.0).sqrt(); 2]));
        Ok(())
    }

    #[test]
    fn single_run_has_zero_band() -> Result<(), PlotError> {
        let agg = aggregate(&[vec![(0.0, 1.0), (1.0, 5.0)]], 3)?;
        assert!(close(&agg.mean, &[1.0, 3.0, 5.0]));
        assert!(close(&agg.std, &[0.0; 3]));
        Ok(())
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            aggregate(&[], 10),
            Err(PlotError::InvalidInput(_))
        ));
        assert!(matches!(
            aggregate(&[vec![]], 10),
            Err(PlotError::InvalidInput(_))
        ));
        assert!(matches!(
            aggregate(&[vec![(0.0, 1.0)]], 1),
            Err(PlotError::InvalidInput(_))
        ));
    }
}
