using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh model probe --checkpoint DIR --data DIR [--tasks a,b] [--episodes 20] [--sequence-length L] [--history K] [--json]</c>:
/// teacher-forced action accuracy of a checkpoint on recorded episodes, split into the first timestep,
/// the action changes and the repeats (<see cref="ActionProbe"/>; docs/TRAINING.md, "Diagnosing a checkpoint").
/// </summary>
internal static class ModelProbeCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint folder", Required = true };
        var data = new Option<string>("--data") { Description = "data directory (gatomesh data generate)", Required = true };
        var tasks = new Option<string?>("--tasks") { Description = "comma-separated tasks (default: every task of the data)" };
        var episodes = new Option<int>("--episodes") { Description = "episodes per task", DefaultValueFactory = _ => 20 };
        var length = new Option<int?>("--sequence-length") { Description = $"tokens per episode window (the served window; default: the checkpoint's training sequence length, else {Trainer.DefaultProbeSequenceLength})" };
        var history = new Option<int?>("--history") { Description = "timesteps a window holds (default: the checkpoint's --history; 0 = the episode from its start)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("probe", "how a checkpoint predicts recorded actions: overall, first timestep, changes, repeats")
        {
            checkpoint, data, tasks, episodes, length, history, json,
        };
        command.SetAction(parse =>
        {
            GatoMesh.Torch.Torch.Threads = 1;
            var directory = parse.GetValue(checkpoint)!;
            using var model = Checkpoint.Load(directory);
            var text = Path.Combine(directory, "text.model");
            var names = parse.GetValue(tasks)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var results = ActionProbe.Run(model, parse.GetValue(data)!, names, parse.GetValue(episodes),
                parse.GetValue(length) ?? Trainer.SequenceLengthOf(directory),
                File.Exists(text) ? text : null, parse.GetValue(history) ?? Trainer.HistoryOf(directory));
            if (parse.GetValue(json))
            {
                static JsonNode? Number(double x) => double.IsNaN(x) ? null : x;
                Console.WriteLine(new JsonObject
                {
                    ["tasks"] = new JsonObject(results.Select(r => KeyValuePair.Create(r.Task, (JsonNode?)new JsonObject
                    {
                        ["episodes"] = r.Episodes,
                        ["actions"] = r.Actions,
                        ["accuracy"] = Number(r.Accuracy),
                        ["first"] = r.First,
                        ["first_accuracy"] = Number(r.FirstAccuracy),
                        ["changes"] = r.Changes,
                        ["change_accuracy"] = Number(r.ChangeAccuracy),
                        ["repeat_rate"] = Number(r.RepeatRate),
                        ["confusion"] = r.Confusion is { } m ? new JsonArray([.. m.Select(row => (JsonNode)new JsonArray([.. row.Select(n => (JsonNode)n)]))]) : null,
                    }))),
                }.ToJsonString());
                return 0;
            }
            static string Percent(double x) => double.IsNaN(x) ? "-" : x.ToString("P1", CultureInfo.InvariantCulture);
            Console.WriteLine($"{"task",-18} {"actions",8} {"accuracy",9} {"first",9} {"changes",8} {"at change",10} {"repeats",8}");
            foreach (var r in results)
                Console.WriteLine($"{r.Task,-18} {r.Actions,8} {Percent(r.Accuracy),9} {Percent(r.FirstAccuracy),9} {r.Changes,8} {Percent(r.ChangeAccuracy),10} {Percent(r.RepeatRate),8}");
            foreach (var r in results.Where(r => r.Confusion is not null))
            {
                var m = r.Confusion!;
                Console.WriteLine();
                Console.WriteLine($"{r.Task}: recorded action (rows) against predicted (columns), first action token's values");
                Console.WriteLine("        " + string.Concat(Enumerable.Range(0, m.Length).Select(v => $"{v,7}")) + "   right");
                for (var v = 0; v < m.Length; v++)
                    Console.WriteLine($"{v,6}  " + string.Concat(m[v].Select(n => $"{n,7}")) + $"   {Percent(m[v].Sum() == 0 ? double.NaN : (double)m[v][v] / m[v].Sum()),6}");
            }
            return 0;
        });
        return command;
    }
}
