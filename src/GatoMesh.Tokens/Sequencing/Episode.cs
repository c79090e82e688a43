namespace GatoMesh.Tokens;

/// <summary>One observation and the action taken after it.</summary>
public sealed record Timestep(Observation Observation, ActionValues Action);

/// <summary>One recorded episode of a task, with the encoder of the task's embodiment. Prompts are
/// drawn from other episodes with the same <see cref="Task"/>.</summary>
public sealed record Episode(string Task, TimestepEncoder Encoder, IReadOnlyList<Timestep> Steps);
