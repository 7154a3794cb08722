//! Argon2id password hashing. Hashing is CPU-heavy, so it runs on the blocking pool and never
//! stalls other requests sharing the runtime (the local gateway serves them all).

use std::sync::OnceLock;

use anyhow::{Context as _, anyhow};
use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use crate::domain::Password;

/// Hashes with Argon2id and the crate's recommended parameters (19 MiB, 2 passes).
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow!("hashing a password: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// Checks `password` against a stored hash. With `None` (no such user) it verifies against a
/// fixed dummy hash, so an unknown e-mail costs the same time as a wrong password.
pub async fn verify(password: &str, stored: Option<String>) -> anyhow::Result<bool> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = match stored {
            Some(s) => s,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow!("stored hash: {e}"))?;
        let ok = Argon2::default()
            .verify_password(pw.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .context("password verification task")?
}

fn dummy_hash() -> anyhow::Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let salt = SaltString::generate(&mut OsRng);
    let h = Argon2::default()
        .hash_password(b"not-a-real-password", &salt)
        .map_err(|e| anyhow!("hashing the dummy password: {e}"))?
        .to_string();
    Ok(DUMMY.get_or_init(|| h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() -> anyhow::Result<()> {
        let pw = Password::parse("correct horse".into())?;
        let h = hash(&pw).await?;
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", Some(h.clone())).await?);
        assert!(!verify("wrong horse!", Some(h)).await?);
        assert!(!verify("correct horse", None).await?);
        Ok(())
    }
}
