//! Where secrets live between runs (OAuth refresh tokens, never passwords typed per run): the
//! [`SecretStore`] trait, the OS keychain ([`KeyringStore`]: macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux) and an in-memory store for tests and headless machines.
//! Keys are `<profile>:<kind>` (see [`key`]); the keychain service name is `agol-backup`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The keychain service name every entry is filed under.
pub const SERVICE: &str = "agol-backup";

/// Kind of secret: an OAuth refresh token.
pub const REFRESH_TOKEN: &str = "refresh_token";

/// The key of secret `kind` of profile `profile`: `<profile>:<kind>`.
pub fn key(profile: &str, kind: &str) -> String {
    format!("{profile}:{kind}")
}

/// A secret store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secret store: {message}")]
pub struct SecretError {
    /// What went wrong.
    pub message: String,
}

impl SecretError {
    fn new(message: impl Into<String>) -> Self {
        SecretError {
            message: message.into(),
        }
    }
}

/// Reads, writes and deletes secrets by key.
pub trait SecretStore: Send + Sync {
    /// The secret under `key`, `None` when there is none.
    ///
    /// # Errors
    /// The store cannot be reached or refused the read.
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    /// Stores `value` under `key`, replacing any previous value.
    ///
    /// # Errors
    /// The store cannot be reached or refused the write.
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError>;
    /// Removes the secret under `key`; removing a missing key is not an error.
    ///
    /// # Errors
    /// The store cannot be reached or refused the deletion.
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// Secrets kept in memory only (tests, machines without a keychain); clones share the map.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    map: Arc<Mutex<HashMap<String, String>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self.map().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        self.map().insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.map().remove(key);
        Ok(())
    }
}

/// The operating system's keychain, service [`SERVICE`], one entry per key.
#[derive(Debug, Clone, Default)]
pub struct KeyringStore;

impl KeyringStore {
    /// The keychain store, or why no keychain answers (e.g. no D-Bus session on Linux CI).
    ///
    /// # Errors
    /// The platform store could not be initialised or does not answer a read.
    pub fn open() -> Result<Self, SecretError> {
        if let Err(e) = keyring::Entry::store_status() {
            return Err(SecretError::new(format!("no keychain: {e}")));
        }
        let store = KeyringStore;
        // A read proves the service answers (a locked or absent daemon fails here).
        store.get("agol-backup:probe")?;
        Ok(store)
    }

    fn entry(key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, key).map_err(|e| SecretError::new(e.to_string()))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(key)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::new(e.to_string())),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        Self::entry(key)?
            .set_password(value)
            .map_err(|e| SecretError::new(e.to_string()))
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::new(e.to_string())),
        }
    }
}

/// The keychain when one answers; otherwise a [`MemoryStore`] and a warning for the log
/// (secrets then last only as long as the process).
pub fn default_store() -> (Arc<dyn SecretStore>, Option<String>) {
    match KeyringStore::open() {
        Ok(k) => (Arc::new(k), None),
        Err(e) => (
            Arc::new(MemoryStore::new()),
            Some(format!(
                "{e}; secrets are kept in memory only and will be asked for again next time"
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn SecretStore, k: &str) {
        assert_eq!(store.get(k).unwrap(), None);
        store.set(k, "first").unwrap();
        assert_eq!(store.get(k).unwrap().as_deref(), Some("first"));
        store.set(k, "second").unwrap();
        assert_eq!(store.get(k).unwrap().as_deref(), Some("second"));
        store.delete(k).unwrap();
        assert_eq!(store.get(k).unwrap(), None);
        store.delete(k).unwrap();
    }

    #[test]
    fn memory_store_sets_gets_deletes_and_clones_share() {
        let store = MemoryStore::new();
        exercise(&store, &key("demo", REFRESH_TOKEN));
        let twin = store.clone();
        store.set("a:b", "x").unwrap();
        assert_eq!(twin.get("a:b").unwrap().as_deref(), Some("x"));
        assert_eq!(twin.get("a:c").unwrap(), None);
        assert_eq!(key("p", REFRESH_TOKEN), "p:refresh_token");
    }

    #[test]
    fn keyring_store_round_trips_when_a_keychain_answers() {
        let store = match KeyringStore::open() {
            Ok(s) => s,
            Err(e) => {
                println!("skipped: no keychain answers here ({e})");
                let (fallback, warning) = default_store();
                assert!(warning.is_some_and(|w| w.contains("memory only")));
                exercise(fallback.as_ref(), "test:fallback");
                return;
            }
        };
        let k = key(&format!("test-{}", std::process::id()), REFRESH_TOKEN);
        exercise(&store, &k);
    }
}
