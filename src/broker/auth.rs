//! Password files in the format `mosquitto_passwd` writes, so one file can serve both mosquitto
//! and the bundled broker.
//!
//! Each line is `username:hash`; blank lines and lines starting with `#` are ignored but kept, in
//! place, when the file is rewritten. Two hash formats are understood:
//!
//! * `$7$ITERATIONS$SALT$KEY`: PBKDF2-HMAC-SHA512 with that many iterations, yielding a 64-byte
//!   key (mosquitto 2.0 and later; mosquitto writes 101 iterations and a 12-byte salt);
//! * `$6$SALT$DIGEST`: SHA-512 over the password bytes followed by the salt bytes (mosquitto 1.x,
//!   and `mosquitto_passwd -H sha512`).
//!
//! Salts and hashes are standard base64 with padding. New passwords are always stored as `$7$`
//! with 101 iterations and a fresh random 12-byte salt. Hashes are compared in constant time, and
//! an unknown username costs as much to reject as a wrong password, so response times tell a
//! client nothing about which usernames exist.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha512};

/// Iterations used for new `$7$` hashes (what mosquitto writes).
const PBKDF2_ITERATIONS: u32 = 101;
/// Salt length for new hashes, in bytes (what mosquitto writes).
const SALT_LEN: usize = 12;
/// Length of a SHA-512 digest, and of the PBKDF2 key derived from it.
const HASH_LEN: usize = 64;

/// Reads base64 written by anyone: padding optional, stray low bits in the last byte tolerated.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why a password file could not be read, changed or written.
///
/// Parse errors name the 1-based line number but never repeat the line's hash.
#[derive(Debug, thiserror::Error)]
pub enum PasswordFileError {
    /// A line that is neither blank nor a comment holds no `:`.
    #[error("line {line}: no ':' separator")]
    MissingSeparator {
        /// 1-based line number.
        line: usize,
    },
    /// A line starts with `:`.
    #[error("line {line}: empty username")]
    EmptyUsername {
        /// 1-based line number.
        line: usize,
    },
    /// A username appears on two lines.
    #[error("line {line}: duplicate username (first on line {first})")]
    DuplicateUsername {
        /// 1-based line number of the second occurrence.
        line: usize,
        /// 1-based line number of the first occurrence.
        first: usize,
    },
    /// The hash starts with neither `$7$` nor `$6$`.
    #[error("line {line}: unknown hash format (expected $7$ or $6$)")]
    UnknownHashFormat {
        /// 1-based line number.
        line: usize,
    },
    /// The hash has a known prefix but its fields do not decode.
    #[error("line {line}: malformed hash ({reason})")]
    MalformedHash {
        /// 1-based line number.
        line: usize,
        /// Which part is wrong.
        reason: &'static str,
    },
    /// The file is not UTF-8.
    #[error("line {line}: not valid UTF-8")]
    InvalidUtf8 {
        /// 1-based line number.
        line: usize,
    },
    /// [`PasswordFile::set_password`] was given a username the file cannot hold.
    #[error("invalid username: {reason}")]
    InvalidUsername {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A parse error in the file at `path` (the cause says which line and why).
    #[error("{}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: Box<PasswordFileError>,
    },
    /// Reading or writing the file at `path` failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done: "read", "write", …
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl PasswordFileError {
    fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        PasswordFileError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A decoded password hash.
#[derive(Clone)]
enum Hash {
    /// `$7$`: PBKDF2-HMAC-SHA512.
    Pbkdf2 {
        iterations: u32,
        salt: Vec<u8>,
        key: [u8; HASH_LEN],
    },
    /// `$6$`: SHA-512(password ‖ salt).
    Sha512 {
        salt: Vec<u8>,
        digest: [u8; HASH_LEN],
    },
}

impl Hash {
    /// Decodes the text after `username:`; the error is the `reason` or `None` for an unknown
    /// prefix.
    fn parse(text: &str) -> Result<Hash, Option<&'static str>> {
        if let Some(rest) = text.strip_prefix("$7$") {
            let mut fields = rest.split('$');
            let (Some(iterations), Some(salt), Some(key), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(Some("expected $7$ITERATIONS$SALT$HASH"));
            };
            let iterations = match iterations.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => return Err(Some("bad iteration count")),
            };
            Ok(Hash::Pbkdf2 {
                iterations,
                salt: decode_salt(salt)?,
                key: decode_hash(key)?,
            })
        } else if let Some(rest) = text.strip_prefix("$6$") {
            let mut fields = rest.split('$');
            let (Some(salt), Some(digest), None) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(Some("expected $6$SALT$HASH"));
            };
            Ok(Hash::Sha512 {
                salt: decode_salt(salt)?,
                digest: decode_hash(digest)?,
            })
        } else {
            Err(None)
        }
    }

    /// A new `$7$` hash of `password` with a random salt.
    fn new_pbkdf2(password: &[u8]) -> Hash {
        let mut salt = vec![0u8; SALT_LEN];
        rand::rng().fill_bytes(&mut salt);
        let mut key = [0u8; HASH_LEN];
        pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt, PBKDF2_ITERATIONS, &mut key);
        Hash::Pbkdf2 {
            iterations: PBKDF2_ITERATIONS,
            salt,
            key,
        }
    }

    /// The text stored after `username:`.
    fn encode(&self) -> String {
        match self {
            Hash::Pbkdf2 {
                iterations,
                salt,
                key,
            } => format!(
                "$7${iterations}${}${}",
                STANDARD.encode(salt),
                STANDARD.encode(key)
            ),
            Hash::Sha512 { salt, digest } => {
                format!("$6${}${}", STANDARD.encode(salt), STANDARD.encode(digest))
            }
        }
    }

    /// Whether `password` hashes to this, compared in constant time.
    fn matches(&self, password: &[u8]) -> bool {
        match self {
            Hash::Pbkdf2 {
                iterations,
                salt,
                key,
            } => {
                let mut derived = [0u8; HASH_LEN];
                pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, *iterations, &mut derived);
                constant_time_eq(&derived, key)
            }
            Hash::Sha512 { salt, digest } => {
                let mut hasher = Sha512::new();
                hasher.update(password);
                hasher.update(salt);
                constant_time_eq(hasher.finalize().as_slice(), digest)
            }
        }
    }
}

fn decode_salt(text: &str) -> Result<Vec<u8>, Option<&'static str>> {
    match LENIENT_BASE64.decode(text) {
        Ok(salt) if !salt.is_empty() => Ok(salt),
        Ok(_) => Err(Some("empty salt")),
        Err(_) => Err(Some("salt is not base64")),
    }
}

fn decode_hash(text: &str) -> Result<[u8; HASH_LEN], Option<&'static str>> {
    let bytes = LENIENT_BASE64
        .decode(text)
        .map_err(|_| Some("hash is not base64"))?;
    bytes.try_into().map_err(|_| Some("hash is not 64 bytes"))
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// One line of the file.
#[derive(Clone)]
enum Line {
    /// A blank line or a comment, kept verbatim.
    Other(String),
    /// `username:hash`; `text` is the hash as written, so rewriting changes nothing.
    Entry {
        username: String,
        text: String,
        hash: Hash,
    },
}

/// The contents of a password file: its lines in order, and the users they define.
#[derive(Clone, Default)]
pub struct PasswordFile {
    lines: Vec<Line>,
    /// Username → index into `lines`.
    index: HashMap<String, usize>,
}

impl fmt::Debug for PasswordFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordFile")
            .field("users", &self.usernames().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PasswordFile {
    /// An empty password file: no users, no lines.
    pub fn new() -> Self {
        PasswordFile::default()
    }

    /// Parses the text of a password file (either line ending).
    pub fn parse(text: &str) -> Result<Self, PasswordFileError> {
        let mut file = PasswordFile::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let trimmed = raw.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                file.lines.push(Line::Other(raw.to_owned()));
                continue;
            }
            let Some((username, hash_text)) = raw.split_once(':') else {
                return Err(PasswordFileError::MissingSeparator { line });
            };
            if username.is_empty() {
                return Err(PasswordFileError::EmptyUsername { line });
            }
            let hash_text = hash_text.trim();
            let hash = Hash::parse(hash_text).map_err(|reason| match reason {
                Some(reason) => PasswordFileError::MalformedHash { line, reason },
                None => PasswordFileError::UnknownHashFormat { line },
            })?;
            if let Some(&first) = file.index.get(username) {
                return Err(PasswordFileError::DuplicateUsername {
                    line,
                    first: first + 1,
                });
            }
            file.index.insert(username.to_owned(), file.lines.len());
            file.lines.push(Line::Entry {
                username: username.to_owned(),
                text: hash_text.to_owned(),
                hash,
            });
        }
        Ok(file)
    }

    /// Reads and parses the file at `path`; every error names the path.
    pub fn load(path: &Path) -> Result<Self, PasswordFileError> {
        let in_file = |source| PasswordFileError::InFile {
            path: path.to_path_buf(),
            source: Box::new(source),
        };
        let bytes = fs::read(path).map_err(|e| PasswordFileError::io("read", path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            in_file(PasswordFileError::InvalidUtf8 { line })
        })?;
        PasswordFile::parse(&text).map_err(in_file)
    }

    /// Whether `password` is `username`'s password; `false` for an unknown user.
    pub fn verify(&self, username: &str, password: &[u8]) -> bool {
        match self.index.get(username).map(|&i| &self.lines[i]) {
            Some(Line::Entry { hash, .. }) => hash.matches(password),
            _ => {
                // Spend what a real check would, so timing does not reveal unknown usernames.
                let dummy = Hash::Pbkdf2 {
                    iterations: PBKDF2_ITERATIONS,
                    salt: vec![0; SALT_LEN],
                    key: [0; HASH_LEN],
                };
                std::hint::black_box(dummy.matches(password));
                false
            }
        }
    }

    /// Whether the file has a line for `username`.
    pub fn contains(&self, username: &str) -> bool {
        self.index.contains_key(username)
    }

    /// The usernames, in file order.
    pub fn usernames(&self) -> impl Iterator<Item = &str> + '_ {
        self.lines.iter().filter_map(|line| match line {
            Line::Entry { username, .. } => Some(username.as_str()),
            Line::Other(_) => None,
        })
    }

    /// Sets `username`'s password (hashed as `$7$`), replacing its line in place or adding one
    /// at the end.
    ///
    /// Rejects usernames the file format cannot hold: empty, containing `:` or a control
    /// character (such as a line break), or starting with `#` (the line would read as a comment).
    pub fn set_password(
        &mut self,
        username: &str,
        password: &[u8],
    ) -> Result<(), PasswordFileError> {
        let reason = if username.is_empty() {
            Some("it is empty")
        } else if username.contains(':') {
            Some("it contains ':'")
        } else if username.chars().any(char::is_control) {
            Some("it contains a control character")
        } else if username.trim_start().starts_with('#') {
            Some("it starts with '#'")
        } else if username.trim().is_empty() {
            Some("it is only whitespace")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(PasswordFileError::InvalidUsername { reason });
        }
        let hash = Hash::new_pbkdf2(password);
        let entry = Line::Entry {
            username: username.to_owned(),
            text: hash.encode(),
            hash,
        };
        match self.index.get(username) {
            Some(&i) => self.lines[i] = entry,
            None => {
                self.index.insert(username.to_owned(), self.lines.len());
                self.lines.push(entry);
            }
        }
        Ok(())
    }

    /// Removes `username`'s line; `false` if there was none.
    pub fn remove(&mut self, username: &str) -> bool {
        let Some(i) = self.index.remove(username) else {
            return false;
        };
        self.lines.remove(i);
        for index in self.index.values_mut() {
            if *index > i {
                *index -= 1;
            }
        }
        true
    }

    /// The file's text: every line in order, comments and blank lines included, each ending in
    /// `\n`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Other(text) => out.push_str(text),
                Line::Entry { username, text, .. } => {
                    out.push_str(username);
                    out.push(':');
                    out.push_str(text);
                }
            }
            out.push('\n');
        }
        out
    }

    /// Writes the file to `path` atomically: into a temporary file in the same directory, then
    /// renamed over `path`. A new file gets mode 0600 on Unix; an existing one keeps its mode.
    /// A symlink at `path` is followed, so the file it points to is replaced.
    pub fn save(&self, path: &Path) -> Result<(), PasswordFileError> {
        let existing = fs::symlink_metadata(path).ok();
        let target = match &existing {
            Some(meta) if meta.file_type().is_symlink() => {
                fs::canonicalize(path).map_err(|e| PasswordFileError::io("resolve", path, e))?
            }
            _ => path.to_path_buf(),
        };
        let permissions = fs::metadata(&target).ok().map(|meta| meta.permissions());

        let (tmp_path, mut tmp) = create_temp_beside(&target)?;
        let written = (|| {
            tmp.write_all(self.to_text().as_bytes())?;
            if let Some(permissions) = permissions {
                tmp.set_permissions(permissions)?;
            }
            tmp.sync_all()
        })();
        drop(tmp);
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp_path);
            return Err(PasswordFileError::io("write", &tmp_path, e));
        }
        if let Err(e) = fs::rename(&tmp_path, &target) {
            let _ = fs::remove_file(&tmp_path);
            return Err(PasswordFileError::io("replace", &target, e));
        }
        // Make the rename itself durable; not every platform can open a directory.
        if let Some(dir) = target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(dir) = fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }
}

/// Creates a fresh, private temporary file next to `target`.
fn create_temp_beside(target: &Path) -> Result<(PathBuf, fs::File), PasswordFileError> {
    let name = target
        .file_name()
        .ok_or_else(|| {
            PasswordFileError::io(
                "write",
                target,
                io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
            )
        })?
        .to_string_lossy();
    let mut attempt = 0;
    loop {
        let tmp_path = target.with_file_name(format!(
            ".{name}.{}.{:08x}.tmp",
            std::process::id(),
            rand::rng().next_u32()
        ));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&tmp_path) {
            Ok(file) => return Ok((tmp_path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(PasswordFileError::io("create", &tmp_path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made with mosquitto 2.0.11 (Debian 12):
    //   mosquitto_passwd -c -b pw alice secret
    //   mosquitto_passwd -b pw bob 'pa:ss wörd'
    //   mosquitto_passwd -H sha512 -b pw carol hunter2
    const ALICE_7: &str = "alice:$7$101$+6r2zqB3GOYF21sC$TxwTxEs1Hn3UFA5s77Yi/tSh2PQENbtbdvM08/URhJGXjGxwpkUQbBt/e2HTFhxnCgTci5PTfwaJTxrA6HOO8w==";
    const BOB_7: &str = "bob:$7$101$aLZPhbYi+Q//MqEB$Ze74psQzqq8jjiUCB4XPmwf1ILLbh6rOggl0AncMDzEjO/Sa7zTZpuaSP+DOE4WICta9jiI/nevCgvLQ4wbcLQ==";
    const CAROL_6: &str = "carol:$6$IYRXfLo8A55qgS8K$ZAtEjQOP0Jfl7g5V45zHYh6v4KANJB/xLGVWNs8qAXcA2tVeWvgg75/PnNLZZOstmSARGF4kzAZde+pw+MY2Sw==";

    fn vectors() -> PasswordFile {
        PasswordFile::parse(&format!("{ALICE_7}\n{BOB_7}\n{CAROL_6}\n")).unwrap()
    }

    #[test]
    fn verifies_mosquitto_pbkdf2_lines() {
        let file = vectors();
        assert!(file.verify("alice", b"secret"));
        assert!(file.verify("bob", "pa:ss wörd".as_bytes()));
        assert!(!file.verify("alice", b"Secret"));
        assert!(!file.verify("alice", b""));
        assert!(!file.verify("bob", b"secret"));
    }

    #[test]
    fn verifies_mosquitto_sha512_line() {
        let file = vectors();
        assert!(file.verify("carol", b"hunter2"));
        assert!(!file.verify("carol", b"hunter3"));
    }

    #[test]
    fn verifies_computed_sha512_line() {
        // $6$ = base64(salt) $ base64(SHA-512(password ‖ salt)), computed here from a fixed salt.
        let salt = b"0123456789ab";
        let mut hasher = Sha512::new();
        hasher.update(b"letmein");
        hasher.update(salt);
        let line = format!(
            "dave:$6${}${}\n",
            STANDARD.encode(salt),
            STANDARD.encode(hasher.finalize())
        );
        let file = PasswordFile::parse(&line).unwrap();
        assert!(file.verify("dave", b"letmein"));
        assert!(!file.verify("dave", b"letmein\n"));
        assert!(!file.verify("dave", b"0123456789ab"));
        assert_eq!(file.to_text(), line);
    }

    #[test]
    fn unknown_user_fails() {
        let file = vectors();
        assert!(!file.verify("mallory", b"secret"));
        assert!(!file.verify("", b""));
        assert!(!file.verify("Alice", b"secret"));
        assert!(!PasswordFile::new().verify("alice", b"secret"));
        assert!(file.contains("alice") && file.contains("carol"));
        assert!(!file.contains("mallory"));
    }

    #[test]
    fn set_password_round_trips() {
        let mut file = PasswordFile::new();
        file.set_password("alice", b"secret").unwrap();
        assert!(file.verify("alice", b"secret"));
        assert!(!file.verify("alice", b"secrets"));

        let text = file.to_text();
        let rest = text.strip_prefix("alice:$7$101$").unwrap();
        let (salt, key) = rest.trim_end().split_once('$').unwrap();
        assert_eq!(STANDARD.decode(salt).unwrap().len(), 12);
        assert_eq!(STANDARD.decode(key).unwrap().len(), 64);
        assert!(text.ends_with("==\n"));

        let reread = PasswordFile::parse(&text).unwrap();
        assert!(reread.verify("alice", b"secret"));
        assert_eq!(reread.to_text(), text);

        // Same password twice: different salts.
        let mut other = PasswordFile::new();
        other.set_password("alice", b"secret").unwrap();
        assert_ne!(other.to_text(), text);
    }

    #[test]
    fn set_password_replaces_in_place_and_remove_works() {
        let mut file = vectors();
        file.set_password("alice", b"new").unwrap();
        assert!(file.verify("alice", b"new"));
        assert!(!file.verify("alice", b"secret"));
        file.set_password("erin", b"pw").unwrap();
        assert_eq!(
            file.usernames().collect::<Vec<_>>(),
            ["alice", "bob", "carol", "erin"]
        );
        assert!(file.remove("bob"));
        assert!(!file.remove("bob"));
        assert!(!file.contains("bob"));
        assert!(!file.verify("bob", "pa:ss wörd".as_bytes()));
        assert!(file.verify("carol", b"hunter2"));
        assert!(file.verify("erin", b"pw"));
        assert_eq!(
            file.usernames().collect::<Vec<_>>(),
            ["alice", "carol", "erin"]
        );
        let reread = PasswordFile::parse(&file.to_text()).unwrap();
        assert!(reread.verify("erin", b"pw"));
    }

    #[test]
    fn set_password_rejects_bad_usernames() {
        let mut file = PasswordFile::new();
        for bad in ["", "a:b", "a\nb", "#root", "  #x", " ", "tab\there"] {
            let err = file.set_password(bad, b"pw").unwrap_err();
            assert!(
                matches!(err, PasswordFileError::InvalidUsername { .. }),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(file.to_text(), "");
        file.set_password("with space", b"pw").unwrap();
        file.set_password("ünïcode", b"pw").unwrap();
        let reread = PasswordFile::parse(&file.to_text()).unwrap();
        assert!(reread.verify("with space", b"pw"));
        assert!(reread.verify("ünïcode", b"pw"));
    }

    #[test]
    fn comments_and_blank_lines_survive() {
        let text = format!("# users\n\n{ALICE_7}\n   \n  # indented\n{CAROL_6}\n\n");
        let mut file = PasswordFile::parse(&text).unwrap();
        assert_eq!(file.to_text(), text);
        assert!(file.verify("alice", b"secret"));

        file.set_password("alice", b"changed").unwrap();
        file.set_password("zed", b"pw").unwrap();
        assert!(file.remove("carol"));
        let out = file.to_text();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[..2], ["# users", ""]);
        assert!(lines[2].starts_with("alice:$7$101$"));
        assert_eq!(lines[3..6], ["   ", "  # indented", ""]);
        assert!(lines[6].starts_with("zed:$7$101$"));
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn line_endings() {
        let file = PasswordFile::parse(&format!("#c\r\n{ALICE_7}\r\n")).unwrap();
        assert!(file.verify("alice", b"secret"));
        assert_eq!(file.to_text(), format!("#c\n{ALICE_7}\n"));
        // No final newline: one is added.
        let file = PasswordFile::parse(ALICE_7).unwrap();
        assert_eq!(file.to_text(), format!("{ALICE_7}\n"));
        assert_eq!(PasswordFile::parse("").unwrap().to_text(), "");
    }

    #[test]
    fn parse_errors_name_the_line_and_hide_the_hash() {
        let cases: &[(&str, &str)] = &[
            ("#ok\nnocolon\n", "line 2: no ':' separator"),
            (":$7$101$AAAA$BBBB\n", "line 1: empty username"),
            ("\n\nx:plaintext\n", "line 3: unknown hash format"),
            ("x:$5$c2FsdA==$aGFzaA==\n", "line 1: unknown hash format"),
            ("x:$7$abc$c2FsdA==$aGFzaA==\n", "line 1: malformed hash"),
            ("x:$7$0$c2FsdA==$aGFzaA==\n", "line 1: malformed hash"),
            ("x:$7$101$c2FsdA==\n", "line 1: malformed hash"),
            ("x:$7$101$!!$aGFzaA==\n", "line 1: malformed hash"),
            // A 4-byte "hash" is not a SHA-512 output.
            ("x:$6$c2FsdA==$aGFzaA==\n", "line 1: malformed hash"),
            (
                &format!("{ALICE_7}\n#\n{ALICE_7}\n"),
                "line 3: duplicate username (first on line 1)",
            ),
        ];
        for (text, expected) in cases {
            let err = PasswordFile::parse(text).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
            assert!(!err.contains("aGFzaA"), "{err}");
            assert!(!err.contains("TxwTxEs1"), "{err}");
        }
    }

    #[test]
    fn debug_hides_hashes() {
        let debug = format!("{:?}", vectors());
        assert!(debug.contains("alice"), "{debug}");
        assert!(
            !debug.contains("$7$") && !debug.contains("TxwTxEs1"),
            "{debug}"
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("passwd");
        let mut file = PasswordFile::parse(&format!("# keep me\n{ALICE_7}\n")).unwrap();
        file.set_password("bob", b"hunter2").unwrap();
        file.save(&path).unwrap();

        let loaded = PasswordFile::load(&path).unwrap();
        assert!(loaded.verify("alice", b"secret"));
        assert!(loaded.verify("bob", b"hunter2"));
        assert_eq!(fs::read_to_string(&path).unwrap(), file.to_text());
        // No temporary file left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            // An existing file keeps its mode.
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
            file.save(&path).unwrap();
            assert_eq!(mode(&path), 0o640);
        }
    }

    #[cfg(unix)]
    #[test]
    fn save_follows_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        let link = dir.path().join("link");
        fs::write(&real, format!("{ALICE_7}\n")).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut file = PasswordFile::load(&link).unwrap();
        file.set_password("bob", b"pw").unwrap();
        file.save(&link).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(PasswordFile::load(&real).unwrap().verify("bob", b"pw"));
    }

    #[test]
    fn load_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = PasswordFile::load(&missing).unwrap_err();
        assert!(matches!(err, PasswordFileError::Io { .. }));
        assert!(err.to_string().contains("missing"), "{err}");

        let bad = dir.path().join("bad");
        fs::write(&bad, "# fine\nalice\n").unwrap();
        let err = PasswordFile::load(&bad).unwrap_err();
        let shown = format!("{:#}", anyhow::Error::from(err));
        assert!(shown.contains("bad: line 2: no ':' separator"), "{shown}");

        let binary = dir.path().join("binary");
        fs::write(&binary, b"#\n#\nal\xffice:x\n").unwrap();
        let err = anyhow::Error::from(PasswordFile::load(&binary).unwrap_err());
        assert!(
            format!("{err:#}").ends_with("binary: line 3: not valid UTF-8"),
            "{err:#}"
        );
    }
}
