//! The official template library installed on first start: working components for each
//! gallery category, written against the promptdeck SDK (`import … from "promptdeck"`).

use promptdeck_core::Difficulty;
use promptdeck_store::TemplateSeed;

/// The official templates.
pub const OFFICIAL: &[TemplateSeed] = &[
    TemplateSeed {
        name: "Simple form",
        description: "One field per prompt variable, a Run button and the streamed answer.",
        category: "form",
        component_code: include_str!("../templates/simple-form.tsx"),
        tags: &["form", "variables", "starter"],
        difficulty: Difficulty::Beginner,
    },
    TemplateSeed {
        name: "Tone rewriter",
        description: "Paste a text, pick a tone, get it rewritten (uses {{text}} and {{tone}}).",
        category: "form",
        component_code: include_str!("../templates/tone-rewriter.tsx"),
        tags: &["form", "writing", "radio"],
        difficulty: Difficulty::Beginner,
    },
    TemplateSeed {
        name: "Chat",
        description: "A conversation that continues the same run, with the answer streamed as markdown.",
        category: "chat",
        component_code: include_str!("../templates/chat.tsx"),
        tags: &["chat", "conversation", "follow-up"],
        difficulty: Difficulty::Intermediate,
    },
    TemplateSeed {
        name: "Run dashboard",
        description: "The answer beside the run's status, tokens, cost and timings.",
        category: "dashboard",
        component_code: include_str!("../templates/run-dashboard.tsx"),
        tags: &["dashboard", "metrics", "cost"],
        difficulty: Difficulty::Intermediate,
    },
    TemplateSeed {
        name: "Side-by-side comparison",
        description: "Runs the prompt with two values of a variable and compares the answers.",
        category: "dashboard",
        component_code: include_str!("../templates/compare.tsx"),
        tags: &["dashboard", "compare", "state"],
        difficulty: Difficulty::Advanced,
    },
    TemplateSeed {
        name: "Word frequency chart",
        description: "A live SVG bar chart of the most frequent words as the answer streams in.",
        category: "visualization",
        component_code: include_str!("../templates/word-chart.tsx"),
        tags: &["visualization", "chart", "svg"],
        difficulty: Difficulty::Advanced,
    },
];
