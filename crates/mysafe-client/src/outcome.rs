//! Whether an enable or disable changed anything.
//!
//! MySafe answers 200 both when it changed the state and when the item already was
//! in it; only the message differs ("Password successfully deactivated" versus
//! "Password has already been deactivated", and the same for notes and API secrets).
//! The spec lists each operation's messages (`x-outcome-messages`);
//! `tests/spec_facts.rs` checks that this reading gives every one its outcome.

use crate::types::StatusResponse;

/// What an enable or disable call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The item was switched to the requested state.
    Changed,
    /// The item already was in the requested state; nothing changed.
    AlreadySo,
}

impl StatusResponse {
    /// Whether the call changed the state, from the answer's message.
    pub fn outcome(&self) -> Outcome {
        let response = &self.response;
        let messages = [
            response.message.as_deref(),
            response.mensagem.as_deref(),
            // Some 3.33 answers spell the Portuguese key `Message`.
            response.extra.get("Message").and_then(|v| v.as_str()),
        ];
        if messages
            .into_iter()
            .flatten()
            .any(|m| m.to_ascii_lowercase().contains("already been"))
        {
            Outcome::AlreadySo
        } else {
            Outcome::Changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(message: &str) -> StatusResponse {
        serde_json::from_value(serde_json::json!({
            "code": 200,
            "response": {"status": 200, "message": message, "error": false}
        }))
        .unwrap()
    }

    #[test]
    fn documented_messages() {
        for already in [
            "Password has already been deactivated",
            "Password has already been activated",
            "Note has already been deactivated",
            "Api secret has already been activated",
        ] {
            assert_eq!(answer(already).outcome(), Outcome::AlreadySo, "{already}");
        }
        for changed in [
            "Password successfully deactivated",
            "Api secret activated successfully",
            "Note successfully activated",
        ] {
            assert_eq!(answer(changed).outcome(), Outcome::Changed, "{changed}");
        }
    }

    #[test]
    fn every_disable_fixture_reports_a_change() {
        for fixture in [
            include_str!("../../../openapi/examples/seed/000-disable_password-200.json"),
            include_str!("../../../openapi/examples/seed/001-disable_password-200.json"),
            include_str!("../../../openapi/examples/seed/003-enable_password-200.json"),
        ] {
            let answer: StatusResponse = serde_json::from_str(fixture).unwrap();
            assert_eq!(answer.outcome(), Outcome::Changed);
        }
    }
}
