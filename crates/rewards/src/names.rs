//! Command-line names of the crate's fieldless enums (potentials, norms, metrics, …).

/// Implements `ALL` (every value, in help order), `as_str`, `Display` and `FromStr` for a
/// fieldless enum; a name that is not one of them is [`crate::RewardsError::UnknownName`],
/// which lists the accepted ones.
macro_rules! cli_names {
    ($ty:ident, $what:literal, [$($variant:ident => $name:literal),+ $(,)?]) => {
        impl $ty {
            /// Every value, in the order of the command line's help.
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            /// The name on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::RewardsError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|n| n.as_str() == s)
                    .ok_or_else(|| $crate::RewardsError::UnknownName {
                        what: $what,
                        name: s.to_string(),
                        expected: Self::ALL.map(Self::as_str).join(", "),
                    })
            }
        }
    };
}

pub(crate) use cli_names;
