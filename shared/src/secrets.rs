//! Secrets read at cold start (docs/SECURITY.md, "Secrets and transport"). In AWS the functions
//! get the *ids* of two Secrets Manager secrets, not their values: `JWT_SECRET_ID` (the
//! access-token key as a plain string) and `DATABASE_SECRET_ID` (either a `postgres://` URL or
//! the JSON RDS writes: `username`, `password` and optionally `host`, `port`, `dbname`; what the
//! JSON lacks comes from `DATABASE_HOST`, `DATABASE_PORT` and `DATABASE_NAME`). Both are fetched
//! at once, before the configuration is read; the values then stand where `JWT_SECRET` and
//! `DATABASE_URL` would. Locally and in tests the plain variables are set and nothing is
//! fetched.

use std::collections::HashMap;

use anyhow::{Context as _, anyhow};
use aws_config::SdkConfig;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::config::Source;

/// The variables a secret id stands for.
const SECRETS: [(&str, &str); 2] = [
    ("JWT_SECRET_ID", "JWT_SECRET"),
    ("DATABASE_SECRET_ID", "DATABASE_URL"),
];

/// `base` with the fetched secrets in place of their variables.
pub struct WithSecrets<'a, S> {
    base: &'a S,
    values: HashMap<&'static str, String>,
}

impl<S: Source> Source for WithSecrets<'_, S> {
    fn get(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .cloned()
            .or_else(|| self.base.get(name))
    }
}

/// Whether any secret must be fetched (an SDK configuration is needed then).
pub fn wanted(src: &impl Source) -> bool {
    SECRETS.iter().any(|(id, _)| src.get(id).is_some())
}

/// Fetches every secret whose id is set (concurrently: a cold start waits for one round trip)
/// and returns `src` with their values. A secret that cannot be read stops the cold start with
/// the variable's name and the reason, never the value.
pub async fn resolve<'a, S: Source>(
    src: &'a S,
    sdk: &SdkConfig,
) -> anyhow::Result<WithSecrets<'a, S>> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let fetches = SECRETS
        .iter()
        .filter_map(|&(id_var, var)| Some((id_var, var, src.get(id_var)?)))
        .map(|(id_var, var, id)| {
            let client = client.clone();
            async move {
                let value = fetch(&client, &id)
                    .await
                    .with_context(|| format!("{id_var}: reading secret `{id}`"))?;
                Ok::<_, anyhow::Error>((var, value))
            }
        });
    let mut values = HashMap::new();
    for (var, value) in futures::future::try_join_all(fetches).await? {
        let value = match var {
            "DATABASE_URL" => database_url(src, &value).context("DATABASE_SECRET_ID")?,
            _ => value,
        };
        values.insert(var, value);
    }
    Ok(WithSecrets { base: src, values })
}

async fn fetch(client: &aws_sdk_secretsmanager::Client, id: &str) -> anyhow::Result<String> {
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| anyhow!("{}", aws_sdk_secretsmanager::error::DisplayErrorContext(e)))?;
    out.secret_string
        .ok_or_else(|| anyhow!("the secret has no string value"))
}

/// The JSON secret RDS and the template write for the database.
#[derive(Deserialize)]
struct DatabaseSecret {
    username: String,
    password: String,
    host: Option<String>,
    port: Option<u16>,
    dbname: Option<String>,
}

/// The connection URL from a database secret: a URL as it is, or one built from the JSON.
pub fn database_url(src: &impl Source, secret: &str) -> anyhow::Result<String> {
    let secret = secret.trim();
    if secret.starts_with("postgres://") || secret.starts_with("postgresql://") {
        return Ok(secret.to_owned());
    }
    let parsed: DatabaseSecret = serde_json::from_str(secret).map_err(|e| {
        // serde's message names the field or position, never the secret's text.
        anyhow!("neither a postgres:// URL nor a JSON object with username and password: {e}")
    })?;
    let host = parsed
        .host
        .or_else(|| src.get("DATABASE_HOST"))
        .ok_or_else(|| anyhow!("no host in the secret and DATABASE_HOST is not set"))?;
    let port = match parsed.port {
        Some(port) => port,
        None => match src.get("DATABASE_PORT") {
            Some(p) => p.parse().context("DATABASE_PORT is not a port number")?,
            None => 5432,
        },
    };
    let name = parsed
        .dbname
        .or_else(|| src.get("DATABASE_NAME"))
        .unwrap_or_else(|| "messenger".to_owned());
    let user = utf8_percent_encode(&parsed.username, NON_ALPHANUMERIC);
    let password = utf8_percent_encode(&parsed.password, NON_ALPHANUMERIC);
    let name = utf8_percent_encode(&name, NON_ALPHANUMERIC);
    Ok(format!("postgres://{user}:{password}@{host}:{port}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_secret_becomes_a_url_with_its_characters_escaped() {
        let env = HashMap::from([("DATABASE_HOST", "proxy.example".to_owned())]);
        let url = database_url(&env, r#"{"username":"app","password":"p@ss:w/rd ?#"}"#).unwrap();
        assert_eq!(
            url,
            "postgres://app:p%40ss%3Aw%2Frd%20%3F%23@proxy.example:5432/messenger"
        );
        let parsed: tokio_postgres::Config = url.parse().unwrap();
        assert_eq!(parsed.get_password(), Some("p@ss:w/rd ?#".as_bytes()));
    }

    #[test]
    fn the_secret_names_its_own_host_port_and_database_first() {
        let env = HashMap::from([("DATABASE_HOST", "ignored".to_owned())]);
        let secret = r#"{"username":"u","password":"p","host":"db","port":6432,"dbname":"m"}"#;
        assert_eq!(
            database_url(&env, secret).unwrap(),
            "postgres://u:p@db:6432/m"
        );
        let url = "postgres://u:p@h/m?sslmode=require";
        assert_eq!(database_url(&env, url).unwrap(), url);
    }

    #[test]
    fn a_malformed_secret_is_refused_without_showing_it() {
        let env = HashMap::<&str, String>::new();
        let err = database_url(&env, "hunter2-not-json")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let err = database_url(&env, r#"{"username":"u","password":"hunter2"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DATABASE_HOST") && !err.contains("hunter2"),
            "{err}"
        );
    }
}
