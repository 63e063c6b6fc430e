//! Bounds on the work html5ever and ammonia do for a template, checked before ammonia runs.
//! The tree builder does, for each token, work in proportion to the open elements and the
//! active formatting elements, can re-create every active formatting element for each run of
//! text, and ammonia's DOM moves children and searches siblings in ways that add up to
//! quadratic time (100,000 nested `<div>`s took 52 s). None of that is visible in the text
//! alone, so this parses the template as ammonia does (a fragment in a `<div>`) into a DOM
//! that keeps only structure and counts what ammonia's DOM would do, and after each tag counts
//! the tree builder's open and active formatting elements. The text goes in one tag at a time,
//! and the parse stops at the first tag that crosses a bound.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, Tracer, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{Attribute, ExpandedName, QualName, local_name, ns};

use crate::limits::{
    MAX_TEMPLATE_DEPTH, MAX_TEMPLATE_NODES, MAX_TEMPLATE_OPEN_ELEMENTS, MAX_TEMPLATE_TAGS, MAX_TEMPLATE_WORK,
};

/// Which bound a template crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Elements nest deeper than [`MAX_TEMPLATE_DEPTH`].
    Depth,
    /// More than [`MAX_TEMPLATE_NODES`] elements, texts and comments.
    Nodes,
    /// More than [`MAX_TEMPLATE_OPEN_ELEMENTS`] open and active formatting elements at once.
    OpenElements,
    /// More than [`MAX_TEMPLATE_TAGS`] tags.
    Tags,
    /// More than [`MAX_TEMPLATE_WORK`] steps of building and rearranging the tree.
    Work,
}

/// Parses `html` as ammonia will, stopping at the first bound crossed: that bound, and the
/// offset of the tag that crossed it.
pub(crate) fn check(html: &str) -> Result<(), (Bound, usize)> {
    let counters = Rc::new(Counters::default());
    let mut parser = html5ever::parse_fragment(
        Dom::new(Rc::clone(&counters)),
        html5ever::ParseOpts::default(),
        QualName::new(None, ns!(html), local_name!("div")),
        Vec::new(),
        false,
    );
    let mut from = 0;
    let mut tags = 0usize;
    while from < html.len() {
        let end = html[from..].find('>').map_or(html.len(), |i| from + i + 1);
        let chunk = &html[from..end];
        parser.process(StrTendril::from_slice(chunk));
        let tag_start = chunk.rfind('<').map_or(from, |i| from + i);
        tags += 1;
        if let Some(bound) = counters.crossed.get() {
            return Err((bound, tag_start));
        }
        // The tree builder scans these lists for most tokens, and re-creates the formatting
        // elements a block closed for each text after it.
        let open = Count(Cell::new(0), std::marker::PhantomData);
        parser.tokenizer.sink.trace_handles(&open);
        if open.0.get() > MAX_TEMPLATE_OPEN_ELEMENTS {
            return Err((Bound::OpenElements, tag_start));
        }
        if tags > MAX_TEMPLATE_TAGS {
            return Err((Bound::Tags, tag_start));
        }
        from = end;
    }
    parser.finish();
    match counters.crossed.get() {
        Some(bound) => Err((bound, html.len())),
        None => Ok(()),
    }
}

/// What the parse has cost so far, and the first bound it crossed.
#[derive(Default)]
struct Counters {
    nodes: Cell<usize>,
    work: Cell<usize>,
    crossed: Cell<Option<Bound>>,
}

/// Counts the handles the tree builder holds: its open elements and active formatting
/// elements (and the document, the fragment's context and the form, 3 at most).
struct Count<H>(Cell<usize>, std::marker::PhantomData<H>);

impl<H> Tracer for Count<H> {
    type Handle = H;

    fn trace_handle(&self, _node: &H) {
        self.0.set(self.0.get() + 1);
    }
}

impl Counters {
    fn cross(&self, bound: Bound) {
        if self.crossed.get().is_none() {
            self.crossed.set(Some(bound));
        }
    }

    fn add_work(&self, steps: usize) {
        self.work.set(self.work.get().saturating_add(steps));
        if self.work.get() > MAX_TEMPLATE_WORK {
            self.cross(Bound::Work);
        }
    }

    fn add_node(&self) {
        self.nodes.set(self.nodes.get() + 1);
        if self.nodes.get() > MAX_TEMPLATE_NODES {
            self.cross(Bound::Nodes);
        }
    }
}

/// A node of the structure-only DOM.
struct Node {
    /// The element's name (empty for other nodes).
    name: QualName,
    is_text: bool,
    attributes: Cell<usize>,
    parent: RefCell<Weak<Node>>,
    children: RefCell<Vec<Rc<Node>>>,
    template_contents: Option<Rc<Node>>,
    annotation_xml_integration_point: bool,
}

impl Node {
    fn new(name: QualName, is_text: bool) -> Rc<Self> {
        Self::with(name, is_text, 0, None, false)
    }

    fn with(
        name: QualName,
        is_text: bool,
        attributes: usize,
        template_contents: Option<Rc<Node>>,
        annotation_xml_integration_point: bool,
    ) -> Rc<Self> {
        Rc::new(Node {
            name,
            is_text,
            attributes: Cell::new(attributes),
            parent: RefCell::new(Weak::new()),
            children: RefCell::new(Vec::new()),
            template_contents,
            annotation_xml_integration_point,
        })
    }

    fn parent(&self) -> Option<Rc<Node>> {
        self.parent.borrow().upgrade()
    }

    /// How many ancestors the node has, counting up to just past the bound.
    fn depth(self: &Rc<Self>) -> usize {
        let mut depth = 0;
        let mut current = self.parent();
        while let Some(node) = current {
            depth += 1;
            if depth > MAX_TEMPLATE_DEPTH + 2 {
                break;
            }
            current = node.parent();
        }
        depth
    }
}

impl Drop for Node {
    // Without this, dropping a deep tree would recurse once per level.
    fn drop(&mut self) {
        let mut nodes = std::mem::take(&mut *self.children.borrow_mut());
        while let Some(node) = nodes.pop() {
            nodes.append(&mut node.children.borrow_mut());
        }
    }
}

fn unnamed() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

/// The structure-only DOM html5ever builds into.
struct Dom {
    document: Rc<Node>,
    counters: Rc<Counters>,
}

impl Dom {
    fn new(counters: Rc<Counters>) -> Self {
        Dom { document: Node::new(unnamed(), false), counters }
    }

    /// Adds `child` at `index` of `parent`'s children (its end when `None`), as ammonia's DOM
    /// does, merging text into a text node beside it.
    fn insert(&self, parent: &Rc<Node>, index: Option<usize>, child: NodeOrText<Rc<Node>>) {
        let mut children = parent.children.borrow_mut();
        let at = index.unwrap_or(children.len());
        let node = match child {
            NodeOrText::AppendText(_) => {
                let before = at.checked_sub(1).and_then(|i| children.get(i));
                if before.is_some_and(|n| n.is_text) {
                    return;
                }
                self.counters.add_node();
                Node::new(unnamed(), true)
            }
            NodeOrText::AppendNode(node) => node,
        };
        if let Some(old) = node.parent() {
            // Only `append_before_sibling` moves a node that already has a parent.
            drop(children);
            self.remove_from(&old, &node);
            children = parent.children.borrow_mut();
        }
        *node.parent.borrow_mut() = Rc::downgrade(parent);
        let at = at.min(children.len());
        children.insert(at, Rc::clone(&node));
        drop(children);
        // The document and the fragment's <html> are above the template's first element.
        if !node.is_text && node.depth() > MAX_TEMPLATE_DEPTH + 1 {
            self.counters.cross(Bound::Depth);
        }
    }

    fn remove_from(&self, parent: &Rc<Node>, node: &Rc<Node>) {
        let mut children = parent.children.borrow_mut();
        // A search and a shift, as in ammonia's DOM.
        self.counters.add_work(2 * children.len());
        if let Some(i) = children.iter().position(|c| Rc::ptr_eq(c, node)) {
            children.remove(i);
        }
        *node.parent.borrow_mut() = Weak::new();
    }
}

impl TreeSink for Dom {
    type Handle = Rc<Node>;
    type Output = ();
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) {}

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Rc<Node> {
        Rc::clone(&self.document)
    }

    fn elem_name<'a>(&'a self, target: &'a Rc<Node>) -> ExpandedName<'a> {
        target.name.expanded()
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Rc<Node> {
        self.counters.add_node();
        self.counters.add_work(1 + attrs.len());
        let contents = flags.template.then(|| {
            self.counters.add_node();
            Node::new(unnamed(), false)
        });
        Node::with(name, false, attrs.len(), contents, flags.mathml_annotation_xml_integration_point)
    }

    fn create_comment(&self, _text: StrTendril) -> Rc<Node> {
        self.counters.add_node();
        Node::new(unnamed(), false)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Rc<Node> {
        self.counters.add_node();
        Node::new(unnamed(), false)
    }

    fn append(&self, parent: &Rc<Node>, child: NodeOrText<Rc<Node>>) {
        self.counters.add_work(1);
        self.insert(parent, None, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Rc<Node>,
        prev_element: &Rc<Node>,
        child: NodeOrText<Rc<Node>>,
    ) {
        if element.parent().is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {
        self.counters.add_node();
        self.insert(&self.document.clone(), None, NodeOrText::AppendNode(Node::new(unnamed(), false)));
    }

    fn get_template_contents(&self, target: &Rc<Node>) -> Rc<Node> {
        target.template_contents.clone().unwrap_or_else(|| Rc::clone(target))
    }

    fn same_node(&self, x: &Rc<Node>, y: &Rc<Node>) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Rc<Node>, child: NodeOrText<Rc<Node>>) {
        let Some(parent) = sibling.parent() else { return };
        let index = {
            let children = parent.children.borrow();
            // A search and a shift, as in ammonia's DOM.
            self.counters.add_work(1 + 2 * children.len());
            children.iter().position(|c| Rc::ptr_eq(c, sibling))
        };
        self.insert(&parent, index, child);
    }

    fn add_attrs_if_missing(&self, target: &Rc<Node>, attrs: Vec<Attribute>) {
        // ammonia's DOM builds a set of the existing names each time.
        self.counters.add_work(1 + target.attributes.get() + attrs.len());
        target.attributes.set(target.attributes.get() + attrs.len());
    }

    fn remove_from_parent(&self, target: &Rc<Node>) {
        if let Some(parent) = target.parent() {
            self.remove_from(&parent, target);
        }
    }

    fn reparent_children(&self, node: &Rc<Node>, new_parent: &Rc<Node>) {
        let moved = std::mem::take(&mut *node.children.borrow_mut());
        self.counters.add_work(1 + moved.len());
        for child in &moved {
            *child.parent.borrow_mut() = Rc::downgrade(new_parent);
        }
        new_parent.children.borrow_mut().extend(moved);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Rc<Node>) -> bool {
        handle.annotation_xml_integration_point
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_templates_pass() {
        let html = "<form><label>Topic <input name=topic></label><table><tr><td><b>x</b></td></tr></table>\
                    <p><i>a</i> <a href='#'>b</a></p><output>{{response}}</output></form>";
        assert_eq!(check(html), Ok(()));
    }

    #[test]
    fn deep_nesting_stops_at_the_tag_past_the_bound() {
        let html = "<div>".repeat(MAX_TEMPLATE_DEPTH + 50);
        assert_eq!(check(&html), Err((Bound::Depth, 5 * MAX_TEMPLATE_DEPTH)));
        assert_eq!(check(&"<div>".repeat(MAX_TEMPLATE_DEPTH)), Ok(()));
    }
}
