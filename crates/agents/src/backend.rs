//! Which burn backend runs the networks, chosen at run time.
//!
//! burn 0.22 has no backend type parameter: a [`Device`] value decides where tensors live.
//! [`Backend`] names the two this crate supports and [`Backend::device`] builds the autodiff
//! device for training. A backend whose cargo feature was not compiled in is an error naming
//! the feature, never a silent fallback to another backend (burn's `Device::default()` would
//! prefer wgpu over flex, so devices are always built explicitly here).

use std::fmt;
use std::str::FromStr;

use burn::tensor::Device;

use crate::error::AgentError;

/// A burn backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// burn-flex: pure-Rust CPU (cargo feature `flex`, on by default).
    #[default]
    Flex,
    /// burn-wgpu: Vulkan / Metal / DX12 through wgpu (cargo feature `wgpu`).
    Wgpu,
}

impl Backend {
    /// Every backend, compiled in or not.
    pub const ALL: [Backend; 2] = [Backend::Flex, Backend::Wgpu];

    /// The name used on the command line and in configs.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Wgpu => "wgpu",
        }
    }

    /// The cargo feature of `rewardlab-agents` that compiles this backend.
    pub fn feature(self) -> &'static str {
        self.name()
    }

    /// Whether this build has the backend.
    pub fn is_compiled(self) -> bool {
        match self {
            Backend::Flex => cfg!(feature = "flex"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    /// The autodiff device for training on this backend.
    pub fn device(self) -> Result<Device, AgentError> {
        match self {
            #[cfg(feature = "flex")]
            Backend::Flex => Ok(Device::flex().autodiff()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice).autodiff()),
            #[allow(unreachable_patterns)]
            other => Err(AgentError::BackendNotCompiled {
                backend: other.name(),
                feature: other.feature(),
            }),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = AgentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| AgentError::UnknownBackend(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_refused() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>().expect("known name"), b);
        }
        let err = "cuda".parse::<Backend>().expect_err("not a backend");
        assert!(err.to_string().contains("cuda"), "{err}");
    }

    #[test]
    fn a_backend_not_compiled_in_names_its_feature() {
        for b in Backend::ALL {
            match b.device() {
                Ok(_) => assert!(b.is_compiled()),
                Err(e) => {
                    assert!(!b.is_compiled());
                    let msg = e.to_string();
                    assert!(
                        msg.contains(&format!("--features {}", b.feature())),
                        "{msg}"
                    );
                }
            }
        }
    }
}
