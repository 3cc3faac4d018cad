//! Page boilerplate: fixed patterns ("Read more", share prompts, wire credits) and lines an outlet repeats.

use crate::article::Article;
use crate::text::hash::HashKeyHasher;
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;
use xxhash_rust::xxh3::xxh3_64;

/// A paragraph is learned as boilerplate when it appears verbatim in at least this many distinct articles of one
/// outlet. Why 5: an outlet's own re-publications of one story (updates, corrected versions) stay at four or
/// fewer in the labelled corpora (BASIL has 3 reports per story, one per outlet; AllSides stories have 2-3), so a
/// line shared by five or more different articles is a template (a sign-off, a newsletter prompt) rather than news.
pub const LEARNED_BOILERPLATE_MIN_ARTICLES: usize = 5;

/// Short lines only: a real paragraph that starts with "Read more" is rare, a long one is article text.
const MAX_BOILERPLATE_CHARS: usize = 160;

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            read\ more\b.* | read\ also\b.* | see\ also\b.* | related:.* | more:.* | also\ read\b.*
          # Read also / read more in other languages (Finnish, Polish, Portuguese, Spanish, French, German,
          # Italian, Dutch, Swedish, Danish and Norwegian, Czech, Russian)
          | (?:lue\ (?:myös|lisää) | czytaj\ (?:też|także|również|więcej) | leia\ (?:também|mais|ainda)
            | lee\ (?:también|más) | (?:à\ )?lire\ (?:aussi|la\ suite) | lesen\ sie\ (?:auch|mehr)
            | leggi\ anche | lees\ (?:ook|meer) | läs\ (?:även|också|mer) | l[æe]s\ (?:også|mer)
            | čtěte\ (?:také|též) | читайте\ (?:также|ещё|еще))\b.*
          | advertisement | advertising | sponsored(?:\ content)? | ad
          | (?:share|tweet|email|print)(?:\ (?:this|on|via|the)\b.*)? | share\ this\ (?:article|story)\b.*
          | (?:follow|subscribe|sign\ up|join)\b.*(?:twitter|facebook|instagram|telegram|newsletter|briefing|channel|updates|us).*
          | click\ here\b.* | watch:.* | video:.* | photo:.* | image:.* | getty\ images | reuters\ photo
          | (?:copyright|\(c\)|©)\ .* | all\ rights\ reserved\.?
          | like\ this\ story\?.* | comments?\ \(\d+\) | \d+\ comments?
        )\s*$",
    )
    .unwrap()
});

static CREDITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:additional\ )?(?:reporting|writing|editing|compiled|research)\ by\b[^()]*\)")
        .unwrap()
});

/// Whether a whole (normalised) paragraph is page furniture rather than article text.
pub fn is_boilerplate_paragraph(paragraph: &str) -> bool {
    paragraph.chars().take(MAX_BOILERPLATE_CHARS + 1).count() <= MAX_BOILERPLATE_CHARS
        && BOILERPLATE.is_match(paragraph.trim())
}

/// Removes wire credits such as "(Reporting by A; Editing by B)" wherever they stand in a paragraph.
pub fn strip_credits(paragraph: &str) -> String {
    if !paragraph.contains('(') {
        return paragraph.to_string();
    }
    CREDITS.replace_all(paragraph, "").trim().to_string()
}

/// Drops paragraphs that recur verbatim across many articles of one outlet (see
/// [`LEARNED_BOILERPLATE_MIN_ARTICLES`]). Returns how many paragraphs were dropped.
pub fn remove_learned_boilerplate(articles: &mut [Article]) -> usize {
    let hashes: Vec<Vec<u64>> = articles.iter().map(paragraph_hashes).collect();
    let learned = LearnedBoilerplate::learn(articles, &hashes);
    articles.iter_mut().map(|article| learned.strip(article)).sum()
}

/// The hashes of an article's paragraphs, distinct, for learning boilerplate (empty without an outlet).
pub fn paragraph_hashes(article: &Article) -> Vec<u64> {
    if article.outlet.is_none() {
        return Vec::new();
    }
    let mut hashes: Vec<u64> = article.paragraphs.iter().map(|p| xxh3_64(p.as_bytes())).collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// Paragraphs that at least [`LEARNED_BOILERPLATE_MIN_ARTICLES`] articles of one outlet share, by hash.
#[derive(Debug, Clone, Default)]
pub struct LearnedBoilerplate {
    paragraphs: HashSet<(String, u64)>,
}

impl LearnedBoilerplate {
    /// Learns from each article's outlet and its [`paragraph_hashes`].
    pub fn learn(articles: &[Article], hashes: &[Vec<u64>]) -> Self {
        // Counted by (outlet number, paragraph hash) with a pass-through hasher: at a million articles, hashing
        // the outlet string for each of some 12 million paragraphs was most of this step.
        let mut outlets: HashMap<&str, u32> = HashMap::new();
        let mut counts: HashMap<(u32, u64), u32, BuildHasherDefault<HashKeyHasher>> = HashMap::default();
        for (article, hashes) in articles.iter().zip(hashes) {
            let Some(outlet) = article.outlet.as_deref() else { continue };
            let next = outlets.len() as u32;
            let number = *outlets.entry(outlet).or_insert(next);
            for &hash in hashes {
                *counts.entry((number, hash)).or_insert(0) += 1;
            }
        }
        let names: HashMap<u32, &str> = outlets.into_iter().map(|(name, number)| (number, name)).collect();
        let paragraphs = counts
            .into_iter()
            .filter(|(_, n)| *n as usize >= LEARNED_BOILERPLATE_MIN_ARTICLES)
            .map(|((number, hash), _)| (names[&number].to_string(), hash))
            .collect();
        LearnedBoilerplate { paragraphs }
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// Whether an article with these paragraph hashes holds any learned paragraph.
    pub fn applies_to(&self, outlet: Option<&str>, hashes: &[u64]) -> bool {
        let Some(outlet) = outlet else { return false };
        !self.is_empty() && hashes.iter().any(|&hash| self.paragraphs.contains(&(outlet.to_string(), hash)))
    }

    /// Drops the learned paragraphs from an article and returns how many were dropped.
    pub fn strip(&self, article: &mut Article) -> usize {
        if self.is_empty() {
            return 0;
        }
        let Some(outlet) = article.outlet.clone() else { return 0 };
        let before = article.paragraphs.len();
        article.paragraphs.retain(|p| !self.paragraphs.contains(&(outlet.clone(), xxh3_64(p.as_bytes()))));
        before - article.paragraphs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::SourceLocation;

    #[test]
    fn fixed_boilerplate_lines() {
        for line in [
            "Read more",
            "Read more: Putin says no",
            "Advertisement",
            "Share this article",
            "Follow us on Twitter",
            "Subscribe to our newsletter",
            "Lue myös: Näin korot vaikuttavat asuntolainaan",
            "Czytaj też: Plan rozbudowy kolei",
            "Leia também: Mapa da seca em Portugal",
            "À lire aussi : la réforme des retraites",
            "Lesen Sie auch: Der Kreml schweigt",
            "Читайте также: Путин отменил визит",
        ] {
            assert!(is_boilerplate_paragraph(line), "{line}");
        }
        for line in [
            "Readers were not told.",
            "The advertisement campaign ended in May.",
            "Share prices fell 3% on Tuesday.",
            "Lue myöskin tämä.",
            "Leia a reportagem completa no jornal de amanhã.",
        ] {
            assert!(!is_boilerplate_paragraph(line), "{line}");
        }
    }

    #[test]
    fn wire_credits_removed_inline() {
        assert_eq!(
            strip_credits("The talks ended. (Reporting by Jean Dupont; Editing by Ann Smith)"),
            "The talks ended."
        );
        assert_eq!(strip_credits("Paris (France) said no."), "Paris (France) said no.");
    }

    #[test]
    fn a_line_five_articles_of_one_outlet_share_is_dropped() {
        let make = |i: usize, outlet: &str| {
            let mut a =
                Article::new(format!("{outlet}{i}"), SourceLocation { path: "p".into(), record: Some(i) });
            a.outlet = Some(outlet.into());
            a.paragraphs =
                vec![format!("Story text number {i}."), "Get our morning briefing by email.".into()];
            a
        };
        let mut articles: Vec<Article> =
            (0..5).map(|i| make(i, "a.com")).chain((0..4).map(|i| make(i, "b.com"))).collect();
        assert_eq!(remove_learned_boilerplate(&mut articles), 5);
        assert_eq!(articles[0].paragraphs.len(), 1);
        assert_eq!(articles[5].paragraphs.len(), 2, "four articles of b.com are below the threshold");
    }
}
