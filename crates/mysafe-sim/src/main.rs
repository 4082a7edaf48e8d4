//! `cargo run -p mysafe-sim`: a MySafe simulator on the local machine, for trying
//! the client or a tool built on it without a senhasegura installation.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use mysafe_sim::SimConfig;

/// Runs an in-memory MySafe simulator until Ctrl-C.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Lifetime of issued tokens, in seconds; one beyond what the clock can
    /// represent gives tokens that never expire.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let token_ttl = Duration::from_secs(args.token_ttl);
    let config = SimConfig {
        token_ttl,
        ..SimConfig::default()
    };
    let sim = mysafe_sim::spawn_on(SocketAddr::new(args.bind, args.port), config).await?;
    // These are the simulator's own throw-away test credentials, generated at start
    // and valid only against this process: printing them is the point.
    println!("MySafe simulator listening on {}", sim.url());
    println!();
    println!("MYSAFE_URL={}", sim.url());
    println!("MYSAFE_CLIENT_ID={}", sim.client_id());
    println!("MYSAFE_CLIENT_SECRET={}", sim.client_secret());
    println!();
    // The same saturation as the token store's (`SimConfig::token_ttl`).
    if std::time::Instant::now().checked_add(token_ttl).is_some() {
        println!("Tokens last {} s. Press Ctrl-C to stop.", args.token_ttl);
    } else {
        println!("Tokens never expire. Press Ctrl-C to stop.");
    }
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
