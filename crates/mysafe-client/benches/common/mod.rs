//! What both benchmark targets share: the simulator, a warm client, and one disable
//! call through `mysafe-client` and through plain reqwest.

use mysafe_client::{Client, ClientInfo, Secret, types};
use mysafe_sim::Sim;

pub struct Bench {
    pub sim: Sim,
    pub client: Client,
    pub plain: reqwest::Client,
    /// The base URL, formatted once as the SDK client does (`Sim::url` formats the
    /// address on every call).
    pub base: String,
    pub bearer: String,
    pub identifier: i64,
}

pub fn client(sim: &Sim) -> Client {
    Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .build()
        .expect("valid configuration")
}

pub async fn setup() -> Bench {
    let sim = mysafe_sim::spawn().await.expect("simulator starts");
    let client = client(&sim);
    let created = client
        .create_password()
        .body(
            types::CreatePasswordRequest::builder()
                .name("bench")
                .username("bench")
                .password(Secret::new("bench")),
        )
        .send()
        .await
        .expect("create");
    let identifier = i64::try_from(&created.password_entity.identifier).expect("numeric id");
    // Warm the client's token cache; the first disable changes the state, every
    // later one answers "already deactivated" through the same path.
    client
        .disable_password()
        .identifier(identifier)
        .send()
        .await
        .expect("disable");
    let token = client
        .get_token()
        .body(types::TokenRequest {
            grant_type: types::GrantType::ClientCredentials,
            client_id: sim.client_id().to_owned(),
            client_secret: Secret::new(sim.client_secret()),
            tenant: None,
        })
        .send()
        .await
        .expect("token");
    Bench {
        bearer: format!("Bearer {}", token.access_token.expose()),
        base: sim.url(),
        // The very HTTP client inside `client` (same settings, same pool), so that
        // the comparison measures the SDK layer only.
        plain: client.client().clone(),
        sim,
        client,
        identifier,
    }
}

pub async fn disable_client(bench: &Bench) {
    let answer = bench
        .client
        .disable_password()
        .identifier(bench.identifier)
        .send()
        .await
        .expect("disable through mysafe-client");
    assert!(answer.response.status == Some(200));
}

/// The same request and decode, by hand.
pub async fn disable_plain(bench: &Bench) {
    let url = format!(
        "{}/api/mysafe/password/inactive/{}",
        bench.base, bench.identifier
    );
    let response = bench
        .plain
        .post(url)
        .header(reqwest::header::AUTHORIZATION, &bench.bearer)
        .header(reqwest::header::ACCEPT, "application/json")
        .header("api-version", "3.33")
        .send()
        .await
        .expect("disable through reqwest");
    let body = response.bytes().await.expect("body");
    let answer: types::StatusResponse = serde_json::from_slice(&body).expect("envelope");
    assert!(answer.response.status == Some(200));
}
