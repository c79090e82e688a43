namespace GatoMesh.Torch.Optim;

/// <summary>
/// Gato's learning-rate schedule (paper section 2.3; GATO.md "Training"): linear warmup from 0 to
/// <see cref="Peak"/> over <see cref="WarmupSteps"/> steps, then cosine decay to <see cref="Floor"/>
/// (a tenth of the peak unless given) at <see cref="TotalSteps"/>, and the floor after that.
/// </summary>
public sealed record LearningRateSchedule
{
    public LearningRateSchedule(double peak, long warmupSteps, long totalSteps, double? floor = null)
    {
        if (!(peak > 0) || double.IsInfinity(peak)) throw new ArgumentOutOfRangeException(nameof(peak), peak, "a finite peak > 0");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmup steps must be >= 0");
        if (totalSteps < warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"total steps must be >= the {warmupSteps} warmup steps");
        var f = floor ?? peak / 10;
        if (!(f >= 0 && f <= peak)) throw new ArgumentOutOfRangeException(nameof(floor), f, $"floor must be in [0, {peak}]");
        Peak = peak;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        Floor = f;
    }

    public double Peak { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }
    public double Floor { get; }

    /// <summary>The learning rate for step <paramref name="step"/> (0-based: the number of steps already taken).</summary>
    public double At(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "steps count from 0");
        if (step < WarmupSteps) return Peak * step / WarmupSteps;
        if (step >= TotalSteps) return Floor;
        var progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return Floor + (Peak - Floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
