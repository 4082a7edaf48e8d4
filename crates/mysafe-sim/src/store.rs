//! In-memory items, who owns them and who may see or change them.

use std::collections::BTreeMap;

use mysafe_client::types::{
    CreateApiSecretRequest, CreateNoteRequest, CreatePasswordRequest, GroupGrant, SharedGroup,
    SharedUser, UserGrant,
};

use crate::answer::MySafeError;

/// Every item kept by the simulator.
#[derive(Default)]
pub struct Store {
    pub passwords: Collection<CreatePasswordRequest>,
    pub notes: Collection<CreateNoteRequest>,
    pub api_secrets: Collection<CreateApiSecretRequest>,
}

/// One stored item. The data is the generated create-request type, so stored fields
/// are exactly the fields the spec lets a caller set.
pub struct Item<T> {
    pub owner: String,
    pub active: bool,
    pub data: T,
}

/// What an application may do with an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    View,
    Edit,
}

/// Items of one kind; identifiers count from 1, per kind, as separate tables do.
pub struct Collection<T> {
    next_id: i64,
    items: BTreeMap<i64, Item<T>>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Self {
            next_id: 1,
            items: BTreeMap::new(),
        }
    }
}

/// Stored data that can be shared with users.
pub trait Shareable {
    fn users_allowed(&self) -> &[UserGrant];
}

impl Shareable for CreatePasswordRequest {
    fn users_allowed(&self) -> &[UserGrant] {
        &self.users_allowed
    }
}

impl Shareable for CreateNoteRequest {
    fn users_allowed(&self) -> &[UserGrant] {
        &self.users_allowed
    }
}

impl Shareable for CreateApiSecretRequest {
    fn users_allowed(&self) -> &[UserGrant] {
        &self.users_allowed
    }
}

/// The messages of one item kind, as the vendor pages print them (their
/// inconsistencies included: "Api secret activated successfully",
/// "Note successfully update").
pub struct Words {
    pub not_found: &'static str,
    pub inactive: &'static str,
    pub registered: &'static str,
    pub updated: &'static str,
    pub activated: &'static str,
    pub deactivated: &'static str,
    pub already_active: &'static str,
    pub already_inactive: &'static str,
}

impl<T: Shareable> Collection<T> {
    pub fn insert(&mut self, owner: &str, data: T) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.items.insert(
            id,
            Item {
                owner: owner.to_owned(),
                active: true,
                data,
            },
        );
        id
    }

    /// The item named by a path segment, if `app` may at least view it:
    /// 1010 for a non-numeric identifier, 1005 when there is no such item, 1006
    /// when it belongs to another application and is not shared with this one.
    pub fn find_mut(
        &mut self,
        identifier: &str,
        app: &str,
        words: &Words,
    ) -> Result<(i64, &mut Item<T>, Access), MySafeError> {
        let id = parse_identifier(identifier)?;
        let item = self
            .items
            .get_mut(&id)
            .ok_or_else(|| MySafeError::new(1005, words.not_found))?;
        let access = access(item, app).ok_or_else(MySafeError::no_access)?;
        Ok((id, item, access))
    }

    /// Like [`find_mut`](Self::find_mut), but 1006 unless `app` may edit the item.
    pub fn find_editable(
        &mut self,
        identifier: &str,
        app: &str,
        words: &Words,
    ) -> Result<(i64, &mut Item<T>), MySafeError> {
        match self.find_mut(identifier, app, words)? {
            (id, item, Access::Edit) => Ok((id, item)),
            _ => Err(MySafeError::no_access()),
        }
    }

    /// Active items `app` may see, in identifier order.
    pub fn visible<'a>(&'a self, app: &'a str) -> impl Iterator<Item = (i64, &'a T, Access)> + 'a {
        self.items.iter().filter_map(move |(id, item)| {
            let access = access(item, app)?;
            item.active.then_some((*id, &item.data, access))
        })
    }

    /// Every item `owner` owns, active or not.
    pub fn owned_by<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = (i64, &'a T)> + 'a {
        self.items
            .iter()
            .filter(move |(_, item)| item.owner == owner)
            .map(|(id, item)| (*id, &item.data))
    }

    /// Enable or disable; already being in that state is a success with its own message.
    pub fn set_active(
        &mut self,
        identifier: &str,
        app: &str,
        active: bool,
        words: &Words,
    ) -> Result<&'static str, MySafeError> {
        let (_, item) = self.find_editable(identifier, app, words)?;
        let message = match (item.active, active) {
            (true, true) => words.already_active,
            (false, false) => words.already_inactive,
            (_, true) => words.activated,
            (_, false) => words.deactivated,
        };
        item.active = active;
        Ok(message)
    }
}

fn access<T: Shareable>(item: &Item<T>, app: &str) -> Option<Access> {
    if item.owner == app {
        return Some(Access::Edit);
    }
    item.data
        .users_allowed()
        .iter()
        .filter(|grant| grant.username == app)
        .map(|grant| {
            if grant.can_edit == Some(true) {
                Access::Edit
            } else {
                Access::View
            }
        })
        .max()
}

/// Path identifiers are integers; anything else is MySafe's 1010.
pub fn parse_identifier(segment: &str) -> Result<i64, MySafeError> {
    segment
        .parse()
        .map_err(|_| MySafeError::new(1010, "1010: Unexpected identifier type"))
}

/// Sharing grants as the answers echo them back.
pub fn shared_users(grants: &[UserGrant]) -> Vec<SharedUser> {
    grants
        .iter()
        .map(|g| SharedUser {
            username: Some(g.username.clone()),
            can_edit: Some(g.can_edit.unwrap_or(false)),
            ..SharedUser::default()
        })
        .collect()
}

pub fn shared_groups(grants: &[GroupGrant]) -> Vec<SharedGroup> {
    grants
        .iter()
        .map(|g| SharedGroup {
            name: Some(g.name.clone()),
            can_edit: Some(g.can_edit.unwrap_or(false)),
            ..SharedGroup::default()
        })
        .collect()
}

/// The listing flags: "0"/"1" strings for the approval workflow (never required
/// here) and booleans for the caller's rights.
pub fn can_write(access: Access) -> Option<bool> {
    Some(access == Access::Edit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysafe_client::Secret;

    const WORDS: Words = Words {
        not_found: "1005: Note not found",
        inactive: "1009: Inactive note",
        registered: "r",
        updated: "u",
        activated: "a",
        deactivated: "d",
        already_active: "aa",
        already_inactive: "ad",
    };

    fn note(shared_with: Option<(&str, Option<bool>)>) -> CreateNoteRequest {
        CreateNoteRequest {
            groups_allowed: vec![],
            name: "n".parse().expect("a non-empty name"),
            note: Secret::new("s"),
            tags: None,
            users_allowed: shared_with
                .map(|(username, can_edit)| UserGrant {
                    username: username.into(),
                    can_edit,
                })
                .into_iter()
                .collect(),
        }
    }

    fn code<T>(result: Result<T, MySafeError>) -> i32 {
        result.err().map_or(0, |e| e.code)
    }

    #[test]
    fn access_follows_ownership_and_sharing() {
        let mut notes = Collection::default();
        let own = notes.insert("a", note(None)).to_string();
        let viewable = notes.insert("b", note(Some(("a", None)))).to_string();
        let editable = notes.insert("b", note(Some(("a", Some(true))))).to_string();
        let foreign = notes.insert("b", note(None)).to_string();

        assert_eq!(notes.find_mut(&own, "a", &WORDS).unwrap().2, Access::Edit);
        assert_eq!(
            notes.find_mut(&viewable, "a", &WORDS).unwrap().2,
            Access::View
        );
        assert_eq!(code(notes.find_editable(&viewable, "a", &WORDS)), 1006);
        assert!(notes.find_editable(&editable, "a", &WORDS).is_ok());
        assert_eq!(code(notes.find_mut(&foreign, "a", &WORDS)), 1006);
        assert_eq!(code(notes.find_mut("99", "a", &WORDS)), 1005);
        assert_eq!(code(notes.find_mut("x1", "a", &WORDS)), 1010);
        let listed: Vec<i64> = notes.visible("a").map(|(id, _, _)| id).collect();
        assert_eq!(listed, vec![1, 2, 3]);
    }

    #[test]
    fn set_active_reports_whether_the_state_changed() {
        let mut notes = Collection::default();
        let id = notes.insert("a", note(None)).to_string();
        assert_eq!(notes.set_active(&id, "a", true, &WORDS), Ok("aa"));
        assert_eq!(notes.set_active(&id, "a", false, &WORDS), Ok("d"));
        assert_eq!(notes.set_active(&id, "a", false, &WORDS), Ok("ad"));
        assert_eq!(notes.visible("a").count(), 0);
        assert_eq!(notes.set_active(&id, "a", true, &WORDS), Ok("a"));
    }
}
