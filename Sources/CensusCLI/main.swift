// First, before any other thread exists: Ctrl-C and SIGTERM remove unfinished output.
SignalHandler.install()
CensusMain.run(Array(CommandLine.arguments.dropFirst()))
