using System.CommandLine;
using GatoMesh.Cli;

// One subcommand per capability; each lives in its own folder under Commands/.
var root = new RootCommand("gatomesh: one Gato-style generalist model shared by many agents.");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(TokensCommand.Create());
root.Subcommands.Add(SiloCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
root.Subcommands.Add(GatoMesh.Cli.Commands.Bench.BenchCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(EnvsCommand.Create());
root.Subcommands.Add(ModelCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(FleetCommand.Create());
return CliRunner.Run(root, args);
