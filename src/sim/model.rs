//! Value models: how a simulated sensor's next value is drawn.
//!
//! Every sensor has its own random generator seeded from the fleet seed and the sensor's
//! identity, so with `--seed` each sensor's sequence of values is reproducible whatever the
//! timing and the number of other sensors.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Which model a sensor uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Independent values, uniform within the range (as the classic scripts do).
    Uniform,
    /// A bounded random walk with noise: values drift smoothly and stay in range.
    Walk,
}

/// A sensor's value source.
#[derive(Debug)]
pub struct Model {
    kind: ModelKind,
    min: f64,
    max: f64,
    /// The walk's current position.
    level: f64,
    rng: StdRng,
}

/// Share of the range one walk step moves at most.
const WALK_STEP: f64 = 0.05;
/// Share of the distance to the middle the walk is pulled back by per step.
const WALK_PULL: f64 = 0.02;
/// Measurement noise, as a share of the range.
const NOISE: f64 = 0.005;

impl Model {
    /// A model over `min..=max`, seeded from `seed` and `identity` (e.g. "dev-1/temperature").
    pub fn new(kind: ModelKind, min: f64, max: f64, seed: u64, identity: &str) -> Model {
        let mut rng = StdRng::seed_from_u64(seed ^ fnv1a(identity));
        let level = if max > min {
            rng.random_range(min..=max)
        } else {
            min
        };
        Model {
            kind,
            min,
            max,
            level,
            rng,
        }
    }

    /// The next value, rounded to two decimals and always within the range.
    pub fn next_value(&mut self) -> f64 {
        let span = self.max - self.min;
        if span <= 0.0 {
            return self.min;
        }
        let value = match self.kind {
            ModelKind::Uniform => self.rng.random_range(self.min..=self.max),
            ModelKind::Walk => {
                let middle = (self.min + self.max) / 2.0;
                let step = self.rng.random_range(-1.0..=1.0) * WALK_STEP * span;
                self.level += step + (middle - self.level) * WALK_PULL;
                self.level = self.level.clamp(self.min, self.max);
                self.level + self.rng.random_range(-1.0..=1.0) * NOISE * span
            }
        };
        round2(value.clamp(self.min, self.max))
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// FNV-1a: a stable hash (std's hasher may change between releases).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(kind: ModelKind, seed: u64, n: usize) -> Vec<f64> {
        let mut m = Model::new(kind, 20.0, 30.0, seed, "dev-1/temperature");
        (0..n).map(|_| m.next_value()).collect()
    }

    #[test]
    fn values_stay_in_range() {
        for kind in [ModelKind::Uniform, ModelKind::Walk] {
            for seed in 0..20 {
                assert!(values(kind, seed, 2000)
                    .iter()
                    .all(|v| (20.0..=30.0).contains(v)));
            }
        }
    }

    #[test]
    fn a_seed_reproduces_the_values() {
        assert_eq!(
            values(ModelKind::Walk, 7, 100),
            values(ModelKind::Walk, 7, 100)
        );
        assert_ne!(
            values(ModelKind::Walk, 7, 100),
            values(ModelKind::Walk, 8, 100)
        );
    }

    #[test]
    fn the_walk_moves_smoothly_and_uniform_does_not() {
        let mean_step = |v: &[f64]| {
            v.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (v.len() - 1) as f64
        };
        let walk = mean_step(&values(ModelKind::Walk, 1, 5000));
        let uniform = mean_step(&values(ModelKind::Uniform, 1, 5000));
        // Uniform on a span of 10 moves 10/3 on average; the walk a small share of that.
        assert!(walk < 0.6, "{walk}");
        assert!(uniform > 2.5, "{uniform}");
    }
}
