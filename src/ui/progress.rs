//! The progress bar of a tab's job: determinate (a fraction and `done / total`) whenever the
//! job reported a total, otherwise an animated bar with the count done so far.

use crate::engine::Progress;

/// How a progress bar is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BarKind {
    /// Total known: the fraction done, 0..=1.
    Determinate(f32),
    /// Total unknown while the job runs.
    Indeterminate,
    /// No job running and nothing reported.
    Idle,
}

/// What a bar for `progress` of a job that is `running` shows.
pub fn bar_kind(progress: Option<&Progress>, running: bool) -> BarKind {
    match progress {
        Some(Progress {
            done,
            total: Some(total),
            ..
        }) => {
            let fraction = if *total == 0 {
                1.0
            } else {
                (*done as f64 / *total as f64).clamp(0.0, 1.0) as f32
            };
            BarKind::Determinate(fraction)
        }
        _ if running => BarKind::Indeterminate,
        _ => BarKind::Idle,
    }
}

/// Draws the bar for `progress`.
pub fn progress_ui(ui: &mut egui::Ui, progress: Option<&Progress>, running: bool) {
    let message = progress.map(|p| p.message.as_str()).unwrap_or_default();
    let bar = match bar_kind(progress, running) {
        BarKind::Determinate(fraction) => {
            let (done, total) = progress.map_or((0, 0), |p| (p.done, p.total.unwrap_or(0)));
            egui::ProgressBar::new(fraction).text(format!(
                "{done} / {total} ({:.0} %)  {message}",
                fraction * 100.0
            ))
        }
        BarKind::Indeterminate => {
            let done = progress.map_or(0, |p| p.done);
            // Sweep back and forth so the bar moves while the total is unknown.
            let t = ui.input(|i| i.time) as f32;
            let sweep = (t * 0.8).fract();
            egui::ProgressBar::new(sweep)
                .animate(true)
                .text(format!("{done} so far  {message}"))
        }
        BarKind::Idle => egui::ProgressBar::new(0.0).text("idle"),
    };
    ui.add(bar);
}

/// A job's state line followed by how many item rows arrived, by status:
/// `Backup running · 3 items (OK 2, PARTIAL 1)`.
pub(crate) fn with_counts(
    state: String,
    counts: &std::collections::BTreeMap<String, u64>,
) -> String {
    let received: u64 = counts.values().sum();
    if received == 0 {
        return state;
    }
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let noun = if received == 1 { "item" } else { "items" };
    format!("{state} · {received} {noun} ({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn determinate_only_with_a_total() {
        let p = |done, total| Progress {
            done,
            total,
            message: String::new(),
        };
        assert_eq!(
            bar_kind(Some(&p(5, Some(20))), true),
            BarKind::Determinate(0.25)
        );
        assert_eq!(
            bar_kind(Some(&p(0, Some(0))), false),
            BarKind::Determinate(1.0)
        );
        assert_eq!(bar_kind(Some(&p(5, None)), true), BarKind::Indeterminate);
        assert_eq!(bar_kind(None, false), BarKind::Idle);
    }
}
