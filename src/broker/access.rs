//! Who may connect, and what a connected client may do: the one place the handlers ask.
//!
//! [`Access`] holds the password file and the ACL in force (either may be absent: without a
//! password file any username is accepted, without an ACL everything is allowed). It is
//! immutable; a reload builds a new one from the files and swaps it in whole, so a check
//! never sees half of an old file and half of a new one, and connections stay up.

use std::path::{Path, PathBuf};

use super::acl::{Acl, Client};
use super::auth::PasswordFile;

/// The access rules in force.
#[derive(Debug, Default)]
pub struct Access {
    /// Accept clients that send no username.
    pub allow_anonymous: bool,
    /// Known users; without a file, any username is accepted.
    pub passwords: Option<PasswordFile>,
    /// The ACL; without one, every client may do everything.
    pub acl: Option<Acl>,
}

/// Where the rules came from, so SIGHUP can read them again.
#[derive(Debug, Default, Clone)]
pub struct AccessFiles {
    /// The password file.
    pub password_file: Option<PathBuf>,
    /// The ACL file.
    pub acl_file: Option<PathBuf>,
}

/// Why an ACL file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AclFileError {
    /// Reading it failed.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is wrong.
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Which line and why.
        source: super::acl::AclError,
    },
}

/// Reads and parses the ACL file at `path`; errors name it.
pub fn load_acl(path: &Path) -> Result<Acl, AclFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| AclFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Acl::parse(&text).map_err(|source| AclFileError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

impl Access {
    /// Whether `client` may subscribe to `filter`.
    pub fn may_subscribe(&self, client: Client<'_>, filter: &str) -> bool {
        self.acl
            .as_ref()
            .is_none_or(|acl| acl.may_subscribe(client, filter))
    }

    /// Whether `client` may publish to `topic` (a will included).
    pub fn may_publish(&self, client: Client<'_>, topic: &str) -> bool {
        self.acl
            .as_ref()
            .is_none_or(|acl| acl.may_publish(client, topic))
    }

    /// Whether `client` may receive a message on `topic`.
    pub fn may_read(&self, client: Client<'_>, topic: &str) -> bool {
        self.acl
            .as_ref()
            .is_none_or(|acl| acl.may_read(client, topic))
    }

    /// Whether receiving needs checking at all (no ACL: every delivery is allowed).
    pub fn checks_reads(&self) -> bool {
        self.acl.is_some()
    }

    /// Reads `files` again into a new `Access` with the same anonymous setting. A file that
    /// cannot be read or parsed refuses the whole reload (the caller keeps the old rules);
    /// on success, the lines saying what changed.
    pub fn reload(&self, files: &AccessFiles) -> Result<(Access, Vec<String>), String> {
        let mut changes = Vec::new();
        let passwords = match &files.password_file {
            Some(path) => {
                let new = PasswordFile::load(path)
                    .map_err(|e| format!("password file not reloaded: {}", chain(&e)))?;
                changes.push(password_changes(path, self.passwords.as_ref(), &new));
                Some(new)
            }
            None => None,
        };
        let acl = match &files.acl_file {
            Some(path) => {
                let new = load_acl(path).map_err(|e| format!("ACL file not reloaded: {e}"))?;
                changes.push(acl_changes(path, self.acl.as_ref(), &new));
                Some(new)
            }
            None => None,
        };
        let access = Access {
            allow_anonymous: self.allow_anonymous,
            passwords,
            acl,
        };
        Ok((access, changes))
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn password_changes(path: &Path, old: Option<&PasswordFile>, new: &PasswordFile) -> String {
    let users: Vec<&str> = new.usernames().collect();
    let added: Vec<&str> = users
        .iter()
        .copied()
        .filter(|u| !old.is_some_and(|o| o.contains(u)))
        .collect();
    let removed: Vec<&str> = old
        .map(|o| o.usernames().filter(|u| !new.contains(u)).collect())
        .unwrap_or_default();
    format!(
        "password file {} reloaded: {} users, added {:?}, removed {:?}",
        path.display(),
        users.len(),
        added,
        removed
    )
}

fn acl_changes(path: &Path, old: Option<&Acl>, new: &Acl) -> String {
    let before = old.map_or(0, Acl::rule_count);
    let same = old == Some(new);
    format!(
        "ACL file {} reloaded: {} rules (was {before}){}",
        path.display(),
        new.rule_count(),
        if same { ", unchanged" } else { "" }
    )
}
