//! Cloudflare's v4 response envelope (`success`, `errors`, `messages`, `result`,
//! `result_info`) and the paging decisions it drives.

use serde::Deserialize;
use serde_json::Value;

use crate::sources::allowlist::Obj;
use crate::sources::http::ApiErrorBody;

/// One `errors[]` / `messages[]` item: `code` (≥ 1000 per the spec) and `message`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Message {
    pub code: Option<i64>,
    pub message: Option<String>,
}

/// `result_info`. Numbers are JSON `number` in the spec, so they are read as floats.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResultInfo {
    pub per_page: Option<f64>,
    pub total_count: Option<f64>,
    /// In the current envelope (`cloudflare-common.yaml`), not in the 2024 spec.
    pub total_pages: Option<f64>,
    /// Cursor paging (R2 buckets and newer lists): the next page's cursor.
    pub cursor: Option<String>,
}

/// A 2xx body read as the v4 envelope, before its `result` is checked.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    pub success: Option<Value>,
    #[serde(default)]
    pub errors: Vec<Message>,
    /// `Some(Value::Null)` for `"result": null`, `None` when the field is missing.
    #[serde(default, deserialize_with = "present")]
    pub result: Option<Value>,
    pub result_info: Option<ResultInfo>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Why a 2xx body is not a usable answer. Messages name JSON types and fields, never a
/// value (a body may hold secrets).
#[derive(Debug, Clone, PartialEq)]
pub enum Unusable {
    /// Not JSON, or an envelope field of the wrong type (serde's message: line, column,
    /// the expected type).
    Json(String),
    /// JSON, but not the envelope or not the `result` this endpoint answers.
    Shape(String),
    /// `success: false`: the API's own error, with its `errors`.
    Failed(Vec<Message>),
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Envelope {
    /// Reads a body; only `success: true` is an answer. A 200 without it (an error page
    /// from a proxy, `{"unexpected": true}`) is not an empty list.
    pub fn parse(body: &[u8]) -> Result<Self, Unusable> {
        let env: Envelope =
            serde_json::from_slice(body).map_err(|e| Unusable::Json(e.to_string()))?;
        match &env.success {
            Some(Value::Bool(true)) => Ok(env),
            Some(Value::Bool(false)) => Err(Unusable::Failed(env.errors)),
            None => Err(Unusable::Shape(
                "no `success` field, so not a Cloudflare API envelope".into(),
            )),
            Some(other) => Err(Unusable::Shape(format!(
                "`success` is {}, not true",
                type_name(other)
            ))),
        }
    }

    /// One object's `result` (a token check, a ruleset).
    pub fn object(self) -> Result<Obj, Unusable> {
        match self.result {
            Some(Value::Object(o)) => Ok(o),
            None => Err(Unusable::Shape("no `result` field".into())),
            Some(other) => Err(Unusable::Shape(format!(
                "`result` is {}, where an object was expected",
                type_name(&other)
            ))),
        }
    }

    /// A list page's items: `result` as an array of objects or, where the endpoint has
    /// `key` (R2: the live API and Cloudflare's SDKs' `BucketListResponse` answer
    /// `{"buckets": [...]}`, the 2024 spec a bare array), an object holding that array.
    /// `result: null` is an empty list: the spec marks `result` nullable, and the envelope
    /// says `success: true`. A missing `result` or one of another type is an error.
    pub fn items(self, key: Option<&str>) -> Result<(Vec<Obj>, Option<ResultInfo>), Unusable> {
        let wanted = || match key {
            Some(k) => format!("an array (or an object with `{k}`)"),
            None => "an array".to_string(),
        };
        let list = match self.result {
            None => return Err(Unusable::Shape("no `result` field".into())),
            Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(Value::Object(mut o)) if key.is_some_and(|k| o.contains_key(k)) => {
                let k = key.expect("checked");
                match o.remove(k) {
                    Some(Value::Array(a)) => a,
                    Some(Value::Null) => Vec::new(),
                    Some(other) => {
                        return Err(Unusable::Shape(format!(
                            "`result.{k}` is {}, where an array was expected",
                            type_name(&other)
                        )));
                    }
                    None => unreachable!("checked"),
                }
            }
            Some(other) => {
                return Err(Unusable::Shape(format!(
                    "`result` is {}, where {} was expected",
                    type_name(&other),
                    wanted()
                )));
            }
        };
        let items = list
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => Ok(o),
                other => Err(Unusable::Shape(format!(
                    "item {i} of `result` is {}, not an object",
                    type_name(&other)
                ))),
            })
            .collect::<Result<Vec<Obj>, Unusable>>()?;
        Ok((items, self.result_info))
    }
}

/// The errors of an envelope as one line: `message (code 10000); message (code 9109)`.
/// The first code becomes the error's id, which is what the permission check reads.
pub fn error_body(errors: &[Message]) -> Option<ApiErrorBody> {
    let first = errors.first()?;
    let message = errors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = m.message.as_deref().unwrap_or("(no message)");
            match (i, m.code) {
                (0, _) | (_, None) => text.to_string(),
                (_, Some(code)) => format!("{text} (code {code})"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(ApiErrorBody {
        id: first.code.map(|c| c.to_string()),
        message,
    })
}

/// Decodes a non-2xx body. Only the envelope's `errors` are read, never echoed raw.
pub fn decode_error(status: reqwest::StatusCode, body: &[u8]) -> ApiErrorBody {
    #[derive(Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<Message>,
    }
    serde_json::from_slice::<Errors>(body)
        .ok()
        .and_then(|e| error_body(&e.errors))
        .unwrap_or_else(|| ApiErrorBody {
            id: None,
            message: format!(
                "{} (the body is not a Cloudflare error envelope)",
                status.canonical_reason().unwrap_or("unexpected status")
            ),
        })
}

/// How an endpoint pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// One request. A `result_info.cursor` in the answer is still followed: newer API
    /// versions moved some of these lists to cursor paging.
    Single,
    /// `page` and `per_page` (the largest the endpoint allows).
    Pages { per_page: u32 },
    /// `per_page` and `cursor` from `result_info.cursor`.
    Cursor { per_page: u32 },
}

/// What to request after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Page(u32),
    Cursor(String),
    Done,
}

/// Decides the next request from the page just read (`page`, `got` items).
pub fn next(paging: Paging, info: Option<&ResultInfo>, page: u32, got: usize) -> Next {
    if got == 0 {
        return Next::Done;
    }
    let Some(info) = info else {
        return Next::Done;
    };
    let cursor = info.cursor.as_deref().filter(|c| !c.is_empty());
    match paging {
        Paging::Single | Paging::Cursor { .. } => match cursor {
            Some(c) => Next::Cursor(c.to_string()),
            None => Next::Done,
        },
        Paging::Pages { per_page } => {
            // The server may cap the page size below what was asked for.
            let size = info
                .per_page
                .filter(|p| *p >= 1.0)
                .unwrap_or(per_page as f64);
            let more = match (info.total_pages, info.total_count) {
                (Some(pages), _) => (page as f64) < pages,
                _ if (got as f64) < size => false,
                (None, Some(total)) => (page as f64) * size < total,
                // No totals and a full page: the next page tells (empty means done).
                (None, None) => true,
            };
            if more {
                Next::Page(page + 1)
            } else {
                Next::Done
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(v: serde_json::Value) -> ResultInfo {
        serde_json::from_value(v).unwrap()
    }

    const PAGES: Paging = Paging::Pages { per_page: 5000 };

    #[test]
    fn page_paging_follows_total_pages_then_total_count_then_full_pages() {
        let i = info(
            serde_json::json!({"page": 1, "per_page": 5000, "count": 5000, "total_count": 12000, "total_pages": 3}),
        );
        assert_eq!(next(PAGES, Some(&i), 1, 5000), Next::Page(2));
        assert_eq!(next(PAGES, Some(&i), 3, 2000), Next::Done);
        // The 2024 spec's result_info has no total_pages; the server capped per_page at 1000.
        let i = info(
            serde_json::json!({"page": 11, "per_page": 1000, "count": 1000, "total_count": 12000}),
        );
        assert_eq!(next(PAGES, Some(&i), 11, 1000), Next::Page(12));
        assert_eq!(next(PAGES, Some(&i), 12, 1000), Next::Done);
        let i = info(serde_json::json!({"page": 2, "per_page": 50, "count": 50}));
        assert_eq!(next(PAGES, Some(&i), 2, 50), Next::Page(3));
        assert_eq!(next(PAGES, Some(&i), 3, 0), Next::Done);
        assert_eq!(
            next(PAGES, Some(&i), 3, 7),
            Next::Done,
            "a short page is the last"
        );
        assert_eq!(next(PAGES, None, 1, 7), Next::Done);
    }

    #[test]
    fn cursors_are_followed_until_none_and_single_lists_follow_them_too() {
        let c = Paging::Cursor { per_page: 1000 };
        let i = info(serde_json::json!({"cursor": "abc", "per_page": 1000}));
        assert_eq!(next(c, Some(&i), 1, 1000), Next::Cursor("abc".into()));
        assert_eq!(
            next(Paging::Single, Some(&i), 1, 3),
            Next::Cursor("abc".into())
        );
        let i = info(serde_json::json!({"cursor": "", "per_page": 1000}));
        assert_eq!(next(c, Some(&i), 2, 4), Next::Done);
        assert_eq!(next(Paging::Single, None, 1, 4), Next::Done);
    }

    fn items(body: &str, key: Option<&str>) -> Result<usize, Unusable> {
        Envelope::parse(body.as_bytes())?
            .items(key)
            .map(|(i, _)| i.len())
    }

    fn shape_error(body: &str, key: Option<&str>) -> String {
        match items(body, key) {
            Err(Unusable::Shape(m) | Unusable::Json(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lists_are_arrays_or_the_named_wrapper_and_null_is_empty() {
        let bare = r#"{"success":true,"errors":[],"result":[{"name":"a"},{"name":"b"}]}"#;
        let wrapped = r#"{"success":true,"errors":[],"result":{"buckets":[{"name":"a"}]},
            "result_info":{"cursor":"c1","per_page":1000}}"#;
        assert_eq!(items(bare, None), Ok(2));
        assert_eq!(items(bare, Some("buckets")), Ok(2));
        assert_eq!(items(wrapped, Some("buckets")), Ok(1));
        let (_, info) = Envelope::parse(wrapped.as_bytes())
            .unwrap()
            .items(Some("buckets"))
            .unwrap();
        assert_eq!(info.unwrap().cursor.as_deref(), Some("c1"));
        assert_eq!(items(r#"{"success":true,"result":null}"#, None), Ok(0));
        assert_eq!(
            items(
                r#"{"success":true,"result":{"buckets":null}}"#,
                Some("buckets")
            ),
            Ok(0)
        );
        // Only where the endpoint has that wrapper.
        assert_eq!(
            shape_error(wrapped, None),
            "`result` is an object, where an array was expected"
        );
    }

    #[test]
    fn a_200_without_success_or_result_is_never_an_empty_list() {
        assert_eq!(
            shape_error(r#"{"unexpected": true}"#, None),
            "no `success` field, so not a Cloudflare API envelope"
        );
        assert_eq!(
            shape_error(r#"{"success":"yes","result":[]}"#, None),
            "`success` is a string, not true"
        );
        assert_eq!(
            shape_error(r#"{"success":true,"errors":[]}"#, None),
            "no `result` field"
        );
        assert_eq!(
            shape_error(r#"{"success":true,"result":{"items":[]}}"#, Some("buckets")),
            "`result` is an object, where an array (or an object with `buckets`) was expected"
        );
        assert_eq!(
            shape_error(
                r#"{"success":true,"result":{"buckets":"s3cr3t"}}"#,
                Some("buckets")
            ),
            "`result.buckets` is a string, where an array was expected"
        );
        let e = shape_error(r#"{"success":true,"result":[{"id":"a"},"s3cr3t"]}"#, None);
        assert_eq!(e, "item 1 of `result` is a string, not an object");
        assert!(matches!(
            items(r#"{"success":false,"errors":[{"code":7003,"message":"x"}]}"#, None),
            Err(Unusable::Failed(errors)) if errors[0].code == Some(7003)
        ));
        assert!(shape_error("<html>", None).contains("line 1"));
        assert_eq!(
            Envelope::parse(br#"{"success":true,"result":[]}"#)
                .unwrap()
                .object(),
            Err(Unusable::Shape(
                "`result` is an array, where an object was expected".into()
            ))
        );
    }

    #[test]
    fn error_envelopes_become_one_line_with_the_first_code_as_id() {
        let body = br#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"},{"code":9109,"message":"Unauthorized to access requested resource"}],"messages":[],"result":null}"#;
        let e = decode_error(reqwest::StatusCode::FORBIDDEN, body);
        assert_eq!(e.id.as_deref(), Some("10000"));
        assert_eq!(
            e.message,
            "Authentication error; Unauthorized to access requested resource (code 9109)"
        );
        let e = decode_error(reqwest::StatusCode::BAD_GATEWAY, b"<html>oops</html>");
        assert_eq!(e.id, None);
        assert!(e.message.contains("Bad Gateway"), "{}", e.message);
        assert!(!e.message.contains("oops"), "bodies are never echoed");
    }
}
