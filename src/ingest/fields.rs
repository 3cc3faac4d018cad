//! Field helpers shared by every input format: outlet from a URL, dates in the shapes news feeds use.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};
use regex::Regex;
use std::sync::LazyLock;

/// The outlet named by a URL's host, without the `www.`, `m.` and `amp.` prefixes sites put in front.
///
/// `https://www.rt.com/news/1` gives `rt.com`. Returns `None` for anything that is not an absolute http(s) URL.
pub fn outlet_from_url(raw: &str) -> Option<String> {
    let parsed = url::Url::parse(raw.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let mut host = parsed.host_str()?.to_ascii_lowercase();
    loop {
        let stripped = ["www.", "m.", "amp.", "mobile."]
            .iter()
            .find_map(|prefix| host.strip_prefix(prefix).map(str::to_string));
        match stripped {
            Some(rest) if rest.contains('.') => host = rest,
            _ => break,
        }
    }
    Some(host)
}

static URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)").unwrap());

/// A date written into a URL path as `/YYYY/MM/DD/`, the convention of most news sites.
pub fn date_from_url(raw: &str) -> Option<NaiveDate> {
    let caps = URL_DATE.captures(raw)?;
    NaiveDate::from_ymd_opt(caps[1].parse().ok()?, caps[2].parse().ok()?, caps[3].parse().ok()?)
}

/// Parses the date shapes found in news exports: ISO 8601 dates and date-times (with or without offset),
/// RFC 2822 (`Tue, 11 Oct 2016 14:03:00 +0000`), `2016-10-11 14:03:00`, and Unix timestamps in seconds or
/// milliseconds. The calendar day is what clustering uses, so times and offsets only serve to find it.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    parse_any_date(raw).filter(plausible)
}

/// Years a news article can carry: four digits. A timestamp of -10^14 or a year 275760 is a broken field, and an
/// article dated by it would sit outside every date window.
fn plausible(date: &NaiveDate) -> bool {
    (1000..=9999).contains(&date.year())
}

fn parse_any_date(raw: &str) -> Option<NaiveDate> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(dt.date_naive());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            return Some(dt.date());
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt.date_naive());
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Some(date);
        }
    }
    if text.bytes().all(|b| b.is_ascii_digit()) && (9..=13).contains(&text.len()) {
        return date_from_timestamp(text.parse().ok()?);
    }
    None
}

/// A Unix timestamp in seconds, or milliseconds when it is too large to be seconds of this era.
pub fn date_from_timestamp(value: i64) -> Option<NaiveDate> {
    // Seconds stay below 1e11 until the year 5138; anything larger is milliseconds.
    let seconds = if value.abs() >= 100_000_000_000 { value / 1000 } else { value };
    DateTime::from_timestamp(seconds, 0).map(|dt| dt.date_naive()).filter(plausible)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn outlet_drops_mobile_and_www_prefixes() {
        assert_eq!(outlet_from_url("https://www.rt.com/news/362341-putin/").as_deref(), Some("rt.com"));
        assert_eq!(outlet_from_url("http://m.bbc.co.uk/news").as_deref(), Some("bbc.co.uk"));
        assert_eq!(outlet_from_url("https://amp.theguardian.com/x").as_deref(), Some("theguardian.com"));
        assert_eq!(outlet_from_url("https://www.m.com/").as_deref(), Some("m.com"));
        assert_eq!(outlet_from_url("not a url"), None);
        assert_eq!(outlet_from_url("ftp://example.com/file"), None);
    }

    #[test]
    fn dates_in_common_news_shapes() {
        assert_eq!(parse_date("2016-10-11"), day(2016, 10, 11));
        assert_eq!(parse_date("2016-10-11T23:30:00+02:00"), day(2016, 10, 11));
        assert_eq!(parse_date("2016-10-11T14:03:00Z"), day(2016, 10, 11));
        assert_eq!(parse_date("Tue, 11 Oct 2016 14:03:00 +0000"), day(2016, 10, 11));
        assert_eq!(parse_date("2016-10-11 14:03:00"), day(2016, 10, 11));
        assert_eq!(parse_date("1476194580"), day(2016, 10, 11));
        assert_eq!(parse_date("1476194580000"), day(2016, 10, 11));
        assert_eq!(parse_date("October 11, 2016"), day(2016, 10, 11));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn date_in_url_path() {
        assert_eq!(
            date_from_url("https://www.nytimes.com/2016/10/11/world/europe/putin.html"),
            day(2016, 10, 11)
        );
        assert_eq!(date_from_url("https://www.rt.com/news/362341-putin/"), None);
        assert_eq!(date_from_url("https://x.com/2016/13/40/bad"), None);
    }
}
