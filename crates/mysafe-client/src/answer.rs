//! How an answer travels from the hooks through the generated code to the caller.
//!
//! progenitor's `exec` hook can only hand back a `reqwest` response or error, and
//! the generated `send_raw` can only fail with progenitor's `Error`. So:
//!
//! - a documented success goes on as a response re-built around the body the hooks
//!   read ([`rebuild`]), and the generated success arms decode it with [`decode`]
//!   (post-processing puts it where progenitor calls `ResponseValue::from_response`);
//! - every other outcome is an [`Error`] decided in the hooks, carried in the
//!   extensions of a stand-in response ([`carry`]) that the generated code reports as
//!   unexpected;
//! - the generated `send` hands whatever `send_raw` failed with to [`recover`],
//!   which takes the carried [`Error`] out again.

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;
use reqwest::{Response, ResponseBuilderExt, StatusCode};
use serde::de::DeserializeOwned;

use crate::excerpt::Redactor;
use crate::{Client, ClientInfo, Error, types};

/// Status of the stand-in responses that carry an [`Error`]. No operation of the
/// spec documents it, so the generated code reports it as unexpected without
/// reading its (empty) body.
const STAND_IN: u16 = 599;

/// The progenitor error `send_raw` fails with.
type RawError = progenitor_client::Error<types::ErrorBody>;

/// An [`Error`] decided in the hooks, on its way to the caller.
#[derive(Clone)]
struct Carried(Error);

/// The bytes of the request's body, kept in a re-built answer for a call that sent
/// one, so that an undecodable answer can redact the secrets the call sent.
#[derive(Clone)]
pub(crate) struct SentBody(pub(crate) Bytes);

impl SentBody {
    /// A copy of the body of `request`, if it has one (calls without a body, such
    /// as every disable, copy nothing).
    pub(crate) fn of(request: &reqwest::Request) -> Option<Self> {
        let bytes = request.body()?.as_bytes()?;
        Some(Self(Bytes::copy_from_slice(bytes)))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// One answer with its body read, as the hooks got it.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) extensions: http::Extensions,
    pub(crate) url: reqwest::Url,
    pub(crate) body: Bytes,
}

/// A stand-in response carrying `error`.
pub(crate) fn carry(error: Error) -> Response {
    let mut response = http::Response::new(reqwest::Body::from(Bytes::new()));
    *response.status_mut() = StatusCode::from_u16(STAND_IN).expect("599 is a valid status code");
    response.extensions_mut().insert(Carried(error));
    Response::from(response)
}

/// The error a stand-in carries, if `response` is one.
pub(crate) fn carried(response: &Response) -> Option<&Error> {
    response
        .extensions()
        .get::<Carried>()
        .map(|Carried(error)| error)
}

/// A documented success, re-built around the body the hooks read, for the generated
/// code to decode with [`decode`].
pub(crate) fn rebuild(answer: Answer, sent: Option<SentBody>) -> Response {
    let Answer {
        status,
        headers,
        mut extensions,
        url,
        body,
    } = answer;
    if let Some(sent) = sent {
        extensions.insert(sent);
    }
    // Giving the URL back keeps `Response::url` right and spares reqwest parsing a
    // placeholder URL for every answer. The extensions go in first, so that the URL
    // joins their map (already allocated for the connection's details, which
    // `Response::remote_addr` reads) instead of a new one.
    let mut builder = http::Response::builder().status(status);
    if let Some(slot) = builder.extensions_mut() {
        *slot = extensions;
    }
    if let Some(slot) = builder.headers_mut() {
        *slot = headers;
    }
    match builder.url(url).body(reqwest::Body::from(body)) {
        Ok(response) => Response::from(response),
        // A status and headers that came from a response are always valid again.
        Err(e) => carry(Error::InvalidRequest(format!("rebuilding the answer: {e}"))),
    }
}

/// Decodes a documented success (what `ResponseValue::from_response` does, with
/// the headers moved rather than copied). A body that does not decode becomes an
/// [`Error::Undecodable`] with the answer's status and a redacted excerpt.
pub(crate) async fn decode<T: DeserializeOwned>(
    client: &Client,
    mut response: Response,
) -> Result<ResponseValue<T>, RawError> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // Moved out, not searched: only a body that fails to decode needs them.
    let extensions = std::mem::take(response.extensions_mut());
    let body = read_body(&mut response)
        .await
        .map_err(RawError::ResponseBodyError)?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => {
            let redactor = redactor(client, extensions.get::<SentBody>());
            let error = Error::undecodable(status.as_u16(), &body, &e, &redactor);
            Err(RawError::UnexpectedResponse(carry(error)))
        }
    }
}

/// The most a `Content-Length` may reserve up front: the header comes from the
/// network, and a body larger than this still arrives, only with the buffer growing.
const MAX_PRESIZE: usize = 64 * 1024;

/// The whole body of `response`: the hooks' read of an answer, and the decode's of
/// the answer they re-built. A body that arrives in one chunk (most MySafe answers,
/// and every re-built one) is kept as it came, and when that chunk holds every byte
/// the `Content-Length` announced, the end is not waited for; only a longer body is
/// copied into one buffer. (Counted with callgrind against reqwest's `bytes()`,
/// which collects through a buffer list: BENCHMARKS.md.)
pub(crate) async fn read_body(response: &mut Response) -> reqwest::Result<Bytes> {
    let announced = response.content_length();
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if announced == Some(first.len() as u64) {
        return Ok(first);
    }
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let expected = announced
        .map_or(0, |length| usize::try_from(length).unwrap_or(MAX_PRESIZE))
        .min(MAX_PRESIZE);
    let mut body = bytes::BytesMut::with_capacity(expected.max(first.len() + second.len()));
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// What the errors of a call must not show: the session's secrets and those the
/// call sent.
pub(crate) fn redactor(client: &Client, sent: Option<&SentBody>) -> Redactor {
    let mut secrets = client.inner().secrets();
    if let Some(sent) = sent {
        secrets.extend(crate::excerpt::sent_secrets(sent.bytes()));
    }
    Redactor::new(secrets)
}

/// The [`Error`] for what a generated `send_raw` failed with.
pub(crate) fn recover(error: RawError) -> Error {
    // Only the first two can happen: the hooks carry every answer that is not a
    // documented success, and post-processing left the generated code no other
    // decode. The others are mapped by what they mean, not assumed away.
    let unknown = Redactor::default();
    match error {
        RawError::UnexpectedResponse(response) => match carried(&response) {
            Some(error) => error.clone(),
            None => Error::Status {
                status: response.status().as_u16(),
                message: crate::error::describe_status(response.status().as_u16()),
            },
        },
        RawError::InvalidRequest(message) | RawError::Custom(message) => {
            Error::InvalidRequest(unknown.text(&message))
        }
        RawError::CommunicationError(e) if e.is_builder() => {
            Error::InvalidRequest(unknown.text(&e.to_string()))
        }
        RawError::CommunicationError(e)
        | RawError::InvalidUpgrade(e)
        | RawError::ResponseBodyError(e) => Error::from_transport(e, &unknown),
        RawError::ErrorResponse(answer) => Error::from_answer(
            answer.status().as_u16(),
            answer.headers(),
            &answer,
            &unknown,
        ),
        RawError::InvalidResponsePayload(body, e) => Error::InvalidRequest(format!(
            "internal error: an answer was decoded outside the client's hooks ({}, {} bytes)",
            crate::excerpt::describe(&e),
            body.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_url() -> reqwest::Url {
        reqwest::Url::parse("http://127.0.0.1:1/api/mysafe/note").unwrap()
    }

    fn answer(status: u16, body: &'static [u8]) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            extensions: http::Extensions::new(),
            url: test_url(),
            body: Bytes::from_static(body),
        }
    }

    #[tokio::test]
    async fn answers_keep_their_extensions_url_and_body() {
        // What the connection pool records about the connection, for instance.
        #[derive(Clone, Debug, PartialEq)]
        struct Detail(u32);
        let mut answer = answer(200, br#"{"response":{"status":200}}"#);
        answer.extensions.insert(Detail(7));
        let response = rebuild(answer, None);
        assert_eq!(response.extensions().get::<Detail>(), Some(&Detail(7)));
        assert_eq!(response.url(), &test_url());
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            &response.bytes().await.unwrap()[..],
            br#"{"response":{"status":200}}"#
        );
    }

    #[test]
    fn a_carried_error_comes_back_as_it_went() {
        let error = Error::Status {
            status: 418,
            message: "teapot".into(),
        };
        let response = carry(error);
        assert_eq!(response.status().as_u16(), STAND_IN);
        let back = recover(RawError::UnexpectedResponse(response));
        assert_eq!(back.to_string(), "HTTP 418: teapot");
    }

    #[test]
    fn conversion_failures_are_invalid_requests() {
        let error = recover(RawError::InvalidRequest(
            "conversion to `i64` for identifier failed: identifier \"abc\" is not an integer"
                .into(),
        ));
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert!(
            error.to_string().contains(r#""abc" is not an integer"#),
            "{error}"
        );
    }
}
