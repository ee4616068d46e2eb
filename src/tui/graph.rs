//! The graph view's tree: what the selection depends on and what depends on it, as a real
//! tree (`├─ │ └─`). Built breadth first so every resource is expanded once, at the
//! shallowest place it appears, then laid out depth first for drawing. Edges back to an
//! ancestor are never drawn (they would only echo the path), and another Heroku app is a
//! leaf unless the user asks to follow across apps: a shared add-on must not pull in the
//! whole of every app that uses it.

use std::collections::{HashMap, VecDeque};

use super::state::AppState;
use crate::model::{Kind, LinkKind, ResourceId};

/// How deep the graph follows links when it opens.
pub const DEFAULT_DEPTH: usize = 3;
/// The deepest `+` goes: past this the tree is wider than any terminal is useful for.
pub const MAX_DEPTH: usize = 8;

/// What the user chose for the graph view (`+`/`-`, `a`); kept across roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphOptions {
    /// Levels below the root, 1..=MAX_DEPTH.
    pub depth: usize,
    /// Follow into other Heroku apps (and their parts) reached through shared resources.
    pub across_apps: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            depth: DEFAULT_DEPTH,
            across_apps: false,
        }
    }
}

/// Why a row is not expanded (beyond reaching the depth limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Expanded here (or a leaf with nothing more to show).
    None,
    /// Expanded at another place in the tree, above this row.
    SeeAbove,
    /// Expanded at another place in the tree, below this row.
    SeeBelow,
    /// Another Heroku app reached through a shared resource, not followed (`a` follows).
    OtherApp,
}

/// One line of the dependency graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphRow {
    pub depth: usize,
    pub id: ResourceId,
    /// The link from the row above it in the tree and whether it points away from that
    /// row (false: the other resource links to it). None for the root.
    pub via: Option<(LinkKind, bool)>,
    /// The tree drawing before the label, e.g. `│  ├─ `.
    pub prefix: String,
    pub mark: Mark,
    /// Links not followed because the depth limit stops here (`+` shows them).
    pub deeper: usize,
}

/// One edge out of a node, after the other-app rule has been applied.
#[derive(Debug, Clone)]
struct Edge {
    kind: LinkKind,
    outgoing: bool,
    to: ResourceId,
    /// Another app: shown, never expanded.
    stop: bool,
}

struct Walker<'a> {
    state: &'a AppState,
    /// The app the root belongs to (the root itself when it is an app).
    home: Option<ResourceId>,
    across: bool,
    edges: HashMap<ResourceId, Vec<Edge>>,
}

/// The dependency tree of `root` with the state's graph options.
pub fn graph_rows(state: &AppState, root: &ResourceId) -> Vec<GraphRow> {
    build(state, root, state.graph_opts)
}

/// The dependency tree of `root`, `opts.depth` levels deep.
pub fn build(state: &AppState, root: &ResourceId, opts: GraphOptions) -> Vec<GraphRow> {
    let max = opts.depth.clamp(1, MAX_DEPTH);
    let mut w = Walker {
        state,
        home: owning_app(state, root),
        across: opts.across_apps,
        edges: HashMap::new(),
    };
    // Breadth first: each resource's place in the tree is the shallowest one, so a
    // resource met early at the depth limit is not left unexpanded when it also sits
    // one level below the root.
    let mut tree = Tree {
        owner: HashMap::new(),
        depth: HashMap::from([(root.clone(), 0)]),
        order: HashMap::new(),
        max,
    };
    let mut queue = VecDeque::from([root.clone()]);
    while let Some(id) = queue.pop_front() {
        let d = tree.depth[&id];
        if d >= max {
            continue;
        }
        for e in w.edges_of(&id).to_vec() {
            if !tree.depth.contains_key(&e.to) {
                tree.depth.insert(e.to.clone(), d + 1);
                tree.owner.insert(e.to.clone(), id.clone());
                if !e.stop {
                    queue.push_back(e.to);
                }
            }
        }
    }
    // Where each resource's own row will be, depth first: a link between two resources
    // that are not parent and child is drawn once, under the later of the two, so its
    // marker points up to where the other was expanded.
    let mut stack = vec![root.clone()];
    while let Some(id) = stack.pop() {
        tree.order.insert(id.clone(), tree.order.len());
        let children: Vec<ResourceId> = w
            .edges_of(&id)
            .iter()
            .filter(|e| !e.stop && tree.owner.get(&e.to) == Some(&id))
            .map(|e| e.to.clone())
            .collect();
        stack.extend(children.into_iter().rev());
    }
    let mut rows = vec![GraphRow {
        depth: 0,
        id: root.clone(),
        via: None,
        prefix: String::new(),
        mark: Mark::None,
        deeper: 0,
    }];
    let mut path = vec![root.clone()];
    w.lay_out(&tree, &mut path, "", &mut rows);
    rows
}

/// The breadth-first tree: who expands each resource, at which depth, in which order.
struct Tree {
    owner: HashMap<ResourceId, ResourceId>,
    depth: HashMap<ResourceId, usize>,
    /// Depth-first position of each expanded resource's own row.
    order: HashMap<ResourceId, usize>,
    max: usize,
}

impl Tree {
    /// Whether `id` lists what it links to (not past the depth limit, not another app).
    fn expands(&self, id: &ResourceId) -> bool {
        self.order.contains_key(id) && self.depth.get(id).is_some_and(|&d| d < self.max)
    }
}

impl<'a> Walker<'a> {
    /// Depth first: the rows under the last resource on `path` (the root first).
    fn lay_out(
        &mut self,
        tree: &Tree,
        path: &mut Vec<ResourceId>,
        prefix: &str,
        rows: &mut Vec<GraphRow>,
    ) {
        let id = path.last().expect("the path holds the root").clone();
        let depth = path.len();
        let here = tree.order[&id];
        // An edge back to any resource on the path only echoes how we got here; a link
        // across the tree is drawn at its later end only.
        let mut children: Vec<(Edge, Mark)> = Vec::new();
        for e in self.edges_of(&id).to_vec() {
            if path.contains(&e.to) {
                continue;
            }
            let mark = if e.stop {
                Mark::OtherApp
            } else if tree.owner.get(&e.to) == Some(&id) {
                Mark::None
            } else {
                match tree.order.get(&e.to).copied() {
                    Some(t) if t < here => Mark::SeeAbove,
                    // The later end draws it, when it lists its links and knows this one
                    // (an app's own counterparts are one-way).
                    Some(_) if tree.expands(&e.to) && self.links_to(&e.to, &id) => continue,
                    Some(_) => Mark::SeeBelow,
                    None => continue,
                }
            };
            children.push((e, mark));
        }
        let count = children.len();
        for (i, (e, mark)) in children.into_iter().enumerate() {
            let last = i + 1 == count;
            let expanded = mark == Mark::None;
            let deeper = if expanded && depth == tree.max {
                path.push(e.to.clone());
                let n = self
                    .edges_of(&e.to)
                    .iter()
                    .filter(|x| !path.contains(&x.to))
                    .count();
                path.pop();
                n
            } else {
                0
            };
            rows.push(GraphRow {
                depth,
                id: e.to.clone(),
                via: Some((e.kind, e.outgoing)),
                prefix: format!("{prefix}{}", if last { "└─ " } else { "├─ " }),
                mark,
                deeper,
            });
            if expanded && depth < tree.max {
                path.push(e.to.clone());
                let below = format!("{prefix}{}", if last { "   " } else { "│  " });
                self.lay_out(tree, path, &below, rows);
                path.pop();
            }
        }
    }

    /// The edges of `id`, each other resource once (the first link kind wins), sorted by
    /// link kind then id so the tree is stable.
    fn edges_of(&mut self, id: &ResourceId) -> &[Edge] {
        if !self.edges.contains_key(id) {
            let edges = self.compute(id);
            self.edges.insert(id.clone(), edges);
        }
        &self.edges[id]
    }

    fn compute(&mut self, id: &ResourceId) -> Vec<Edge> {
        let state = self.state;
        // (link kind, points away from `id`, other end, is the way up to `id`'s parent)
        let mut raw: Vec<(LinkKind, bool, ResourceId, bool)> = state
            .links_of(id)
            .into_iter()
            .map(|(l, other)| (l.kind, &l.from == id, other.id.clone(), false))
            .collect();
        if let Some(item) = state.item(id) {
            raw.extend(
                item.counterparts
                    .iter()
                    .map(|c| (LinkKind::Counterpart, true, c.id.clone(), false)),
            );
        }
        // The way back from an AWS counterpart to the Heroku items it stands in for.
        if let Some(items) = state.counterpart_of.get(id) {
            raw.extend(
                items
                    .iter()
                    .map(|i| (LinkKind::Counterpart, false, i.clone(), false)),
            );
        }
        let this = state.inventory.get(id);
        // Parts of an app (formations, add-ons, domains) are its children in the inventory.
        if this.is_some_and(|r| r.kind == Kind::App) {
            raw.extend(state.parts_of(id).iter().map(|&i| {
                let part = state.inventory.resources[i].id.clone();
                (LinkKind::Contains, true, part, false)
            }));
        }
        // A part leads up to its app (a graph opened on a domain shows whose it is); a
        // link of its own to the same resource says more, so it wins below.
        if let Some(parent) = this.and_then(|r| r.parent.clone())
            && state.inventory.get(&parent).is_some()
        {
            raw.push((LinkKind::Contains, false, parent, true));
        }
        let mut edges: Vec<(Edge, bool)> = raw
            .into_iter()
            .map(|(kind, outgoing, to, up)| {
                // A part of another app stands for that app: its app is shown, not it.
                let to = self.foreign_app(&to).unwrap_or(to);
                let stop = !self.across && self.is_other_app(&to);
                let e = Edge {
                    kind,
                    outgoing,
                    to,
                    stop,
                };
                (e, up)
            })
            // Items the analysis makes up (an app's deploy) have no resource to show.
            .filter(|(e, _)| &e.to != id && state.inventory.get(&e.to).is_some())
            .collect();
        // Each other resource once: its own links before the way up, then by link kind.
        edges.sort_by(|(a, au), (b, bu)| {
            (&a.to, au, a.kind, !a.outgoing).cmp(&(&b.to, bu, b.kind, !b.outgoing))
        });
        edges.dedup_by(|b, a| a.0.to == b.0.to);
        let mut edges: Vec<Edge> = edges.into_iter().map(|(e, _)| e).collect();
        edges.sort_by(|a, b| (a.kind, !a.outgoing, &a.to).cmp(&(b.kind, !b.outgoing, &b.to)));
        edges
    }

    fn links_to(&mut self, from: &ResourceId, to: &ResourceId) -> bool {
        self.edges_of(from).iter().any(|e| &e.to == to)
    }

    fn is_other_app(&self, id: &ResourceId) -> bool {
        self.state
            .inventory
            .get(id)
            .is_some_and(|r| r.kind == Kind::App)
            && self.home.as_ref() != Some(id)
    }

    /// The other app `id` belongs to, when it is a part of an app other than the root's
    /// and not itself linked to the root's app (a shared add-on attached to both is
    /// the root app's business, the other app's attachment of it is not).
    fn foreign_app(&self, id: &ResourceId) -> Option<ResourceId> {
        if self.across {
            return None;
        }
        let home = self.home.as_ref()?;
        let r = self.state.inventory.get(id)?;
        if r.kind == Kind::App {
            return None;
        }
        let app = owning_app(self.state, id)?;
        if &app == home
            || self
                .state
                .links_of(id)
                .iter()
                .any(|(_, other)| &other.id == home)
        {
            return None;
        }
        Some(app)
    }
}

/// The Heroku app `id` is (or is a part of), following parents.
fn owning_app(state: &AppState, id: &ResourceId) -> Option<ResourceId> {
    let mut cur = state.inventory.get(id)?;
    // Parent chains are short (app → attachment); the bound guards against a cycle in
    // malformed data.
    for _ in 0..16 {
        if cur.kind == Kind::App {
            return Some(cur.id.clone());
        }
        cur = state.inventory.get(cur.parent.as_ref()?)?;
    }
    None
}

/// `+`, `-` and `a` in the graph view; elsewhere they say where they work.
pub(crate) fn on_action(state: &mut AppState, action: super::action::Action) {
    use super::action::Action;
    if state.view != super::state::View::Graph {
        state.toast(
            "+ / - (depth) and a (other apps) work in the graph view (4)",
            false,
        );
        return;
    }
    let before = super::update::selection(state);
    let opts = &mut state.graph_opts;
    match action {
        Action::GraphDeeper if opts.depth >= MAX_DEPTH => {
            state.toast(
                format!("The graph goes {MAX_DEPTH} levels deep at most"),
                false,
            );
            return;
        }
        Action::GraphShallower if opts.depth <= 1 => {
            state.toast("The graph shows one level at least", false);
            return;
        }
        Action::GraphDeeper => opts.depth += 1,
        Action::GraphShallower => opts.depth -= 1,
        Action::GraphAcrossApps => opts.across_apps = !opts.across_apps,
        _ => return,
    }
    // Keep the cursor on the same resource when it is still in the tree.
    let Some(root) = state.graph_root.clone() else {
        return;
    };
    let rows = graph_rows(state, &root);
    state.graph_table.selected = before
        .and_then(|id| rows.iter().position(|r| r.id == id))
        .unwrap_or(state.graph_table.selected)
        .min(rows.len().saturating_sub(1));
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
