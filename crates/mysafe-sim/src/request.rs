//! Reading request bodies and query strings into the generated types, with MySafe's
//! 1001 for what is missing or malformed.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::answer::MySafeError;

/// Parses a JSON body into `T`. An empty body counts as `{}`, so that a create
/// without a body is told which parameter is missing. `required` is checked first,
/// in the order the vendor pages list the parameters: missing, `null` and `""`
/// are "not informed".
///
/// Errors name the field, never its value: the value may be a password.
pub fn parse_body<T: DeserializeOwned>(body: &[u8], required: &[&str]) -> Result<T, MySafeError> {
    let map = json_object(body)?;
    for field in required {
        match map.get(*field) {
            None | Some(Value::Null) => return Err(MySafeError::not_informed(field)),
            Some(value) if is_blank(value) => return Err(MySafeError::not_informed(field)),
            _ => {}
        }
    }
    decode(map, required)
}

/// Parses an update body into `T`. Every field may be left out, but one that create
/// requires (`required`) cannot be sent blank: the pages are silent, and the
/// simulator refuses it with the same 1001 as create rather than keep an item that
/// create would not accept.
pub fn parse_update<T: DeserializeOwned>(body: &[u8], required: &[&str]) -> Result<T, MySafeError> {
    let map = json_object(body)?;
    if let Some(field) = required
        .iter()
        .find(|field| map.get(**field).is_some_and(is_blank))
    {
        return Err(MySafeError::not_informed(field));
    }
    decode(map, &[])
}

/// An update's value for a field that create requires, in the type the item keeps
/// it in (a generated newtype that refuses `""`). [`parse_update`] has refused blank
/// values already; this keeps the conversion free of panics.
pub fn stored<T: TryFrom<String>>(
    field: &str,
    value: Option<String>,
) -> Result<Option<T>, MySafeError> {
    value
        .map(|value| T::try_from(value).map_err(|_| MySafeError::not_informed(field)))
        .transpose()
}

fn is_blank(value: &Value) -> bool {
    value.as_str().is_some_and(|s| s.trim().is_empty())
}

fn json_object(body: &[u8]) -> Result<Map<String, Value>, MySafeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(MySafeError::new(
            1001,
            "1001: The request body is not a JSON object",
        )),
    }
}

fn decode<T: DeserializeOwned>(
    map: Map<String, Value>,
    required: &[&str],
) -> Result<T, MySafeError> {
    serde_json::from_value(Value::Object(map.clone()))
        .map_err(|_| invalid_field::<T>(&map, required))
}

/// Finds the field that breaks deserialization by trying each one alone beside
/// placeholder values for the required ones (all required fields are strings).
fn invalid_field<T: DeserializeOwned>(map: &Map<String, Value>, required: &[&str]) -> MySafeError {
    for (key, value) in map {
        let mut probe: Map<String, Value> = required
            .iter()
            .map(|field| ((*field).to_owned(), Value::String("x".into())))
            .collect();
        probe.insert(key.clone(), value.clone());
        if serde_json::from_value::<T>(Value::Object(probe)).is_err() {
            return MySafeError::new(
                1001,
                format!("1001: Parameter '{key}' has an invalid value"),
            );
        }
    }
    MySafeError::new(1001, "1001: Invalid parameters")
}

/// Query parameters; a repeated key keeps its last value, and an empty value
/// filters nothing, as an unset filter field in a client would send it.
pub fn query(query: Option<&str>) -> HashMap<String, String> {
    query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// Whether an optional filter lets a value through: no filter, or an equal value.
pub fn matches(filter: Option<&String>, value: Option<&str>) -> bool {
    filter.is_none_or(|f| value == Some(f.as_str()))
}

/// Whether a comma-separated tag list holds `tag` (no filter lets everything through).
pub fn has_tag(filter: Option<&String>, tags: Option<&str>) -> bool {
    filter.is_none_or(|f| {
        tags.unwrap_or_default()
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case(f.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysafe_client::types::CreatePasswordRequest;

    const REQUIRED: &[&str] = &["name", "username", "password"];

    fn message(body: &str) -> String {
        parse_body::<CreatePasswordRequest>(body.as_bytes(), REQUIRED)
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    #[test]
    fn missing_required_fields_are_reported_in_page_order() {
        assert_eq!(message(""), "1001: Parameter 'name' was not informed!");
        assert_eq!(
            message(r#"{"name":"n","username":"  "}"#),
            "1001: Parameter 'username' was not informed!"
        );
        assert_eq!(
            message(r#"{"name":"n","username":"u","password":null}"#),
            "1001: Parameter 'password' was not informed!"
        );
    }

    #[test]
    fn a_wrongly_typed_field_is_named_without_its_value() {
        let m = message(r#"{"name":"n","username":"u","password":12345678}"#);
        assert_eq!(m, "1001: Parameter 'password' has an invalid value");
        assert!(!m.contains("12345678"));
        assert_eq!(
            message("[1]"),
            "1001: The request body is not a JSON object"
        );
        assert_eq!(
            message("{\"name\":"),
            "1001: The request body is not a JSON object"
        );
    }

    #[test]
    fn an_update_may_leave_out_required_fields_but_not_blank_them() {
        use mysafe_client::types::UpdatePasswordRequest;
        let update = |body: &str| {
            parse_update::<UpdatePasswordRequest>(body.as_bytes(), REQUIRED).map_err(|e| e.message)
        };
        assert!(update("{}").is_ok());
        assert!(update(r#"{"name":null,"notes":""}"#).is_ok());
        assert_eq!(
            update(r#"{"notes":"n","username":" "}"#).err().as_deref(),
            Some("1001: Parameter 'username' was not informed!")
        );
        assert_eq!(
            update(r#"{"password":""}"#).err().as_deref(),
            Some("1001: Parameter 'password' was not informed!")
        );
    }

    #[test]
    fn a_complete_body_parses() {
        let req: CreatePasswordRequest = parse_body(
            br#"{"name":"n","username":"u","password":"p","extra":1}"#,
            REQUIRED,
        )
        .unwrap();
        assert_eq!(req.password.expose(), "p");
    }

    #[test]
    fn filters() {
        let q = query(Some("tag=gmail&name=a%20b&url="));
        assert!(!q.contains_key("url"));
        assert_eq!(q.get("name").map(String::as_str), Some("a b"));
        assert!(has_tag(q.get("tag"), Some("x, Gmail")));
        assert!(!has_tag(q.get("tag"), Some("gmailx")));
        assert!(!has_tag(q.get("tag"), None));
        assert!(matches(None, None));
        assert!(!matches(q.get("name"), Some("a")));
    }
}
