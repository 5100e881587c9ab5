//! The `mqttkit` binary: parse the command line, run, report an error once, pick the exit code.

use std::process::ExitCode;

use mqttkit::{cli::Cli, error, output};

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    output::init(cli.color, mqttkit::log_verbosity(&cli));
    match mqttkit::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::print_error(&err);
            ExitCode::from(error::exit_code(&err))
        }
    }
}
