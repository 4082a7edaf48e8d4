//! The mocks used the way a dependent of `mysafe-client` uses them: a client built
//! with `Client::builder()` against a `MockServer`, every answer typed.

use mysafe_client::types::{
    ErrorBody, Exception, GrantType, ResponseStatus, StatusResponse, TokenRequest, TokenResponse,
};
use mysafe_client::{ApiCode, Client, Error, Outcome};
use mysafe_client_httpmock::MockServerExt;
use mysafe_client_httpmock::httpmock::{Mock, MockServer};

const CLIENT_ID: &str = "billing-app";
const CLIENT_SECRET: &str = "s3cret-value";
const TOKEN: &str = "t0ken-value";

fn client(server: &MockServer, secret: &str) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .client_id(CLIENT_ID)
        .client_secret(secret)
        .build()
        .unwrap()
}

/// The token request as the client sends it, answered with a token.
fn login(server: &MockServer) -> Mock<'_> {
    server.get_token(|when, then| {
        when.body(&TokenRequest {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            grant_type: GrantType::ClientCredentials,
            tenant: None,
        });
        then.ok(&TokenResponse {
            access_token: TOKEN.into(),
            expires_in: Some(3600),
            token_type: Some("Bearer".into()),
        });
    })
}

/// MySafe's `response` block: the message in its English and Portuguese keys.
fn status_block(status: i32, message: &str, error: bool) -> ResponseStatus {
    ResponseStatus {
        status: Some(status),
        message: Some(message.into()),
        error: Some(error),
        error_code: Some(i32::from(error)),
        detail: Some(String::new()),
        mensagem: Some(message.into()),
        erro: Some(error),
        cod_erro: Some(i32::from(error)),
        extra: Default::default(),
    }
}

#[tokio::test]
async fn a_disable_answered_already_deactivated_is_already_so() {
    let server = MockServer::start_async().await;
    let token = login(&server);
    let disable = server.disable_password(|when, then| {
        // Only with the token from the login: the client sends it as a bearer.
        when.identifier(10)
            .into_inner()
            .header("authorization", format!("Bearer {TOKEN}"));
        then.ok(&StatusResponse {
            code: Some(200),
            response: status_block(200, "Password has already been deactivated", false),
        });
    });

    let client = client(&server, CLIENT_SECRET);
    let answer = client
        .disable_password()
        .identifier(10)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.outcome(), Outcome::AlreadySo);
    let again = client
        .disable_password()
        .identifier(10)
        .send()
        .await
        .unwrap();
    assert_eq!(again.outcome(), Outcome::AlreadySo);

    // One login for both calls: the token is cached.
    token.assert_calls_async(1).await;
    disable.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_1006_is_access_denied() {
    let server = MockServer::start_async().await;
    let token = login(&server);
    let message = "1006: User does not have access";
    let disable = server.disable_password(|when, then| {
        when.identifier(11);
        then.bad_request(&ErrorBody {
            code: Some(400),
            response: Some(status_block(400, message, true)),
            exception: Some(Exception {
                code: Some(1006),
                message: Some(message.into()),
                detail: Some(String::new()),
            }),
            ..ErrorBody::default()
        });
    });

    let client = client(&server, CLIENT_SECRET);
    let error = client
        .disable_password()
        .identifier(11)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_access_denied(), "{error}");
    assert_eq!(error.api_code(), Some(ApiCode::NoAccess));
    assert_eq!(error.status(), Some(400));
    // A refusal is not retried.
    disable.assert_calls_async(1).await;
    token.assert_calls_async(1).await;
}

/// Sends one disable with `client` against a server where only the login is mocked
/// and returns the error: a request that misses every mock gets httpmock's 404.
async fn disable_without_a_matching_login(client: Client) -> Error {
    client
        .disable_password()
        .identifier(10)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_token_mock_matches_the_form_fields_exactly() {
    let server = MockServer::start_async().await;
    let token = login(&server);

    // Another secret: a field with another value.
    let error = disable_without_a_matching_login(client(&server, "another-secret")).await;
    assert_eq!(error.status(), Some(404), "{error}");

    // The right secret and a tenant the mock does not expect: one field too many.
    let with_tenant = Client::builder()
        .base_url(server.base_url())
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .tenant("acme")
        .build()
        .unwrap();
    let error = disable_without_a_matching_login(with_tenant).await;
    assert_eq!(error.status(), Some(404), "{error}");

    token.assert_calls_async(0).await;
}
