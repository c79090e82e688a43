using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Model;
using GatoMesh.Tokens;
using GatoMesh.Torch;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh model export --checkpoint DIR --out DIR [--max-file-mb 4.5] [--json]</c>: a checkpoint for
/// serving only, as the shipped weights are made: the weights in bfloat16 split into files of at most
/// <c>--max-file-mb</c>, the config, the text model and the run's trainer.json (its window, history, losses and
/// provenance); no optimizer state (docs/MODEL.md, "Checkpoint files").</summary>
internal static class ModelExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<DirectoryInfo>("--checkpoint") { Description = "checkpoint folder, or a training run folder (its latest checkpoint)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "folder to write (created if missing)", Required = true };
        var maxFile = new Option<double>("--max-file-mb") { Description = "largest weight file in MiB; more tensors start another file", DefaultValueFactory = _ => 4.5 };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("export", "write a checkpoint's weights in bfloat16 for serving (the shipped weights' format)") { checkpoint, output, maxFile, json };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(checkpoint)!.FullName;
            if (File.Exists(Path.Combine(source, Trainer.LatestFile))) source = Trainer.LatestCheckpoint(source)!;
            var limit = parse.GetValue(maxFile);
            if (!(limit > 0)) throw new ArgumentOutOfRangeException("--max-file-mb", limit, "must be positive");
            var dir = parse.GetValue(output)!.FullName;
            using var model = Checkpoint.Load(source);
            var files = Checkpoint.Export(model, dir, DType.BFloat16, (long)(limit * 1024 * 1024));
            foreach (var name in new[] { SentencePieceTrainer.ModelFileName, "trainer.json" })
                if (File.Exists(Path.Combine(source, name)))
                    File.Copy(Path.Combine(source, name), Path.Combine(dir, name), overwrite: true);
            var bytes = files.Sum(f => new FileInfo(f).Length);
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["source"] = source, ["out"] = dir, ["files"] = new JsonArray([.. files.Select(f => (JsonNode)Path.GetFileName(f)!)]),
                    ["bytes"] = bytes, ["dtype"] = "bf16",
                }.ToJsonString());
            else
                Console.WriteLine($"wrote {model.Config.Preset} from {source} to {dir}: {files.Count} bf16 file(s), {bytes / 1048576.0:F2} MiB");
            return 0;
        });
        return command;
    }
}
