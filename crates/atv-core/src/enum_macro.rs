//! The macro that defines atv's pyatv-compatible enums, and the error their parsing gives.

/// A value that is not one of an enum's names or numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}` (expected one of: {expected})")]
pub struct UnknownValue {
    /// Name of the enum, e.g. `RepeatState`.
    pub kind: &'static str,
    /// The text that was given.
    pub value: String,
    /// The accepted names with their numbers, e.g. `Off (0), Track (1), All (2)`.
    pub expected: String,
}

/// Defines a field-less enum with pyatv's numeric values and printed names.
///
/// An optional leading `default = Variant;` implements `Default`.
/// Each enum gets `ALL` (pyatv's declaration order), `name()`, `value()`,
/// `from_value()`, `Display` (the name) and `FromStr` (the number, as atvremote parses
/// command arguments, or the name without regard to case).
macro_rules! atv_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(default = $default:ident;)?
            $(
                #[doc = $doc:literal]
                $variant:ident = $value:literal => $pyname:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = $doc]
                $variant = $value,
            )+
        }

        impl $name {
            /// Every value, in the order pyatv declares them (the order pyatv iterates in).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name pyatv prints for the value (its enum member name).
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $pyname,)+
                }
            }

            /// The numeric value pyatv uses.
            pub fn value(self) -> i32 {
                self as i32
            }

            /// The value with pyatv's number `value`, if there is one.
            pub fn from_value(value: i64) -> Option<Self> {
                match value {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// What the value means, in a few words.
            pub fn description(self) -> &'static str {
                match self {
                    $(Self::$variant => $doc.trim(),)+
                }
            }
        }

        $(
            impl Default for $name {
                fn default() -> Self {
                    Self::$default
                }
            }
        )?

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let text = s.trim();
                let found = match text.parse::<i64>() {
                    Ok(number) => Self::from_value(number),
                    Err(_) => Self::ALL
                        .iter()
                        .copied()
                        .find(|v| v.name().eq_ignore_ascii_case(text)),
                };
                found.ok_or_else(|| $crate::UnknownValue {
                    kind: stringify!($name),
                    value: s.to_owned(),
                    expected: Self::ALL
                        .iter()
                        .map(|v| format!("{} ({})", v.name(), v.value()))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }

        impl TryFrom<i64> for $name {
            type Error = $crate::UnknownValue;

            fn try_from(value: i64) -> Result<Self, Self::Error> {
                value.to_string().parse()
            }
        }
    };
}

pub(crate) use atv_enum;
