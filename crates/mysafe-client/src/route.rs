//! The route prefix a client sends its calls under.
//!
//! Every path of the spec, and so of the generated code, is written under the first
//! of the spec's `x-route-prefixes` (`/api`); some installations serve the same
//! operations and token endpoint under another one (`/iso`). A client built with
//! [`crate::ClientBuilder::route_prefix`] has each request's path moved from the
//! one prefix to the other in the hooks, before anything is sent, so every
//! generated call follows it, the token request included.

use crate::Error;
use crate::spec::ROUTE_PREFIXES;

/// Moves a request path from the spec's own prefix to the chosen one.
#[derive(Debug)]
pub(crate) struct RouteRewrite {
    /// What every generated path starts with: the base URL's own path, then the
    /// spec's prefix (`/api/`, or `/gateway/api/` under a base URL with a path).
    from: String,
    /// The same with the chosen prefix.
    to: String,
}

impl RouteRewrite {
    /// The rewrite for `prefix` under `base_url` (already normalized: no trailing
    /// slash), or `None` when `prefix` is the spec's own and nothing moves. A prefix
    /// the spec does not list is a configuration error naming the ones it does.
    pub(crate) fn new(base_url: &str, prefix: &str) -> Result<Option<Self>, Error> {
        let prefix = prefix.trim_end_matches('/');
        if !ROUTE_PREFIXES.contains(&prefix) {
            return Err(Error::Config(format!(
                "route prefix {prefix:?} is not one the API is served under ({})",
                ROUTE_PREFIXES.join(", ")
            )));
        }
        if prefix == ROUTE_PREFIXES[0] {
            return Ok(None);
        }
        let base_path = reqwest::Url::parse(base_url)
            .map_err(|e| Error::Config(format!("base URL: {e}")))?
            .path()
            .trim_end_matches('/')
            .to_owned();
        Ok(Some(Self {
            from: format!("{base_path}{}/", ROUTE_PREFIXES[0]),
            to: format!("{base_path}{prefix}/"),
        }))
    }

    /// Rewrites `url` in place. A path that does not start with the spec's prefix
    /// (none does, as the paths and the prefixes come from one spec) is left alone.
    pub(crate) fn apply(&self, url: &mut reqwest::Url) {
        if let Some(rest) = url.path().strip_prefix(&self.from) {
            let path = format!("{}{rest}", self.to);
            url.set_path(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(base: &str, prefix: &str, url: &str) -> String {
        let mut url = reqwest::Url::parse(url).unwrap();
        RouteRewrite::new(base, prefix)
            .unwrap()
            .expect("a prefix other than the spec's own")
            .apply(&mut url);
        url.to_string()
    }

    #[test]
    fn the_spec_prefix_moves_to_the_chosen_one() {
        assert_eq!(
            rewritten(
                "https://h",
                "/iso",
                "https://h/api/mysafe/password/inactive/10?x=1"
            ),
            "https://h/iso/mysafe/password/inactive/10?x=1"
        );
        assert_eq!(
            rewritten("https://h", "/iso/", "https://h/api/oauth2/token"),
            "https://h/iso/oauth2/token"
        );
        // Under a base URL with a path, only the prefix after it moves.
        assert_eq!(
            rewritten(
                "https://h/gateway",
                "/iso",
                "https://h/gateway/api/mysafe/note"
            ),
            "https://h/gateway/iso/mysafe/note"
        );
        // A path already elsewhere is left alone.
        assert_eq!(
            rewritten("https://h", "/iso", "https://h/other/api/x"),
            "https://h/other/api/x"
        );
    }

    #[test]
    fn the_spec_prefix_needs_no_rewrite_and_others_are_refused() {
        assert!(
            RouteRewrite::new("https://h", ROUTE_PREFIXES[0])
                .unwrap()
                .is_none()
        );
        let error = RouteRewrite::new("https://h", "/v2").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "configuration error: route prefix \"/v2\" is not one the API is served under ({})",
                ROUTE_PREFIXES.join(", ")
            )
        );
    }
}
