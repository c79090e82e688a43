using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GatoMesh.Torch;

namespace GatoMesh.Model.Tests;

/// <summary>
/// docs/MODEL.md is complete: gato_reference.py, written from the document alone, loads our
/// safetensors file and reproduces our logits (Debian's /usr/bin/python3 with python3-torch).
/// </summary>
public sealed class ReferenceImplementationTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "gatomesh-reference-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData(true)]      // every preset
    [InlineData(false)]     // checkpoints written before patch_norm existed
    public void An_independent_pytorch_implementation_of_the_document_reproduces_our_logits(bool patchNorm)
    {
        var config = Presets.Tiny with { PatchNorm = patchNorm };
        using var model = new GatoModel(config, seed: 31);
        Checkpoint.Save(model, dir);
        // Text, continuous bins, a separator, 4 patches of a 32x32 image, and an action at 511.
        var tokens = SampleTokens.Concat(
            TokenBatchInputs.Text([17, 900, config.SeparatorId - 5], [0, 1, 2]),
            SampleTokens.Random(config, 10, seed: 5, patchFraction: 0.5),
            TokenBatchInputs.Text([config.SeparatorId, 3], [13, 511]));
        Assert.True(tokens.PatchCount >= 2);
        var sequence = Path.Combine(dir, "sequence.json");
        File.WriteAllText(sequence, new JsonObject
        {
            ["ids"] = new JsonArray(tokens.Ids.Select(i => (JsonNode)i).ToArray()),
            ["local_positions"] = new JsonArray(tokens.LocalPositions.Select(i => (JsonNode)i).ToArray()),
            ["patches"] = new JsonArray(tokens.Patches.Chunk(TokenBatchInputs.PatchPixels)
                .Select(p => (JsonNode)new JsonArray(p.Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["patch_rows"] = new JsonArray(tokens.PatchRows.Select(i => (JsonNode)i).ToArray()),
            ["patch_cols"] = new JsonArray(tokens.PatchCols.Select(i => (JsonNode)i).ToArray()),
        }.ToJsonString());

        float[] ours;
        using (DisposeScope.Begin()) ours = model.Logits(model.Forward(ModelInput.Single(tokens))).ToArray<float>();
        var theirs = RunReference(dir, sequence);

        Assert.Equal(tokens.Count, theirs.Length);
        var vocab = config.VocabSize;
        var worst = 0.0;
        for (var t = 0; t < theirs.Length; t++)
        {
            Assert.Equal(vocab, theirs[t].Length);
            for (var v = 0; v < vocab; v++) worst = Math.Max(worst, Math.Abs(theirs[t][v] - ours[t * vocab + v]));
        }
        Assert.True(worst <= 1e-4, $"largest logit difference {worst}");
    }

    private static double[][] RunReference(string checkpoint, string sequence)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "gato_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(checkpoint);
        start.ArgumentList.Add(sequence);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"reference failed: {stderr.Result}");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("logits").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
    }
}
