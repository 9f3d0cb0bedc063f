"""One module per `entra-aws` subcommand, each with `run(args) -> int`."""
