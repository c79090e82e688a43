using GatoMesh.Envs;
using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>
/// The demonstration a session is prompted with (paper section 2.4: "the prompt is a demonstration"): an expert
/// episode of the same task, on a seed no evaluated episode uses, cut to its last whole timesteps that fit a token
/// budget, as half of training's prompts are (docs/TOKENS.md, "Training sequences"). A task whose timesteps carry
/// text (the grid world's mission) gets none: its timestep alone is longer than a quarter of the served window.
/// </summary>
public static class DemonstrationPrompt
{
    /// <summary>Demonstrations come from seeds this far above the evaluated one: beyond every evaluated and generated seed.</summary>
    public const ulong SeedOffset = 1UL << 40;

    public static IReadOnlyList<RecordedStep> For(EnvironmentTask task, ulong seed, int tokens)
    {
        using var environment = task.CreateEnvironment();
        var spec = environment.Spec;
        if (spec.Observation.Any(f => f.Kind == FieldKind.Text)) return [];
        var episode = Rollout.Run(task.Name, environment, task.CreateExpert(environment), seed + SeedOffset);
        var encoder = new TimestepEncoder(spec, new TokenSpace(TokenSpace.DefaultTextVocabSize));
        var buffer = new TokenBuffer();
        var start = episode.Steps.Count;
        var used = 0;
        while (start > 0)
        {
            var step = episode.Steps[start - 1];
            buffer.Clear();
            encoder.Encode(step.Observation.ToObservation(spec), step.Action.ToAction(spec), buffer);
            if (used + buffer.Count > tokens) break;
            used += buffer.Count;
            start--;
        }
        return episode.Steps.Skip(start).ToList();
    }
}
