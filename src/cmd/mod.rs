//! One module per subcommand: arguments → validated configuration → the subsystem → output.

pub mod bench;
pub mod broker;
pub mod demo;
pub mod generate;
mod properties;
pub mod publish;
pub mod sim;
pub mod subscribe;
