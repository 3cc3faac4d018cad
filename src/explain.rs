//! Why two articles are, or are not, in one story: the evidence at each stage of the pipeline.

use crate::article::Article;
use crate::cluster::{
    name_profile, score_pair, verify_pair, ClusterConfig, StorylineConfig, Verdict, MIN_SHARED_NAMES,
};
use crate::features::{article_terms, event_signature, keyed_counts, term_key, weighted_terms, TermKey};
use crate::pipeline::Clustering;
use crate::text::hash::term_hash;
use crate::text::tokenize::TermKind;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// A salient term both articles share, with its contribution to their cosine similarity.
#[derive(Debug, Clone, Serialize)]
pub struct SharedTerm {
    pub term: String,
    pub kind: &'static str,
    pub contribution: f32,
}

/// The evidence for one pair of articles.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub lhs: String,
    pub rhs: String,
    pub lhs_story: String,
    pub rhs_story: String,
    pub same_story: bool,
    pub shared_terms: Vec<SharedTerm>,
    pub event_jaccard_estimate: f64,
    pub copy_jaccard_estimate: f64,
    pub cosine: f32,
    /// Per article, the share of its vector's squared weight in terms some other article also uses: terms found
    /// in no other article count in the norm (at [`crate::features::UNIQUE_TERM_NORM_SHARE`]), so the rest of an
    /// article that has much of its own can match only this much.
    pub matchable_share: [f32; 2],
    pub containment: f32,
    pub days_apart: Option<i64>,
    pub lsh_candidate: bool,
    pub verification: String,
    pub decision: String,
    /// Which level joined the two articles, if any, and why.
    pub storyline: StorylineExplanation,
}

/// The storyline level of an explanation.
#[derive(Debug, Clone, Serialize)]
pub struct StorylineExplanation {
    pub lhs_storyline: String,
    pub rhs_storyline: String,
    /// `story` (one story, so one storyline), `storyline` (two stories linked into one storyline) or `none`.
    pub joined_at: &'static str,
    /// The scored pair of the two articles' stories, when they share enough names within the window.
    pub link: Option<StorylineLink>,
    pub decision: String,
}

/// The scored pair of two stories, with the shared names as written.
#[derive(Debug, Clone, Serialize)]
pub struct StorylineLink {
    pub score: f32,
    pub names: f32,
    pub terms: f32,
    pub shared_names: Vec<String>,
    pub gap_days: Option<i64>,
}

fn kind_name(kind: TermKind) -> &'static str {
    match kind {
        TermKind::Word => "word",
        TermKind::Number => "number",
        TermKind::Name => "name",
    }
}

/// Gathers the evidence for articles `lhs` and `rhs` (article indices) of a finished clustering.
pub fn explain(
    clustering: &Clustering,
    lhs: u32,
    rhs: u32,
    config: &ClusterConfig,
    storyline_config: &StorylineConfig,
) -> Explanation {
    let articles = clustering.articles();
    let (a, b) = (&articles[lhs as usize], &articles[rhs as usize]);
    let (fa, fb) = (&clustering.features[lhs as usize], &clustering.features[rhs as usize]);
    // The bodies were dropped after clustering; an article that cannot be read again shows no terms.
    let a_text = clustering.with_body(lhs).unwrap_or_else(|_| a.clone());
    let b_text = clustering.with_body(rhs).unwrap_or_else(|_| b.clone());
    let weights_b: HashMap<TermKey, f32> = fb.vector.iter().collect();
    let weights_a: HashMap<TermKey, f32> = fa.vector.iter().collect();
    let event_signature = |article: &Article| {
        let counts = keyed_counts(&article_terms(article).counts);
        event_signature(
            &counts,
            &clustering.document_frequencies,
            crate::features::idf_reference(&clustering.document_frequencies),
            clustering.feature_config.sketch_terms,
        )
    };
    let (event_a, event_b) = (event_signature(&a_text), event_signature(&b_text));
    let mut shared: Vec<SharedTerm> = weighted_terms(&a_text)
        .into_iter()
        .filter_map(|t| {
            let key = term_key(term_hash(&t.text));
            let contribution = weights_a.get(&key)? * weights_b.get(&key)?;
            Some(SharedTerm { term: t.surface, kind: kind_name(t.kind), contribution })
        })
        .collect();
    shared.sort_by(|x, y| y.contribution.total_cmp(&x.contribution).then_with(|| x.term.cmp(&y.term)));
    let (low, high) = (lhs.min(rhs), lhs.max(rhs));
    let lsh_candidate = clustering.candidate_pairs.binary_search(&(low, high)).is_ok();
    let verdict = verify_pair(&clustering.features, low, high, config);
    let (cosine, containment, verification) = match &verdict {
        Verdict::Edge(edge)
            if (edge.shared_terms as usize) < crate::cluster::min_shared_terms(fa, fb)
                && edge.kind == crate::cluster::EdgeKind::SameEvent =>
        {
            let verification = format!(
                "edge kept: score {:.3} ({:?}), capped: only {} salient term(s) shared, fewer than the {} that \
                 can join two articles by themselves",
                edge.score,
                edge.kind,
                edge.shared_terms,
                crate::cluster::min_shared_terms(fa, fb)
            );
            (edge.cosine, edge.containment, verification)
        }
        Verdict::Edge(edge)
            if edge.kind == crate::cluster::EdgeKind::SameEvent && (fa.headline_only || fb.headline_only) =>
        {
            let verification = format!(
                "edge kept: score {:.3} ({:?}): a headline alone, its cosine {:.3} read on the scale of full \
                 articles (x{:.1})",
                edge.score, edge.kind, edge.cosine, config.headline_scale
            );
            (edge.cosine, edge.containment, verification)
        }
        Verdict::Edge(edge) => {
            (edge.cosine, edge.containment, format!("edge kept: score {:.3} ({:?})", edge.score, edge.kind))
        }
        Verdict::OutsideWindow { days } => (
            crate::features::cosine(&fa.vector, &fb.vector),
            crate::features::estimated_containment(fa, fb),
            format!("no edge: {days} days apart, outside the {}-day window", config.window_days.unwrap_or(0)),
        ),
        Verdict::OtherLanguages => (
            crate::features::cosine(&fa.vector, &fb.vector),
            crate::features::estimated_containment(fa, fb),
            "no edge: the two articles are written in different scripts and can share no word".to_string(),
        ),
        Verdict::TooWeak { score } => (
            crate::features::cosine(&fa.vector, &fb.vector),
            crate::features::estimated_containment(fa, fb),
            format!(
                "no edge: similarity {score:.3} below the edge floor {:.2}",
                crate::cluster::MIN_EDGE_SCORE
            ),
        ),
    };
    let (sa, sb) = (
        &clustering.stories[clustering.story_of[lhs as usize]],
        &clustering.stories[clustering.story_of[rhs as usize]],
    );
    let same_story = sa.id == sb.id;
    let has_edge = matches!(verdict, Verdict::Edge(_)) && lsh_candidate;
    let decision = match (same_story, has_edge) {
        (true, true) => {
            format!("same story {}: joined by average linkage (threshold {:.2})", sa.id, config.threshold)
        }
        (true, false) => {
            format!("same story {}: no direct edge; joined through the other members of the story", sa.id)
        }
        (false, true) => format!(
            "different stories ({} and {}): their groups' average similarity stayed below {:.2}",
            sa.id, sb.id, config.threshold
        ),
        (false, false) if !lsh_candidate => format!(
            "different stories ({} and {}): never compared, the LSH search did not pair them",
            sa.id, sb.id
        ),
        (false, false) => {
            format!("different stories ({} and {}): the pair failed verification", sa.id, sb.id)
        }
    };
    Explanation {
        lhs: a.doc_id.clone(),
        rhs: b.doc_id.clone(),
        lhs_story: sa.id.clone(),
        rhs_story: sb.id.clone(),
        same_story,
        shared_terms: shared,
        event_jaccard_estimate: event_a.estimate_jaccard(&event_b),
        copy_jaccard_estimate: fa.copy_signature.estimate_jaccard(&fb.copy_signature),
        cosine,
        matchable_share: [fa, fb].map(|f| crate::features::cosine(&f.vector, &f.vector)),
        containment,
        days_apart: match (a.date, b.date) {
            (Some(x), Some(y)) => Some((x - y).num_days().abs()),
            _ => None,
        },
        lsh_candidate,
        verification,
        decision,
        storyline: explain_storyline(clustering, lhs, rhs, storyline_config),
    }
}

/// Which level joined two articles: their story, their storyline (and through which story pair), or neither.
fn explain_storyline(
    clustering: &Clustering,
    lhs: u32,
    rhs: u32,
    config: &StorylineConfig,
) -> StorylineExplanation {
    let (story_a, story_b) = (clustering.story_of[lhs as usize], clustering.story_of[rhs as usize]);
    let (line_a, line_b) = (clustering.storyline_of(story_a), clustering.storyline_of(story_b));
    let (sa, sb) = (&clustering.stories[story_a], &clustering.stories[story_b]);
    let found = (story_a != story_b).then(|| {
        let profile = |story| name_profile(story, &clustering.features, &clustering.names);
        let (pa, pb) = (profile(sa), profile(sb));
        (score_pair(&pa, &pb, config), pa, pb)
    });
    let link = match &found {
        Some((Some(pair), _, _)) => Some(StorylineLink {
            score: pair.score,
            names: pair.names,
            terms: pair.terms,
            shared_names: clustering.name_surfaces(sa, &pair.shared),
            gap_days: pair.gap,
        }),
        _ => None,
    };
    let describe = |link: &StorylineLink| {
        format!(
            "stories {} and {} share the names {} (name similarity {:.2}, term similarity {:.2}, score {:.2}{})",
            sa.id,
            sb.id,
            link.shared_names.join(", "),
            link.names,
            link.terms,
            link.score,
            link.gap_days.map_or(String::new(), |d| format!(", {d} days apart"))
        )
    };
    let (joined_at, decision) = if story_a == story_b {
        ("story", format!("same story {}, so the same storyline {}", sa.id, line_a.id))
    } else if line_a.id == line_b.id {
        let how = match &link {
            Some(link) => describe(link),
            None => format!("stories {} and {} have no direct link", sa.id, sb.id),
        };
        (
            "storyline",
            format!(
                "joined at the storyline level: {how}; the storyline {} holds {} stories whose average score is at \
                 least {:.2}",
                line_a.id,
                line_a.stories.len(),
                config.threshold
            ),
        )
    } else {
        let why = match (&link, &found) {
            (Some(link), _) => format!(
                "{}, but the storylines' average score stayed below {:.2}",
                describe(link),
                config.threshold
            ),
            (None, Some((None, pa, pb))) => match (pa.days_apart(pb), config.window_days) {
                (Some(gap), Some(window)) if gap > i64::from(window) => {
                    format!(
                        "stories {} and {} are {gap} days apart, outside the {window}-day window",
                        sa.id, sb.id
                    )
                }
                _ => {
                    let shared = pa.shared_names(pb);
                    let listed = if shared.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", clustering.name_surfaces(sa, &shared).join(", "))
                    };
                    format!(
                        "stories {} and {} share {} name(s){listed}, fewer than the {MIN_SHARED_NAMES} a link needs",
                        sa.id,
                        sb.id,
                        shared.len()
                    )
                }
            },
            _ => String::new(),
        };
        ("none", format!("different storylines ({} and {}): {why}", line_a.id, line_b.id))
    };
    StorylineExplanation {
        lhs_storyline: line_a.id.clone(),
        rhs_storyline: line_b.id.clone(),
        joined_at,
        link,
        decision,
    }
}

/// Writes an explanation for a reader.
pub fn write_explanation(clustering: &Clustering, e: &Explanation, out: &mut dyn Write) -> io::Result<()> {
    for (label, id, story) in [("A", &e.lhs, &e.lhs_story), ("B", &e.rhs, &e.rhs_story)] {
        let index = clustering.find_article(id).expect("explained article exists") as usize;
        let article = &clustering.articles()[index];
        writeln!(
            out,
            "{label}: {id} [{}, {}] in {story}\n   {}",
            article.outlet_or_unknown(),
            article.date.map_or("undated".to_string(), |d| d.to_string()),
            crate::diff::sentences::display_headline(article)
        )?;
    }
    writeln!(out)?;
    let terms: Vec<String> =
        e.shared_terms.iter().take(15).map(|t| format!("{} ({:.3})", t.term, t.contribution)).collect();
    writeln!(
        out,
        "shared salient terms: {}",
        if terms.is_empty() { "none".into() } else { terms.join(", ") }
    )?;
    writeln!(
        out,
        "event view:  MinHash Jaccard estimate {:.3}, exact TF-IDF cosine {:.3}",
        e.event_jaccard_estimate, e.cosine
    )?;
    writeln!(
        out,
        "norm:        terms other articles use hold {:.0}% of A's weight, {:.0}% of B's (the rest is their own)",
        100.0 * e.matchable_share[0],
        100.0 * e.matchable_share[1]
    )?;
    writeln!(
        out,
        "copy view:   MinHash Jaccard estimate {:.3}, shingle containment {:.3}",
        e.copy_jaccard_estimate, e.containment
    )?;
    writeln!(
        out,
        "time gap:    {}",
        e.days_apart.map_or("unknown (undated)".to_string(), |d| format!("{d} day(s)"))
    )?;
    writeln!(
        out,
        "candidate:   {}",
        if e.lsh_candidate { "yes, found by LSH" } else { "no, LSH did not pair them" }
    )?;
    writeln!(out, "verified:    {}", e.verification)?;
    writeln!(out, "decision:    {}", e.decision)?;
    writeln!(out, "storyline:   {}", e.storyline.decision)
}
