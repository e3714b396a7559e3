//! `rewardlab render`: record an episode of random actions as a picture or an animation.
//!
//! The env is reset with `--seed`, and actions come from a [`SpaceSampler`] of its action
//! space seeded with the same number, so one command line always draws the same episode.
//! The recording stops after `--steps` steps or at the end of the episode (terminated or
//! truncated), whichever comes first.
//!
//! - `.gif`: every frame, the reset frame first (so `--steps K` gives at most K + 1 frames),
//!   at `--fps` frames per second, looping.
//! - `.png`: the last frame, i.e. the state after the last step taken; with `--steps 0`, the
//!   reset frame.
//!
//! Bad input exits 2 before anything is written: an output extension other than `.png` or
//! `.gif` (case-insensitive), a frame rate that is not positive, an unknown env or bad
//! `--env-arg`, or an env that cannot draw itself. Failing to write the file exits 1.

use std::path::Path;

use rewardlab_core::{BoxedEnv, Env, EnvError, Frame, SpaceSampler};
use rewardlab_envs::render::encode::{self, GifWriter};

use super::{CliError, EnvArg, kwargs};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// One PNG picture.
    Png,
    /// A GIF animation.
    Gif,
}

/// The format `out`'s extension names (case-insensitive); a usage error for any other.
pub(super) fn format_of(out: &Path) -> Result<Format, CliError> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(Format::Png),
        Some("gif") => Ok(Format::Gif),
        _ => Err(CliError::Usage(format!(
            "cannot write '{}': --out must end in .png (last frame) or .gif (animation)",
            out.display()
        ))),
    }
}

/// The options of one recording.
#[derive(Debug, Clone)]
pub struct RenderArgs<'a> {
    /// Registered environment id.
    pub env: &'a str,
    /// `--env-arg` pairs.
    pub env_args: &'a [EnvArg],
    /// Seed of the reset and of the action sampler.
    pub seed: u64,
    /// Most steps to take.
    pub steps: u64,
    /// Output file, `.png` or `.gif`.
    pub out: &'a Path,
    /// GIF frame rate.
    pub fps: f64,
}

/// Runs the subcommand.
pub fn run(args: &RenderArgs<'_>) -> Result<(), CliError> {
    let format = format_of(args.out)?;
    encode::gif_delay(args.fps).map_err(|e| CliError::Usage(format!("--fps: {e}")))?;
    let mut env: BoxedEnv =
        rewardlab_envs::make(args.env, &kwargs(args.env_args)).map_err(CliError::usage)?;
    env.reset(Some(args.seed));
    let first = render(&env, args.env)?;
    let mut sampler = SpaceSampler::new(env.action_space(), args.seed);

    let mut sink = match format {
        Format::Png => Sink::Last(None),
        Format::Gif => Sink::Gif(
            GifWriter::create(args.out, first.width, first.height, args.fps)
                .map_err(CliError::runtime)?,
        ),
    };
    sink.push(first)?;
    let mut taken = 0;
    let mut ending = "step limit";
    while taken < args.steps {
        let action = sampler.sample();
        let step = env.step(&action).map_err(CliError::runtime)?;
        taken += 1;
        sink.push(render(&env, args.env)?)?;
        if step.terminated {
            ending = "terminated";
            break;
        }
        if step.truncated {
            ending = "truncated";
            break;
        }
    }
    let frames = sink.finish(args.out)?;
    println!(
        "wrote {}: {frames} frame(s), {taken} step(s), stopped by {ending}",
        args.out.display()
    );
    Ok(())
}

fn render(env: &BoxedEnv, id: &str) -> Result<Frame, CliError> {
    env.render().map_err(|e| match e {
        EnvError::RenderNotSupported { .. } => {
            CliError::Usage(format!("environment '{id}' cannot render: {e}"))
        }
        other => CliError::runtime(other),
    })
}

/// Where frames go: kept until the end (PNG) or streamed to the GIF.
enum Sink {
    Last(Option<Frame>),
    Gif(GifWriter),
}

impl Sink {
    fn push(&mut self, frame: Frame) -> Result<(), CliError> {
        match self {
            Sink::Last(last) => *last = Some(frame),
            Sink::Gif(writer) => writer.push(&frame).map_err(CliError::runtime)?,
        }
        Ok(())
    }

    /// Writes what is pending and returns the number of frames in the file.
    fn finish(self, out: &Path) -> Result<usize, CliError> {
        match self {
            Sink::Last(Some(frame)) => {
                encode::save_png(&frame, out).map_err(CliError::runtime)?;
                Ok(1)
            }
            Sink::Last(None) => Err(CliError::Runtime("no frame was rendered".to_owned())),
            Sink::Gif(writer) => {
                let n = writer.frames();
                writer.finish().map_err(CliError::runtime)?;
                Ok(n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rewardlab_core::Erased;
    use rewardlab_core::mdp::MdpBuilder;
    use rewardlab_core::tabular::TabularEnv;

    use super::*;

    #[test]
    fn an_env_without_pictures_is_a_usage_error_naming_it() {
        let mdp = MdpBuilder::new(2, 1)
            .transition(0, 0, 1, 1.0, 1.0)
            .terminal(1)
            .build()
            .expect("a valid two-state model");
        let mut env = Erased::boxed(TabularEnv::new(Arc::new(mdp)));
        env.reset(Some(0));
        assert!(matches!(
            render(&env, "Plain-v0"),
            Err(CliError::Usage(m)) if m.contains("'Plain-v0' cannot render")
        ));
    }

    #[test]
    fn extension_picks_the_format_case_insensitively() {
        assert_eq!(format_of(Path::new("a/b.png")).ok(), Some(Format::Png));
        assert_eq!(format_of(Path::new("ep.GIF")).ok(), Some(Format::Gif));
        for bad in ["x.jpg", "noext", "x.png.txt", "dir/"] {
            assert!(
                matches!(format_of(Path::new(bad)), Err(CliError::Usage(m)) if m.contains(".gif")),
                "{bad}"
            );
        }
    }
}
