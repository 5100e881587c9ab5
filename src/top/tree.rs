//! The topic tree: one node per topic level, created as topics are first seen, with each
//! node's message count and rate rolled up from every topic below it. Nodes are never
//! removed, so a [`NodeId`] stays valid for the whole run (the view keeps it as the
//! selection).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::rates::Rate;

/// A node's index in the tree.
pub type NodeId = usize;

/// One topic level.
#[derive(Debug, Clone)]
pub struct Node<T> {
    /// The level's name (may be empty: `a//b`).
    pub name: String,
    /// The topic up to and including this level.
    pub topic: String,
    /// The parent level.
    pub parent: Option<NodeId>,
    /// The levels below, by name.
    pub children: BTreeMap<String, NodeId>,
    /// Messages on this topic and every topic below it.
    pub count: u64,
    /// Their rate.
    pub rate: Rate,
    /// What is known of messages on exactly this topic (`None`: only topics below it had
    /// messages).
    pub data: Option<T>,
}

/// A row of the tree as drawn: a node at a depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The node.
    pub id: NodeId,
    /// Its depth (0 for a first level).
    pub depth: usize,
    /// Whether it has levels below.
    pub has_children: bool,
    /// Whether those are hidden.
    pub folded: bool,
}

/// Every topic seen.
#[derive(Debug, Clone)]
pub struct Tree<T> {
    nodes: Vec<Node<T>>,
    roots: BTreeMap<String, NodeId>,
    by_topic: HashMap<String, NodeId>,
    topics: usize,
}

impl<T> Default for Tree<T> {
    fn default() -> Self {
        Tree {
            nodes: Vec::new(),
            roots: BTreeMap::new(),
            by_topic: HashMap::new(),
            topics: 0,
        }
    }
}

impl<T> Tree<T> {
    /// The node of `topic`, if it was seen (as a topic or as a level above one).
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.by_topic.get(topic).copied()
    }

    /// The node `id`.
    pub fn node(&self, id: NodeId) -> &Node<T> {
        &self.nodes[id]
    }

    /// The first levels, by name.
    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.roots.values().copied()
    }

    /// Topics that had messages (not counting levels that only have topics below them).
    pub fn topic_count(&self) -> usize {
        self.topics
    }

    /// Nodes, levels included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True before the first message.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Counts one message on `topic` at rate tick `tick` on its node and every level above,
    /// creating the nodes it needs; returns the topic's node, its data to be filled in (with
    /// `init` the first time).
    pub fn record(&mut self, topic: &str, tick: u64, init: impl FnOnce() -> T) -> &mut T {
        let id = match self.by_topic.get(topic) {
            Some(&id) => id,
            None => self.create(topic),
        };
        let mut at = Some(id);
        while let Some(n) = at {
            let node = &mut self.nodes[n];
            node.count += 1;
            node.rate.add(tick, 1);
            at = node.parent;
        }
        let node = &mut self.nodes[id];
        if node.data.is_none() {
            self.topics += 1;
        }
        node.data.get_or_insert_with(init)
    }

    /// The data of the node `id`, mutably.
    pub fn data_mut(&mut self, id: NodeId) -> Option<&mut T> {
        self.nodes[id].data.as_mut()
    }

    fn create(&mut self, topic: &str) -> NodeId {
        let mut parent: Option<NodeId> = None;
        let mut end = 0;
        for (i, name) in topic.split('/').enumerate() {
            end = if i == 0 {
                name.len()
            } else {
                end + 1 + name.len()
            };
            let siblings = match parent {
                Some(p) => &self.nodes[p].children,
                None => &self.roots,
            };
            let id = match siblings.get(name) {
                Some(&id) => id,
                None => {
                    let id = self.nodes.len();
                    let path = &topic[..end];
                    self.nodes.push(Node {
                        name: name.to_owned(),
                        topic: path.to_owned(),
                        parent,
                        children: BTreeMap::new(),
                        count: 0,
                        rate: Rate::default(),
                        data: None,
                    });
                    self.by_topic.insert(path.to_owned(), id);
                    match parent {
                        Some(p) => self.nodes[p].children.insert(name.to_owned(), id),
                        None => self.roots.insert(name.to_owned(), id),
                    };
                    id
                }
            };
            parent = Some(id);
        }
        parent.expect("a topic has at least one level")
    }

    /// The rows to draw, in order: every node whose ancestors are not `folded`; with a
    /// `filter`, the topics containing it (case-insensitively) and the levels above them,
    /// folding ignored.
    pub fn rows(&self, folded: &HashSet<NodeId>, filter: Option<&str>) -> Vec<Row> {
        let mut rows = Vec::new();
        let needle = filter.filter(|f| !f.is_empty()).map(str::to_lowercase);
        for &id in self.roots.values() {
            match &needle {
                Some(n) => {
                    self.matching(id, 0, n, &mut rows);
                }
                None => self.unfolded(id, 0, folded, &mut rows),
            }
        }
        rows
    }

    fn unfolded(&self, id: NodeId, depth: usize, folded: &HashSet<NodeId>, rows: &mut Vec<Row>) {
        let node = &self.nodes[id];
        let is_folded = folded.contains(&id);
        rows.push(Row {
            id,
            depth,
            has_children: !node.children.is_empty(),
            folded: is_folded && !node.children.is_empty(),
        });
        if !is_folded {
            for &child in node.children.values() {
                self.unfolded(child, depth + 1, folded, rows);
            }
        }
    }

    /// Pushes `id` and what matches below it when anything in it matches; true if so.
    fn matching(&self, id: NodeId, depth: usize, needle: &str, rows: &mut Vec<Row>) -> bool {
        let node = &self.nodes[id];
        let at = rows.len();
        rows.push(Row {
            id,
            depth,
            has_children: !node.children.is_empty(),
            folded: false,
        });
        let mut any = node.data.is_some() && node.topic.to_lowercase().contains(needle);
        for &child in node.children.values() {
            any |= self.matching(child, depth + 1, needle, rows);
        }
        if !any {
            rows.truncate(at);
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(topics: &[&str]) -> Tree<u32> {
        let mut t = Tree::default();
        for topic in topics {
            *t.record(topic, 0, || 0) += 1;
        }
        t
    }

    fn names(t: &Tree<u32>, rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| format!("{}{}", "  ".repeat(r.depth), t.node(r.id).name))
            .collect()
    }

    #[test]
    fn levels_are_nodes_and_counts_roll_up() {
        let t = tree(&["a/b/c", "a/b/c", "a/b/d", "a/e", "x"]);
        let count = |topic| t.node(t.find(topic).unwrap()).count;
        assert_eq!((count("a"), count("a/b"), count("a/b/c")), (4, 3, 2));
        assert_eq!((count("a/e"), count("x")), (1, 1));
        assert_eq!(t.topic_count(), 4, "a and a/b had no message of their own");
        assert!(t.node(t.find("a/b").unwrap()).data.is_none());
        assert_eq!(t.node(t.find("a/b/c").unwrap()).data, Some(2));
        let rate = t.node(t.find("a").unwrap()).rate.count(0);
        assert_eq!(rate, 4, "rates roll up too");
    }

    #[test]
    fn a_topic_can_also_be_a_level_and_levels_can_be_empty() {
        let t = tree(&["a", "a/b", "/lead", "a//c"]);
        assert_eq!(t.node(t.find("a").unwrap()).count, 3);
        assert_eq!(t.node(t.find("a").unwrap()).data, Some(1));
        assert_eq!(
            t.node(t.find("").unwrap()).count,
            1,
            "the empty first level"
        );
        assert_eq!(t.node(t.find("a/").unwrap()).name, "");
        assert_eq!(t.topic_count(), 4);
    }

    #[test]
    fn rows_are_sorted_depth_first_and_folding_hides_the_levels_below() {
        let t = tree(&["b/x", "a/z", "a/y/1", "c"]);
        let all = t.rows(&HashSet::new(), None);
        assert_eq!(
            names(&t, &all),
            ["a", "  y", "    1", "  z", "b", "  x", "c"]
        );
        let folded: HashSet<NodeId> = [t.find("a").unwrap()].into();
        let rows = t.rows(&folded, None);
        assert_eq!(names(&t, &rows), ["a", "b", "  x", "c"]);
        assert!(rows[0].folded && rows[0].has_children);
        assert!(!rows[3].has_children && !rows[3].folded);
    }

    #[test]
    fn a_filter_keeps_matching_topics_and_their_levels() {
        let t = tree(&[
            "sensors/dev-1/temperature",
            "sensors/dev-2/pressure",
            "devices/dev-1/status",
        ]);
        let folded: HashSet<NodeId> = [t.find("sensors").unwrap()].into();
        let rows = t.rows(&folded, Some("TEMP"));
        assert_eq!(names(&t, &rows), ["sensors", "  dev-1", "    temperature"]);
        let rows = t.rows(&folded, Some("dev-1"));
        assert_eq!(
            names(&t, &rows),
            [
                "devices",
                "  dev-1",
                "    status",
                "sensors",
                "  dev-1",
                "    temperature"
            ]
        );
        assert!(t.rows(&folded, Some("nothing")).is_empty());
        assert_eq!(
            t.rows(&folded, Some("")).len(),
            4,
            "an empty filter is none"
        );
    }
}
