using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using GatoMesh.Data;
using GatoMesh.Envs;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh data generate --tasks catch,gridworld,... --episodes N --out DIR [--json]</c>:
/// expert episodes filtered at 80% of the expert return into shards, captions, a text model and
/// manifest.json (docs/DATA.md).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var tasks = new Option<string>("--tasks")
        {
            Description = $"comma-separated: {string.Join(", ", TaskCatalog.All.Select(t => t.Name).Append(CaptionedScenes.Task))}, or all",
            DefaultValueFactory = _ => "all",
        };
        var episodes = new Option<int>("--episodes") { Description = "expert episodes per task (before the filter), or captions", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "data directory", Required = true };
        var randomEpisodes = new Option<int>("--random-episodes") { Description = "random-policy episodes for the random return", DefaultValueFactory = _ => 100 };
        var filter = new Option<double>("--filter") { Description = "keep episodes returning at least this fraction of the expert return", DefaultValueFactory = _ => 0.8 };
        var noise = new Option<double>("--expert-noise")
        {
            Description = "probability that a recorded action is the random policy's (scores are still measured without noise)",
            DefaultValueFactory = _ => 0,
        };
        var labels = new Option<string>("--noise-labels")
        {
            Description = "what a noisy step records: taken (the random action) or expert (the expert's action for that observation; DART)",
            DefaultValueFactory = _ => "taken",
        };
        var seed = new Option<ulong>("--seed") { Description = "seed of episode 0", DefaultValueFactory = _ => 0 };
        var shardRecords = new Option<int>("--shard-records") { Description = "records per shard", DefaultValueFactory = _ => 1000 };
        var textVocab = new Option<int>("--text-vocab") { Description = "SentencePiece vocabulary of missions and captions", DefaultValueFactory = _ => GenerationOptions.DefaultTextVocabSize };
        var json = new Option<bool>("--json") { Description = "print one JSON summary" };
        var command = new Command("generate", "generate expert episodes, captions and a text model")
        {
            tasks, episodes, output, randomEpisodes, filter, noise, labels, seed, shardRecords, textVocab, json,
        };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(tasks)!.Trim() == "all"
                ? TaskCatalog.All.Select(t => t.Name).Append(CaptionedScenes.Task).ToList()
                : parse.GetValue(tasks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            var directory = parse.GetValue(output)!.FullName;
            var progress = new ProgressLine();
            var (manifest, cached) = new DatasetGenerator(new GenerationOptions
            {
                Tasks = names,
                Episodes = parse.GetValue(episodes),
                OutputDirectory = directory,
                RandomEpisodes = parse.GetValue(randomEpisodes),
                FilterFraction = parse.GetValue(filter),
                ExpertNoise = parse.GetValue(noise),
                NoiseLabels = NoiseLabelsNames.Parse(parse.GetValue(labels)),
                FirstSeed = parse.GetValue(seed),
                RecordsPerShard = parse.GetValue(shardRecords),
                TextVocabSize = parse.GetValue(textVocab),
            }, progress.Report).Run();
            progress.Finish();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["out"] = directory,
                    ["manifest"] = Path.Combine(directory, DatasetManifest.FileName),
                    ["cached"] = new JsonArray(cached.Select(c => (JsonNode)c).ToArray()),
                    ["tasks"] = new JsonArray(manifest.Tasks.Select(t => (JsonNode)new JsonObject
                    {
                        ["name"] = t.Name,
                        ["episodes_generated"] = t.EpisodesGenerated,
                        ["episodes_kept"] = t.EpisodesKept,
                        ["expert_return"] = t.ExpertReturn,
                        ["random_return"] = t.RandomReturn,
                        ["threshold"] = t.Threshold,
                        ["shards"] = t.Shards.Count,
                    }).ToArray()),
                    ["captions"] = manifest.Captions?.Samples ?? 0,
                    ["text_model"] = manifest.TextModel,
                    ["expert_noise"] = manifest.ExpertNoise,
                    ["noise_labels"] = manifest.NoiseLabels,
                    ["text_vocab_size"] = manifest.TextVocabSize,
                }.ToJsonString(ReadableJson.Options));
            }
            else
            {
                foreach (var t in manifest.Tasks)
                    Console.WriteLine($"{t.Name,-18} kept {t.EpisodesKept}/{t.EpisodesGenerated}  expert {t.ExpertReturn:F3}  random {t.RandomReturn:F3}  " +
                                      $"threshold {t.Threshold:F3}  {t.Shards.Count} shard(s){(cached.Contains(t.Name) ? "  (cached)" : "")}");
                if (manifest.Captions is { } captions)
                    Console.WriteLine($"{captions.Name,-18} {captions.Samples} captioned images  {captions.Shards.Count} shard(s)");
                Console.WriteLine($"text model {Path.Combine(directory, manifest.TextModel!)} ({manifest.TextVocabSize} pieces)");
            }
            return 0;
        });
        return command;
    }
}
