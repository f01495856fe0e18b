#pragma once

namespace namekeeper::cli {

// Parses the command line, sets up logging, loads the configuration and runs the subcommand.
// Configuration and other fatal errors are caught here and turned into a message and exit status.
int run(int argc, char** argv);

} // namespace namekeeper::cli
