//! Build steps of the `belay-run` binary: its provenance for `--version` and the frozen standard
//! library it embeds.

mod frozen_stdlib;
mod provenance;

fn main() {
    provenance::emit();
    frozen_stdlib::emit();
}
