//! Rate limits (docs/SECURITY.md), each from `RATE_LIMIT_<NAME>` as `<limit>/<seconds>`
//! (e.g. `10/300`: ten per five minutes) or `off`. The defaults suit a messenger of people:
//! well above what a person does by hand, far below what a script does.

use std::time::Duration;

use super::{ConfigError, Source};

/// A limit: at most `limit` requests (or units of cost) per `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub limit: u32,
    pub period: Duration,
}

impl Rule {
    pub const fn new(limit: u32, period_secs: u64) -> Self {
        Self {
            limit,
            period: Duration::from_secs(period_secs),
        }
    }

    /// Seconds one request of `cost` units moves the bucket ahead; `cost` is clamped to the
    /// limit, so one request can always pass a full bucket.
    pub fn interval_secs(&self, cost: u32) -> f64 {
        let limit = self.limit.max(1);
        self.period.as_secs_f64() / f64::from(limit) * f64::from(cost.clamp(1, limit))
    }

    pub fn period_secs(&self) -> f64 {
        self.period.as_secs_f64()
    }
}

/// Every limit; `None` is off.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// `RATE_LIMIT_LOGIN_ACCOUNT` (10/300): sign-in attempts per e-mail address.
    pub login_account: Option<Rule>,
    /// `RATE_LIMIT_LOGIN_IP` (100/300): sign-in attempts per source address.
    pub login_ip: Option<Rule>,
    /// `RATE_LIMIT_REGISTER_IP` (20/3600): new accounts per source address.
    pub register_ip: Option<Rule>,
    /// `RATE_LIMIT_REFRESH_IP` (300/60): token refreshes per source address.
    pub refresh_ip: Option<Rule>,
    /// `RATE_LIMIT_PASSWORD_RESET_IP` (10/900): reset requests per source address (each
    /// account also gets at most one mail per `ACCOUNT_MAIL_INTERVAL_SECS`).
    pub password_reset_ip: Option<Rule>,
    /// `RATE_LIMIT_TICKET_USER` (30/60): WebSocket tickets per account.
    pub ticket_user: Option<Rule>,
    /// `RATE_LIMIT_SEND_USER` (120/60): messages sent per account, REST and WebSocket.
    pub send_user: Option<Rule>,
    /// `RATE_LIMIT_EDIT_USER` (60/60): edits and deletions per account.
    pub edit_user: Option<Rule>,
    /// `RATE_LIMIT_TYPING_CHAT` (1/2): typing frames per account, chat and state (started /
    /// stopped) that are relayed; the others are dropped without an answer.
    pub typing_chat: Option<Rule>,
    /// `RATE_LIMIT_NEW_CHAT_USER` (30/600): direct and group chats started per account.
    pub new_chat_user: Option<Rule>,
    /// `RATE_LIMIT_MEMBER_ADD_USER` (1000/3600): members added per account (a new group's
    /// members count too).
    pub member_add_user: Option<Rule>,
    /// `MAX_CONNECTIONS_PER_USER` (10): open WebSocket connections per account; a new one
    /// closes the oldest.
    pub max_connections: usize,
}

impl Limits {
    pub fn from_source(src: &impl Source) -> Result<Self, ConfigError> {
        Ok(Self {
            login_account: rule(src, "RATE_LIMIT_LOGIN_ACCOUNT", Rule::new(10, 300))?,
            login_ip: rule(src, "RATE_LIMIT_LOGIN_IP", Rule::new(100, 300))?,
            register_ip: rule(src, "RATE_LIMIT_REGISTER_IP", Rule::new(20, 3600))?,
            refresh_ip: rule(src, "RATE_LIMIT_REFRESH_IP", Rule::new(300, 60))?,
            password_reset_ip: rule(src, "RATE_LIMIT_PASSWORD_RESET_IP", Rule::new(10, 900))?,
            ticket_user: rule(src, "RATE_LIMIT_TICKET_USER", Rule::new(30, 60))?,
            send_user: rule(src, "RATE_LIMIT_SEND_USER", Rule::new(120, 60))?,
            edit_user: rule(src, "RATE_LIMIT_EDIT_USER", Rule::new(60, 60))?,
            typing_chat: rule(src, "RATE_LIMIT_TYPING_CHAT", Rule::new(1, 2))?,
            new_chat_user: rule(src, "RATE_LIMIT_NEW_CHAT_USER", Rule::new(30, 600))?,
            member_add_user: rule(src, "RATE_LIMIT_MEMBER_ADD_USER", Rule::new(1000, 3600))?,
            max_connections: super::number(src, "MAX_CONNECTIONS_PER_USER", 10)?,
        })
    }
}

fn rule(src: &impl Source, name: &'static str, default: Rule) -> Result<Option<Rule>, ConfigError> {
    let Some(raw) = src.get(name) else {
        return Ok(Some(default));
    };
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let invalid = || ConfigError::Invalid {
        name,
        reason: format!("expected `<limit>/<seconds>` (e.g. `10/300`) or `off`, got `{raw}`"),
    };
    let (limit, secs) = raw.split_once('/').ok_or_else(invalid)?;
    let limit: u32 = limit.trim().parse().map_err(|_| invalid())?;
    let secs: f64 = secs.trim().parse().map_err(|_| invalid())?;
    if limit == 0 || !(secs > 0.0 && secs.is_finite()) {
        return Err(invalid());
    }
    Ok(Some(Rule {
        limit,
        period: Duration::from_secs_f64(secs),
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn rules_parse_turn_off_and_name_their_variable_when_malformed() {
        let env = HashMap::from([
            ("RATE_LIMIT_LOGIN_ACCOUNT", "5/60".to_owned()),
            ("RATE_LIMIT_SEND_USER", "off".to_owned()),
        ]);
        let limits = Limits::from_source(&env).unwrap();
        assert_eq!(limits.login_account, Some(Rule::new(5, 60)));
        assert_eq!(limits.send_user, None);
        assert_eq!(limits.typing_chat, Some(Rule::new(1, 2)));
        for bad in ["5", "0/60", "5/0", "x/60", "5/-1"] {
            let env = HashMap::from([("RATE_LIMIT_LOGIN_IP", bad.to_owned())]);
            assert!(
                matches!(
                    Limits::from_source(&env),
                    Err(ConfigError::Invalid {
                        name: "RATE_LIMIT_LOGIN_IP",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_cost_moves_the_bucket_by_its_share_of_the_period_and_never_past_it() {
        let r = Rule::new(10, 60);
        assert!((r.interval_secs(1) - 6.0).abs() < 1e-9);
        assert!((r.interval_secs(3) - 18.0).abs() < 1e-9);
        assert!((r.interval_secs(50) - 60.0).abs() < 1e-9);
        assert!((r.interval_secs(0) - 6.0).abs() < 1e-9);
    }
}
