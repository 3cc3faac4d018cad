//! Word-level differences between two phrasings of a fact, with `similar`.

use similar::{Algorithm, ChangeTag, TextDiff};

/// Members of a row whose word sequences are at least this similar (similar's ratio over Unicode words,
/// case-insensitive) are verbatim copies. 0.9 lets a copy differ in one word in ten (a house style change such
/// as "said on Tuesday" for "said Tuesday") and still count as wire copy; on the bundled France 24 / Reuters pair,
/// which is a wire copy with light edits, its sentences score 0.91 to 1.0.
pub const VERBATIM_RATIO: f32 = 0.9;

/// A run of the diff: text both share, only the reference has, or only the other outlet has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Segment {
    pub tag: SegmentTag,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentTag {
    Equal,
    Removed,
    Added,
}

/// The word diff of `rhs` against `lhs` (the reference), as runs with adjacent changes of one kind joined.
pub fn word_diff(lhs: &str, rhs: &str) -> Vec<Segment> {
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_unicode_words(lhs, rhs);
    let mut segments: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => SegmentTag::Equal,
            ChangeTag::Delete => SegmentTag::Removed,
            ChangeTag::Insert => SegmentTag::Added,
        };
        let text = change.value();
        match segments.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(text),
            _ => segments.push(Segment { tag, text: text.to_string() }),
        }
    }
    absorb_whitespace(segments)
}

/// A lone space between two changes of the same pair reads better inside the change than as shared text.
fn absorb_whitespace(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut iter = segments.into_iter().peekable();
    while let Some(segment) = iter.next() {
        let between_changes = segment.tag == SegmentTag::Equal
            && segment.text.trim().is_empty()
            && out.last().is_some_and(|s| s.tag != SegmentTag::Equal)
            && iter.peek().is_some_and(|s| s.tag != SegmentTag::Equal);
        if between_changes {
            for tag in [SegmentTag::Removed, SegmentTag::Added] {
                if let Some(previous) = out.iter_mut().rev().take(2).find(|s| s.tag == tag) {
                    previous.text.push_str(&segment.text);
                }
            }
            continue;
        }
        match (out.last_mut(), &segment) {
            (Some(last), s) if last.tag == s.tag => last.text.push_str(&s.text),
            _ => out.push(segment),
        }
    }
    // After absorbing, runs like Removed, Added, Removed, Added collapse to one Removed and one Added.
    let mut collapsed: Vec<Segment> = Vec::with_capacity(out.len());
    for segment in out {
        if segment.tag != SegmentTag::Equal {
            let start = collapsed.iter().rposition(|s| s.tag == SegmentTag::Equal).map_or(0, |i| i + 1);
            if let Some(existing) = collapsed[start..].iter_mut().find(|s| s.tag == segment.tag) {
                existing.text.push_str(&segment.text);
                continue;
            }
        }
        collapsed.push(segment);
    }
    // Whitespace a change absorbed at its end belongs between it and the shared text that follows.
    let mut spaced: Vec<Segment> = Vec::with_capacity(collapsed.len() + 1);
    let mut pending = String::new();
    for mut segment in collapsed {
        if segment.tag == SegmentTag::Equal {
            if !pending.is_empty() && !segment.text.starts_with(char::is_whitespace) {
                segment.text.insert_str(0, &pending);
            }
            pending.clear();
        } else {
            let trimmed = segment.text.trim_end().len();
            let trailing = segment.text.split_off(trimmed);
            // The other outlet's text must read back exactly from shared and added runs, so only an added
            // run's space is kept; a removed run's trailing space was the reference's own.
            if segment.tag == SegmentTag::Added && trailing.len() > pending.len() {
                pending = trailing;
            }
        }
        spaced.push(segment);
    }
    spaced.retain(|s| !s.text.is_empty());
    spaced
}

/// The words only one side used, as phrases: what the reference said (`lhs`) and what the other outlet chose.
pub fn word_choices(segments: &[Segment]) -> Vec<(String, String)> {
    let mut choices = Vec::new();
    let mut removed = String::new();
    let mut added = String::new();
    let mut flush = |removed: &mut String, added: &mut String| {
        let (r, a) = (clean(removed), clean(added));
        if !r.is_empty() || !a.is_empty() {
            choices.push((r, a));
        }
        removed.clear();
        added.clear();
    };
    for segment in segments {
        match segment.tag {
            SegmentTag::Removed => removed.push_str(&segment.text),
            SegmentTag::Added => added.push_str(&segment.text),
            SegmentTag::Equal => flush(&mut removed, &mut added),
        }
    }
    flush(&mut removed, &mut added);
    choices
}

fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()).to_string()
}

/// Similarity of two phrasings over their words, ignoring case (1.0 = same words in the same order).
pub fn verbatim_ratio(lhs: &str, rhs: &str) -> f32 {
    use unicode_segmentation::UnicodeSegmentation;
    let lhs: Vec<String> = lhs.unicode_words().map(str::to_lowercase).collect();
    let rhs: Vec<String> = rhs.unicode_words().map(str::to_lowercase).collect();
    let lhs: Vec<&str> = lhs.iter().map(String::as_str).collect();
    let rhs: Vec<&str> = rhs.iter().map(String::as_str).collect();
    TextDiff::configure().algorithm(Algorithm::Patience).diff_slices(&lhs, &rhs).ratio()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_text_reads_back_from_shared_and_added_runs() {
        for (lhs, rhs) in [
            (
                "The trip was meant to include the Russian centre.",
                "Russian President Putin has cancelled a visit.",
            ),
            (
                "so the president decided to cancel his visit, with Hollande.",
                "The president has therefore decided to call off the visit.",
            ),
            (
                "On Saturday Moscow used its veto in the UN.",
                "Relations soured after Russia on Saturday vetoed a UN text.",
            ),
        ] {
            let rebuilt: String = word_diff(lhs, rhs)
                .iter()
                .filter(|s| s.tag != SegmentTag::Removed)
                .map(|s| s.text.as_str())
                .collect();
            assert_eq!(rebuilt.trim(), rhs);
        }
    }

    #[test]
    fn changed_verb_is_one_choice() {
        let segments = word_diff(
            "Putin has cancelled a visit to Paris, the Kremlin said.",
            "Putin has postponed a visit to Paris, the Kremlin said.",
        );
        assert_eq!(word_choices(&segments), vec![("cancelled".to_string(), "postponed".to_string())]);
        let rebuilt_rhs: String =
            segments.iter().filter(|s| s.tag != SegmentTag::Removed).map(|s| s.text.as_str()).collect();
        assert_eq!(rebuilt_rhs, "Putin has postponed a visit to Paris, the Kremlin said.");
        let segments = word_diff(
            "Putin has called off a visit to France.",
            "Putin has cancelled a visit to Paris after talks failed in France.",
        );
        let rebuilt_rhs: String =
            segments.iter().filter(|s| s.tag != SegmentTag::Removed).map(|s| s.text.as_str()).collect();
        assert_eq!(rebuilt_rhs, "Putin has cancelled a visit to Paris after talks failed in France.");
    }

    #[test]
    fn adjacent_changed_words_form_one_phrase() {
        let segments =
            word_diff("The visit was called off on Tuesday.", "The visit was given up on Tuesday.");
        assert_eq!(word_choices(&segments), vec![("called off".to_string(), "given up".to_string())]);
        let segments = word_diff(
            "The visit was called off on Tuesday.",
            "The visit was put off indefinitely on Tuesday.",
        );
        assert_eq!(
            word_choices(&segments),
            vec![("called".to_string(), "put".to_string()), (String::new(), "indefinitely".to_string())]
        );
    }

    #[test]
    fn verbatim_ratio_ignores_case_and_punctuation() {
        assert_eq!(verbatim_ratio("The Kremlin said so.", "the Kremlin said so"), 1.0);
        assert!(verbatim_ratio("The Kremlin said so.", "Moscow denied it.") < 0.3);
    }
}
