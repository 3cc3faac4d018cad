//! Human views: the story table and run summary, a story's diff as terminal text and as HTML, the report's index.

mod diff_html;
mod diff_text;
mod report_html;
mod table;
mod timeline_svg;

pub use diff_html::write_diff_html;
pub use diff_text::{article_labels, write_diff_text, TextSettings};
pub use report_html::{story_headline, write_index_html, IndexEntry};
pub use table::{write_summary, write_table};
pub use timeline_svg::{write_timelines, Timeline, TimelineStory};
