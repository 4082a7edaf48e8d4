//! The identifier of an item as answers carry it.
//!
//! MySafe's answers give identifiers as strings (`"identifier": "312"`), some doc
//! versions show bare numbers, and every path takes an integer. [`Identifier`] is the
//! type of every `identifier` field of the generated types (the spec's `Identifier`
//! schema, replaced by this type in `cargo xtask codegen`): it decodes from either,
//! serializes back in the form it came in, and converts into the path's `i64`, so an
//! entry of a list goes straight into the next call.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An item's identifier, as MySafe sent it.
///
/// ```no_run
/// # async fn run(client: mysafe_client::Client) -> Result<(), mysafe_client::Error> {
/// let listed = client.list_passwords().tag("leaked").send().await?;
/// for entry in &listed.password_on_list {
///     client.disable_password().identifier(&entry.identifier).send().await?;
/// }
/// # Ok(()) }
/// ```
///
/// Two identifiers are equal when their text is: `"5"` equals the number `5`.
#[derive(Clone)]
pub struct Identifier {
    /// The text of the value (the string, or the number as JSON writes it).
    text: String,
    /// Whether it came as a JSON number, so that it serializes back as one.
    number: bool,
}

impl Identifier {
    /// An identifier in the spec's form, a string.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            number: false,
        }
    }

    /// The identifier as text, e.g. `"312"`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The integer the paths take, or why it is not one.
    pub fn to_i64(&self) -> Result<i64, IdentifierError> {
        self.text.parse().map_err(|_| IdentifierError {
            shown: Self::shown(&self.text),
        })
    }

    /// The value as an error may show it: it comes from the server, so it is cut
    /// short and its control characters are escaped.
    fn shown(text: &str) -> String {
        const LONGEST: usize = 40;
        let mut shown: String = text.chars().take(LONGEST).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        format!("{shown:?}")
    }
}

/// An identifier that is not an integer, so it cannot go into a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentifierError {
    shown: String,
}

impl fmt::Display for IdentifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "identifier {} is not an integer", self.shown)
    }
}

impl std::error::Error for IdentifierError {}

impl fmt::Debug for Identifier {
    /// `Identifier("312")`, or `Identifier(312)` for one that came as a number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.number {
            write!(f, "Identifier({})", self.text)
        } else {
            write!(f, "Identifier({:?})", self.text)
        }
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Identifier {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(text))
    }
}

impl From<&str> for Identifier {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Identifier {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<i64> for Identifier {
    /// The spec's form: the number as a string.
    fn from(value: i64) -> Self {
        Self::new(value.to_string())
    }
}

impl TryFrom<&Identifier> for i64 {
    type Error = IdentifierError;

    fn try_from(identifier: &Identifier) -> Result<Self, Self::Error> {
        identifier.to_i64()
    }
}

impl TryFrom<Identifier> for i64 {
    type Error = IdentifierError;

    fn try_from(identifier: Identifier) -> Result<Self, Self::Error> {
        identifier.to_i64()
    }
}

impl PartialEq for Identifier {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Identifier {}

impl std::hash::Hash for Identifier {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for Identifier {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Identifier {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl PartialEq<str> for Identifier {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Identifier {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<i64> for Identifier {
    fn eq(&self, other: &i64) -> bool {
        self.to_i64().is_ok_and(|value| value == *other)
    }
}

impl Serialize for Identifier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.number {
            // The text came from a JSON number, so it parses as one of these.
            if let Ok(value) = self.text.parse::<i64>() {
                return serializer.serialize_i64(value);
            }
            if let Ok(value) = self.text.parse::<u64>() {
                return serializer.serialize_u64(value);
            }
            if let Ok(value) = self.text.parse::<f64>() {
                return serializer.serialize_f64(value);
            }
        }
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Identifier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdentifierVisitor)
    }
}

struct IdentifierVisitor;

impl IdentifierVisitor {
    fn number(text: String) -> Identifier {
        Identifier { text, number: true }
    }
}

impl Visitor<'_> for IdentifierVisitor {
    type Value = Identifier;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an identifier, as a string or a number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Identifier, E> {
        Ok(Identifier::new(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Identifier, E> {
        Ok(Identifier::new(text))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Identifier, E> {
        Ok(Self::number(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Identifier, E> {
        Ok(Self::number(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Identifier, E> {
        // serde_json gives integers as i64 or u64; a float keeps its JSON text
        // (`5.0`), which is not an integer identifier, so converting it fails.
        if value.is_finite() {
            Ok(Self::number(
                serde_json::Number::from_f64(value)
                    .map_or_else(|| value.to_string(), |n| n.to_string()),
            ))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_decode_and_round_trip() {
        for json in [
            r#""312""#,
            "312",
            r#""abc""#,
            "18446744073709551615",
            "-4",
            "5.5",
        ] {
            let identifier: Identifier = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&identifier).unwrap(), json, "{json}");
        }
        let text: Identifier = serde_json::from_str(r#""312""#).unwrap();
        let number: Identifier = serde_json::from_str("312").unwrap();
        assert_eq!(text, number);
        assert_eq!(text.as_str(), "312");
        assert_eq!(number, 312);
        assert_eq!(text, "312");
        assert_eq!(
            format!("{text:?} {number:?} {text}"),
            r#"Identifier("312") Identifier(312) 312"#
        );
    }

    #[test]
    fn other_json_is_refused() {
        for json in ["null", "true", "[1]", r#"{"id":1}"#] {
            let error = serde_json::from_str::<Identifier>(json).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("an identifier, as a string or a number"),
                "{json}: {error}"
            );
        }
    }

    #[test]
    fn integers_convert_into_the_path_parameter() {
        assert_eq!(i64::try_from(&Identifier::new("312")), Ok(312));
        assert_eq!(i64::try_from(Identifier::from(7)), Ok(7));
        let number: Identifier = serde_json::from_str("9").unwrap();
        assert_eq!(i64::try_from(number), Ok(9));
    }

    #[test]
    fn non_integers_name_themselves_safely() {
        let error = i64::try_from(&Identifier::new("abc")).unwrap_err();
        assert_eq!(error.to_string(), r#"identifier "abc" is not an integer"#);
        let five: Identifier = serde_json::from_str("5.5").unwrap();
        assert!(i64::try_from(five).is_err());
        // Server text: escaped and cut, never printed raw.
        let hostile = Identifier::new(format!("\u{1b}[2J{}", "9".repeat(100)));
        let error = i64::try_from(&hostile).unwrap_err().to_string();
        assert!(!error.contains('\u{1b}'), "{error}");
        assert!(error.contains("\\u{1b}[2J"), "{error}");
        assert!(error.len() < 80, "{error}");
    }
}
