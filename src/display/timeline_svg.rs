//! A storyline as a timeline: its stories by day, which outlets covered each, drawn as inline SVG (no script).

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::io::{self, Write};

/// One story on a storyline's timeline.
pub struct TimelineStory {
    pub id: String,
    pub headline: String,
    /// The story's page in the report, when it has one (stories of one article have none).
    pub page: Option<String>,
    /// First and last day, as days since the storyline's first day; `None` when undated.
    pub days: Option<(i64, i64)>,
    pub first_date: Option<String>,
    /// The outlets that covered it, sorted.
    pub outlets: Vec<String>,
}

/// One storyline with its stories in order of their first day.
pub struct Timeline {
    pub id: String,
    /// `YYYY-MM-DD..YYYY-MM-DD`, or `-` when undated.
    pub dates: String,
    /// The first story's first day, which the axis counts from.
    pub start: Option<chrono::NaiveDate>,
    /// Days from the first story's first day to the last story's last day.
    pub span_days: i64,
    pub stories: Vec<TimelineStory>,
}

const WIDTH: f64 = 760.0;
const LABEL: f64 = 250.0;
const ROW: f64 = 34.0;
const AXIS: f64 = 26.0;
/// Outlet dots drawn per story; more are counted in a `+N`.
const MAX_DOTS: usize = 6;

/// Pastel dots for outlets, picked by a hash of the name as in the DOT graph, so an outlet keeps its colour.
const PALETTE: &[&str] = &[
    "#8dd3c7", "#e6d855", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#b0b0b0",
    "#bc80bd", "#ccebc5", "#ffed6f",
];

fn colour(outlet: &str) -> &'static str {
    PALETTE[(xxhash_rust::xxh3::xxh3_64(outlet.as_bytes()) % PALETTE.len() as u64) as usize]
}

fn short(headline: &str, width: usize) -> String {
    if headline.chars().count() <= width {
        headline.to_string()
    } else {
        headline.chars().take(width - 3).collect::<String>() + "..."
    }
}

/// Writes every timeline under a heading, each as a `<figure>` holding one SVG: a day axis, one row per story
/// with a bar over its days (a dot for one day), its id and headline (linked to its page) and a dot per outlet.
pub fn write_timelines(timelines: &[Timeline], out: &mut dyn Write) -> io::Result<()> {
    if timelines.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h2>Storylines</h2>\n<p class=\"muted\">Stories that follow one event over weeks, linked through the \
         names they share: each row is a story, placed by its days; the dots are the outlets that covered it.</p>"
    )?;
    for line in timelines {
        write_timeline(line, out)?;
    }
    Ok(())
}

fn write_timeline(line: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    let height = AXIS + ROW * line.stories.len() as f64 + 8.0;
    // Room on the right for the outlet dots of a story on the last day.
    let plot = WIDTH - LABEL - 40.0 - 11.0 * MAX_DOTS as f64;
    let span = line.span_days.max(1) as f64;
    let x = |day: i64| LABEL + plot * day as f64 / span;
    writeln!(
        out,
        "<figure class=\"timeline\"><figcaption><b>{}</b> &middot; {} stories &middot; {}</figcaption>",
        text(&line.id),
        line.stories.len(),
        text(&line.dates)
    )?;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} \
         {height}\" role=\"img\" aria-label=\"timeline of storyline {}\" font-family=\"sans-serif\" font-size=\"11\">",
        attr(&line.id)
    )?;
    // The axis: a tick and its date at most eight times, every day, week, fortnight, month or quarter.
    let step = [1, 7, 14, 30, 61, 91, 182, 365]
        .into_iter()
        .find(|step| line.span_days / step <= 8)
        .unwrap_or(line.span_days.max(1) / 8 + 1);
    // The year is in the caption's dates; a tick says the day.
    let tick_label = |day: i64| match line.start {
        Some(start) => (start + chrono::Duration::days(day)).format("%b %-d").to_string(),
        None => format!("+{day}d"),
    };
    writeln!(
        out,
        "<line x1=\"{LABEL}\" y1=\"{AXIS}\" x2=\"{}\" y2=\"{AXIS}\" stroke=\"#999\"/>",
        LABEL + plot
    )?;
    let mut day = 0;
    while day <= line.span_days {
        let at = x(day);
        writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{}\" x2=\"{at:.1}\" y2=\"{}\" stroke=\"#eee\"/>\
             <text x=\"{at:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777\">{}</text>",
            AXIS,
            height - 4.0,
            AXIS - 8.0,
            tick_label(day)
        )?;
        day += step;
    }
    for (row, story) in line.stories.iter().enumerate() {
        let y = AXIS + ROW * row as f64 + ROW / 2.0 + 2.0;
        let label = format!("{} {}", story.id, short(&story.headline, 38));
        let label_svg = format!(
            "<text x=\"4\" y=\"{:.1}\" fill=\"#222\"><title>{}</title>{}</text>",
            y + 4.0,
            text(&story.headline),
            text(&label)
        );
        match &story.page {
            Some(page) => writeln!(out, "<a href=\"{}\">{label_svg}</a>", attr(page))?,
            None => writeln!(out, "{label_svg}")?,
        }
        if let Some((first, last)) = story.days {
            let (from, to) = (x(first), x(last));
            writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" rx=\"5\" fill=\"#3366aa\">\
                 <title>{}{}</title></rect>",
                from - 5.0,
                y - 5.0,
                (to - from) + 10.0,
                text(&story.id),
                story.first_date.as_deref().map(|d| format!(", from {d}")).unwrap_or_default()
            )?;
            if story.outlets.len() > MAX_DOTS {
                writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">+{}</text>",
                    to + 10.0 + 11.0 * MAX_DOTS as f64,
                    y + 4.0,
                    story.outlets.len() - MAX_DOTS
                )?;
            }
            for (k, outlet) in story.outlets.iter().take(MAX_DOTS).enumerate() {
                writeln!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"{}\" stroke=\"#555\" stroke-width=\"0.5\">\
                     <title>{}</title></circle>",
                    to + 14.0 + 11.0 * k as f64,
                    y,
                    colour(outlet),
                    text(outlet)
                )?;
            }
        }
    }
    writeln!(out, "</svg>")?;
    let outlets: Vec<String> =
        line.stories.iter().map(|s| format!("{}: {}", s.id, s.outlets.join(", "))).collect();
    writeln!(out, "<p class=\"muted\" style=\"font-size:.8rem\">{}</p></figure>", text(&outlets.join(" · ")))
}
