//! Short lines that are page furniture in the page's language: related-content and contact headings, comment,
//! newsletter and cookie notices, publication lines, image controls.

use regex::Regex;
use std::sync::LazyLock;

/// Only paragraphs up to this many characters are compared: a furniture line is a heading or a one-line notice,
/// and a longer paragraph that opens with "Weitere Informationen" is article text. Chosen on the even pages of
/// html_dev: F1 0.926 at 40 and 60, 0.928 from 80 to 140 (the smallest of those).
const MAX_LINE_CHARS: usize = 80;

/// The kinds of furniture line and their phrases, whole lines, case-insensitive, with an optional closing colon,
/// ellipsis or arrow. Written for the languages of news most crawls hold (English, German, French, Spanish,
/// Italian, Portuguese, Dutch, Polish, Swedish, Finnish, Hungarian, Czech); no phrase names a site. The phrases
/// were written from the leaked lines of all of html_dev and general knowledge of news pages, so html_dev's
/// figures with them are in-sample (docs/EVALUATION.md, "HTML").
#[rustfmt::skip]
const KINDS: [(&str, &str); 6] = [
    (
        "related content",
        r"related(?:\ (?:articles?|stories|posts|content|topics|news|reading))? | you\ (?:may|might)\ also\ like
            | more\ (?:on\ this\ (?:story|topic)|stories|news|articles|from\ .{1,40}) | recommended(?:\ for\ you)?
            | read\ next | further\ reading | (?:see|read)\ (?:also|more) | don'?t\ miss
            | (?:das|dies)\ könnte\ (?:dich|sie|ihnen|euch)\ (?:auch|ebenfalls)\ interessieren
            | (?:das\ )?(?:thema|könnte\ dich|könnte\ sie)\ .{0,30}\ auch\ interessieren | auch\ interessant
            | (?:weitere|mehr|ähnliche|verwandte|passende|neueste)\ (?:artikel|beiträge|themen|nachrichten|meldungen|news
            |infos?|informationen|links|tipps|rezepte|geschichten|stories)(?:\ (?:zum\ thema|aus|zu|von|in|unter|auf)\b.{0,40})?
            | mehr\ (?:zum\ thema|dazu|lesen|erfahren)(?:\ .{0,40})? | zum\ weiterlesen | weiterlesen | weiterführende?\ links?
            | lesen\ sie\ (?:auch|hier|mehr).{0,60} | zusatzinformationen | empfehlungen(?:\ .{0,40})?
            | (?:vorschau\ auf\ den\ )?(?:nächsten?|vorherigen?)\ (?:artikel|beitrag) | zurück(?:\ zu[rm]?\ .{1,30})?
            | (?:à\ )?lire\ (?:aussi|également|la\ suite) | sur\ le\ même\ (?:sujet|thème) | voir\ aussi
            | (?:articles?|contenus?)\ (?:similaires|liés|associés|recommandés) | vous\ aimerez\ (?:aussi|également)
            | dans\ la\ même\ rubrique
            | (?:también\ )?te\ (?:puede|podría)\ interesar | (?:noticias|artículos)\ relacionad[oa]s | lee\ también
            | más\ noticias | (?:ti\ )?potrebbe(?:ro)?\ interessarti | articoli\ correlati | leggi\ anche
            | (?:leia|veja)\ também | (?:artigos|notícias)\ relacionad[oa]s | você\ (?:também\ )?pode\ gostar
            | lees\ ook | gerelateerde\ artikelen | meer\ (?:over|nieuws|artikelen)(?:\ .{0,40})?
            | czytaj\ (?:też|także|również|więcej) | zobacz\ (?:też|także|również) | polecane(?:\ artykuły)?
            | läs\ (?:även|också|mer) | relaterat | lue\ (?:myös|lisää) | aiheesta\ lisää
            | ezek\ is\ érdekelhetnek | kapcsolódó\ (?:cikkek|cikk|hírek) | čtěte\ (?:také|též) | související\ články",
    ),
    (
        "comments",
        r"(?:keine\ |no\ |\d+\ )?(?:kommentare?|comments?|commentaires?|comentarios?|commenti|comentários|reacties
            |komentarze|kommentarer|kommentit|hozzászólások)(?:\ \(\d+\))?
            | kommentare?\ (?:geschlossen|schreiben|hinterlassen|erscheinen\b.*|anzeigen|lesen)
            | (?:einen\ )?kommentar\ (?:schreiben|hinterlassen|verfassen) | schreibe?\ einen\ kommentar
            | comments\ are\ closed | leave\ a\ (?:comment|reply) | laisser\ un\ commentaire | deja\ un\ comentario
            | (?:du\ musst|sie\ müssen)\ (?:eingeloggt|angemeldet)\ sein\b.* | you\ must\ be\ logged\ in\b.*
            | (?:eingeloggt|angemeldet)\ sein\ um\ kommentare\b.* | .{0,30}kommentarfeed\b.*",
    ),
    (
        "newsletter or support",
        r"(?:zum\ )?newsletter(?:\ (?:anmelden|abonnieren|bestellen))? | jetzt\ (?:anmelden|abonnieren)
            | (?:sign\ up|subscribe)\ (?:for|to)\ (?:our|the)\ newsletter\b.* | abonnez-vous\b.{0,60}
            | (?:unterstütze|unterstützen\ sie)\ .{1,40}",
    ),
    (
        "contact or author heading",
        r"(?:presse)?kontakt | contact(?:\ us)? | ansprechpartner(?:in)?(?:\ (?:zum\ thema|für\ die\ presse))?
            | pressesprecher(?:\*?in)?(?:\ .{1,40})? | über\ (?:den|die)\ autor(?:in)? | about\ the\ author | à\ propos\ de\ l'auteur
            | von | by | quellen(?:angaben)? | quelle | sources? | originalpublikation | impressum(?:\ .{0,60})?",
    ),
    (
        "publication line",
        r"(?:veröffentlicht|aktualisiert|erstellt|publiziert|veröffentlichung|published|updated|posted|publié|mis\ à\ jour)
            (?:\s*:.{0,40} | \s+(?:am|on|le|by|von|at|um)(?:\s|\d).{0,40} | \s+\d.{0,40})?",
    ),
    (
        "cookie, embed or image notice",
        r".{0,40}(?:nutzung\ (?:der|dieser)\ (?:seite|website|webseite)|uses?\ cookies|verwenden\ cookies|utilise\ des\ cookies)\b.*
            | .{0,40}um\ den\ inhalt\ von\ .{1,60}\ zu\ laden.* | .{0,40}to\ load\ (?:the\ )?content\ from\b.*
            | bild\ (?:anzeigen|schließen|vergrößern)(?:\ bild\ (?:anzeigen|schließen))? | (?:enlarge|close)\ (?:image|photo)",
    ),
];

static FURNITURE_LINES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    KINDS
        .iter()
        .map(|(kind, phrases)| {
            let pattern = format!(r"(?ix)^[\s>»›→\-–—*•|]*(?:{phrases})\s*[:.!?…»›→<>\s]*$");
            (*kind, Regex::new(&pattern).unwrap())
        })
        .collect()
});

/// The kind of furniture line a paragraph of extracted main text is (see [`KINDS`]), if it is one.
pub fn furniture_line_kind(paragraph: &str) -> Option<&'static str> {
    if paragraph.chars().count() > MAX_LINE_CHARS {
        return None;
    }
    let line = paragraph.trim();
    FURNITURE_LINES.iter().find(|(_, pattern)| pattern.is_match(line)).map(|(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use super::furniture_line_kind;

    #[test]
    fn issue_20_related_comment_and_contact_lines_are_furniture_in_several_languages() {
        for (line, kind) in [
            ("Das könnte dich auch interessieren:", "related content"),
            ("Weitere Beiträge aus der Kolumne:", "related content"),
            ("À lire aussi", "related content"),
            ("Te puede interesar", "related content"),
            ("Czytaj też:", "related content"),
            ("Ezek is érdekelhetnek", "related content"),
            ("Related stories", "related content"),
            ("Kommentare (12)", "comments"),
            ("Comments are closed.", "comments"),
            ("Zum Newsletter anmelden", "newsletter or support"),
            ("Pressekontakt:", "contact or author heading"),
            ("Über den Autor", "contact or author heading"),
            ("Aktualisiert am 17.01.2021.", "publication line"),
            (
                "Klicken Sie auf den unteren Button, um den Inhalt von www.example.de zu laden.",
                "cookie, embed or image notice",
            ),
        ] {
            assert_eq!(furniture_line_kind(line), Some(kind), "{line}");
        }
    }

    #[test]
    fn issue_20_article_sentences_that_open_like_furniture_are_kept() {
        for line in [
            "Weitere Informationen zur Ursache des Brandes will die Polizei am Montag bekannt geben, sagte ein Sprecher.",
            "Related: the minister said the talks would resume",
            "Kontakt zu den Entführern hatte die Familie nach eigenen Angaben nicht.",
            "Comments by the minister drew criticism from the opposition.",
            "Für den Mürbeteig:",
            "Von Berlin nach Paris",
            "Updated figures showed 40 people had died.",
        ] {
            assert_eq!(furniture_line_kind(line), None, "{line}");
        }
    }
}
