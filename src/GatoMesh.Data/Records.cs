using GatoMesh.Tokens;

namespace GatoMesh.Data;

/// <summary>One timestep of a recorded episode: what the agent observed, what it did, and the
/// reward the environment gave for it.</summary>
public sealed record RecordedStep(FieldValues Observation, FieldValues Action, float Reward);

/// <summary>One recorded episode of a task, reproducible from <see cref="Seed"/> with the task's
/// environment and policy.</summary>
public sealed record EpisodeRecord(string Task, ulong Seed, IReadOnlyList<RecordedStep> Steps)
{
    /// <summary>The undiscounted return, summed in double in step order.</summary>
    public double Return => Steps.Sum(step => (double)step.Reward);

    /// <summary>The episode as the sequence builder's input (docs/TOKENS.md, "Training
    /// sequences"): each step's observation and action under the encoder's spec.</summary>
    public Episode ToEpisode(TimestepEncoder encoder) => new(Task, encoder,
        Steps.Select(step => new Timestep(step.Observation.ToObservation(encoder.Spec), step.Action.ToAction(encoder.Spec))).ToList());
}

/// <summary>One vision-language sample: an RGB image (uint8 HWC) and its caption.</summary>
public sealed record CaptionRecord(ulong Seed, byte[] Image, int Height, int Width, string Caption)
{
    /// <summary>The sample as the vision-language sequence builder's input.</summary>
    public VisionLanguageSample ToSample() => new(ImageValue.FromHwc(Image, Height, Width), Caption);
}
