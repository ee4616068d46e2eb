//! How the last fetch of each source went (`fetch_attempts`, one row per source).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};
use crate::inventory::{AttemptOutcome, FetchAttempt};
use crate::model::Provider;

impl Store {
    /// Records a fetch's outcome, replacing the source's previous attempt.
    pub fn record_attempt(&mut self, attempt: &FetchAttempt) -> Result<(), StoreError> {
        let errors = serde_json::to_string(&attempt.errors)
            .map_err(|e| self.bad_row(format!("fetch attempt errors: {e}")))?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO fetch_attempts (source, at, outcome, errors)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    attempt.source.as_str(),
                    attempt.at.to_rfc3339(),
                    attempt.outcome.as_str(),
                    errors
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The last attempt of every source that has one, in provider order.
    pub fn load_attempts(&self) -> Result<Vec<FetchAttempt>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, at, outcome, errors FROM fetch_attempts")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (source, at, outcome, errors) = row.map_err(|e| self.err(e))?;
            // A source this build does not know (a newer Ferry's) is skipped, not an error.
            let Some(source) = Provider::ALL.into_iter().find(|p| p.as_str() == source) else {
                continue;
            };
            let at = DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| self.bad_row(format!("fetch_attempts time `{at}`: {e}")))?;
            let outcome = AttemptOutcome::parse(&outcome)
                .ok_or_else(|| self.bad_row(format!("fetch_attempts outcome `{outcome}`")))?;
            let errors: Vec<String> = serde_json::from_str(&errors)
                .map_err(|e| self.bad_row(format!("fetch_attempts errors: {e}")))?;
            out.push(FetchAttempt {
                source,
                at,
                outcome,
                errors,
            });
        }
        out.sort_by_key(|a| a.source);
        Ok(out)
    }
}
