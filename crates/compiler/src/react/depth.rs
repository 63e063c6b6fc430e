//! The nesting bound on a parsed component. oxc's semantic analysis, transformer and code
//! generator all recurse once per level of the syntax tree, so a tree deeper than
//! [`MAX_NESTING_DEPTH`] is refused here, before any of them runs, with the place where the
//! bound was crossed.
//!
//! The walk itself recurses too, so it stops descending at the bound. It counts a level at
//! every node of the kinds below; each recursive cycle in oxc's AST passes through one of them
//! (expressions, statements, TypeScript types, binding and assignment patterns, JSX elements
//! and fragments, and the three dotted-name chains), so no path through the tree can go deeper
//! than the bound without being counted.

use oxc_ast::ast::{
    AssignmentTarget, BindingPattern, Expression, JSXElement, JSXFragment, JSXMemberExpression, Program,
    Statement, TSImportTypeQualifiedName, TSNamespaceDeclaration, TSQualifiedName, TSType,
};
use oxc_ast_visit::{Visit, walk};
use oxc_span::GetSpan;

use crate::limits::MAX_NESTING_DEPTH;

/// The offset of the first node nested deeper than [`MAX_NESTING_DEPTH`], if any.
pub(crate) fn too_deep(program: &Program<'_>) -> Option<u32> {
    walk(program).crossed_at
}

fn walk(program: &Program<'_>) -> DepthGuard {
    let mut guard = DepthGuard { depth: 0, deepest: 0, crossed_at: None };
    guard.visit_program(program);
    guard
}

struct DepthGuard {
    depth: usize,
    deepest: usize,
    crossed_at: Option<u32>,
}

impl DepthGuard {
    /// Enters one level at a node starting at `start`; false (and nothing more is walked) once
    /// the bound is crossed.
    fn enter(&mut self, start: u32) -> bool {
        if self.crossed_at.is_some() {
            return false;
        }
        if self.depth >= MAX_NESTING_DEPTH {
            self.crossed_at = Some(start);
            return false;
        }
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        true
    }
}

/// A `visit_*` method that counts one level around the default walk.
macro_rules! counted {
    ($($visit:ident($ty:ty) => $walk:ident;)*) => {
        $(
            fn $visit(&mut self, it: &$ty) {
                if self.enter(it.span().start) {
                    walk::$walk(self, it);
                    self.depth -= 1;
                }
            }
        )*
    };
}

impl<'a> Visit<'a> for DepthGuard {
    counted! {
        visit_expression(Expression<'a>) => walk_expression;
        visit_statement(Statement<'a>) => walk_statement;
        visit_ts_type(TSType<'a>) => walk_ts_type;
        visit_binding_pattern(BindingPattern<'a>) => walk_binding_pattern;
        visit_assignment_target(AssignmentTarget<'a>) => walk_assignment_target;
        visit_jsx_element(JSXElement<'a>) => walk_jsx_element;
        visit_jsx_fragment(JSXFragment<'a>) => walk_jsx_fragment;
        visit_jsx_member_expression(JSXMemberExpression<'a>) => walk_jsx_member_expression;
        visit_ts_qualified_name(TSQualifiedName<'a>) => walk_ts_qualified_name;
        visit_ts_import_type_qualified_name(TSImportTypeQualifiedName<'a>) => walk_ts_import_type_qualified_name;
        visit_ts_namespace_declaration(TSNamespaceDeclaration<'a>) => walk_ts_namespace_declaration;
    }
}

#[cfg(test)]
mod tests {
    use oxc_allocator::Allocator;
    use oxc_parser::Parser;
    use oxc_span::SourceType;

    use super::*;

    fn depth_of(code: &str) -> (usize, Option<u32>) {
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, code, SourceType::tsx()).parse();
        assert!(ret.diagnostics.is_empty(), "{:?}", ret.diagnostics);
        let guard = walk(&ret.program);
        (guard.deepest, guard.crossed_at)
    }

    #[test]
    fn real_components_stay_far_below_the_bound() {
        let fixtures = [
            include_str!("../../benches/fixtures/component.tsx"),
            include_str!("../../../server/templates/chat.tsx"),
            include_str!("../../../server/templates/compare.tsx"),
            include_str!("../../../server/templates/run-dashboard.tsx"),
            include_str!("../../../server/templates/simple-form.tsx"),
            include_str!("../../../server/templates/tone-rewriter.tsx"),
            include_str!("../../../server/templates/word-chart.tsx"),
        ];
        for code in fixtures {
            let (deepest, crossed) = depth_of(code);
            assert!(deepest * 4 < MAX_NESTING_DEPTH && crossed.is_none(), "{deepest}");
        }
    }

    #[test]
    fn the_bound_is_crossed_at_the_first_node_past_it() {
        // The statement is level 1, `x = …` level 2, the k-th parenthesis level k + 2: the bound
        // is crossed at parenthesis MAX_NESTING_DEPTH - 1, which starts at 4 + MAX_NESTING_DEPTH - 2.
        let n = MAX_NESTING_DEPTH;
        let code = format!("x = {}1{};", "(".repeat(n), ")".repeat(n));
        let (deepest, crossed) = depth_of(&code);
        assert_eq!(deepest, MAX_NESTING_DEPTH);
        assert_eq!(crossed, Some(u32::try_from(4 + n - 2).unwrap_or(0)));
    }
}
