await CensusMain.run(Array(CommandLine.arguments.dropFirst()))
