//! The 18 MySafe operations, one module per item kind.

mod api_secrets;
mod notes;
mod passwords;

use std::collections::HashMap;

use hyper::StatusCode;
use mysafe_client::types::StatusResponse;

use crate::answer::{Answer, MySafeError, status_block};
use crate::routes::{Action, Kind};
use crate::store::Store;

/// One authenticated MySafe request, as the operations see it.
pub struct Call<'a> {
    /// The client id of the application whose token came with the request.
    pub app: &'a str,
    pub action: Action,
    pub identifier: &'a str,
    pub query: &'a HashMap<String, String>,
    pub body: &'a [u8],
}

pub fn handle(store: &mut Store, kind: Kind, call: &Call<'_>) -> Answer {
    let result = match kind {
        Kind::Password => passwords::handle(store, call),
        Kind::Note => notes::handle(store, call),
        Kind::ApiSecret => api_secrets::handle(store, call),
    };
    result.unwrap_or_else(|error| error.answer())
}

/// The answer to enable and disable.
fn status_answer(message: &str) -> Answer {
    Answer::json(
        StatusCode::OK,
        &StatusResponse {
            code: Some(200),
            response: status_block(StatusCode::OK, message, false),
        },
    )
}

/// Enable or disable, the same for every kind.
fn toggle<T: crate::store::Shareable>(
    collection: &mut crate::store::Collection<T>,
    call: &Call<'_>,
    words: &crate::store::Words,
) -> Result<Answer, MySafeError> {
    let active = call.action == Action::Enable;
    let message = collection.set_active(call.identifier, call.app, active, words)?;
    Ok(status_answer(message))
}
