//! Heroku list paging: `Range: <field> [<first>]..[<last>]; max=<n>[, order=desc]`.
//!
//! A truncated list answers `206 Partial Content` with a `Next-Range` header; the client
//! repeats the request with `Range: <Next-Range>` until a `200` without one. Pages hold at
//! most 1,000 items (the default is 200, so asking for the maximum saves requests).

/// The largest page Heroku serves.
pub const MAX_PAGE: u32 = 1000;

/// The `Range` header for the first page of a list sorted by `field`.
pub fn first(field: &str) -> String {
    format!("{field} ..; max={MAX_PAGE}")
}

/// The `Range` header for the newest `n` items by `field` (one page, no paging).
pub fn newest(field: &str, n: u32) -> String {
    format!("{field} ..; max={n}, order=desc")
}

/// The `Range` header for the page after a `206`: the server's `Next-Range`, keeping our
/// page size when the server left it out.
pub fn next(next_range: &str) -> String {
    let value = next_range.trim();
    if parse(value).is_some_and(|r| r.max.is_some()) {
        value.to_string()
    } else {
        format!("{value}; max={MAX_PAGE}")
    }
}

/// A parsed range, for validating what the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    pub field: String,
    /// The first bound, with Heroku's `]` prefix meaning "after" kept as sent.
    pub start: String,
    pub end: String,
    pub max: Option<u32>,
    pub descending: bool,
}

/// Parses `<field> [<first>]..[<last>][; max=<n>][, order=asc|desc]`. `None` when the
/// value does not follow that grammar.
pub fn parse(value: &str) -> Option<RangeSpec> {
    let (range, params) = match value.split_once(';') {
        Some((r, p)) => (r.trim(), p),
        None => (value.trim(), ""),
    };
    let (field, bounds) = match range.split_once(char::is_whitespace) {
        Some((f, b)) => (f, b.trim()),
        None => (range, ""),
    };
    if field.is_empty() || field.contains("..") {
        return None;
    }
    let (start, end) = if bounds.is_empty() {
        ("", "")
    } else {
        bounds.split_once("..")?
    };
    let mut spec = RangeSpec {
        field: field.to_string(),
        start: start.trim().to_string(),
        end: end.trim().to_string(),
        max: None,
        descending: false,
    };
    for param in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, val) = param.split_once('=')?;
        match (key.trim(), val.trim()) {
            ("max", n) => spec.max = Some(n.parse().ok().filter(|&n| n > 0)?),
            ("order", "desc") => spec.descending = true,
            ("order", "asc") => spec.descending = false,
            _ => return None,
        }
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_page_asks_for_the_maximum() {
        assert_eq!(first("id"), "id ..; max=1000");
        let spec = parse(&first("name")).unwrap();
        assert_eq!(spec.field, "name");
        assert_eq!(spec.max, Some(1000));
        assert!(!spec.descending);
    }

    #[test]
    fn parses_heroku_next_range_values() {
        let spec = parse("id ]01234567-89ab-cdef-0123-456789abcdef..; max=1000").unwrap();
        assert_eq!(spec.field, "id");
        assert_eq!(spec.start, "]01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(spec.end, "");
        assert_eq!(spec.max, Some(1000));

        let spec = parse("version ..; max=10, order=desc").unwrap();
        assert!(spec.descending);
        assert_eq!(spec.max, Some(10));

        let spec = parse("name app-a..app-z").unwrap();
        assert_eq!((spec.start.as_str(), spec.end.as_str()), ("app-a", "app-z"));
        assert_eq!(spec.max, None);
    }

    #[test]
    fn rejects_what_is_not_a_range() {
        for bad in [
            "",
            "..",
            "id ]x..; max=0",
            "id ]x..; max=lots",
            "id ]x..; colour=red",
            "id a-b",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn next_keeps_the_servers_range_and_adds_our_page_size() {
        assert_eq!(next("id ]abc..; max=1000"), "id ]abc..; max=1000");
        assert_eq!(next("id ]abc.."), "id ]abc..; max=1000");
        assert_eq!(next(" name ]m..; max=200 "), "name ]m..; max=200");
    }
}
