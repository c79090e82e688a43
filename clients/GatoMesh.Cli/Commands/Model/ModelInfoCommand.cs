using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Model;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh model info --preset NAME [--json]</c>: a preset's shapes and parameter counts,
/// from the tensor layout alone (no weights are allocated, so gato-1.18b is instant).</summary>
internal static class ModelInfoCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = $"one of {string.Join(", ", Presets.All.Select(p => p.Preset))}", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("info", "shapes and parameter counts of a preset") { preset, json };
        command.SetAction(parse =>
        {
            var c = Presets.Get(parse.GetValue(preset)!);
            long all = TensorLayout.Parameters(c), body = TensorLayout.NonEmbeddingParameters(c);
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["preset"] = c.Preset, ["layers"] = c.Layers, ["heads"] = c.Heads, ["width"] = c.Width,
                    ["ffn"] = c.Ffn, ["kv_size"] = c.KvSize, ["vocab_size"] = c.VocabSize, ["context"] = c.Context,
                    ["params"] = all, ["params_non_embedding"] = body,
                }.ToJsonString());
                return 0;
            }
            Console.WriteLine($"{c.Preset}: {c.Layers} blocks, {c.Heads} heads x {c.KvSize}, width {c.Width}, ffn {c.Ffn}, vocab {c.VocabSize}, context {c.Context}");
            Console.WriteLine($"parameters: {all:N0} with embeddings, {body:N0} without (docs/MODEL.md, counting rule)");
            return 0;
        });
        return command;
    }
}
