//! `rewardlab play`: steer a MiniGrid env from the keyboard, as MiniGrid's `manual_control.py`.
//!
//! Keys (MiniGrid's): ← / → turn, ↑ forward, space toggle, PageUp or Tab pick up, PageDown or
//! Shift+Tab drop (a terminal does not report Shift alone), Enter done, Backspace a new
//! episode, Escape or `q` quit. When an episode ends it starts again, from `--seed` if given.
//!
//! With a terminal on stdin the keys are read raw (crossterm) and the screen is redrawn after
//! each one. Otherwise stdin is read as a script, one key name per line — `left`, `right`,
//! `forward` (or `up`), `pickup`, `drop`, `toggle`, `done`, `reset`, `quit` (MiniGrid's key
//! names `space`, `pageup`, `tab`, `pagedown`, `enter`, `backspace`, `escape` work too) — and
//! every state is printed in turn, so a session can be scripted and tested. End of input
//! quits.
//!
//! Any env whose actions are `Discrete(7)` or `Discrete(3)` (MiniGrid's, or
//! Dynamic-Obstacles' first three) and that draws itself as text can be played. `--record`
//! writes every state's picture to a GIF; a path not ending in `.gif` is a usage error (exit 2).

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};
use rewardlab_core::{BoxedEnv, Env, Space, Value};
use rewardlab_envs::render::encode::{DEFAULT_FPS, GifWriter};

use super::render::{Format, format_of};
use super::{CliError, EnvArg, kwargs};

/// MiniGrid's action names, by index.
const ACTION_NAMES: [&str; 7] = [
    "left", "right", "forward", "pickup", "drop", "toggle", "done",
];

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    /// Step with this action index.
    Act(usize),
    /// Start a new episode.
    Reset,
    /// Leave.
    Quit,
}

/// The command of a key name of the scripted mode; `None` for an unknown name.
fn command_of_name(name: &str) -> Option<Command> {
    let cmd = match name.trim().to_ascii_lowercase().as_str() {
        "left" => Command::Act(0),
        "right" => Command::Act(1),
        "forward" | "up" => Command::Act(2),
        "pickup" | "pageup" | "tab" => Command::Act(3),
        "drop" | "pagedown" | "shift" | "left shift" => Command::Act(4),
        "toggle" | "space" => Command::Act(5),
        "done" | "enter" => Command::Act(6),
        "reset" | "backspace" => Command::Reset,
        "quit" | "escape" | "esc" | "q" => Command::Quit,
        _ => return None,
    };
    Some(cmd)
}

/// The command of a key pressed in the terminal.
fn command_of_key(key: &KeyEvent) -> Option<Command> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let cmd = match key.code {
        KeyCode::Char('c') if ctrl => Command::Quit,
        KeyCode::Left => Command::Act(0),
        KeyCode::Right => Command::Act(1),
        KeyCode::Up => Command::Act(2),
        KeyCode::PageUp | KeyCode::Tab => Command::Act(3),
        KeyCode::PageDown | KeyCode::BackTab => Command::Act(4),
        KeyCode::Char(' ') => Command::Act(5),
        KeyCode::Enter => Command::Act(6),
        KeyCode::Backspace => Command::Reset,
        KeyCode::Esc | KeyCode::Char('q') => Command::Quit,
        _ => return None,
    };
    Some(cmd)
}

/// The options of one session.
#[derive(Debug, Clone)]
pub struct PlayArgs<'a> {
    /// Registered environment id.
    pub env: &'a str,
    /// `--env-arg` pairs.
    pub env_args: &'a [EnvArg],
    /// Seed of every reset that starts over (none: the env's own stream continues).
    pub seed: Option<u64>,
    /// GIF to write every state's picture to.
    pub record: Option<&'a Path>,
}

/// The game: the env, the numbers shown, and the optional recording.
struct Session {
    env: BoxedEnv,
    n_actions: usize,
    seed: Option<u64>,
    episode: u64,
    steps: u64,
    last: Option<(String, f64)>,
    flags: (bool, bool),
    mission: Option<String>,
    record: Option<GifWriter>,
}

impl Session {
    fn reset(&mut self, seed: Option<u64>) -> Result<(), CliError> {
        let (obs, _) = self.env.reset(seed);
        self.episode += 1;
        self.steps = 0;
        self.last = None;
        self.flags = (false, false);
        self.mission = mission_of(&obs);
        self.record_frame()
    }

    /// Runs one command; `false` when the session is over.
    fn apply(&mut self, cmd: Command, log: &mut Vec<String>) -> Result<bool, CliError> {
        match cmd {
            Command::Quit => return Ok(false),
            Command::Reset => self.reset(None)?,
            Command::Act(a) if a >= self.n_actions => {
                log.push(format!(
                    "{} is not an action of this env ({} actions)",
                    ACTION_NAMES[a], self.n_actions
                ));
            }
            Command::Act(a) => {
                let step = self
                    .env
                    .step(&Value::Int(a as i64))
                    .map_err(CliError::runtime)?;
                self.steps += 1;
                self.last = Some((ACTION_NAMES[a].to_owned(), step.reward));
                self.flags = (step.terminated, step.truncated);
                self.mission = mission_of(&step.obs).or(self.mission.take());
                self.record_frame()?;
                if step.terminated || step.truncated {
                    let why = if step.terminated {
                        "terminated"
                    } else {
                        "truncated"
                    };
                    log.push(format!(
                        "episode {} {why} after {} step(s), reward {:.2}",
                        self.episode, self.steps, step.reward
                    ));
                    log.push(self.status());
                    self.reset(self.seed)?;
                }
            }
        }
        Ok(true)
    }

    fn record_frame(&mut self) -> Result<(), CliError> {
        if let Some(writer) = self.record.as_mut() {
            let frame = self.env.render().map_err(CliError::runtime)?;
            writer.push(&frame).map_err(CliError::runtime)?;
        }
        Ok(())
    }

    /// One line with the step, the last action and reward, and the flags.
    fn status(&self) -> String {
        let (action, reward) = match &self.last {
            Some((a, r)) => (a.as_str(), *r),
            None => ("-", 0.0),
        };
        let state = self.env.state();
        let field = |key: &str, label: &str| {
            state
                .as_ref()
                .and_then(|s| s.get(key))
                .map_or_else(String::new, |v| format!(" {label}={v}"))
        };
        let (pos, dir) = (field("agent_pos", "pos"), field("agent_dir", "dir"));
        format!(
            "episode={} step={} action={action} reward={reward:.2}{pos}{dir} terminated={} truncated={}",
            self.episode, self.steps, self.flags.0, self.flags.1
        )
    }

    /// The picture: mission, grid, status.
    fn screen(&self) -> Result<Vec<String>, CliError> {
        let grid = self.env.render_ansi().map_err(CliError::runtime)?;
        let mut lines = Vec::new();
        if let Some(m) = &self.mission {
            lines.push(format!("mission: {m}"));
        }
        lines.extend(grid.lines().map(str::to_owned));
        lines.push(self.status());
        Ok(lines)
    }
}

fn mission_of(obs: &Value) -> Option<String> {
    match obs.get("mission") {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

/// Runs the subcommand.
pub fn run(args: &PlayArgs<'_>) -> Result<(), CliError> {
    if let Some(path) = args.record {
        check_record_path(path)?;
    }
    let env: BoxedEnv =
        rewardlab_envs::make(args.env, &kwargs(args.env_args)).map_err(CliError::usage)?;
    let n_actions = match env.action_space() {
        Space::Discrete {
            n: n @ (3 | 7),
            start: 0,
        } => n as usize,
        other => {
            return Err(CliError::Usage(format!(
                "cannot play '{}': its actions are {other}, not MiniGrid's Discrete(7) or Discrete(3)",
                args.env
            )));
        }
    };
    let mut session = Session {
        env,
        n_actions,
        seed: args.seed,
        episode: 0,
        steps: 0,
        last: None,
        flags: (false, false),
        mission: None,
        record: None,
    };
    session.reset(args.seed)?;
    session.env.render_ansi().map_err(|e| {
        CliError::Usage(format!(
            "cannot play '{}': it does not draw itself as text: {e}",
            args.env
        ))
    })?;
    if let Some(path) = args.record {
        session.record = Some(start_recording(&session.env, path)?);
        session.record_frame()?;
    }

    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        interactive(&mut session)?;
    } else {
        scripted(&mut session)?;
    }
    if let (Some(writer), Some(path)) = (session.record.take(), args.record) {
        let n = writer.frames();
        writer.finish().map_err(CliError::runtime)?;
        println!("wrote {}: {n} frame(s)", path.display());
    }
    Ok(())
}

/// Refuses a `--record` path that does not end in `.gif` (case-insensitive), before the
/// session starts, as `render` refuses an unknown `--out` extension.
fn check_record_path(path: &Path) -> Result<(), CliError> {
    match format_of(path) {
        Ok(Format::Gif) => Ok(()),
        _ => Err(CliError::Usage(format!(
            "cannot record to '{}': --record must end in .gif",
            path.display()
        ))),
    }
}

/// Opens the GIF at the size of the env's picture (the env has been reset).
fn start_recording(env: &BoxedEnv, path: &Path) -> Result<GifWriter, CliError> {
    let frame = env.render().map_err(|e| {
        CliError::Usage(format!(
            "cannot record: the env does not draw pictures: {e}"
        ))
    })?;
    GifWriter::create(path, frame.width, frame.height, DEFAULT_FPS).map_err(CliError::runtime)
}

/// Stdin is not a terminal: one key name per line, every state printed.
fn scripted(session: &mut Session) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut log = Vec::new();
    for line in session.screen()? {
        writeln!(out, "{line}")?;
    }
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let Some(cmd) = command_of_name(&line) else {
            writeln!(out, "unknown key '{}'", line.trim())?;
            continue;
        };
        writeln!(out, "> {}", line.trim())?;
        if !session.apply(cmd, &mut log)? {
            break;
        }
        for l in log.drain(..).chain(session.screen()?) {
            writeln!(out, "{l}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Puts the terminal back however the session ends.
struct RawMode;

impl RawMode {
    fn enter() -> Result<Self, CliError> {
        terminal::enable_raw_mode().map_err(CliError::runtime)?;
        // A panic message is printed before unwinding drops the guard: leave raw mode first
        // so that it reads as text, and so that the terminal is restored even without
        // unwinding.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = terminal::disable_raw_mode();
            previous(info);
        }));
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal refuses; the shell's `reset` can.
        let _ = terminal::disable_raw_mode();
    }
}

/// Stdin is a terminal: raw keys, the screen redrawn after each.
fn interactive(session: &mut Session) -> Result<(), CliError> {
    let _raw = RawMode::enter()?;
    let mut out = io::stdout();
    let mut log: Vec<String> = Vec::new();
    let help = "←/→ turn  ↑ forward  space toggle  PgUp/Tab pick up  PgDn/Shift+Tab drop  \
                Enter done  Backspace reset  Esc/q quit";
    loop {
        execute!(
            out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        )?;
        // Raw mode: a newline does not return the carriage.
        for line in session.screen()?.iter().chain(&log) {
            write!(out, "{line}\r\n")?;
        }
        write!(out, "{help}\r\n")?;
        out.flush()?;
        let cmd = loop {
            if let Event::Key(key) = event::read()?
                && key.kind == KeyEventKind::Press
                && let Some(cmd) = command_of_key(&key)
            {
                break cmd;
            }
        };
        log.clear();
        if !session.apply(cmd, &mut log)? {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_map_to_minigrid_actions() {
        assert_eq!(command_of_name("up"), Some(Command::Act(2)));
        assert_eq!(command_of_name(" Forward "), Some(Command::Act(2)));
        assert_eq!(command_of_name("tab"), Some(Command::Act(3)));
        assert_eq!(command_of_name("pagedown"), Some(Command::Act(4)));
        assert_eq!(command_of_name("space"), Some(Command::Act(5)));
        assert_eq!(command_of_name("enter"), Some(Command::Act(6)));
        assert_eq!(command_of_name("backspace"), Some(Command::Reset));
        assert_eq!(command_of_name("q"), Some(Command::Quit));
        assert_eq!(command_of_name("jump"), None);
    }

    #[test]
    fn terminal_keys_map_like_manual_control() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(command_of_key(&key(KeyCode::Left)), Some(Command::Act(0)));
        assert_eq!(command_of_key(&key(KeyCode::Right)), Some(Command::Act(1)));
        assert_eq!(command_of_key(&key(KeyCode::Up)), Some(Command::Act(2)));
        assert_eq!(command_of_key(&key(KeyCode::PageUp)), Some(Command::Act(3)));
        assert_eq!(
            command_of_key(&key(KeyCode::BackTab)),
            Some(Command::Act(4))
        );
        assert_eq!(
            command_of_key(&key(KeyCode::Char(' '))),
            Some(Command::Act(5))
        );
        assert_eq!(command_of_key(&key(KeyCode::Esc)), Some(Command::Quit));
        assert_eq!(command_of_key(&key(KeyCode::Down)), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(command_of_key(&ctrl_c), Some(Command::Quit));
    }
}
