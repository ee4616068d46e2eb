//! One provider's resources as a collapsible tree: scope groups (team, account, region,
//! service), then kind groups, then resources, with each resource's children grouped by
//! kind beneath it. Pure data, built once per inventory load.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::inventory::Inventory;
use crate::model::{Kind, Provider, Resource};

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scope (team, account, region, service) or a kind group.
    Group { label: String },
    /// A resource; the index into `Inventory::resources`.
    Resource(usize),
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Stable across reloads, so expansion survives a refresh.
    pub key: String,
    pub kind: NodeKind,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: u16,
    /// Resources beneath this node, at any depth.
    pub count: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    /// The node of each resource shown, by its index into `Inventory::resources`.
    by_resource: HashMap<usize, usize>,
}

/// The scope path under which a top-level resource is shown.
fn scope_path(r: &Resource, account_names: &HashMap<String, String>) -> Vec<String> {
    let account = || {
        account_names
            .get(&r.scope.account)
            .cloned()
            .unwrap_or_else(|| r.scope.account.clone())
    };
    match r.provider {
        Provider::Heroku => vec![match &r.scope.team {
            Some(team) => format!("team {team}"),
            None => format!("personal · {}", r.scope.account),
        }],
        Provider::Cloudflare | Provider::Semaphore | Provider::Iac => vec![account()],
        Provider::Aws => vec![
            account(),
            r.scope.region.clone().unwrap_or_else(|| "global".into()),
            r.kind.service().to_string(),
        ],
    }
}

impl Tree {
    pub fn build(inv: &Inventory, provider: Provider) -> Tree {
        let members: Vec<usize> = (0..inv.resources.len())
            .filter(|&i| inv.resources[i].provider == provider)
            .collect();
        // Friendly account labels: a Cloudflare account's name instead of its hex id.
        let account_names: HashMap<String, String> = members
            .iter()
            .map(|&i| &inv.resources[i])
            .filter(|r| matches!(r.kind, Kind::CfAccount | Kind::AwsAccount))
            .map(|r| {
                (
                    r.scope.account.clone(),
                    format!("{} ({})", r.name, r.scope.account),
                )
            })
            .collect();

        let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut roots: Vec<usize> = Vec::new();
        for &i in &members {
            let r = &inv.resources[i];
            match r.parent.as_ref().and_then(|p| inv.position(p)) {
                Some(p) if p != i && inv.resources[p].provider == provider => {
                    children.entry(p).or_default().push(i)
                }
                _ => roots.push(i),
            }
        }

        let mut tree = Tree::default();
        // Scope groups keyed by path, in sorted order.
        // Teams before personal apps: the team estate is what gets migrated first.
        let mut by_scope: BTreeMap<(bool, Vec<String>), Vec<usize>> = BTreeMap::new();
        for i in roots {
            let r = &inv.resources[i];
            let personal = r.provider == Provider::Heroku && r.scope.team.is_none();
            by_scope
                .entry((personal, scope_path(r, &account_names)))
                .or_default()
                .push(i);
        }
        let mut group_index: HashMap<Vec<String>, usize> = HashMap::new();
        for ((_, path), items) in by_scope {
            // Create (or reuse) each level of the scope path.
            let mut parent: Option<usize> = None;
            for depth in 0..path.len() {
                let prefix = path[..=depth].to_vec();
                parent = Some(match group_index.get(&prefix) {
                    Some(&n) => n,
                    None => {
                        let key = format!("{}/{}", provider.as_str(), prefix.join("/"));
                        let n = tree.push(
                            key,
                            NodeKind::Group {
                                label: path[depth].clone(),
                            },
                            parent,
                        );
                        group_index.insert(prefix, n);
                        n
                    }
                });
            }
            let scope_node = parent.expect("scope paths are never empty");
            let key = tree.nodes[scope_node].key.clone();
            tree.add_kind_groups(inv, &key, scope_node, items, &children);
        }
        tree.compute_counts();
        tree
    }

    fn push(&mut self, key: String, kind: NodeKind, parent: Option<usize>) -> usize {
        let n = self.nodes.len();
        let depth = parent.map_or(0, |p| self.nodes[p].depth + 1);
        self.nodes.push(Node {
            key,
            kind,
            parent,
            children: Vec::new(),
            depth,
            count: 0,
        });
        match parent {
            Some(p) => self.nodes[p].children.push(n),
            None => self.roots.push(n),
        }
        if let NodeKind::Resource(i) = self.nodes[n].kind {
            self.by_resource.insert(i, n);
        }
        n
    }

    /// The node showing the resource at `index` in `Inventory::resources`, if this tree has it.
    pub fn node_of(&self, index: usize) -> Option<usize> {
        self.by_resource.get(&index).copied()
    }

    /// For every node above one of `resources` (indices into `Inventory::resources`), how
    /// many of them sit beneath it: a collapsed node with a count hides linked resources,
    /// and says so. The resources' own nodes are not counted (they show themselves).
    pub fn holding(&self, resources: impl IntoIterator<Item = usize>) -> HashMap<usize, usize> {
        let mut out: HashMap<usize, usize> = HashMap::new();
        let mut seen = HashSet::new();
        for node in resources.into_iter().filter_map(|i| self.node_of(i)) {
            if !seen.insert(node) {
                continue; // linked twice (a link and a counterpart): one resource
            }
            let mut up = self.nodes[node].parent;
            while let Some(a) = up {
                *out.entry(a).or_default() += 1;
                up = self.nodes[a].parent;
            }
        }
        out
    }

    /// Adds `items` under `parent`, one group per kind (in the kinds table's order), each
    /// sorted by name, recursing into each resource's own children.
    fn add_kind_groups(
        &mut self,
        inv: &Inventory,
        key_prefix: &str,
        parent: usize,
        mut items: Vec<usize>,
        children: &HashMap<usize, Vec<usize>>,
    ) {
        items.sort_by(|&a, &b| {
            let (ra, rb) = (&inv.resources[a], &inv.resources[b]);
            (ra.kind, &ra.name, &ra.id).cmp(&(rb.kind, &rb.name, &rb.id))
        });
        let mut start = 0;
        while start < items.len() {
            let kind = inv.resources[items[start]].kind;
            let end = start
                + items[start..]
                    .iter()
                    .take_while(|&&i| inv.resources[i].kind == kind)
                    .count();
            let group = self.push(
                format!("{key_prefix}/{}", kind.as_str()),
                NodeKind::Group {
                    label: kind.label().to_string(),
                },
                Some(parent),
            );
            for &i in &items[start..end] {
                let r = &inv.resources[i];
                let node = self.push(r.id.to_string(), NodeKind::Resource(i), Some(group));
                if let Some(kids) = children.get(&i) {
                    self.add_kind_groups(inv, r.id.as_str(), node, kids.clone(), children);
                }
            }
            start = end;
        }
    }

    /// Counts the resources beneath each node (children come after parents in `nodes`).
    fn compute_counts(&mut self) {
        for n in (0..self.nodes.len()).rev() {
            let own = usize::from(matches!(self.nodes[n].kind, NodeKind::Resource(_)));
            let below: usize = self.nodes[n]
                .children
                .iter()
                .map(|&c| self.nodes[c].count)
                .sum();
            self.nodes[n].count = own + below;
        }
    }

    /// The number shown after a group's label: a kind group counts its own items ("Apps (8)"),
    /// a scope group every resource beneath it.
    pub fn label_count(&self, node: usize) -> usize {
        let n = &self.nodes[node];
        let holds_resources = n
            .children
            .first()
            .is_some_and(|&c| matches!(self.nodes[c].kind, NodeKind::Resource(_)));
        if holds_resources {
            n.children.len()
        } else {
            n.count
        }
    }

    /// The keys expanded when a tree is first shown: every group down to the first
    /// resources, so each pane opens on its apps, zones and services.
    pub fn default_expanded(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for node in &self.nodes {
            if matches!(node.kind, NodeKind::Group { .. })
                && node
                    .parent
                    .is_none_or(|p| matches!(self.nodes[p].kind, NodeKind::Group { .. }))
            {
                out.insert(node.key.clone());
            }
        }
        out
    }

    /// The nodes to show under a filter: every node whose resource matches (`mask` holds
    /// scores, indexed like the inventory; 0 is no match) and its ancestors. Siblings are
    /// ranked by their best match (stable, so equal scores keep the tree's order): the
    /// exact name comes first in its group, and groups holding it come first too.
    pub fn filtered(&self, mask: &[u8]) -> Vec<usize> {
        let mut best = vec![0u8; self.nodes.len()];
        // Children come after their parents in `nodes`, so one backward pass suffices.
        for n in (0..self.nodes.len()).rev() {
            let own = match self.nodes[n].kind {
                NodeKind::Resource(i) => mask.get(i).copied().unwrap_or(0),
                NodeKind::Group { .. } => 0,
            };
            best[n] = self.nodes[n]
                .children
                .iter()
                .map(|&c| best[c])
                .fold(own, u8::max);
        }
        let ranked = |list: &[usize]| {
            let mut kept: Vec<usize> = list.iter().copied().filter(|&c| best[c] > 0).collect();
            kept.sort_by_key(|&c| std::cmp::Reverse(best[c]));
            kept
        };
        let mut out = Vec::new();
        let mut stack: Vec<usize> = ranked(&self.roots);
        stack.reverse();
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(ranked(&self.nodes[n].children).into_iter().rev());
        }
        out
    }

    /// The visible nodes, in display order, given the expanded keys.
    pub fn visible(&self, expanded: &HashSet<String>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            out.push(n);
            let node = &self.nodes[n];
            if expanded.contains(&node.key) {
                stack.extend(node.children.iter().rev());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceId;

    fn demo() -> Inventory {
        Inventory::from_sources(&crate::commands::demo::demo_file().unwrap().sources)
    }

    #[test]
    fn holding_counts_linked_resources_under_every_ancestor_once() {
        let inv = demo();
        let tree = Tree::build(&inv, Provider::Aws);
        let ids = [
            "aws:arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-web",
            "aws:arn:aws:ecs:eu-west-1:123456789012:service/acme-prod/acme-api-worker",
        ];
        let mut linked: Vec<usize> = ids
            .iter()
            .map(|id| inv.position(&ResourceId::from_raw(*id)).expect(id))
            .collect();
        // The same resource twice (a link and a counterpart) counts once; another
        // provider's resource has no node here and counts nothing.
        linked.push(linked[0]);
        linked.push(
            inv.position(&ResourceId::from_raw("heroku:app/acme-api"))
                .unwrap(),
        );
        let holding = tree.holding(linked.iter().copied());
        let web = tree.node_of(linked[0]).unwrap();
        assert!(
            !holding.contains_key(&web),
            "a resource does not hold itself"
        );
        // Its kind group, the cluster, its kind group, ECS, the region and the account
        // each hold both.
        let mut up = tree.nodes[web].parent;
        let mut levels = 0;
        while let Some(a) = up {
            assert_eq!(holding[&a], 2, "{}", tree.nodes[a].key);
            levels += 1;
            up = tree.nodes[a].parent;
        }
        assert_eq!(levels, 6);
        assert_eq!(holding.len(), levels);
    }
}
