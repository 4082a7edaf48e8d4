//! Which operation of the spec a method and path name, as the gateway routes them.

use hyper::Method;
use mysafe_client::spec::ROUTE_PREFIXES;

/// The three kinds of MySafe item; each has the same six operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Password,
    Note,
    ApiSecret,
}

/// What is done to an item kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    List,
    Create,
    Get,
    Update,
    Enable,
    Disable,
}

/// A routed request: the token endpoint, or an action on a kind of item with the
/// identifier path segment as sent (it may not be a number: that is answered 1010).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Token,
    Item {
        kind: Kind,
        action: Action,
        identifier: Option<String>,
    },
}

impl Route {
    /// The spec's `operationId`.
    pub fn operation_id(&self) -> &'static str {
        use Action::*;
        use Kind::*;
        match self {
            Route::Token => "get_token",
            Route::Item { kind, action, .. } => match (kind, action) {
                (Password, List) => "list_passwords",
                (Password, Create) => "create_password",
                (Password, Get) => "get_password",
                (Password, Update) => "update_password",
                (Password, Enable) => "enable_password",
                (Password, Disable) => "disable_password",
                (Note, List) => "list_notes",
                (Note, Create) => "create_note",
                (Note, Get) => "get_note",
                (Note, Update) => "update_note",
                (Note, Enable) => "enable_note",
                (Note, Disable) => "disable_note",
                (ApiSecret, List) => "list_api_secrets",
                (ApiSecret, Create) => "create_api_secret",
                (ApiSecret, Get) => "get_api_secret",
                (ApiSecret, Update) => "update_api_secret",
                (ApiSecret, Enable) => "enable_api_secret",
                (ApiSecret, Disable) => "disable_api_secret",
            },
        }
    }
}

/// The route prefix of a path: one of the spec's `x-route-prefixes`
/// ([`mysafe_client::spec::ROUTE_PREFIXES`]: `/api`, the one the spec's paths use,
/// and `/iso`, which some installations also serve every operation and the token
/// endpoint under), so the simulator answers them all alike.
fn prefix_of(segment: &str) -> Option<&'static str> {
    ROUTE_PREFIXES
        .iter()
        .copied()
        .find(|prefix| prefix.strip_prefix('/') == Some(segment))
}

/// Routes a request as `openapi/mysafe.yaml` lays the paths out, under any
/// route prefix (returned with the route); `None` is what Kong answers 404 "no Route
/// matched with those values".
pub fn route(method: &Method, path: &str) -> Option<(&'static str, Route)> {
    let mut segments = path.strip_prefix('/')?.split('/');
    let prefix = prefix_of(segments.next()?)?;
    let segments: Vec<&str> = segments.collect();
    let route = match segments.as_slice() {
        ["oauth2", "token"] if method == Method::POST => Route::Token,
        ["mysafe", kind, rest @ ..] => {
            let kind = match *kind {
                "password" => Kind::Password,
                "note" => Kind::Note,
                "secretapi" => Kind::ApiSecret,
                _ => return None,
            };
            let (action, identifier) = match (method, rest) {
                (&Method::GET, []) => (Action::List, None),
                (&Method::POST, []) => (Action::Create, None),
                (&Method::GET, [id]) => (Action::Get, Some(*id)),
                (&Method::PUT, ["update", id]) => (Action::Update, Some(*id)),
                (&Method::POST, ["active", id]) => (Action::Enable, Some(*id)),
                (&Method::POST, ["inactive", id]) => (Action::Disable, Some(*id)),
                _ => return None,
            };
            Route::Item {
                kind,
                action,
                identifier: identifier.map(str::to_owned),
            }
        }
        _ => return None,
    };
    Some((prefix, route))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_path_routes_to_its_operation_under_both_prefixes() {
        let cases = [
            ("POST", "/api/oauth2/token", "get_token"),
            ("GET", "/api/mysafe/password", "list_passwords"),
            ("POST", "/api/mysafe/password", "create_password"),
            ("GET", "/api/mysafe/password/7", "get_password"),
            ("PUT", "/api/mysafe/password/update/7", "update_password"),
            ("POST", "/api/mysafe/password/active/7", "enable_password"),
            (
                "POST",
                "/api/mysafe/password/inactive/7",
                "disable_password",
            ),
            ("GET", "/api/mysafe/note", "list_notes"),
            ("POST", "/api/mysafe/note", "create_note"),
            ("GET", "/api/mysafe/note/7", "get_note"),
            ("PUT", "/api/mysafe/note/update/7", "update_note"),
            ("POST", "/api/mysafe/note/active/7", "enable_note"),
            ("POST", "/api/mysafe/note/inactive/7", "disable_note"),
            ("GET", "/api/mysafe/secretapi", "list_api_secrets"),
            ("POST", "/api/mysafe/secretapi", "create_api_secret"),
            ("GET", "/api/mysafe/secretapi/7", "get_api_secret"),
            ("PUT", "/api/mysafe/secretapi/update/7", "update_api_secret"),
            (
                "POST",
                "/api/mysafe/secretapi/active/7",
                "enable_api_secret",
            ),
            (
                "POST",
                "/api/mysafe/secretapi/inactive/7",
                "disable_api_secret",
            ),
        ];
        for (method, path, id) in cases {
            let method: Method = method.parse().unwrap();
            for prefix in ROUTE_PREFIXES {
                let path = path.replacen("/api/", &format!("{prefix}/"), 1);
                let routed = route(&method, &path).unwrap_or_else(|| panic!("{method} {path}"));
                assert_eq!(routed.0, *prefix, "{method} {path}");
                assert_eq!(routed.1.operation_id(), id, "{method} {path}");
            }
        }
    }

    #[test]
    fn identifier_is_kept_as_sent() {
        let (_, route) = route(&Method::POST, "/api/mysafe/note/inactive/abc").unwrap();
        assert_eq!(
            route,
            Route::Item {
                kind: Kind::Note,
                action: Action::Disable,
                identifier: Some("abc".into())
            }
        );
    }

    #[test]
    fn anything_else_is_unrouted() {
        for (method, path) in [
            ("GET", "/api/oauth2/token"),
            ("GET", "/"),
            ("GET", ""),
            ("GET", "/api/mysafe/device"),
            ("DELETE", "/api/mysafe/password/1"),
            ("POST", "/api/mysafe/password/1"),
            ("POST", "/api/mysafe/password/update/1"),
            ("GET", "/api/mysafe/password/inactive/1"),
            ("GET", "/api/mysafe/password/1/extra"),
            ("PUT", "/api/mysafe/password/update/1/2"),
            ("GET", "/iso/oauth2/token"),
            ("GET", "/iso"),
            ("GET", "/iso/mysafe/device"),
            ("GET", "/isox/mysafe/password"),
            ("GET", "/apiso/mysafe/password"),
            ("GET", "/mysafe/password"),
            ("GET", "/iso/api/mysafe/password"),
            ("POST", "/other/oauth2/token"),
        ] {
            let method: Method = method.parse().unwrap();
            assert_eq!(route(&method, path), None, "{method} {path}");
        }
    }
}
