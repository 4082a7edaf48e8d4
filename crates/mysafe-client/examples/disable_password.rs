//! Disables passwords by identifier, reporting each outcome.
//!
//! Against a MySafe installation, with `MYSAFE_URL`, `MYSAFE_CLIENT_ID`,
//! `MYSAFE_CLIENT_SECRET` (and `MYSAFE_TENANT` if needed) set:
//!
//! ```sh
//! cargo run -p mysafe-client --example disable_password -- 10 11
//! ```
//!
//! Against an in-process simulator, which the example fills with one password of its
//! own application and one of another application:
//!
//! ```sh
//! cargo run -p mysafe-client --example disable_password -- --sim
//! ```

use mysafe_client::{Client, Error, Identifier, Outcome, Secret, types};

async fn disable(client: &Client, identifier: &Identifier) -> Result<(), Error> {
    // `?` would do for a caller that stops at the first failure; matching shows the
    // cases a caller usually tells apart.
    match client
        .disable_password()
        .identifier(identifier)
        .send()
        .await
    {
        Ok(answer) => match answer.outcome() {
            Outcome::Changed => println!("{identifier}: disabled"),
            Outcome::AlreadySo => println!("{identifier}: was already disabled"),
        },
        Err(e) if e.is_not_found() => println!("{identifier}: no such password"),
        Err(e) if e.is_access_denied() => println!("{identifier}: belongs to someone else"),
        // A wrong identifier, gateway, transport and authentication failures end
        // the run.
        Err(e) => return Err(e),
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (client, identifiers, _sim) = if args.first().map(String::as_str) == Some("--sim") {
        let (client, identifiers, sim) = simulated().await?;
        (client, identifiers, Some(sim))
    } else {
        // Taken as given: one that is not a number fails its call with a clear
        // error, before anything is sent.
        let identifiers: Vec<Identifier> = args.iter().map(Identifier::new).collect();
        if identifiers.is_empty() {
            return Err("usage: disable_password <identifier>... | --sim".into());
        }
        (Client::from_env()?, identifiers, None)
    };
    for identifier in &identifiers {
        disable(&client, identifier).await?;
    }
    Ok(())
}

/// A simulator with two applications, a client for the first, and identifiers that
/// show each outcome: changed, already so, not found, someone else's.
async fn simulated()
-> Result<(Client, Vec<Identifier>, mysafe_sim::Sim), Box<dyn std::error::Error>> {
    let config = mysafe_sim::SimConfig {
        applications: vec![
            mysafe_sim::Application::generate(),
            mysafe_sim::Application::generate(),
        ],
        ..mysafe_sim::SimConfig::default()
    };
    let sim = mysafe_sim::spawn_with(config).await?;
    let client_for = |app: &mysafe_sim::Application| {
        Client::builder()
            .base_url(sim.url())
            .client_id(app.client_id.clone())
            .client_secret(app.client_secret.clone())
            .build()
    };
    let ours = client_for(&sim.config().applications[0])?;
    let theirs = client_for(&sim.config().applications[1])?;
    let create = |client: Client| async move {
        let created = client
            .create_password()
            .body(
                types::CreatePasswordRequest::builder()
                    .name("example")
                    .username("admin")
                    .password(Secret::new("correct horse battery staple")),
            )
            .send()
            .await?;
        Ok::<_, Error>(created.into_inner().password_entity.identifier)
    };
    let mine = create(ours.clone()).await?;
    let other = create(theirs).await?;
    Ok((
        ours,
        vec![mine.clone(), mine, Identifier::from(999_999), other],
        sim,
    ))
}
