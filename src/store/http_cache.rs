//! The responses sources keep for conditional requests (see [`CachedResponse`]).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};
use crate::model::{CachedResponse, Provider};

impl Store {
    /// Every response `source` remembered, for its next fetch.
    pub fn load_responses(&self, source: Provider) -> Result<Vec<CachedResponse>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT account, request, etag, status, next_range, body, rules, confirmed_at
                 FROM http_cache WHERE source = ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([source.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Vec<u8>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (account, request, etag, status, next_range, body, rules, at) =
                row.map_err(|e| self.err(e))?;
            let confirmed_at = DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| self.bad_row(format!("http_cache time `{at}`: {e}")))?;
            out.push(CachedResponse {
                account,
                request,
                etag,
                status: u16::try_from(status)
                    .map_err(|_| self.bad_row(format!("http_cache status {status}")))?,
                next_range,
                body,
                rules,
                confirmed_at,
            });
        }
        Ok(out)
    }

    /// Replaces everything `source` remembered with `responses`, in one transaction.
    pub fn save_responses(
        &mut self,
        source: Provider,
        responses: &[CachedResponse],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = super::sqlite(&path);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "DELETE FROM http_cache WHERE source = ?1",
            [source.as_str()],
        )
        .map_err(sql)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR REPLACE INTO http_cache
                     (source, account, request, etag, status, next_range, body, rules, confirmed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(sql)?;
            for r in responses {
                insert
                    .execute(params![
                        source.as_str(),
                        r.account,
                        r.request,
                        r.etag,
                        r.status as i64,
                        r.next_range,
                        r.body,
                        r.rules,
                        r.confirmed_at.to_rfc3339(),
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }
}
