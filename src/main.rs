//! The `ssmbench` command line. Each verb is a thin file in `src/cmd/`; the work is in the
//! library.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, error::ErrorKind};

fn main() -> ExitCode {
    let cli = match cmd::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // Bad arguments: clap's first line names the argument; the hint points at --help.
            let text = e.render().to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error: invalid arguments");
            eprintln!("{} (see 'ssmbench --help')", first.trim());
            return ExitCode::from(2);
        }
    };
    ssmbench::backend::device::configure_runtime();
    match cmd::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line: what went wrong, naming the file or argument and the fix.
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                msg.push_str(": ");
                msg.push_str(&cause.to_string());
            }
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}
