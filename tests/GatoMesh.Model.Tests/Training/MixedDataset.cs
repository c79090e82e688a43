using GatoMesh.Tokens;

namespace GatoMesh.Model.Tests;

/// <summary>
/// A tiny mixed-modality dataset encoded by GatoMesh.Tokens: episodes whose observations hold a 32x32
/// image (4 patches), an instruction (SentencePiece text) and two continuous values, and whose actions
/// are two continuous values and one discrete value in [0, 4).
/// </summary>
internal static class MixedDataset
{
    private static readonly Lazy<string> TextModel = new(TrainTextModel);

    public static TokenBuffer[] Episodes(GatoConfig config, int episodes, int steps, int seed)
    {
        var text = SentencePieceTokenizer.Load(TextModel.Value);
        var spec = new EmbodimentSpec("mixed",
            [FieldSpec.Image("camera", 32, 32), FieldSpec.Text("instruction", 24), FieldSpec.Continuous("state", 2)],
            [FieldSpec.Continuous("arm", 2), FieldSpec.Discrete("grip", [1], 0, 4)]);
        var encoder = new TimestepEncoder(spec, new TokenSpace(config.TextVocab), text);
        string[] instructions = ["pick the blue box", "grab the cup", "move the block", "open"];
        var random = new Random(seed);
        var sequences = new TokenBuffer[episodes];
        for (var e = 0; e < episodes; e++)
        {
            sequences[e] = new TokenBuffer();
            for (var s = 0; s < steps; s++)
            {
                var pixels = new byte[32 * 32 * 3];
                random.NextBytes(pixels);
                var observation = new Observation()
                    .SetImage("camera", ImageValue.FromHwc(pixels, 32, 32))
                    .SetText("instruction", instructions[random.Next(instructions.Length)])
                    .SetContinuous("state", [(float)random.NextDouble(), (float)-random.NextDouble()]);
                var action = new ActionValues()
                    .SetContinuous("arm", [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1)])
                    .SetDiscrete("grip", [random.Next(4)]);
                encoder.Encode(observation, action, sequences[e], PatchPositions.Evaluation);
            }
        }
        return sequences;
    }

    private static string TrainTextModel()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "docs", "examples", "corpus.txt")))
            root = Path.GetDirectoryName(root) ?? throw new FileNotFoundException("docs/examples/corpus.txt above " + AppContext.BaseDirectory);
        // Beside the test assembly, not in /tmp: the same corpus and seed always give the same pieces.
        var output = Path.Combine(AppContext.BaseDirectory, "mixed-dataset-text");
        return SentencePieceTrainer.Train(Path.Combine(root, "docs", "examples", "corpus.txt"), 64, output);
    }
}
