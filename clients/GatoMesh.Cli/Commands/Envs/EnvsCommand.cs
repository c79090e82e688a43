using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Data;
using GatoMesh.Envs;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh envs list [--data DIR] [--json]</c>: the tasks, their specs and, from a
/// data directory's manifest, their expert and random returns (docs/ENVS.md).</summary>
internal static class EnvsCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "data directory whose manifest holds the scores" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var list = new Command("list", "list tasks with their specs and scores") { data, json };
        list.SetAction(parse =>
        {
            var directory = parse.GetValue(data);
            var manifest = directory is null ? null : DatasetManifest.TryLoad(directory.FullName)
                ?? throw new ManifestException(Path.Combine(directory.FullName, DatasetManifest.FileName), "no manifest; run gatomesh data generate");
            var tasks = new JsonArray();
            foreach (var task in TaskCatalog.All)
            {
                using var environment = task.CreateEnvironment();
                var scores = manifest?.Tasks.FirstOrDefault(t => t.Name == task.Name);
                tasks.Add(new JsonObject
                {
                    ["name"] = task.Name,
                    ["description"] = task.Description,
                    ["max_steps"] = environment.MaxSteps,
                    ["spec"] = SpecJsonWriter.ToJson(environment.Spec),
                    ["expert_return"] = scores?.ExpertReturn,
                    ["random_return"] = scores?.RandomReturn,
                });
                if (!parse.GetValue(json))
                {
                    Console.WriteLine($"{task.Name}: {task.Description}");
                    Console.WriteLine($"  observation: {string.Join("; ", environment.Spec.Observation)}");
                    Console.WriteLine($"  action:      {string.Join("; ", environment.Spec.Action)}");
                    Console.WriteLine(scores is null
                        ? $"  max steps {environment.MaxSteps}"
                        : $"  max steps {environment.MaxSteps}, expert return {scores.ExpertReturn:F3}, random return {scores.RandomReturn:F3}");
                }
            }
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["tasks"] = tasks,
                    ["vision_language"] = new JsonObject { ["name"] = CaptionedScenes.Task, ["image"] = new JsonArray(GridRenderer.Side, GridRenderer.Side, 3) },
                }.ToJsonString(ReadableJson.Options));
            else
                Console.WriteLine($"{CaptionedScenes.Task}: {GridRenderer.Side}x{GridRenderer.Side} RGB grid rooms with captions (no actions)");
            return 0;
        });
        return new Command("envs", "the environments and their scripted experts") { list };
    }
}
