//! [`Kwargs`]: the string kwargs of one `make` call, checked against the row's list and parsed
//! where each is used.

use std::str::FromStr;

use rewardlab_core::wrappers::TimeLimit;
use rewardlab_core::{BoxedEnv, Env, Erased};

use super::{EnvSpec, MAX_EPISODE_STEPS, MakeError};

/// The kwargs of one `make` call. Every key is one the row lists, given once.
#[derive(Debug, Clone, Copy)]
pub struct Kwargs<'a> {
    spec: &'static EnvSpec,
    pairs: &'a [(String, String)],
}

impl<'a> Kwargs<'a> {
    /// Checks `pairs` against the kwargs `spec` accepts: an unknown key or a key given twice is
    /// an error.
    pub fn check(spec: &'static EnvSpec, pairs: &'a [(String, String)]) -> Result<Self, MakeError> {
        for (i, (key, _)) in pairs.iter().enumerate() {
            if !spec.kwargs.iter().any(|k| k.name == key) {
                let names: Vec<&str> = spec.kwargs.iter().map(|k| k.name).collect();
                return Err(MakeError::UnknownKwarg {
                    id: spec.id,
                    key: key.clone(),
                    accepted: names.join(", "),
                });
            }
            if pairs[..i].iter().any(|(k, _)| k == key) {
                return Err(MakeError::DuplicateKwarg { key: key.clone() });
            }
        }
        Ok(Kwargs { spec, pairs })
    }

    /// The row these kwargs were checked against.
    pub fn spec(&self) -> &'static EnvSpec {
        self.spec
    }

    /// The value of `key` as given, if given.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` parsed as `T`; `expected` describes it in the error.
    pub fn parse<T: FromStr>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<Option<T>, MakeError> {
        self.raw(key)
            .map(|v| {
                v.trim().parse::<T>().map_err(|_| MakeError::BadKwarg {
                    key: key.to_string(),
                    value: v.to_string(),
                    expected,
                })
            })
            .transpose()
    }

    /// A boolean kwarg: `true`/`false` in any case (Python's `True`/`False` included), or
    /// `1`/`0`.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, MakeError> {
        self.raw(key)
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(MakeError::BadKwarg {
                    key: key.to_string(),
                    value: v.to_string(),
                    expected: "true or false",
                }),
            })
            .transpose()
    }

    /// The time limit: the `max_episode_steps` kwarg if given (a positive integer), else the
    /// registered one.
    pub fn limit(&self) -> Result<Option<usize>, MakeError> {
        let expected = "a positive integer";
        match self.parse::<usize>(MAX_EPISODE_STEPS.name, expected)? {
            Some(0) => Err(MakeError::BadKwarg {
                key: MAX_EPISODE_STEPS.name.to_string(),
                value: "0".to_string(),
                expected,
            }),
            Some(n) => Ok(Some(n)),
            None => Ok(self.spec.max_episode_steps),
        }
    }

    /// Wraps a built env in its time limit ([`Kwargs::limit`]) and erases its types: the last
    /// line of every [`super::Builder`].
    pub fn finish<E: Env + Send + 'static>(&self, env: E) -> Result<BoxedEnv, MakeError> {
        Ok(match self.limit()? {
            Some(n) => Erased::boxed(TimeLimit::new(env, n)),
            None => Erased::boxed(env),
        })
    }
}
