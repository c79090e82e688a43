using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Eval;

/// <summary>One evaluated episode: its return, steps, the latency of each agent step (observation sent to action
/// received) in milliseconds, and, for the first few episodes of a task, every step (<see cref="Frames"/>) for the
/// report's filmstrips.</summary>
public sealed record EpisodeResult(string Task, ulong Seed, double Return, int Steps, IReadOnlyList<double> StepMilliseconds)
{
    public IReadOnlyList<EpisodeFrame>? Frames { get; init; }
}

/// <summary>One step of a recorded episode: what the agent saw, what it did, and the reward.</summary>
public sealed record EpisodeFrame(FieldValues Observation, ActionValues Action, float Reward);
