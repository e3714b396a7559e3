//! Where trainers send their numbers.
//!
//! Every trainer reports through [`MetricSink`], in the long format of `metrics.csv`:
//! `(step, episode, metric, value)` with namespaced metric names such as
//! `charts/episodic_return` or `losses/value_loss`. [`crate::runlog::RunLogger`] writes them
//! to disk; [`MemorySink`] keeps them for tests; `()` drops them.

/// One logged number.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricRecord {
    /// Environment steps taken so far.
    pub step: u64,
    /// Episodes finished so far.
    pub episode: u64,
    /// Namespaced metric name, e.g. `charts/episodic_return`.
    pub metric: String,
    /// The value.
    pub value: f64,
}

/// A destination for metrics.
pub trait MetricSink {
    /// Records one value.
    fn record(&mut self, step: u64, episode: u64, metric: &str, value: f64) -> std::io::Result<()>;
}

/// Discards everything.
impl MetricSink for () {
    fn record(&mut self, _: u64, _: u64, _: &str, _: f64) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps every record in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySink {
    /// Records in arrival order.
    pub records: Vec<MetricRecord>,
}

impl MemorySink {
    /// The values of one metric, in arrival order.
    pub fn values(&self, metric: &str) -> Vec<f64> {
        self.records
            .iter()
            .filter(|r| r.metric == metric)
            .map(|r| r.value)
            .collect()
    }
}

impl MetricSink for MemorySink {
    fn record(&mut self, step: u64, episode: u64, metric: &str, value: f64) -> std::io::Result<()> {
        self.records.push(MetricRecord {
            step,
            episode,
            metric: metric.to_owned(),
            value,
        });
        Ok(())
    }
}
