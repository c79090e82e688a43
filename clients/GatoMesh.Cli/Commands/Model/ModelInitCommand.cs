using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh model init --preset NAME --seed S --out DIR [--json]</c>: a seeded random checkpoint
/// (DIR/config.json and DIR/model.safetensors); the same seed writes the same bytes.</summary>
internal static class ModelInitCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "preset name", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "initialization seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "checkpoint folder (created if missing)", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("init", "write a seeded random checkpoint") { preset, seed, output, json };
        command.SetAction(parse =>
        {
            var config = Presets.Get(parse.GetValue(preset)!);
            var dir = parse.GetValue(output)!;
            using var model = new GatoModel(config, parse.GetValue(seed));
            Checkpoint.Save(model, dir);
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["preset"] = config.Preset, ["seed"] = parse.GetValue(seed), ["params"] = model.ParameterCount,
                    ["config"] = Path.Combine(dir, Checkpoint.ConfigFile), ["weights"] = Path.Combine(dir, Checkpoint.WeightsFile),
                }.ToJsonString());
            else
                Console.WriteLine($"wrote {config.Preset} ({model.ParameterCount:N0} parameters) to {dir}");
            return 0;
        });
        return command;
    }
}
