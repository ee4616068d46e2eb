//! Guards for following `Next-Range`, so a server that keeps sending new ranges cannot
//! page without end (a fault once produced 4,127 pages and 15,269 "apps" from 8).
//!
//! A list stops with an error when a page that asks for another one adds no item not
//! already seen (by `id`), when a `Next-Range` repeats, or when the page count passes what
//! the first page's `Content-Range` implies. Heroku's own `Content-Range`
//! (`id <first>..<last>; max=1000`) carries no total; a total in the common forms
//! (`…/400` or `total=400`) gives the limit, else [`MAX_PAGES`] does.

use serde_json::Value;
use std::collections::HashSet;

use super::range;

/// Pages followed when the server gives no total: 100,000 items at Heroku's 1,000 a page,
/// far beyond any account's apps or add-ons, and cheap enough for the budget.
pub const MAX_PAGES: usize = 100;
/// Pages allowed beyond what a total implies (items added while paging).
const MARGIN: usize = 2;

/// What one list has seen so far.
#[derive(Debug, Default)]
pub struct PageGuard {
    ids: HashSet<String>,
    ranges: HashSet<String>,
    /// The most pages this list may take, and why.
    limit: Option<(usize, String)>,
}

impl PageGuard {
    /// Page `page` has arrived: returns the items not seen on earlier pages. `continues`:
    /// the server asked for another page.
    pub fn page(
        &mut self,
        page: usize,
        content_range: Option<&str>,
        items: Vec<Value>,
        continues: bool,
    ) -> Result<Vec<Value>, String> {
        let count = items.len();
        if page == 1 {
            self.limit = Some(limit(content_range, count));
        }
        // Without an `id` two items cannot be told apart (sanitised 304 copies of dynos
        // differ only in fields Ferry drops), so they always count as new.
        let fresh: Vec<Value> = items
            .into_iter()
            .filter(|v| identity(v).is_none_or(|id| self.ids.insert(id)))
            .collect();
        if continues && fresh.is_empty() {
            return Err(format!(
                "page {page} adds nothing new ({count} item(s), all on earlier pages) yet a Next-Range asks for more; the list was stopped"
            ));
        }
        Ok(fresh)
    }

    /// The `Range` for the page after `page`, from the server's `Next-Range`, if it is
    /// well-formed, new, and within the page limit.
    pub fn next(&mut self, page: usize, next: &str) -> Result<String, String> {
        if range::parse(next).is_none() {
            return Err(format!("unusable Next-Range `{next}` on page {page}"));
        }
        if !self.ranges.insert(next.trim().to_string()) {
            return Err(format!(
                "Next-Range `{next}` on page {page} repeats an earlier page's; the list was stopped"
            ));
        }
        if let Some((pages, why)) = &self.limit
            && page + 1 > *pages
        {
            return Err(format!(
                "page {} would pass the limit of {pages} pages ({why}); the list was stopped",
                page + 1
            ));
        }
        Ok(range::next(next))
    }
}

/// An item's `id`, when it has one.
fn identity(v: &Value) -> Option<String> {
    match v.get("id")? {
        Value::String(id) => Some(id.clone()),
        Value::Null => None,
        id => Some(id.to_string()),
    }
}

/// The page limit the first page implies: its `Content-Range` total over its size plus a
/// margin, or [`MAX_PAGES`].
fn limit(content_range: Option<&str>, first_page: usize) -> (usize, String) {
    match content_range.and_then(total) {
        Some(total) => {
            let per = first_page.max(1);
            let pages = total.div_ceil(per) + MARGIN;
            (
                pages,
                format!(
                    "the first page's Content-Range says {total} items, {per} a page, plus {MARGIN}"
                ),
            )
        }
        None => (
            MAX_PAGES,
            format!(
                "no total in the first page's Content-Range; Ferry follows at most {MAX_PAGES}"
            ),
        ),
    }
}

/// The total in `id a..b/400; max=10` or `id 0..; max=100, total=11`.
fn total(value: &str) -> Option<usize> {
    let (head, params) = value.split_once(';').unwrap_or((value, ""));
    let from_params = params.split(',').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == "total")
            .then(|| v.trim().parse().ok())
            .flatten()
    });
    from_params.or_else(|| head.rsplit_once('/')?.1.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(ids: &[&str]) -> Vec<Value> {
        ids.iter().map(|i| json!({"id": i})).collect()
    }

    #[test]
    fn totals_in_either_form_and_none_in_herokus() {
        assert_eq!(total("id a..b/400; max=10"), Some(400));
        assert_eq!(total("id 0..; max=100, total=11, order=asc"), Some(11));
        assert_eq!(total("id 0123..89ab; max=1000"), None);
        assert_eq!(total("garbage"), None);
    }

    #[test]
    fn a_page_of_old_ids_stops_the_list() {
        let mut g = PageGuard::default();
        assert_eq!(g.page(1, None, items(&["a", "b"]), true).unwrap().len(), 2);
        g.next(1, "id ]b..; max=2").unwrap();
        let fresh = g.page(2, None, items(&["b", "c"]), true).unwrap();
        assert_eq!(fresh, items(&["c"]), "duplicates are dropped");
        g.next(2, "id ]c..; max=2").unwrap();
        let err = g.page(3, None, items(&["a", "c"]), true).unwrap_err();
        assert!(err.contains("page 3 adds nothing new"), "{err}");
        // The last page (no Next-Range) may repeat: nothing more is asked.
        assert!(g.page(3, None, items(&["a"]), false).unwrap().is_empty());
    }

    #[test]
    fn items_without_ids_are_never_dropped() {
        let mut g = PageGuard::default();
        let same = vec![json!({"type": "web"}), json!({"type": "web"})];
        assert_eq!(g.page(1, None, same, false).unwrap().len(), 2);
    }

    #[test]
    fn a_repeated_or_bad_range_stops_the_list() {
        let mut g = PageGuard::default();
        g.page(1, None, items(&["a"]), true).unwrap();
        g.next(1, "id ]a..; max=1").unwrap();
        let err = g.next(2, "id ]a..; max=1").unwrap_err();
        assert!(err.contains("repeats"), "{err}");
        assert!(g.next(2, "nonsense here").unwrap_err().contains("unusable"));
    }

    #[test]
    fn the_first_pages_total_limits_the_pages() {
        let mut g = PageGuard::default();
        g.page(
            1,
            Some("id a..b/8; max=4"),
            items(&["1", "2", "3", "4"]),
            true,
        )
        .unwrap();
        // 8 items at 4 a page: 2 pages, plus a margin of 2.
        for page in 1..4 {
            g.next(page, &format!("id ]p{page}..; max=4")).unwrap();
        }
        let err = g.next(4, "id ]p4..; max=4").unwrap_err();
        assert!(
            err.contains("limit of 4 pages") && err.contains("says 8 items"),
            "{err}"
        );
    }

    #[test]
    fn without_a_total_the_cap_applies() {
        let mut g = PageGuard::default();
        g.page(1, Some("id a..a; max=1"), items(&["x"]), true)
            .unwrap();
        for page in 1..MAX_PAGES {
            g.next(page, &format!("id ]{page}..; max=1")).unwrap();
        }
        let err = g.next(MAX_PAGES, "id ]last..; max=1").unwrap_err();
        assert!(
            err.contains(&format!("limit of {MAX_PAGES} pages")),
            "{err}"
        );
    }
}
