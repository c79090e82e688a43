using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using GatoMesh.Model;
using GatoMesh.Torch;

namespace GatoMesh.Cli;

/// <summary>
/// <c>gatomesh model logits --checkpoint DIR --input SEQ.json [--json]</c>: next-token logits over the whole
/// vocabulary at the last 8 positions of one sequence. SEQ.json: <c>{"ids":[...], "local_positions":[...]}</c>
/// and, when ids hold -1 patch slots, <c>"patches"</c> (one list of 768 floats per patch, [channel, row,
/// column], already scaled as docs/TOKENS.md says), <c>"patch_rows"</c> and <c>"patch_cols"</c>.
/// </summary>
internal static class ModelLogitsCommand
{
    private const int LastPositions = 8;

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint folder", Required = true };
        var input = new Option<string>("--input") { Description = "sequence JSON file", Required = true };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("logits", "next-token logits at the last 8 positions of a sequence") { checkpoint, input, json };
        command.SetAction(parse =>
        {
            // MACHINE.md: one intra-op thread is fastest on 2 cores (OpenBLAS brings its own).
            GatoMesh.Torch.Torch.Threads = 1;
            var tokens = ReadSequence(parse.GetValue(input)!);
            using var model = Checkpoint.Load(parse.GetValue(checkpoint)!);
            float[] values;
            int vocab = model.Config.VocabSize, count = Math.Min(LastPositions, tokens.Count);
            using (new NoGradScope())
            using (DisposeScope.Begin())
            {
                var hidden = model.Forward(ModelInput.Single(tokens)).Narrow(1, tokens.Count - count, count);
                values = model.Logits(hidden).ToArray<float>();
            }
            var rows = Enumerable.Range(0, count).Select(r => (JsonNode)new JsonArray(values.Skip(r * vocab).Take(vocab).Select(v => (JsonNode)v).ToArray())).ToArray();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject { ["first_position"] = tokens.Count - count, ["logits"] = new JsonArray(rows) }.ToJsonString());
                return 0;
            }
            for (var r = 0; r < count; r++)
            {
                var row = values.AsSpan(r * vocab, vocab);
                var best = row.IndexOf(row.ToArray().Max());
                Console.WriteLine($"position {tokens.Count - count + r}: argmax id {best} (logit {row[best]:G5})");
            }
            return 0;
        });
        return command;
    }

    private sealed record SequenceFile(long[]? Ids, long[]? LocalPositions, float[][]? Patches, long[]? PatchRows, long[]? PatchCols);

    private static TokenBatchInputs ReadSequence(string path)
    {
        SequenceFile file;
        try
        {
            file = JsonSerializer.Deserialize<SequenceFile>(File.ReadAllText(path),
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow })
                ?? throw new InvalidModelInputException("input", path, "empty JSON");
        }
        catch (JsonException e)
        {
            throw new InvalidModelInputException(e.Path ?? "input", path, e.Message);
        }
        var ids = file.Ids ?? throw new InvalidModelInputException("ids", "missing", $"required in {path}");
        if (ids.Length == 0) throw new InvalidModelInputException("ids", "[]", "needs at least one token");
        var local = file.LocalPositions ?? throw new InvalidModelInputException("local_positions", "missing", $"required in {path}");
        var patches = file.Patches ?? [];
        for (var p = 0; p < patches.Length; p++)
            if (patches[p].Length != TokenBatchInputs.PatchPixels)
                throw new InvalidModelInputException($"patches[{p}]", patches[p].Length, $"must hold {TokenBatchInputs.PatchPixels} floats");
        return new TokenBatchInputs(ids, local, patches.SelectMany(p => p).ToArray(), file.PatchRows ?? [], file.PatchCols ?? []);
    }
}
