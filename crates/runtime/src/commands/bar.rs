//! The progress bar of commands that send files (`sync`, `install`, `fs cp`): files and bytes,
//! drawn only when stderr is a terminal, with the counts for the command's summary line.

use std::sync::{Mutex, PoisonError};

use belay_pymodule::sync::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(super) struct Bar {
    bar: ProgressBar,
    state: Mutex<Counts>,
}

/// What went by: files announced, files done, bytes sent.
#[derive(Default, Clone, Copy)]
pub(super) struct Counts {
    pub files: usize,
    pub done: usize,
    pub bytes: u64,
}

impl Bar {
    pub(super) fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        Bar {
            bar,
            state: Mutex::new(Counts::default()),
        }
    }

    pub(super) fn update(&self, progress: Progress<'_>) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match progress {
            Progress::Stage(text) => self.bar.set_message(text.to_string()),
            Progress::Total { files, bytes } => {
                s.files = files;
                self.bar.set_length(bytes);
            }
            Progress::Pushing(name) => {
                self.bar
                    .set_message(format!("{}/{} {name}", s.done + 1, s.files))
            }
            Progress::Sent(bytes) => {
                s.bytes += bytes;
                self.bar.inc(bytes);
            }
            Progress::Pushed => s.done += 1,
        }
    }

    /// Take the bar off the terminal (again is harmless); the counts so far.
    pub(super) fn finish(&self) -> Counts {
        self.bar.finish_and_clear();
        *self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
