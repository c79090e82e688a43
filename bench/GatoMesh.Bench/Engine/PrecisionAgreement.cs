using System.Text.Json.Nodes;
using GatoMesh.Model;
using GatoMesh.Model.Engine;
using GatoMesh.Tokens;

namespace GatoMesh.Bench.Engine;

/// <summary>
/// What bf16 serving changes in the actions (bench/README.md, "agreement"): episodes are recorded with the
/// fp32 engine (agents of a fleet task acting on its actions), then every recorded step is asked again of a
/// bf16 engine and of a fresh fp32 engine with the recorded history as its context (teacher forcing: both see
/// exactly the fp32 run's tokens). Reports the share of action tokens equal to the recorded ones and, for
/// continuous tokens, how many bins they are off. The fp32 replay is the control (cached decode equals a
/// recompute, so it should agree everywhere).
///
///   GatoMesh.Bench agreement [--presets gato-tiny,gato-small] [--tasks synthetic,arm7,cartpole-swingup,gridworld]
///       [--episodes 8] [--steps 40] [--out bf16-agreement]
/// </summary>
internal static class PrecisionAgreement
{
    public static int Run(string[] args)
    {
        var presets = Option(args, "--presets", "gato-tiny,gato-small").Split(',');
        var tasks = Option(args, "--tasks", "synthetic,arm7,cartpole-swingup,gridworld").Split(',');
        var episodes = int.Parse(Option(args, "--episodes", "8"));
        var steps = int.Parse(Option(args, "--steps", "40"));
        Torch.Torch.Threads = 1;
        var rows = new JsonArray();
        foreach (var preset in presets)
        {
            using var model = new GatoModel(Presets.Get(preset), seed: 0);
            foreach (var name in tasks)
            {
                using var task = BenchTask.Get(name);
                var row = Measure(model, task, episodes, steps).GetAwaiter().GetResult();
                Console.Error.WriteLine($"bench agreement: {preset} {name}: {row.ToJsonString()}");
                rows.Add(row);
            }
        }
        BenchResults.Write(Option(args, "--out", "bf16-agreement"), new JsonObject
        {
            ["benchmark"] = "agreement",
            ["method"] = "episodes recorded with the fp32 engine (seeded random weights, seed 0; greedy, continuous tokens as expected values); each step asked again with the recorded history as context of a bf16 engine and of a fresh fp32 engine",
            ["runs"] = rows,
        });
        return 0;
    }

    static async Task<JsonObject> Measure(GatoModel model, BenchTask task, int episodes, int steps)
    {
        var config = model.Config;
        var space = new TokenSpace(config.TextVocab);
        var encoder = new TimestepEncoder(task.Spec, space, task.Text);
        var decoder = new ActionDecoder(task.Spec, space);
        var continuous = task.Spec.ContinuousActionTokens();
        TokenRange[] ranges = [.. task.Spec.ActionIdRanges(space).Select((r, i) => new TokenRange(r.Low, r.High) { Continuous = continuous[i] })];
        var recorded = new List<List<CompletedTimestep>>();
        await using (var fp32 = new InferenceEngine(model, new EngineOptions()))
        {
            var buffer = new TokenBuffer(256, 16);
            for (var e = 0; e < episodes; e++)
            {
                using var environment = task.Create();
                var observation = environment.Reset((ulong)(1000 + e));
                var episode = new List<CompletedTimestep>();
                for (var t = 0; t < steps; t++)
                {
                    buffer.Clear();
                    encoder.Encode(observation.ToObservation(task.Spec), null, buffer);
                    var tokens = TokenBatchInputs.From(buffer);
                    if (episode.Sum(s => s.Observation.Count + s.Actions.Length) + tokens.Count + ranges.Length > fp32.ContextWindow) break;
                    var action = (ActResult.Action)await fp32.ActAsync(new ActRequest
                    {
                        SequenceId = $"e{e}", Timestep = t, Observation = tokens, ActionSpec = ranges,
                        Context = t == 0 ? new SequenceContext(TokenBatchInputs.Text([], []), []) : null,
                    });
                    episode.Add(new CompletedTimestep(tokens, action.Tokens));
                    var result = environment.Step(decoder.Decode([.. action.Tokens.Select(x => (int)x)]));
                    if (result.Done) break;
                    observation = result.Observation;
                }
                recorded.Add(episode);
            }
        }
        var row = new JsonObject
        {
            ["preset"] = config.Preset,
            ["task"] = task.Name,
            ["episodes"] = episodes,
            ["steps"] = recorded.Sum(e => e.Count),
            ["action_tokens"] = recorded.Sum(e => e.Sum(s => s.Actions.Length)),
        };
        foreach (var precision in new[] { ComputePrecision.Float32, ComputePrecision.BFloat16 })
        {
            await using var replay = new InferenceEngine(model, new EngineOptions { Precision = precision });
            long same = 0, total = 0, stepsSame = 0, continuousTokens = 0;
            double binDistance = 0;
            for (var e = 0; e < recorded.Count; e++)
            {
                var episode = recorded[e];
                for (var t = 0; t < episode.Count; t++)
                {
                    var id = $"r{e}-{t}";
                    var answer = (ActResult.Action)await replay.ActAsync(new ActRequest
                    {
                        SequenceId = id, Timestep = t, Observation = episode[t].Observation, ActionSpec = ranges,
                        Context = new SequenceContext(TokenBatchInputs.Text([], []), [.. episode.Take(t)]),
                    });
                    replay.ReleaseSequence(id);
                    var expected = episode[t].Actions;
                    var allSame = true;
                    for (var k = 0; k < expected.Length; k++)
                    {
                        total++;
                        if (answer.Tokens[k] == expected[k]) same++;
                        else allSame = false;
                        if (!ranges[k].Continuous) continue;
                        continuousTokens++;
                        binDistance += Math.Abs(answer.Tokens[k] - expected[k]);
                    }
                    if (allSame) stepsSame++;
                }
            }
            var name = precision.Name();
            row[$"{name}_token_agreement"] = total > 0 ? Math.Round((double)same / total, 4) : null;
            row[$"{name}_step_agreement"] = row["steps"]!.GetValue<int>() > 0 ? Math.Round((double)stepsSame / row["steps"]!.GetValue<int>(), 4) : null;
            row[$"{name}_mean_bin_distance"] = continuousTokens > 0 ? Math.Round(binDistance / continuousTokens, 3) : null;
        }
        return row;
    }

    static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
